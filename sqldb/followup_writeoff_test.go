package sqldb_test

import (
	"context"
	"sync"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/sqldb"
)

// TestFollowUpWriteOff: closing a work item as written off posts the
// write-off (group WO) of the claim's open insurance balance in the same
// transaction, the item's line first, never more than is open; refused
// closes change nothing, closing twice posts once, and two admins closing
// one item at once post it once. The ledger holds.
func TestFollowUpWriteOff(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Write-off", false)
		c := f.claim("WO-1", dos(), threeLines()...) // 205.50 open with the payer, no 835
		open := func(src string) *followup.Item {
			it := &followup.Item{ClaimID: c.ID, Kind: followup.KindStatus, Category: "not_on_file", Source: src, LineCode: "36415", Summary: "not on file", Stake: m("205.50")}
			if _, err := db.OpenFollowUpItem(f.ctx, it); err != nil {
				t.Fatal(err)
			}
			return it
		}
		wo := func() rcm.Money {
			tot, err := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return tot.Adjusted["WO"]
		}
		it := open("a")
		close := func(ctx context.Context, amount, reason string) error {
			c := followup.Closing{Outcome: followup.OutcomeWrittenOff, Note: "payer will not pay", Reason: reason}
			if amount != "" {
				c.Amount = m(amount)
			}
			return db.CloseFollowUp(ctx, it.ID, c)
		}
		biller := rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: 1, OrgID: orgOf(f), Role: rcm.RoleBiller})
		if err := close(biller, "25", "bad_debt"); rcm.ErrorCode(err) != rcm.EFORBIDDEN {
			t.Errorf("a biller writes off: %v", err)
		}
		if err := close(f.ctx, "205.51", "bad_debt"); rcm.ErrorField(err) != "amount" {
			t.Errorf("more than is open: %v", err)
		}
		if err := close(f.ctx, "25", "because"); rcm.ErrorField(err) != "reason" {
			t.Errorf("unknown reason: %v", err)
		}
		if got := wo(); got != 0 {
			t.Fatalf("refused write-offs posted %s", got)
		}
		if err := close(f.ctx, "25", "bad_debt"); err != nil {
			t.Fatal(err)
		}
		if err := close(f.ctx, "25", "bad_debt"); rcm.ErrorCode(err) != rcm.ECONFLICT {
			t.Errorf("closing twice: %v", err)
		}
		got, err := db.FindFollowUpItem(f.ctx, it.ID)
		if err != nil || got.State != followup.Closed || got.WrittenOff != m("25") || got.WriteOffReason != "bad_debt" || wo() != m("25") {
			t.Fatalf("after the write-off: %+v %v; WO %s", got, err, wo())
		}
		// The item's line (36415, 20.00) went first, then the visit.
		bs := f.balances()
		if bs[2].Adjusted["WO"] != m("20") || bs[0].Adjusted["WO"] != m("5") || bs[0].Insurance[f.s.payer.ID] != m("145") {
			t.Errorf("balances after the write-off: %+v %+v", bs[0], bs[2])
		}
		// Two admins close a second item at once, for the rest: one posts.
		it = open("b")
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = close(f.ctx, "", "small_balance") }()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) || wo() != m("205.50") {
			t.Errorf("two closes at once: %v, %v; WO %s", errs[0], errs[1], wo())
		}
		checkLedger(t, db)
	})
}
