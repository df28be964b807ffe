package sqldb_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
)

// TestPatientPayment: after two 835s leave the patient $20.00 on each of
// two claims, payments take the balance down oldest claim first, exactly
// once per key, never below zero; refused payments change nothing.
func TestPatientPayment(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Pay", false)
		c1 := f.claim("P-1", dos(), threeLines()...)
		c2 := f.claim("P-2", dos(), threeLines()...)
		f.post(primary835("EFT801", c1.ControlNumber))
		f.post(primary835("EFT802", c2.ControlNumber))
		patient := f.s.patient.ID
		owed := func() rcm.Money {
			t.Helper()
			pb, err := db.FindPatientBalances(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range pb {
				if b.PatientID == patient {
					return b.Open
				}
			}
			return 0
		}
		if got := owed(); got != m("40") {
			t.Fatalf("patient owes %s before paying, want 40.00", got)
		}
		pay := func(amount, method, key string) error {
			_, err := db.PostPatientPayment(f.ctx, rcm.PatientPayment{PatientID: patient, Amount: m(amount), Method: method, Key: key, Reference: "CHK 1042"})
			return err
		}
		// Refused, changing nothing.
		for _, tc := range []struct {
			name, amount, method, key, field string
			code                             string
		}{
			{"zero", "0", "card", "key-00001", "amount", rcm.EINVALID},
			{"unknown method", "10", "bitcoin", "key-00001", "method", rcm.EINVALID},
			{"short key", "10", "card", "k1", "key", rcm.EINVALID},
		} {
			err := pay(tc.amount, tc.method, tc.key)
			if rcm.ErrorCode(err) != tc.code || rcm.ErrorField(err) != tc.field {
				t.Errorf("%s: %v, want %s on %s", tc.name, err, tc.code, tc.field)
			}
		}
		coder := rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: 1, OrgID: orgOf(f), Role: rcm.RoleCoder})
		if _, err := db.PostPatientPayment(coder, rcm.PatientPayment{PatientID: patient, Amount: m("1"), Method: "cash", Key: "key-coder1"}); rcm.ErrorCode(err) != rcm.EFORBIDDEN {
			t.Errorf("a coder takes a payment: %v", err)
		}
		// Authorization comes before validation: a coder learns nothing
		// about which fields would be accepted.
		if _, err := db.PostPatientWriteOff(coder, rcm.PatientWriteOff{PatientID: patient, Amount: m("1"), Reason: "nope", Key: "x"}); rcm.ErrorCode(err) != rcm.EFORBIDDEN {
			t.Errorf("a coder's invalid write-off: %v, want forbidden", err)
		}
		if got := owed(); got != m("40") {
			t.Fatalf("refused payments changed the balance to %s", got)
		}

		// $30.00: the first claim's $20.00, then $10.00 of the second's.
		txn, err := db.PostPatientPayment(f.ctx, rcm.PatientPayment{PatientID: patient, Amount: m("30"), Method: "card", Key: "key-00002"})
		if err != nil {
			t.Fatal(err)
		}
		if len(txn.Entries) != 4 || txn.Entries[0].Amount != m("20") || txn.Entries[2].Amount != m("10") || txn.Entries[0].Method != "card" {
			t.Errorf("payment transaction: %+v", txn.Entries)
		}
		lines1, _ := db.FindServiceLineIDs(f.ctx, c1.EncounterID)
		if txn.Entries[0].Account.Line != lines1[0] {
			t.Errorf("the payment went first to line %d, want the older claim's line %d", txn.Entries[0].Account.Line, lines1[0])
		}
		if got := owed(); got != m("10") {
			t.Errorf("after $30.00 the patient owes %s, want 10.00", got)
		}
		// The same key again: nothing.
		if err := pay("10", "card", "key-00002"); rcm.ErrorCode(err) != rcm.ECONFLICT {
			t.Errorf("same key twice: %v", err)
		}
		if err := pay("10", "cash", "key-00003"); err != nil {
			t.Fatal(err)
		}
		if got := owed(); got != 0 {
			t.Errorf("after paying in full the patient owes %s", got)
		}
		tot, err := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{PatientID: patient})
		if err != nil || tot.PatientPaid != m("40") || tot.PatientAR != 0 {
			t.Errorf("totals: %+v, %v", tot, err)
		}
		events, err := db.FindAuditEvents(f.ctx, rcm.AuditFilter{PatientID: patient, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		payments := 0
		for _, e := range events {
			if e.Entity == "patient_payment" {
				payments++
			}
		}
		if payments != 2 {
			t.Errorf("%d payment audit events, want 2", payments)
		}
		checkLedger(t, db)
	})
}

