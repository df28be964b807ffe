package sqldb_test

import (
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
)

// TestPost835Overpayment: a secondary payer that pays more than was left
// to it on a line has the excess held as its credit on the patient's
// account, not refused and not lost; the credit is refunded to that payer
// only with another user's approval, and a refund above it is refused,
// changing nothing. The ledger holds after each step.
func TestPost835Overpayment(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Overpaid", true)
		c := f.claim("OV-1-1", dos(), threeLines()...)
		res := f.post(primary835("EFT-OV1", c.ControlNumber))
		if len(res.SecondaryClaims) != 1 {
			t.Fatalf("primary: %+v", res)
		}
		sec := res.SecondaryClaims[0]
		if _, err := db.RecordScrub(f.ctx, sec, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.MoveClaim(f.ctx, sec, rcm.ClaimSubmitted, "sent"); err != nil {
			t.Fatal(err)
		}
		// The primary left 20 of coinsurance to the secondary, which pays
		// 30: 10 beyond what it owes.
		secRem := &remit.Remittance{Handling: "I", Amount: m("30"), Method: "CHK", PaidOn: rcm.MustParseDate("2026-02-20"), Trace: "CHK-OV2",
			TraceOriginator: "1888888888", PayerName: "SECOND HEALTH", PayerIdentifier: "SEC22",
			Claims: []*remit.ClaimPayment{{ControlNumber: "OV-1-2", Status: "2", Charge: m("205.50"), Paid: m("30"),
				FilingIndicator: "CI", PayerClaimNumber: "S-OV",
				Lines: []*remit.LinePayment{
					{Code: "99214", Modifiers: []string{"25"}, Charge: m("150"), Paid: m("30"), Units: 1, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "OA", Reason: "23", Amount: m("120")}}},
					{Code: "83036", Modifiers: []string{"QW"}, Charge: m("35.50"), Units: 1, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "OA", Reason: "23", Amount: m("35.50")}}},
					{Code: "36415", Charge: m("20"), Units: 1, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "OA", Reason: "23", Amount: m("20")}}},
				}}},
		}
		res2 := f.post(secRem)
		if res2.Posted != 1 || len(res2.Exceptions) != 0 || res2.PostedAmount != m("30") {
			t.Fatalf("secondary: %+v", res2)
		}
		checkLedger(t, db)
		tot, err := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if tot.PayerPaid[f.secondary.ID] != m("30") || tot.InsuranceAR[f.secondary.ID] != 0 {
			t.Errorf("secondary paid %s, owes %s; want 30.00 and 0", tot.PayerPaid[f.secondary.ID], tot.InsuranceAR[f.secondary.ID])
		}
		credits, err := db.FindCredits(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(credits) != 1 || credits[0].PayerID != f.secondary.ID || credits[0].Amount != m("10") || credits[0].PatientID != f.s.patient.ID {
			t.Fatalf("credits: %+v", credits)
		}
		d, err := db.DepositTotals(f.ctx)
		if err != nil || d.Received != d.Applied+d.Unapplied || d.Unapplied != 0 {
			t.Errorf("deposit journal: %+v %v", d, err)
		}
		patient := f.s.patient.ID
		if _, err := db.RequestRefund(f.ctx, rcm.RefundRequest{PatientID: patient, PayerID: f.secondary.ID, Amount: m("10.01"), Reason: "secondary overpaid"}); rcm.ErrorCode(err) != rcm.EINVALID {
			t.Errorf("refund above the credit: %v", err)
		}
		r, err := db.RequestRefund(f.ctx, rcm.RefundRequest{PatientID: patient, PayerID: f.secondary.ID, Amount: m("10"), Reason: "secondary overpaid"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ApproveRefund(f.ctx, r.ID); rcm.ErrorCode(err) != rcm.EFORBIDDEN {
			t.Errorf("the requester approves: %v", err)
		}
		other := secondBiller(t, db, f, "ov.approver")
		got, err := db.ApproveRefund(other, r.ID)
		if err != nil || got.Status != rcm.RefundRefunded || !strings.EqualFold(got.PayerName, f.secondary.Name) {
			t.Fatalf("approve: %+v %v", got, err)
		}
		checkLedger(t, db)
		if credits, _ = db.FindCredits(f.ctx); len(credits) != 0 {
			t.Errorf("credits after the refund: %+v", credits)
		}
		after, _ := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
		if after.PayerPaid[f.secondary.ID] != m("20") {
			t.Errorf("secondary's payments after its refund: %s, want 20.00", after.PayerPaid[f.secondary.ID])
		}
	})
}
