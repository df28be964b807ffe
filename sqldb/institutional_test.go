package sqldb_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// A facility with its kind and taxonomy, an encounter with its
// institutional data (type of bill, stay, NUBC codes, POA, PCS, revenue
// codes) and the claim built from it are stored and read back whole, on
// both databases; the claim keeps its own copy when the encounter changes.
func TestInstitutionalStorage(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		s := seed(t, ctx, db)
		fac := &rcm.Facility{Name: "Harbor Surgery Center", NPI: "1234567893", Taxonomy: "261QA1903X", Kind: rcm.FacilityASC,
			Address: rcm.Address{Line1: "410 Harbor Way", City: "Springfield", State: "IL", ZIP: "627014107"}}
		if err := db.CreateFacility(ctx, fac); err != nil {
			t.Fatal(err)
		}
		fs, err := db.FindFacilities(ctx)
		if err != nil || len(fs) != 1 {
			t.Fatalf("FindFacilities = %v, %v", fs, err)
		}
		if diff := cmp.Diff(fac, fs[0]); diff != "" {
			t.Errorf("facility mismatch (-want +got):\n%s", diff)
		}
		wantCode(t, db.CreateFacility(ctx, &rcm.Facility{Name: "X", Kind: "spaceport", Address: fac.Address}), rcm.EINVALID)

		cov := &rcm.Coverage{PatientID: s.patient.ID, PayerID: s.payer.ID, Order: 1, MemberID: "W123456789", Relationship: "18",
			EffectiveFrom: rcm.MustParseDate("2025-01-01")}
		if err := db.CreateCoverage(ctx, cov); err != nil {
			t.Fatal(err)
		}
		dos := rcm.MustParseDate("2026-01-02")
		e := &rcm.Encounter{PatientID: s.patient.ID, PracticeID: s.practice.ID, RenderingProviderID: s.provider.ID, FacilityID: fac.ID,
			DateOfService: dos, PlaceOfService: "24", Status: rcm.EncounterCoded,
			Diagnoses: []rcm.Diagnosis{{Code: "Z12.11"}, {Code: "K57.30"}},
			Lines:     []rcm.ServiceLine{{Code: "45378", Units: 1, Charge: 145000}, {Units: 1, Charge: 18000}},
			Institutional: &rcm.Institutional{TypeOfBill: "831", StatementFrom: dos, StatementTo: dos, PatientStatus: "01",
				AttendingProviderID: s.provider.ID, ConditionCodes: []string{"a3"}, Occurrences: []rcm.Occurrence{{Code: "11", Date: dos}},
				Values: []rcm.ValueCode{{Code: "80", Amount: 100}}, POA: []string{"y", "N"}, Procedures: []rcm.PCSProcedure{{Code: "0dtj4zz", Date: dos}},
				Lines: []rcm.RevenueLine{{RevenueCode: "0490"}, {RevenueCode: "272", NonCovered: 500}}}}
		if err := db.CreateEncounter(ctx, e); err != nil {
			t.Fatal(err)
		}
		// Validation put the codes in their normal forms.
		in := e.Institutional
		if in.TypeOfBill != "0831" || in.Lines[1].RevenueCode != "0272" || in.ConditionCodes[0] != "A3" || in.POA[0] != "Y" || in.Procedures[0].Code != "0DTJ4ZZ" {
			t.Errorf("not normalized: %+v", in)
		}
		got, err := db.FindEncounterByID(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(e, got); diff != "" {
			t.Errorf("encounter mismatch (-want +got):\n%s", diff)
		}
		c, err := claim.Build(ctx, db, e.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateClaim(ctx, c); err != nil {
			t.Fatal(err)
		}
		gc, err := db.FindClaimByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(e.Institutional, gc.Institutional); diff != "" {
			t.Errorf("claim's institutional data (-encounter +claim):\n%s", diff)
		}
		e.Institutional.TypeOfBill = "0832"
		if err := db.UpdateEncounter(ctx, e); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindEncounterByID(ctx, e.ID); got.Institutional.TypeOfBill != "0832" {
			t.Errorf("updated type of bill = %q", got.Institutional.TypeOfBill)
		}
		if gc, _ := db.FindClaimByID(ctx, c.ID); gc.Institutional.TypeOfBill != "0831" {
			t.Errorf("the claim's copy changed with the encounter: %q", gc.Institutional.TypeOfBill)
		}
		b, err := claim.Load(ctx, db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b.Attending == nil || b.Attending.ID != s.provider.ID || b.Facility == nil || b.Facility.Kind != rcm.FacilityASC {
			t.Errorf("bundle attending %+v facility %+v", b.Attending, b.Facility)
		}
		bs, err := claim.LoadAll(ctx, db, []*rcm.Claim{gc})
		if err != nil || len(bs) != 1 || bs[0].Attending == nil || bs[0].Facility == nil || bs[0].Facility.Taxonomy != "261QA1903X" {
			t.Errorf("LoadAll = %v, %v", bs, err)
		}
	})
}
