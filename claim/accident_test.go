package claim_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/x12"
)

// TestAccidentAndOnsetCarried: the onset and accident entered on the
// encounter reach the claim built from it and its 837P (CLM11, DTP*431,
// DTP*439), which still validates against the implementation guide.
func TestAccidentAndOnsetCarried(t *testing.T) {
	ctx, f := setup(t)
	e := f.encounter
	e.Status = rcm.EncounterCoded
	e.OnsetDate = rcm.MustParseDate("2025-12-28")
	e.AccidentDate, e.AccidentCause, e.AccidentState = rcm.MustParseDate("2025-12-28"), "aa", "il"
	must(t, f.db.UpdateEncounter(ctx, e))
	stored, err := f.db.FindEncounterByID(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.OnsetDate != e.OnsetDate || stored.AccidentDate != e.AccidentDate || stored.AccidentCause != "AA" || stored.AccidentState != "IL" {
		t.Fatalf("stored encounter: onset %s accident %s %s %s", stored.OnsetDate, stored.AccidentDate, stored.AccidentCause, stored.AccidentState)
	}
	c, err := claim.Build(ctx, f.db, e.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	must(t, f.db.CreateClaim(ctx, c))
	b, err := claim.Load(ctx, f.db, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	batch := &claim.Batch{Partner: claim.Partner{SubmitterName: "Lakeside", SubmitterID: "LAKESIDE01", ContactName: "Billing", ContactPhone: "2175550140",
		ReceiverName: "Sandbox", ReceiverID: "SANDBOXCH"}, Reference: "B1", Time: time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC), Bundles: []*claim.Bundle{b}}
	if err := claim.Write837P(&buf, batch, &x12.Counter{N: 1}); err != nil {
		t.Fatal(err)
	}
	if res := x12.Validate(bytes.NewReader(buf.Bytes())); !res.Valid() {
		t.Fatalf("837P invalid: %v %v", res.Err, res.Findings)
	}
	for _, want := range []string{"*AA:::IL~", "DTP*431*D8*20251228~", "DTP*439*D8*20251228~"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("837P lacks %s:\n%s", want, buf.String())
		}
	}
}

// TestEncounterAccidentValidation names the field of each refused mix.
func TestEncounterAccidentValidation(t *testing.T) {
	base := rcm.Encounter{PatientID: 1, PracticeID: 1, RenderingProviderID: 1, DateOfService: rcm.MustParseDate("2026-01-02"), PlaceOfService: "11"}
	d := rcm.MustParseDate
	tests := []struct {
		name  string
		edit  func(e *rcm.Encounter)
		field string
	}{
		{"none", func(e *rcm.Encounter) {}, ""},
		{"employment without a date", func(e *rcm.Encounter) { e.AccidentCause = "EM" }, ""},
		{"auto without a state", func(e *rcm.Encounter) { e.AccidentCause, e.AccidentDate = "AA", d("2026-01-01") }, "accident_state"},
		{"other without a date", func(e *rcm.Encounter) { e.AccidentCause = "OA" }, "accident_date"},
		{"unknown cause", func(e *rcm.Encounter) { e.AccidentCause, e.AccidentDate = "XX", d("2026-01-01") }, "accident_cause"},
		{"date without a cause", func(e *rcm.Encounter) { e.AccidentDate = d("2026-01-01") }, "accident_cause"},
		{"accident after the visit", func(e *rcm.Encounter) { e.AccidentCause, e.AccidentDate = "OA", d("2026-02-01") }, "accident_date"},
		{"onset after the visit", func(e *rcm.Encounter) { e.OnsetDate = d("2026-02-01") }, "onset_date"},
		{"bad state", func(e *rcm.Encounter) { e.AccidentCause, e.AccidentDate, e.AccidentState = "AA", d("2026-01-01"), "I1" }, "accident_state"},
	}
	for _, tt := range tests {
		e := base
		tt.edit(&e)
		err := e.Validate()
		if got := rcm.ErrorField(err); got != tt.field || (tt.field == "") != (err == nil) {
			t.Errorf("%s: %v (field %q), want field %q", tt.name, err, got, tt.field)
		}
	}
}
