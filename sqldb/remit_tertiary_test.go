package sqldb_test

import (
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
)

// TestPostTertiary: when the secondary's 835 still leaves the patient a
// balance and the patient has a third coverage, the balance moves to the
// third payer and a tertiary claim is made carrying both earlier payers'
// adjudications (two 2320 loops), the primary's first.
func TestPostTertiary(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Tertiary", true)
		third := &rcm.Payer{Name: "Third Health", PayerID: "THR33", FilingIndicator: "CI"}
		if err := db.CreatePayer(f.ctx, third); err != nil {
			t.Fatal(err)
		}
		cov3 := &rcm.Coverage{PatientID: f.s.patient.ID, PayerID: third.ID, Order: 3, MemberID: "T3", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
		if err := db.CreateCoverage(f.ctx, cov3); err != nil {
			t.Fatal(err)
		}
		c := f.claim("A1001-1-1", dos(), threeLines()...)
		res := f.post(primary835("EFT300", c.ControlNumber))
		if len(res.SecondaryClaims) != 1 {
			t.Fatalf("primary result: %+v", res)
		}
		sec := res.SecondaryClaims[0]
		if _, err := db.RecordScrub(f.ctx, sec, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.MoveClaim(f.ctx, sec, rcm.ClaimSubmitted, "sent"); err != nil {
			t.Fatal(err)
		}
		// The secondary pays 15 of the 20 coinsurance and leaves 5 of its
		// deductible.
		secRem := &remit.Remittance{Handling: "I", Amount: m("15"), Method: "CHK", PaidOn: rcm.MustParseDate("2026-02-20"), Trace: "CHK300",
			TraceOriginator: "1888888888", PayerName: "SECOND HEALTH", PayerIdentifier: "SEC22",
			Claims: []*remit.ClaimPayment{{ControlNumber: "A1001-1-2", Status: "2", Charge: m("205.50"), Paid: m("15"), PatientResponsibility: m("5"),
				FilingIndicator: "CI", PayerClaimNumber: "S-300",
				Lines: []*remit.LinePayment{
					{Code: "99214", Modifiers: []string{"25"}, Charge: m("150"), Paid: m("15"), Units: 1, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "OA", Reason: "23", Amount: m("130")}, {Group: "PR", Reason: "1", Amount: m("5")}}},
					{Code: "83036", Modifiers: []string{"QW"}, Charge: m("35.50"), Units: 1, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "OA", Reason: "23", Amount: m("35.50")}}},
					{Code: "36415", Charge: m("20"), Units: 1, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "OA", Reason: "23", Amount: m("20")}}},
				}}},
		}
		res2 := f.post(secRem)
		if res2.Posted != 1 || len(res2.SecondaryClaims) != 1 {
			t.Fatalf("secondary result: %+v", res2)
		}
		ter, err := db.FindClaimByID(f.ctx, res2.SecondaryClaims[0])
		if err != nil {
			t.Fatal(err)
		}
		if ter.ControlNumber != "A1001-1-3" || ter.PayerID != third.ID || ter.CoverageID != cov3.ID || len(ter.Prior) != 2 {
			t.Fatalf("tertiary claim: %s to payer %d coverage %d with %d priors", ter.ControlNumber, ter.PayerID, ter.CoverageID, len(ter.Prior))
		}
		p1, p2 := ter.Prior[0], ter.Prior[1]
		if p1.PayerID != f.s.payer.ID || p1.Paid != m("135.50") || p2.PayerID != f.secondary.ID || p2.Paid != m("15") ||
			p2.PatientResponsibility != m("5") || p2.CoverageID != f.cov2.ID {
			t.Errorf("priors: %+v", ter.Prior)
		}
		tot, err := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if tot.InsuranceAR[third.ID] != m("5") || tot.InsuranceAR[f.secondary.ID] != 0 || tot.PatientAR != 0 {
			t.Errorf("open A/R: %+v, patient %s; want 5.00 with the third payer", tot.InsuranceAR, tot.PatientAR)
		}
		checkLedger(t, db)
	})
}
