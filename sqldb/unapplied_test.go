package sqldb_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eob"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
)

// TestApplyUnapplied: money a check left unapplied is applied to claim
// lines of its payer: never more than is left nor more than the line
// owes, once per key, one of two racing billers when both want the rest;
// the exception closes when nothing is left, and the ledger and the
// deposit journal hold after each step.
func TestApplyUnapplied(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Apply", false)
		paid := f.claim("AU-1", dos(), threeLines()...)
		open := f.claim("AU-2", dos(), rcm.ServiceLine{Code: "99213", Charge: m("100")})
		chk, err := eob.Parse(strings.NewReader(strings.Replace(paperEOB("AU-1", "CHK3001"), `"amount":"135.50"`, `"amount":"150.00","unapplied":"14.50"`, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := eob.Post(f.ctx, db, chk); err != nil {
			t.Fatal(err)
		}
		xs, err := db.FindRemitExceptionQueue(f.ctx, remit.ExceptionFilter{})
		if err != nil || len(xs) != 1 {
			t.Fatalf("exceptions: %+v %v", xs, err)
		}
		apply := func(claim *rcm.Claim, line int, amount, key string) (*remit.Exception, error) {
			return db.ApplyUnappliedMoney(f.ctx, remit.Application{ExceptionID: xs[0].ID, ClaimID: claim.ID, Line: line, Amount: m(amount), Key: key})
		}
		for _, tc := range []struct {
			name   string
			claim  *rcm.Claim
			amount string
		}{{"more than is left", open, "14.51"}, {"more than the line owes", paid, "0.01"}} {
			if _, err := apply(tc.claim, 1, tc.amount, "refused-"+tc.name); rcm.ErrorField(err) != "amount" {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		x, err := apply(open, 1, "10", "apply-one")
		if err != nil || x.Applied != m("10") || x.Resolution != nil {
			t.Fatalf("first application: %+v %v", x, err)
		}
		if _, err := apply(open, 1, "10", "apply-one"); rcm.ErrorCode(err) != rcm.ECONFLICT {
			t.Errorf("the same key again: %v", err)
		}
		checkLedger(t, db)
		// Two billers apply the rest at once, with their own keys: one lands.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, key := range []string{"apply-rest-a", "apply-rest-b"} {
			wg.Add(1)
			go func() { defer wg.Done(); _, errs[i] = apply(open, 1, "4.50", key) }()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Errorf("two billers applying the rest: %v, %v", errs[0], errs[1])
		}
		if xs, _ := db.FindRemitExceptionQueue(f.ctx, remit.ExceptionFilter{}); len(xs) != 0 {
			t.Errorf("the exception is open with nothing left: %+v", xs)
		}
		d, err := db.DepositTotals(f.ctx)
		if err != nil || d.Applied != m("150") || d.Unapplied != 0 {
			t.Errorf("deposit journal: %+v %v", d, err)
		}
		if bs := f.balances(); bs[3].Insurance[f.s.payer.ID] != m("85.50") || bs[3].PayerPaid[f.s.payer.ID] != m("14.50") {
			t.Errorf("AU-2's line: %+v", bs[3])
		}
		checkLedger(t, db)
	})
}
