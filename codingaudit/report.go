package codingaudit

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/sheet"
)

// ItemReport is one re-coded encounter's scores: the coder's and the
// suggestions' (when the note was read), against the auditor's codes.
type ItemReport struct {
	Item
	Coder   Score  `json:"coder"`
	Machine *Score `json:"suggestions,omitempty"`
}

// Report is an audit's result: each re-coded encounter scored, and the
// coder's and the suggestions' totals over them. Encounters not yet
// re-coded are counted in Pending and left out of every figure.
type Report struct {
	Audit   *Audit       `json:"audit"`
	Items   []ItemReport `json:"encounters"`
	Pending int          `json:"pending"`
	Coder   Score        `json:"coder"`
	// Machine is the suggestions' total over the encounters with a note.
	Machine Score `json:"suggestions"`
}

// Describer gives a code's words: *codeset.Catalog's Describe, which
// reads ICD-10-CM and HCPCS from the official files and CPT from the
// practice's licensed import or its own labels, never AMA text shipped
// with OpenRCM.
type Describer interface {
	Describe(sys codeset.System, org, code string, dos rcm.Date) string
}

// MakeReport scores an audit's re-coded encounters, prices the
// differences from the practice's fee schedule on each date of service,
// and puts both codes of each difference in words.
func MakeReport(ctx context.Context, st Store, desc Describer, id int64) (*Report, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermAuditCoding)
	if err != nil {
		return nil, err
	}
	au, err := st.FindCodingAudit(ctx, id)
	if err != nil {
		return nil, err
	}
	org := strconv.FormatInt(a.OrgID, 10)
	r := &Report{Audit: au.Blind()}
	for _, it := range au.Items {
		if !it.Recoded() {
			r.Pending++
			continue
		}
		price, err := pricesFor(ctx, st, it)
		if err != nil {
			return nil, err
		}
		ir := ItemReport{Item: it, Coder: ScoreCoding(*it.Auditor, *it.Coder, price)}
		Describe(&ir.Coder, desc, org, it.DateOfService)
		r.Coder.Add(ir.Coder)
		if it.Machine != nil {
			m := ScoreCoding(*it.Auditor, *it.Machine, price)
			Describe(&m, desc, org, it.DateOfService)
			ir.Machine = &m
			r.Machine.Add(m)
		}
		r.Items = append(r.Items, ir)
	}
	return r, nil
}

// Describe fills the words of both codes of every difference.
func Describe(s *Score, desc Describer, org string, dos rcm.Date) {
	if desc == nil {
		return
	}
	words := func(proc bool, code string) string {
		if code == "" {
			return ""
		}
		if proc {
			return desc.Describe(codeset.HCPCS, org, code, dos)
		}
		return desc.Describe(codeset.ICD10CM, org, code, dos)
	}
	for i := range s.Diffs {
		d := &s.Diffs[i]
		d.TruthDescription = words(d.Procedure(), d.TruthCode)
		d.CodedDescription = words(d.Procedure(), d.CodedCode)
	}
}

// pricesFor reads the fee of every code and first modifier on either side
// of an item, on its date of service, for its practice and provider.
func pricesFor(ctx context.Context, st Store, it Item) (Price, error) {
	type key struct{ code, mod string }
	fees := map[key]rcm.Money{}
	for _, c := range []*Coding{it.Coder, it.Auditor, it.Machine} {
		if c == nil {
			continue
		}
		for _, l := range c.Normalize().Lines {
			k := key{code: l.Code}
			if len(l.Modifiers) > 0 {
				k.mod = l.Modifiers[0]
			}
			if _, done := fees[k]; done {
				continue
			}
			m, err := st.FindFeeFor(ctx, rcm.FeeQuery{PracticeID: it.PracticeID, ProviderID: it.ProviderID, Code: k.code, Modifier: k.mod, On: it.DateOfService})
			switch {
			case rcm.ErrorCode(err) == rcm.ENOTFOUND:
				m = -1
			case err != nil:
				return nil, fmt.Errorf("price %s: %w", k.code, err)
			}
			fees[k] = m
		}
	}
	return func(code, mod string) (rcm.Money, bool) {
		m, ok := fees[key{code, mod}]
		if !ok || m < 0 {
			return 0, false
		}
		return m, true
	}, nil
}

