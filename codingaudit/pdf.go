package codingaudit

import (
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// WritePDF prints the report on US Letter, landscape: the sample (coder,
// period, size, seed, auditor), the summary table with the suggestions
// beside the coder, and each encounter's differences with both codes in
// words and their dollar effect. The same report gives the same file.
func (r *Report) WritePDF(w io.Writer) error {
	au := r.Audit
	f := fpdf.New("L", "mm", "Letter", "")
	f.SetMargins(12, 12, 12)
	f.SetAutoPageBreak(true, 12)
	f.SetCreator("OpenRCM", false)
	title := fmt.Sprintf("Coding audit %d: %s", au.ID, au.CoderName)
	f.SetTitle(title, false)
	f.SetCatalogSort(true)
	fixed := time.Date(2012, 2, 1, 0, 0, 0, 0, time.UTC)
	f.SetCreationDate(fixed)
	f.SetModificationDate(fixed)
	tr := f.UnicodeTranslatorFromDescriptor("")
	f.AddPage()
	text := func(size float64, style, s string) {
		f.SetFont("Helvetica", style, size)
		f.MultiCell(0, size*0.45, tr(s), "", "L", false)
	}
	text(14, "B", title)
	text(9, "", fmt.Sprintf("Encounters with a date of service from %s to %s: %d drawn of %d finished (seed %d) by auditor %s on %s. %d re-coded, %d pending.",
		au.From, au.To, len(au.Items), au.Frame, au.Seed, au.AuditorName, au.CreatedAt.Format("2006-01-02"), len(r.Items), r.Pending))
	text(8, "", "Auditor's codes are the truth. Precision: share of the codes given that the auditor also gave; recall: share of the auditor's codes that were given. Dollars from the practice's fee schedule on each date of service.")
	f.Ln(2)
	cols := []struct {
		h string
		w float64
	}{{"Coded by", 50}, {"Enc.", 14}, {"Dx precision", 24}, {"Dx recall", 22}, {"Proc. precision", 27}, {"Proc. recall", 23}, {"First-listed", 23}, {"Modifiers", 20}, {"Units", 16}, {"Over-coded", 22}, {"Under-coded", 22}}
	f.SetFont("Helvetica", "B", 8)
	for _, c := range cols {
		f.CellFormat(c.w, 6, c.h, "1", 0, "C", false, 0, "")
	}
	f.Ln(-1)
	f.SetFont("Helvetica", "", 8)
	for _, row := range r.Rows() {
		s := row.Score
		vals := []string{row.Who, fmt.Sprint(s.Encounters), Pct(s.DxPrecision()), Pct(s.DxRecall()), Pct(s.ProcPrecision()), Pct(s.ProcRecall()),
			Pct(s.FirstListedRate()), Pct(s.ModifiersRate()), Pct(s.UnitsRate()), s.OverCoded.Dollars(), s.UnderCoded.Dollars()}
		for i, c := range cols {
			align := "R"
			if i == 0 {
				align = "L"
			}
			f.CellFormat(c.w, 6, tr(vals[i]), "1", 0, align, false, 0, "")
		}
		f.Ln(-1)
	}
	f.Ln(3)
	for _, it := range r.Items {
		text(10, "B", fmt.Sprintf("Encounter %d, date of service %s", it.EncounterID, it.DateOfService))
		if len(it.Coder.Diffs) == 0 {
			text(9, "", "The coder's codes agree with the auditor's.")
		}
		for _, d := range it.Coder.Diffs {
			text(9, "", "- "+d.Text())
		}
		if it.Machine != nil && len(it.Machine.Diffs) > 0 {
			text(9, "I", fmt.Sprintf("Suggestions: %d differences from the auditor (diagnosis recall %s).", len(it.Machine.Diffs), Pct(it.Machine.DxRecall())))
		}
		f.Ln(1)
	}
	return f.Output(w)
}
