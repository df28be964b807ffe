package sqldb_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
)

// secondBiller is another user of f's organization, to approve what the
// first requested.
func secondBiller(t *testing.T, db *sqldb.DB, f *remitFixture, name string) context.Context {
	t.Helper()
	u := &rcm.User{OrgID: orgOf(f), Username: name, Name: name, Role: rcm.RoleBiller}
	if err := db.CreateUserWithHash(f.ctx, u, "$argon2id$v=19$m=65536,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"); err != nil {
		t.Fatal(err)
	}
	return rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: u.ID, OrgID: orgOf(f), Role: rcm.RoleBiller, Reason: "test"})
}

func patientCredit(t *testing.T, db *sqldb.DB, ctx context.Context, patient int64) rcm.Money {
	t.Helper()
	cs, err := db.FindCredits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var held rcm.Money
	for _, c := range cs {
		if c.PatientID == patient && c.PayerID == 0 {
			held += c.Amount
		}
	}
	return held
}

// TestCreditOverpaymentAppliedAndRefunded: a patient pays $30.00 on a
// $20.00 balance; the $10.00 is held as credit, not refused; a later
// balance is paid from it; the rest is refunded after another user
// approves; a refund above the credit is refused, changing nothing.
func TestCreditOverpaymentAppliedAndRefunded(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Credit", false)
		c1 := f.claim("CR-1", dos(), threeLines()...)
		f.post(primary835("EFT-CR1", c1.ControlNumber))
		patient := f.s.patient.ID
		if _, err := db.PostPatientPayment(f.ctx, rcm.PatientPayment{PatientID: patient, Amount: m("30"), Method: "card", Key: "cr-pay-0001"}); err != nil {
			t.Fatalf("overpayment refused: %v", err)
		}
		if got := patientCredit(t, db, f.ctx, patient); got != m("10") {
			t.Fatalf("credit held %s, want 10.00", got)
		}
		checkLedger(t, db)
		// A second claim leaves another $20.00: $4.00 of it from the credit.
		c2 := f.claim("CR-2", dos(), threeLines()...)
		f.post(primary835("EFT-CR2", c2.ControlNumber))
		if _, err := db.ApplyCredit(f.ctx, rcm.CreditApplication{PatientID: patient, Amount: m("10.01"), Key: "cr-apply-01"}); rcm.ErrorCode(err) != rcm.EINVALID || rcm.ErrorField(err) != "amount" {
			t.Errorf("apply more than the credit: %v", err)
		}
		if _, err := db.ApplyCredit(f.ctx, rcm.CreditApplication{PatientID: patient, Amount: m("4"), Key: "cr-apply-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ApplyCredit(f.ctx, rcm.CreditApplication{PatientID: patient, Amount: m("4"), Key: "cr-apply-01"}); rcm.ErrorCode(err) != rcm.ECONFLICT {
			t.Errorf("same application twice: %v", err)
		}
		tot, err := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{PatientID: patient})
		if err != nil || tot.PatientAR != m("16") || tot.Credit != m("6") || tot.PatientPaid != m("30") {
			t.Fatalf("after applying: %+v %v; want owes 16.00, credit 6.00, paid 30.00", tot, err)
		}
		checkLedger(t, db)

		// A refund above the credit is refused at request; nothing stored.
		if _, err := db.RequestRefund(f.ctx, rcm.RefundRequest{PatientID: patient, Amount: m("6.01"), Reason: "patient asked"}); rcm.ErrorCode(err) != rcm.EINVALID || !strings.Contains(rcm.ErrorMessage(err), "credit held is $6.00") {
			t.Errorf("refund above credit: %v", err)
		}
		if rs, _ := db.FindRefunds(f.ctx, ""); len(rs) != 0 {
			t.Errorf("refused request stored: %+v", rs)
		}
		if _, err := db.RequestRefund(f.ctx, rcm.RefundRequest{PatientID: patient, Amount: m("6"), Reason: ""}); rcm.ErrorField(err) != "reason" {
			t.Errorf("refund without reason: %v", err)
		}
		r, err := db.RequestRefund(f.ctx, rcm.RefundRequest{PatientID: patient, Amount: m("6"), Reason: "patient asked"})
		if err != nil {
			t.Fatal(err)
		}
		// The requester cannot approve their own refund.
		if _, err := db.ApproveRefund(f.ctx, r.ID); rcm.ErrorCode(err) != rcm.EFORBIDDEN {
			t.Errorf("self-approval: %v", err)
		}
		other := secondBiller(t, db, f, "second.biller")
		got, err := db.ApproveRefund(other, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != rcm.RefundRefunded || got.DecidedBy != "second.biller" || got.TxnID == 0 {
			t.Errorf("approved refund: %+v", got)
		}
		if _, err := db.ApproveRefund(other, r.ID); rcm.ErrorCode(err) != rcm.ECONFLICT {
			t.Errorf("approve twice: %v", err)
		}
		tot, err = db.LedgerTotals(f.ctx, sqldb.LedgerFilter{PatientID: patient})
		if err != nil || tot.Credit != 0 || tot.PatientPaid != m("24") || tot.PatientAR != m("16") {
			t.Errorf("after the refund: %+v %v", tot, err)
		}
		checkLedger(t, db)
	})
}

