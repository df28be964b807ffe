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

// TestPaperEOBUnapplied: a check whose lines apply less than its amount
// posts only when applied + unapplied = the check; the unapplied money is
// held (the deposit journal's unapplied account and one exception with its
// amount), never lost, and resolved later; one that does not balance is
// refused with the sums and changes nothing; two billers posting the same
// check post it once. The ledger holds.
func TestPaperEOBUnapplied(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Unapplied", false)
		f.claim("PU-1", dos(), threeLines()...)
		entry := func(amount, unapplied string) string {
			return strings.Replace(paperEOB("PU-1", "CHK2001"), `"amount":"135.50"`, `"amount":"`+amount+`","unapplied":"`+unapplied+`"`, 1)
		}
		chk, err := eob.Parse(strings.NewReader(entry("150.00", "10.00")))
		if err == nil || rcm.ErrorField(err) != "amount" || !strings.Contains(rcm.ErrorMessage(err), "The lines pay $135.50 and $10.00 is left unapplied, but the check is for $150.00") {
			t.Errorf("unbalanced check: %v", err)
		}
		if chk != nil {
			if _, err := eob.Post(f.ctx, db, chk); rcm.ErrorCode(err) != rcm.EINVALID {
				t.Errorf("posting the unbalanced check: %v", err)
			}
		}
		if _, err := eob.Parse(strings.NewReader(entry("135.50", "-1.00"))); rcm.ErrorField(err) != "unapplied" {
			t.Errorf("negative unapplied: %v", err)
		}
		if d, _ := db.DepositTotals(f.ctx); d.Received != 0 {
			t.Fatalf("refused checks changed the deposit journal: %+v", d)
		}
		chk, err = eob.Parse(strings.NewReader(entry("150.00", "14.50")))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make([]*remit.Result, 2)
		errs := make([]error, 2)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = eob.Post(f.ctx, db, chk)
			}()
		}
		wg.Wait()
		posted := 0
		for i, r := range results {
			if errs[i] != nil {
				t.Fatalf("post %d: %v", i, errs[i])
			}
			if !r.AlreadyPosted {
				posted++
			}
		}
		if posted != 1 {
			t.Errorf("two billers posting one check: posted %d times", posted)
		}
		checkLedger(t, db)
		d, err := db.DepositTotals(f.ctx)
		if err != nil || d.Received != m("150") || d.Applied != m("135.50") || d.Unapplied != m("14.50") {
			t.Errorf("deposit journal: %+v %v", d, err)
		}
		tot, _ := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
		if tot.PayerPaid[f.s.payer.ID] != m("135.50") {
			t.Errorf("payer paid on lines %s, want 135.50", tot.PayerPaid[f.s.payer.ID])
		}
		xs, err := db.FindRemitExceptionQueue(f.ctx, remit.ExceptionFilter{})
		if err != nil || len(xs) != 1 || xs[0].Amount != m("14.50") || xs[0].ControlNumber != sqldb.UnappliedControl ||
			!strings.Contains(xs[0].Reason, "Unapplied on check CHK2001: $14.50") {
			t.Fatalf("exceptions: %+v %v", xs, err)
		}
		// Applied later by hand, the held money leaves the open queue.
		if _, err := db.ResolveRemitException(f.ctx, xs[0].ID, remit.ResolvedPostedManually, "applied to PU-2 by hand"); err != nil {
			t.Fatal(err)
		}
		if xs, _ = db.FindRemitExceptionQueue(f.ctx, remit.ExceptionFilter{}); len(xs) != 0 {
			t.Errorf("open exceptions after resolving: %+v", xs)
		}
		checkLedger(t, db)
	})
}
