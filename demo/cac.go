package demo

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/suggest"
)

// noteVisits are visits the demo codes from their notes alone: the note
// goes through the suggestions, and the coder's decisions go through the
// same store door as the workbench's Accept button, so each diagnosis (and
// each drug, with its units) lands on the encounter with its evidence.
// The visit code (CPT) is entered by hand: the suggestions do not propose
// procedures.
var noteVisits = []struct {
	note  string
	visit string
}{
	{"Chief complaint: diabetes follow-up. Assessment: 1. Type 2 diabetes mellitus without complications. 2. Essential hypertension, well controlled. Denies chest pain. Plan: continue metformin.", "99214"},
	{"Acute low back pain after lifting a box, no radiation. Ketorolac 15 mg IM given in the office. Assessment: low back pain.", "99213"},
	{"Burning on urination. Urinalysis positive for nitrites. Assessment: acute cystitis without hematuria. No fever. Ceftriaxone 1 g IM given.", "99213"},
}

// codeFromNotes documents three more visits and codes them through the
// suggestions, printing each code with its evidence and the findings the
// reader left out (a negated one among them), then the suggestions'
// measure from the decisions.
func (r *run) codeFromNotes(ctx context.Context) (context.Context, error) {
	eng := &suggest.Engine{Catalog: codeset.NewCatalog(codeset.Starter())}
	a, _ := rcm.ActorFromContext(ctx)
	for i, v := range noteVisits {
		p := r.res.Patients[i%len(r.res.Patients)]
		e := &rcm.Encounter{PatientID: p.ID, PracticeID: r.res.Practice.ID, RenderingProviderID: r.res.Providers[0].ID,
			DateOfService: rcm.DateOf(Start).AddDays(-1), PlaceOfService: "11", Note: v.note, Status: rcm.EncounterOpen,
			Lines: []rcm.ServiceLine{{Code: v.visit, Units: 1}}}
		if err := r.db.CreateEncounter(ctx, e); err != nil {
			return ctx, err
		}
		res, err := eng.Suggest(suggest.Request{Note: e.Note, DOS: e.DateOfService, Org: strconv.FormatInt(a.OrgID, 10)})
		if err != nil {
			return ctx, err
		}
		r.printf("encounter %d, %s %s: %q", e.ID, p.FirstName, p.LastName, short(v.note))
		for _, s := range res.Suggestions {
			d := &rcm.SuggestionDecision{EncounterID: e.ID, System: s.System, Code: s.Code, Units: s.Units, Decision: rcm.SuggestionAccepted}
			for _, ev := range s.Evidence {
				d.Evidence = append(d.Evidence, rcm.EvidenceSpan{Start: ev.Start, End: ev.End})
			}
			if e, err = r.db.DecideSuggestion(ctx, d); err != nil {
				return ctx, fmt.Errorf("accept %s: %w", s.Code, err)
			}
			units := ""
			if s.Units > 0 {
				units = fmt.Sprintf(" x %d", s.Units)
			}
			r.printf("  accepted %-7s%s %s, evidence %q", s.Code, units, s.Description, s.Evidence[0].Text)
		}
		for _, l := range res.LeftOut {
			r.printf("  left out %q: %s", l.Evidence.Text, l.Reason)
		}
		e.Status = rcm.EncounterCoded
		if err := r.db.UpdateEncounter(ctx, e); err != nil {
			return ctx, err
		}
		var dx, lines []string
		for _, d := range e.Diagnoses {
			dx = append(dx, d.Code)
		}
		for _, l := range e.Lines {
			lines = append(lines, fmt.Sprintf("%s x%d", l.Code, l.Units))
		}
		r.printf("  coded: dx %s; lines %s", strings.Join(dx, ","), strings.Join(lines, ", "))
		r.res.Encounters = append(r.res.Encounters, e)
	}
	ds, err := r.db.FindSuggestionDecisions(ctx, rcm.SuggestionDecisionFilter{})
	if err != nil {
		return ctx, err
	}
	final, err := r.db.FindDecidedEncounterCodes(ctx, rcm.SuggestionDecisionFilter{})
	if err != nil {
		return ctx, err
	}
	st := suggest.Measure(ds, final, suggest.ByChapter)
	r.printf("suggestions measured on %d encounters: %d decided, precision %.3f, recall proxy %.3f (rcm codes suggest-stats)",
		st.Encounters, st.Total.Decided, st.Total.Precision, st.Total.RecallProxy)
	return ctx, nil
}

// short is the start of a note, for a line of the demo's output.
func short(note string) string {
	if len(note) <= 60 {
		return note
	}
	cut := strings.LastIndexByte(note[:60], ' ')
	return note[:cut] + " ..."
}