// TestPatientWriteOff: the last 50 cents of a balance are written off as
// too small to bill; the line's adjustments show it under WO, and the
// ledger still balances.
func TestPatientWriteOff(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org WO", false)
		c := f.claim("W-1", dos(), threeLines()...)
		f.post(primary835("EFT901", c.ControlNumber))
		patient := f.s.patient.ID
		if _, err := db.PostPatientPayment(f.ctx, rcm.PatientPayment{PatientID: patient, Amount: m("19.50"), Method: "cash", Key: "wo-pay-0001"}); err != nil {
			t.Fatal(err)
		}
		wo := func(amount, reason, key string) error {
			_, err := db.PostPatientWriteOff(f.ctx, rcm.PatientWriteOff{PatientID: patient, Amount: m(amount), Reason: reason, Key: key})
			return err
		}
		for _, tc := range []struct{ amount, reason, key, code string }{
			{"0.51", "small_balance", "wo-key-0001", rcm.EINVALID},
			{"0.50", "because", "wo-key-0001", rcm.EINVALID},
			{"0.50", "small_balance", "short", rcm.EINVALID},
		} {
			if err := wo(tc.amount, tc.reason, tc.key); rcm.ErrorCode(err) != tc.code {
				t.Errorf("write-off %s %s %s: %v, want %s", tc.amount, tc.reason, tc.key, err, tc.code)
			}
		}
		if err := wo("0.50", "small_balance", "wo-key-0001"); err != nil {
			t.Fatal(err)
		}
		if err := wo("0.50", "small_balance", "wo-key-0001"); rcm.ErrorCode(err) != rcm.ECONFLICT {
			t.Errorf("the same write-off twice: %v", err)
		}
		tot, err := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{PatientID: patient})
		if err != nil || tot.PatientAR != 0 || tot.Adjusted["WO"] != m("0.50") || tot.PatientPaid != m("19.50") {
			t.Errorf("totals after the write-off: %+v, %v", tot, err)
		}
		checkLedger(t, db)
	})
}

// TestPatientPaymentsConcurrent: four $15.00 payments race for a $40.00
// balance; the line locks serialize them: all four post, $40.00 pays the
// balance and $20.00 is held as credit, never taking the balance below
// zero.
func TestPatientPaymentsConcurrent(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Race", false)
		c1 := f.claim("R-1", dos(), threeLines()...)
		c2 := f.claim("R-2", dos(), threeLines()...)
		f.post(primary835("EFT951", c1.ControlNumber))
		f.post(primary835("EFT952", c2.ControlNumber))
		const n = 4
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = db.PostPatientPayment(f.ctx, rcm.PatientPayment{PatientID: f.s.patient.ID, Amount: m("15"), Method: "card", Key: fmt.Sprintf("race-key-%d", i)})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case rcm.ErrorCode(err) != rcm.EINVALID:
				t.Errorf("unexpected error: %v", err)
			}
		}
		tot, err := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{PatientID: f.s.patient.ID})
		if ok != n || err != nil || tot.PatientPaid != m("60") || tot.PatientAR != 0 || tot.Credit != m("20") {
			t.Errorf("%d payments went through, patient paid %s, owes %s, credit %s (%v); want 4, 60.00, 0, 20.00", ok, tot.PatientPaid, tot.PatientAR, tot.Credit, err)
		}
		checkLedger(t, db)
	})
}
