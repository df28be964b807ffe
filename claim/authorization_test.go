package claim_test

import (
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
)

// TestPriorAuthorization: a claim line finds the prior authorization that
// covers its code on the date of service, carries its number (REF*G1)
// and uses its units once however often the claim is rebuilt; the payer's
// "requires prior authorization" rule is then satisfied. A second visit
// beyond the units, or one after the authorization ends, gets none, and
// the scrubber says why and what to do.
func TestPriorAuthorization(t *testing.T) {
	ctx, f := setup(t)
	db := f.db
	f.primary.Rules = []rcm.PayerRule{{Name: "Prior auth for office visits", Kind: rcm.RequirePriorAuth, Codes: []string{"992"}}}
	must(t, db.UpdatePayer(ctx, f.primary))
	d := rcm.MustParseDate
	pa := &rcm.Authorization{CoverageID: f.c1.ID, Kind: rcm.AuthPrior, Number: "PA-7781", CodeFrom: "99202", CodeTo: "99215", Units: 3,
		StartsOn: d("2026-01-01"), EndsOn: d("2026-03-31")}
	must(t, db.CreateAuthorization(ctx, pa))
	ref := &rcm.Authorization{CoverageID: f.c1.ID, Kind: rcm.AuthReferral, Number: "RF-19", ReferringNPI: "1245319599",
		StartsOn: d("2026-01-01"), EndsOn: d("2026-06-30")}
	must(t, db.CreateAuthorization(ctx, ref))
	if err := db.CreateAuthorization(ctx, &rcm.Authorization{CoverageID: f.c1.ID, Kind: rcm.AuthReferral, Number: "RF-20",
		StartsOn: d("2026-01-01"), EndsOn: d("2026-06-30")}); rcm.ErrorField(err) != "referring_npi" {
		t.Errorf("a referral without the referring NPI: %v", err)
	}
	used := func() int {
		t.Helper()
		as, err := db.FindAuthorizations(ctx, f.c1.ID)
		if err != nil || len(as) != 2 {
			t.Fatalf("authorizations: %v, %v", as, err)
		}
		for _, a := range as {
			if a.ID == pa.ID {
				return a.Used
			}
		}
		return -1
	}
	scrub := func(c *rcm.Claim) []string {
		t.Helper()
		must(t, db.CreateClaim(ctx, c))
		b, err := claim.Load(ctx, db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var rules []string
		for _, fd := range (&claim.Scrubber{Today: d("2026-01-10")}).Scrub(b) {
			if fd.Rule == "PAYER-RULE" {
				rules = append(rules, fd.Message+" Fix: "+fd.Fix)
			}
		}
		return rules
	}

	e := f.encounter // 99213 x2 and 36415 on 2026-01-02
	e.Status = rcm.EncounterCoded
	must(t, db.UpdateEncounter(ctx, e))
	c, err := claim.Build(ctx, db, e.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.PriorAuth != "PA-7781" || c.Referral != "RF-19" {
		t.Errorf("claim carries prior auth %q referral %q", c.PriorAuth, c.Referral)
	}
	if u := used(); u != 2 {
		t.Errorf("units used %d, want 2 (99213 x2; 36415 is not covered)", u)
	}
	if _, err := claim.Build(ctx, db, e.ID, 1); err != nil {
		t.Fatal(err)
	}
	if u := used(); u != 2 {
		t.Errorf("after a rebuild %d units used, want still 2", u)
	}
	if rules := scrub(c); len(rules) != 0 {
		t.Errorf("payer rule findings with the authorization: %v", rules)
	}

	for _, tt := range []struct{ name, dos string }{{"used up", "2026-01-20"}, {"expired", "2026-04-02"}} {
		e2 := &rcm.Encounter{PatientID: e.PatientID, PracticeID: e.PracticeID, RenderingProviderID: e.RenderingProviderID, DateOfService: d(tt.dos),
			PlaceOfService: "11", Status: rcm.EncounterCoded, Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
			Lines: []rcm.ServiceLine{{Code: "99213", Units: 2, Charge: 10000, Pointers: []int{1}}}}
		must(t, db.CreateEncounter(ctx, e2))
		c2, err := claim.Build(ctx, db, e2.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if c2.PriorAuth != "" {
			t.Errorf("%s: claim carries %q", tt.name, c2.PriorAuth)
		}
		rules := scrub(c2)
		if len(rules) != 1 || !strings.Contains(rules[0], "need a prior authorization") || !strings.Contains(rules[0], "expired or been used up") {
			t.Errorf("%s: findings %v", tt.name, rules)
		}
	}
	if u := used(); u != 2 {
		t.Errorf("refused uses changed the units used: %d", u)
	}
}
