package sqldb_test

import (
	"math"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
)

// TestKPIReport: one claim paid ($205.50 charged, $50.00 contractual,
// $135.50 paid, $20.00 left to the patient), one denied in whole (CO-27):
// a third rejected after it was sent: the numbers come from the ledger,
// the 835s and the claims' history on both databases; a
// period before anything was posted has none.
func TestKPIReport(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org KPI", false)
		c1 := f.claim("K-1", dos(), threeLines()...)
		c2 := f.claim("K-2", dos(), threeLines()...)
		// A third is rejected after its first submission: not clean, and
		// its $205.50 charge stays open.
		c3 := f.claim("K-3", dos(), threeLines()...)
		if err := db.MoveClaim(f.ctx, c3.ID, rcm.ClaimRejected, "999 rejected"); err != nil {
			t.Fatal(err)
		}
		f.post(primary835("EFT-K1", c1.ControlNumber))
		rem := primary835("EFT-K2", "NOPE")
		rem.Claims = []*remit.ClaimPayment{{ControlNumber: c2.ControlNumber, Status: "4", Charge: m("205.50"),
			Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "27", Amount: m("205.50")}}}}
		rem.Amount = 0
		f.post(rem)
		from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
		r, err := db.KPIReport(f.ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		tot := r.Total
		if tot.OpenAR != m("225.50") || tot.ClaimsSubmitted != 3 || tot.ClaimsClean != 2 || tot.NetRevenue != m("361") || tot.Collected != m("135.50") || tot.ClaimsAnswered != 2 || tot.ClaimsDenied != 1 {
			t.Fatalf("totals: %+v", tot)
		}
		near := func(name string, got *float64, want float64) {
			t.Helper()
			if got == nil || math.Abs(*got-want) > 0.01 {
				t.Errorf("%s = %v, want %.2f", name, got, want)
			}
		}
		near("days in A/R", tot.DaysInAR, 225.50/(361.0/365))
		near("net collection rate", tot.NetCollectionRate, 135.50/361*100)
		near("denial rate", tot.DenialRate, 50)
		near("A/R over 90 days", tot.AROver90Pct, 100)
		near("first-pass resolution rate", tot.FirstPassRate, 50)
		near("clean claim rate", tot.CleanClaimRate, 200.0/3)
		if len(r.ByPayer) != 1 || len(r.ByProvider) != 1 || r.ByPayer[0].ClaimsDenied != 1 {
			t.Errorf("groups: %+v %+v", r.ByPayer, r.ByProvider)
		}
		before, err := db.KPIReport(f.ctx, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC))
		if err != nil || before.Total.OpenAR != 0 || before.Total.ClaimsAnswered != 0 || before.Total.DaysInAR != nil {
			t.Errorf("2025: %+v %v", before.Total, err)
		}
		if _, err := db.KPIReport(f.ctx, to, from); rcm.ErrorField(err) != "to" {
			t.Errorf("period backwards: %v", err)
		}
	})
}
