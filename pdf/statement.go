package pdf

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/statement"
)

// Statement prints a patient statement on US Letter: the practice and the
// patient, the amount due and its date, then one row per service (date,
// code, charge, insurance paid, adjusted, patient paid, with insurance,
// due) with the code's words under it when known, and the totals. Rows continue on further pages. The same statement
// gives the same file.
func Statement(w io.Writer, st *statement.Statement) error {
	if st == nil || st.Patient == nil || st.Practice == nil {
		return rcm.Errorf(rcm.EINVALID, "A statement needs its practice and patient.")
	}
	f := fpdf.New("P", "mm", "Letter", "")
	f.SetAutoPageBreak(false, 0)
	f.SetCreator("OpenRCM", false)
	f.SetTitle("Statement "+st.Patient.AccountNumber+" "+st.Date.String(), false)
	f.SetCatalogSort(true)
	fixed := time.Date(2012, 2, 1, 0, 0, 0, 0, time.UTC)
	f.SetCreationDate(fixed)
	f.SetModificationDate(fixed)
	tr := f.UnicodeTranslatorFromDescriptor("")

	const (
		margin    = 15.0
		rowHeight = 6.0
		perPage   = 28
		// descHeight is the line of a code's words under its row; descMax
		// the most characters it holds across the page.
		descHeight = 3.8
		descMax    = 110
	)
	cols := []struct {
		head  string
		width float64
		right bool
	}{{"Service date", 26, false}, {"Code", 28, false}, {"Charge", 22, true}, {"Insurance paid", 24, true}, {"Adjusted", 22, true},
		{"You paid", 20, true}, {"With insurance", 22, true}, {"You owe", 22, true}}
	text := func(x, y float64, size float64, style, s string) {
		f.SetFont("Helvetica", style, size)
		f.Text(x, y, tr(s))
	}
	address := func(a rcm.Address) []string {
		line1 := a.Line1
		if a.Line2 != "" {
			line1 += ", " + a.Line2
		}
		return []string{line1, fmt.Sprintf("%s, %s %s", a.City, a.State, zip(a.ZIP))}
	}
	header := func(page, pages int) float64 {
		f.AddPage()
		p := st.Practice
		text(margin, 20, 14, "B", p.Name)
		for i, l := range address(p.Address) {
			text(margin, 26+float64(i)*5, 10, "", l)
		}
		text(140, 20, 14, "B", "Statement")
		text(140, 26, 10, "", "Date: "+usDate(st.Date))
		text(140, 31, 10, "", "Account: "+st.Patient.AccountNumber)
		text(140, 36, 10, "", fmt.Sprintf("Page %d of %d", page, pages))
		// Mailed to the guarantor when one is responsible for the bill.
		to := st.AddressedTo()
		text(margin, 50, 11, "B", to.Name)
		lines := address(to.Address)
		if to.For != "" {
			lines = append(lines, "For patient: "+to.For)
		}
		for i, l := range lines {
			text(margin, 56+float64(i)*5, 10, "", l)
		}
		f.SetDrawColor(0, 0, 0)
		f.Rect(130, 46, 65, 20, "D")
		text(134, 53, 10, "", "Amount due")
		text(134, 61, 14, "B", st.Due.Dollars())
		text(165, 53, 10, "", "Pay by")
		text(165, 61, 11, "B", usDate(st.DueBy))
		y := 78.0
		x := margin
		f.SetFillColor(230, 230, 230)
		f.Rect(margin, y-4.5, 186, rowHeight, "F")
		for _, c := range cols {
			f.SetFont("Helvetica", "B", 8.5)
			if c.right {
				f.Text(x+c.width-f.GetStringWidth(c.head)-1, y, c.head)
			} else {
				f.Text(x+1, y, c.head)
			}
			x += c.width
		}
		return y + rowHeight
	}
	row := func(y float64, vals []string, style string) {
		x := margin
		f.SetFont("Helvetica", style, 9)
		for i, c := range cols {
			v := tr(vals[i])
			if c.right {
				f.Text(x+c.width-f.GetStringWidth(v)-1, y, v)
			} else {
				f.Text(x+1, y, v)
			}
			x += c.width
		}
	}
	// A service with words takes a second, smaller line under its row;
	// a page holds perPage rows' height of them.
	height := func(l statement.Line) float64 {
		if l.Description != "" {
			return rowHeight + descHeight
		}
		return rowHeight
	}
	pageOf := make([]int, len(st.Lines))
	pages, used := 1, 0.0
	for i, l := range st.Lines {
		if used+height(l) > perPage*rowHeight {
			pages, used = pages+1, 0
		}
		pageOf[i], used = pages, used+height(l)
	}
	y := header(1, pages)
	for i, l := range st.Lines {
		if i > 0 && pageOf[i] != pageOf[i-1] {
			y = header(pageOf[i], pages)
		}
		code := l.Code
		if len(l.Modifiers) > 0 {
			code += "-" + strings.Join(l.Modifiers, "-")
		}
		row(y, []string{usDate(l.DateOfService), code, l.Charge.Dollars(), l.InsurancePaid.Dollars(), l.Adjusted.Dollars(),
			l.PatientPaid.Dollars(), l.InsuranceOpen.Dollars(), l.Due.Dollars()}, "")
		if l.Description != "" {
			words := []rune(l.Description)
			if len(words) > descMax {
				words = append(words[:descMax-1], '…')
			}
			f.SetTextColor(70, 70, 70)
			text(margin+cols[0].width+1, y+descHeight, 7.5, "", string(words))
			f.SetTextColor(0, 0, 0)
		}
		y += height(l)
	}
	if len(st.Lines) == 0 {
		text(margin+1, y, 9, "", "No services.")
		y += rowHeight
	}
	f.Line(margin, y-4, margin+186, y-4)
	row(y, []string{"Total", "", st.Charges.Dollars(), st.InsurancePaid.Dollars(), st.Adjusted.Dollars(), st.PatientPaid.Dollars(),
		st.InsuranceOpen.Dollars(), st.Due.Dollars()}, "B")
	y += 2 * rowHeight
	text(margin, y, 9, "", "\"With insurance\" is still with your insurer and not yet yours to pay.")
	text(margin, y+5, 9, "", "Questions about this statement: call "+st.Practice.Name+".")
	if err := f.Error(); err != nil {
		return fmt.Errorf("render statement: %w", err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("write statement: %w", err)
	}
	return nil
}

// usDate writes a date as MM/DD/YYYY, as statements in the US do.
func usDate(d rcm.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("01/02/2006")
}
