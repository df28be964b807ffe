package sqldb_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestSuggestionDecisions: a coder's accept, reject and change are stored
// one row each with the encounter, code, evidence, user, time, reason and
// replacement; accepting and changing put the code on the encounter in the
// same transaction, each decision is audited as a change of the encounter,
// and a refused decision changes nothing.
func TestSuggestionDecisions(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		s := seed(t, ctx, db)
		e := &rcm.Encounter{PatientID: s.patient.ID, PracticeID: s.practice.ID, RenderingProviderID: s.provider.ID,
			DateOfService: rcm.MustParseDate("2026-01-02"), PlaceOfService: "11", Status: rcm.EncounterCoded,
			Note:  "Assessment: type 2 diabetes. Ketorolac 15 mg IM given. No fever.",
			Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: 11000}}}
		if err := db.CreateEncounter(ctx, e); err != nil {
			t.Fatal(err)
		}
		decide := func(d rcm.SuggestionDecision) *rcm.Encounter {
			t.Helper()
			d.EncounterID = e.ID
			got, err := db.DecideSuggestion(ctx, &d)
			if err != nil {
				t.Fatalf("decide %+v: %v", d, err)
			}
			return got
		}
		got := decide(rcm.SuggestionDecision{Code: "e11.9", Evidence: []rcm.EvidenceSpan{{Start: 12, End: 27}}, Decision: "accepted"})
		if diff := cmp.Diff([]rcm.Diagnosis{{Code: "E11.9"}}, got.Diagnoses); diff != "" {
			t.Errorf("accepted diagnosis mismatch (-want +got):\n%s", diff)
		}
		if got.Status != rcm.EncounterOpen || !cmp.Equal(got.Lines[0].Pointers, []int{1}) {
			t.Errorf("after accept: status %s, line pointers %v; want open and [1]", got.Status, got.Lines[0].Pointers)
		}
		decide(rcm.SuggestionDecision{System: "hcpcs", Code: "J1885", Units: 1, Evidence: []rcm.EvidenceSpan{{Start: 29, End: 46}}, Decision: "accepted"})
		decide(rcm.SuggestionDecision{Code: "R50.9", Evidence: []rcm.EvidenceSpan{{Start: 57, End: 62}}, Decision: "rejected", Reason: "negated"})
		decide(rcm.SuggestionDecision{Code: "E11.9", Decision: "changed", Replacement: "E11.65"})

		stored, err := db.FindEncounterByID(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]rcm.Diagnosis{{Code: "E11.9"}, {Code: "E11.65"}}, stored.Diagnoses); diff != "" {
			t.Errorf("diagnoses mismatch (-want +got):\n%s", diff)
		}
		if len(stored.Lines) != 2 || stored.Lines[1].Code != "J1885" || stored.Lines[1].Units != 1 || !cmp.Equal(stored.Lines[1].Pointers, []int{1}) {
			t.Errorf("lines = %+v, want 99213 then J1885 x1 pointing at 1", stored.Lines)
		}

		for _, bad := range []rcm.SuggestionDecision{
			{EncounterID: e.ID, Code: "I10", Decision: "rejected"},                                                      // no reason
			{EncounterID: e.ID, Code: "I10", Decision: "rejected", Reason: "did not like it"},                           // not on the list
			{EncounterID: e.ID, Code: "I10", Decision: "changed"},                                                       // no replacement
			{EncounterID: e.ID, Code: "I10", Decision: "changed", Replacement: "i10"},                                   // the same code
			{EncounterID: e.ID, Code: "I10", Decision: "maybe"},                                                         // no such decision
			{EncounterID: e.ID, Code: "I10", Decision: "accepted", Reason: "other"},                                     // accept with reason
			{EncounterID: e.ID, Code: "I10", Decision: "accepted", Evidence: []rcm.EvidenceSpan{{Start: 0, End: 5000}}}, // past the note
			{EncounterID: e.ID, Code: "I10", System: "cpt", Decision: "accepted"},
		} {
			if _, err := db.DecideSuggestion(ctx, &bad); rcm.ErrorCode(err) != rcm.EINVALID {
				t.Errorf("decision %+v: error %v, want EINVALID", bad, err)
			}
		}
		if _, err := db.DecideSuggestion(ctx, &rcm.SuggestionDecision{EncounterID: e.ID + 1000, Code: "I10", Decision: "accepted"}); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Errorf("decision on a missing encounter: %v, want ENOTFOUND", err)
		}

		ds, err := db.FindSuggestionDecisions(ctx, rcm.SuggestionDecisionFilter{EncounterID: e.ID})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := rcm.ActorFromContext(ctx)
		var gotRows []rcm.SuggestionDecision
		for _, d := range ds {
			if d.At.IsZero() || d.ID == 0 {
				t.Errorf("decision %+v has no id or time", d)
			}
			r := *d
			r.ID = 0
			gotRows = append(gotRows, r)
		}
		want := []rcm.SuggestionDecision{
			{System: "icd10cm", Code: "E11.9", Evidence: []rcm.EvidenceSpan{{Start: 12, End: 27}}, Decision: "accepted"},
			{System: "hcpcs", Code: "J1885", Units: 1, Evidence: []rcm.EvidenceSpan{{Start: 29, End: 46}}, Decision: "accepted"},
			{System: "icd10cm", Code: "R50.9", Evidence: []rcm.EvidenceSpan{{Start: 57, End: 62}}, Decision: "rejected", Reason: "negated"},
			{System: "icd10cm", Code: "E11.9", Evidence: []rcm.EvidenceSpan{}, Decision: "changed", Replacement: "E11.65"},
		}
		for i := range want {
			want[i].OrgID, want[i].EncounterID, want[i].PatientID, want[i].UserID = a.OrgID, e.ID, s.patient.ID, a.UserID
		}
		if diff := cmp.Diff(want, gotRows, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".At" }, cmp.Ignore())); diff != "" {
			t.Errorf("stored decisions mismatch (-want +got):\n%s", diff)
		}
		if other, err := db.FindSuggestionDecisions(ctx, rcm.SuggestionDecisionFilter{UserID: a.UserID + 99}); err != nil || len(other) != 0 {
			t.Errorf("another user's decisions = %v, %v; want none", other, err)
		}
		if late, err := db.FindSuggestionDecisions(ctx, rcm.SuggestionDecisionFilter{From: rcm.DateOf(ds[0].At).AddDays(1)}); err != nil || len(late) != 0 {
			t.Errorf("decisions from tomorrow = %v, %v; want none", late, err)
		}

		codes, err := db.FindDecidedEncounterCodes(ctx, rcm.SuggestionDecisionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[int64][]string{e.ID: {"E11.9", "E11.65", "99213", "J1885"}}, codes); diff != "" {
			t.Errorf("decided encounters' codes mismatch (-want +got):\n%s", diff)
		}

		events, err := db.FindAuditEvents(ctx, rcm.AuditFilter{PatientID: s.patient.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		updates := 0
		for _, ev := range events {
			if ev.Entity == "encounter" && ev.EntityID == e.ID && ev.Action == rcm.AuditUpdate {
				updates++
			}
		}
		if updates != 4 {
			t.Errorf("%d encounter update events, want one per decision (4)", updates)
		}
	})
}
