package pdf

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/followup"
)

// AppealLetter prints an appeal letter on US Letter from the claim's
// facts: the practice's letterhead, the payer and its appeals address,
// the reference block (patient, member ID, claim and payer claim numbers,
// dates of service), the services and the denial's reason and remark codes
// in words, the biller's argument, and the documents enclosed. The same
// letter gives the same file.
func AppealLetter(w io.Writer, l *followup.Letter) error {
	if l == nil || l.Practice == nil || l.Patient == nil || l.Claim == nil || l.Appeal == nil {
		return rcm.Errorf(rcm.EINVALID, "An appeal letter needs its practice, patient, claim and appeal.")
	}
	f := fpdf.New("P", "mm", "Letter", "")
	f.SetMargins(20, 20, 20)
	f.SetAutoPageBreak(true, 20)
	f.SetCreator("OpenRCM", false)
	f.SetTitle(l.Subject(), false)
	f.SetCatalogSort(true)
	fixed := time.Date(2012, 2, 1, 0, 0, 0, 0, time.UTC)
	f.SetCreationDate(fixed)
	f.SetModificationDate(fixed)
	tr := f.UnicodeTranslatorFromDescriptor("")
	f.AddPage()
	line := func(size float64, style, s string) {
		f.SetFont("Helvetica", style, size)
		f.MultiCell(0, size*0.5, tr(s), "", "L", false)
	}
	gap := func(h float64) { f.Ln(h) }

	p := l.Practice
	line(13, "B", p.Name)
	line(10, "", p.Address.Line1)
	line(10, "", fmt.Sprintf("%s, %s %s", p.Address.City, p.Address.State, zip(p.Address.ZIP)))
	line(10, "", fmt.Sprintf("NPI %s   Tax ID %s", p.NPI, p.TIN))
	gap(6)
	line(10, "", usDate(l.Date))
	gap(4)
	line(10, "", l.PayerName)
	line(10, "", "Attn: Appeals")
	for _, a := range l.PayerAddress {
		line(10, "", a)
	}
	gap(6)
	line(11, "B", "Re: "+l.Subject())
	gap(2)
	pt := l.Patient
	name := strings.Join(strings.Fields(strings.Join([]string{pt.FirstName, pt.MiddleName, pt.LastName}, " ")), " ")
	from, to := l.Claim.DateOfService, l.Claim.DateOfService
	for _, cl := range l.Claim.Lines {
		if d := cl.DateOfService; !d.IsZero() && d.After(to) {
			to = d
		}
	}
	dos := usDate(from)
	if to != from {
		dos += " to " + usDate(to)
	}
	payerClaim := l.PayerClaim
	if payerClaim == "" {
		payerClaim = "not assigned"
	}
	for _, kv := range [][2]string{
		{"Patient", name},
		{"Date of birth", usDate(pt.BirthDate)},
		{"Member ID", l.MemberID},
		{"Claim number", l.Claim.ControlNumber},
		{"Payer claim number", payerClaim},
		{"Date(s) of service", dos},
		{"Billed", l.Claim.TotalCharge().Dollars()},
	} {
		f.SetFont("Helvetica", "B", 10)
		f.CellFormat(45, 5, tr(kv[0]+":"), "", 0, "L", false, 0, "")
		f.SetFont("Helvetica", "", 10)
		f.CellFormat(0, 5, tr(kv[1]), "", 1, "L", false, 0, "")
	}
	gap(4)
	line(10, "", "To whom it may concern:")
	gap(2)
	line(10, "", sentence(fmt.Sprintf("We appeal your decision on the claim above (%s level) and ask that it be reconsidered. Reason for the appeal: %s",
		l.Appeal.Level, l.Appeal.Reason)))
	gap(3)
	line(10, "B", "Services billed")
	var dx []string
	for _, d := range l.Claim.Diagnoses {
		dx = append(dx, d.Code)
	}
	for i, cl := range l.Claim.Lines {
		code := cl.Code
		if len(cl.Modifiers) > 0 {
			code += "-" + strings.Join(cl.Modifiers, "-")
		}
		line(10, "", fmt.Sprintf("Line %d: %s, %d unit(s), %s", i+1, code, max(cl.Units, 1), cl.Charge.Dollars()))
	}
	line(10, "", "Diagnoses (ICD-10-CM): "+strings.Join(dx, ", "))
	gap(3)
	line(10, "B", "The denial")
	if len(l.Denials) == 0 {
		line(10, "", "The payer's remittance for this claim is not on file with us.")
	}
	for _, d := range l.Denials {
		what := "The claim"
		if d.Code != "" {
			what = fmt.Sprintf("Line %d (%s)", d.Line, d.Code)
		}
		var reasons []string
		for _, r := range d.Reasons {
			reasons = append(reasons, fmt.Sprintf("%s-%s %s", r.Group, r.Code, r.Meaning))
		}
		for _, r := range d.Remarks {
			reasons = append(reasons, fmt.Sprintf("remark %s %s", r.Code, r.Meaning))
		}
		line(10, "", sentence(fmt.Sprintf("%s, %s not paid on the remittance of %s: %s", what, d.Amount.Dollars(), usDate(d.Date), strings.Join(reasons, "; "))))
	}
	gap(3)
	line(10, "B", "Why the decision should be reversed")
	line(10, "", l.Appeal.Argument)
	gap(3)
	if len(l.Appeal.Documents) > 0 {
		line(10, "B", "Enclosed")
		for _, d := range l.Appeal.Documents {
			line(10, "", "- "+d)
		}
		gap(3)
	}
	contact := p.Name
	if p.Phone != "" {
		contact += ", " + phone(p.Phone)
	}
	line(10, "", fmt.Sprintf("Please send your decision by %s. Questions about this appeal: %s.", usDate(l.Appeal.AnswerBy), contact))
	gap(6)
	line(10, "", "Sincerely,")
	gap(8)
	line(10, "", "Billing Office, "+p.Name)
	if err := f.Error(); err != nil {
		return fmt.Errorf("render appeal letter: %w", err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("write appeal letter: %w", err)
	}
	return nil
}

func phone(s string) string {
	if len(s) == 10 {
		return "(" + s[:3] + ") " + s[3:6] + "-" + s[6:]
	}
	return s
}

// sentence ends s with one full stop: the code lists' meanings often end
// with their own.
func sentence(s string) string {
	return strings.TrimRight(s, ". ") + "."
}
