package claim_test

import (
	"context"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

type fixture struct {
	db                 *sqldb.DB
	practice           *rcm.Practice
	primary, secondary *rcm.Payer
	c1                 *rcm.Coverage
	encounter          *rcm.Encounter
	prov               *rcm.Provider
}

func TestBuildAndLoad(t *testing.T) {
	ctx, f := setup(t)
	db, e, primary, secondary, c1, practice, prov := f.db, f.encounter, f.primary, f.secondary, f.c1, f.practice, f.prov
	if _, err := claim.Build(ctx, db, e.ID, 1); rcm.ErrorCode(err) != rcm.ECONFLICT {
		t.Errorf("Build of an uncoded encounter: %v, want a conflict", err)
	}
	e.Status = rcm.EncounterCoded
	must(t, db.UpdateEncounter(ctx, e))
	c, err := claim.Build(ctx, db, e.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.PayerID != primary.ID || c.CoverageID != c1.ID || c.ControlNumber != "ACC1-1-1" {
		t.Errorf("claim to payer %d coverage %d control %q", c.PayerID, c.CoverageID, c.ControlNumber)
	}
	if c.Lines[0].Charge != 22000 || c.Lines[1].Charge != 1200 || c.TotalCharge() != 23200 {
		t.Errorf("charges %v %v total %v; want the fee schedule times units", c.Lines[0].Charge, c.Lines[1].Charge, c.TotalCharge())
	}
	if c.Lines[0].ServiceLineID == 0 || c.Lines[0].ServiceLineID == c.Lines[1].ServiceLineID {
		t.Errorf("service line ids %d %d", c.Lines[0].ServiceLineID, c.Lines[1].ServiceLineID)
	}
	must(t, db.CreateClaim(ctx, c))
	b, err := claim.Load(ctx, db, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b.Practice.ID != practice.ID || b.Rendering.ID != prov.ID || b.Payer.ID != primary.ID || len(b.OtherCoverages) != 1 ||
		b.OtherPayers[secondary.ID] == nil {
		t.Errorf("bundle = %+v", b)
	}
	if _, err := claim.Build(ctx, db, e.ID, 3); rcm.ErrorCode(err) != rcm.EUNPROCESSABLE {
		t.Errorf("Build to a missing tertiary: %v", err)
	}
}

// setup stores a practice, provider, two payers, a patient with primary and
// secondary coverage, a fee schedule entry and an open encounter.
func setup(t testing.TB) (context.Context, *fixture) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	ctx, _ := sqldbtest.Org(t, db, "Org A")
	addr := rcm.Address{Line1: "1 Main St", City: "Springfield", State: "IL", ZIP: "627011234"}
	practice := &rcm.Practice{Name: "P", NPI: "1234567893", TIN: "12-3456789", Address: addr}
	must(t, db.CreatePractice(ctx, practice))
	prov := &rcm.Provider{PracticeID: practice.ID, FirstName: "A", LastName: "B", NPI: "1245319599"}
	must(t, db.CreateProvider(ctx, prov))
	primary := &rcm.Payer{Name: "Primary", PayerID: "P1", FilingIndicator: "MB"}
	secondary := &rcm.Payer{Name: "Secondary", PayerID: "P2", FilingIndicator: "CI"}
	must(t, db.CreatePayer(ctx, primary))
	must(t, db.CreatePayer(ctx, secondary))
	pat := &rcm.Patient{AccountNumber: "ACC1", FirstName: "C", LastName: "D", BirthDate: rcm.MustParseDate("1950-01-01"), Sex: "F", Address: addr}
	must(t, db.CreatePatient(ctx, pat))
	c1 := &rcm.Coverage{PatientID: pat.ID, PayerID: primary.ID, Order: 1, MemberID: "1EG4TE5MK73", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
	c2 := &rcm.Coverage{PatientID: pat.ID, PayerID: secondary.ID, Order: 2, MemberID: "S1", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
	must(t, db.CreateCoverage(ctx, c1))
	must(t, db.CreateCoverage(ctx, c2))
	must(t, db.SetFee(ctx, rcm.FeeScheduleEntry{Code: "99213", Charge: 11000, EffectiveFrom: rcm.MustParseDate("2025-01-01")}))
	e := &rcm.Encounter{PatientID: pat.ID, PracticeID: practice.ID, RenderingProviderID: prov.ID, DateOfService: rcm.MustParseDate("2026-01-02"),
		PlaceOfService: "11", Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
		Lines: []rcm.ServiceLine{{Code: "99213", Units: 2, Pointers: []int{1}}, {Code: "36415", Units: 1, Charge: 1200, Pointers: []int{1}}}}
	must(t, db.CreateEncounter(ctx, e))
	return ctx, &fixture{db: db, practice: practice, primary: primary, secondary: secondary, c1: c1, encounter: e, prov: prov}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