// WriteCSV writes the report's differences, one row each, for the coder
// and for the suggestions: who, encounter, date of service, kind, both
// codes with their words, and the dollar effect (positive over-coded).
func (r *Report) WriteCSV(w io.Writer) error {
	cw, err := sheet.NewWriter(w, []string{"coded_by", "encounter", "date_of_service", "difference", "auditor_code", "auditor_description", "coded", "coded_description", "effect", "priced"})
	if err != nil {
		return err
	}
	row := func(who string, it ItemReport, d Difference) error {
		effect, priced := "", ""
		if d.Procedure() {
			effect, priced = d.Effect.String(), "yes"
			if d.Unpriced {
				priced = "no"
			}
		}
		return cw.Row(who, strconv.FormatInt(it.EncounterID, 10), it.DateOfService.String(), d.Kind, d.Truth, d.TruthDescription, d.Coded, d.CodedDescription, effect, priced)
	}
	for _, it := range r.Items {
		for _, d := range it.Coder.Diffs {
			if err := row(r.Audit.CoderName, it, d); err != nil {
				return err
			}
		}
	}
	for _, it := range r.Items {
		if it.Machine != nil {
			for _, d := range it.Machine.Diffs {
				if err := row("suggestions", it, d); err != nil {
					return err
				}
			}
		}
	}
	return cw.Flush()
}

// Row is a line of the summary table: who is scored and the rates.
type Row struct {
	Who   string
	Score Score
}

// Rows are the summary table's rows: the coder, and the suggestions beside
// them when any note was read.
func (r *Report) Rows() []Row {
	rows := []Row{{Who: r.Audit.CoderName, Score: r.Coder}}
	if r.Machine.Encounters > 0 {
		rows = append(rows, Row{Who: "suggestions (machine)", Score: r.Machine})
	}
	return rows
}

// Pct writes a rate as a whole percentage.
func Pct(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" }

// WriteText writes the summary a command line prints.
func (r *Report) WriteText(w io.Writer) {
	au := r.Audit
	fmt.Fprintf(w, "Coding audit %d: %s's encounters from %s to %s, %d drawn of %d (seed %d), %d re-coded by %s, %d pending\n",
		au.ID, au.CoderName, au.From, au.To, len(au.Items), au.Frame, au.Seed, len(r.Items), au.AuditorName, r.Pending)
	fmt.Fprintf(w, "%-22s %4s %6s %6s %6s %6s %6s %6s %6s %10s %10s\n", "coded by", "enc", "dx P", "dx R", "px P", "px R", "first", "mods", "units", "over", "under")
	for _, row := range r.Rows() {
		s := row.Score
		fmt.Fprintf(w, "%-22s %4d %6s %6s %6s %6s %6s %6s %6s %10s %10s\n", row.Who, s.Encounters, Pct(s.DxPrecision()), Pct(s.DxRecall()),
			Pct(s.ProcPrecision()), Pct(s.ProcRecall()), Pct(s.FirstListedRate()), Pct(s.ModifiersRate()), Pct(s.UnitsRate()), s.OverCoded.Dollars(), s.UnderCoded.Dollars())
	}
	for _, it := range r.Items {
		if len(it.Coder.Diffs) == 0 {
			fmt.Fprintf(w, "encounter %d (%s): coder agrees with the auditor\n", it.EncounterID, it.DateOfService)
			continue
		}
		fmt.Fprintf(w, "encounter %d (%s):\n", it.EncounterID, it.DateOfService)
		for _, d := range it.Coder.Diffs {
			fmt.Fprintf(w, "  %s\n", d.Text())
		}
	}
}

// Procedure reports whether the difference is about a procedure line
// (the kinds with a dollar effect) rather than a diagnosis.
func (d Difference) Procedure() bool {
	switch d.Kind {
	case DxMissed, DxUnsupported, FirstListed:
		return false
	}
	return true
}

// Text is a difference in a sentence: the kind, the auditor's code with its
// words, the coded one with its words, and the effect.
func (d Difference) Text() string {
	side := func(code, words string) string {
		if code == "" {
			return "none"
		}
		if words == "" {
			return code
		}
		return code + " " + words
	}
	s := fmt.Sprintf("%s: auditor %s; coded %s", d.Kind, side(d.Truth, d.TruthDescription), side(d.Coded, d.CodedDescription))
	switch {
	case d.Unpriced:
		s += " (no fee on the date of service)"
	case d.Effect > 0:
		s += " (over-coded " + d.Effect.Dollars() + ")"
	case d.Effect < 0:
		s += " (under-coded " + (-d.Effect).Dollars() + ")"
	}
	return s
}