// TestRefundsConcurrent: two refunds of one $10.00 credit, each for all of
// it, approved at the same time: exactly one is paid.
func TestRefundsConcurrent(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Refund Race", false)
		c1 := f.claim("RR-1", dos(), threeLines()...)
		f.post(primary835("EFT-RR1", c1.ControlNumber))
		patient := f.s.patient.ID
		if _, err := db.PostPatientPayment(f.ctx, rcm.PatientPayment{PatientID: patient, Amount: m("30"), Method: "cash", Key: "rr-pay-0001"}); err != nil {
			t.Fatal(err)
		}
		var ids [2]int64
		for i := range ids {
			r, err := db.RequestRefund(f.ctx, rcm.RefundRequest{PatientID: patient, Amount: m("10"), Reason: "duplicate payment"})
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = r.ID
		}
		other := secondBiller(t, db, f, "racing.biller")
		var errs [2]error
		var wg sync.WaitGroup
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = db.ApproveRefund(other, ids[i])
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
		tot, err := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{PatientID: patient})
		if ok != 1 || err != nil || tot.Credit != 0 || tot.PatientPaid != m("20") {
			t.Errorf("%d refunds paid; totals %+v %v; want 1, no credit, 20.00 paid", ok, tot, err)
		}
		checkLedger(t, db)
	})
}

// TestCloseRefusesPostingsInClosedPeriod: once the books are closed
// through February, an 835 paid in February, a patient payment and a
// refund dated inside it are refused, changing nothing; the same 835 dated
// in March (the correction, in the open period) posts. Only an
// administrator closes, and never backwards.
func TestCloseRefusesPostingsInClosedPeriod(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Close", false)
		c1 := f.claim("CL-1", dos(), threeLines()...)
		c2 := f.claim("CL-2", dos(), threeLines()...)
		f.post(primary835("EFT-CL1", c1.ControlNumber))
		patient := f.s.patient.ID
		if _, err := db.PostPatientPayment(f.ctx, rcm.PatientPayment{PatientID: patient, Amount: m("25"), Method: "cash", Key: "cl-pay-0001"}); err != nil {
			t.Fatal(err)
		}
		r, err := db.RequestRefund(f.ctx, rcm.RefundRequest{PatientID: patient, Amount: m("5"), Reason: "patient asked"})
		if err != nil {
			t.Fatal(err)
		}
		other := secondBiller(t, db, f, "close.biller")
		feb := time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)
		if err := db.ClosePeriod(other, feb); rcm.ErrorCode(err) != rcm.EFORBIDDEN {
			t.Errorf("a biller closes the books: %v", err)
		}
		if err := db.ClosePeriod(f.ctx, feb); err != nil {
			t.Fatal(err)
		}
		if err := db.ClosePeriod(f.ctx, feb.AddDate(0, -1, 0)); rcm.ErrorCode(err) != rcm.ECONFLICT {
			t.Errorf("close moved back: %v", err)
		}
		if got, err := db.ClosedThrough(f.ctx); err != nil || got != "2026-02-28" {
			t.Errorf("closed through %q, %v", got, err)
		}
		before, _ := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
		closed := func(what string, err error) {
			t.Helper()
			if rcm.ErrorCode(err) != rcm.EINVALID || !strings.Contains(rcm.ErrorMessage(err), "books are closed through 2026-02-28") {
				t.Errorf("%s in a closed period: %v", what, err)
			}
		}
		_, err = remit.Post(f.ctx, db, roundTrip(t, primary835("EFT-CL2", c2.ControlNumber)))
		closed("835 paid 2026-02-03", err)
		_, err = db.PostPatientPayment(f.ctx, rcm.PatientPayment{PatientID: patient, Amount: m("1"), Method: "cash", Key: "cl-pay-0002"})
		closed("patient payment", err)
		_, err = db.ApproveRefund(other, r.ID)
		closed("refund", err)
		after, _ := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
		if before.Debits != after.Debits || before.Credit != after.Credit {
			t.Errorf("refused postings changed the ledger: %+v → %+v", before, after)
		}
		// The correction, dated in the open period, posts.
		march := primary835("EFT-CL2", c2.ControlNumber)
		march.PaidOn = rcm.MustParseDate("2026-03-02")
		if res := f.post(march); res.Posted != 1 {
			t.Errorf("835 dated in the open period: %+v", res)
		}
		checkLedger(t, db)
	})
}
