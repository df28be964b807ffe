package ledger_test

import (
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

// TestCreditHeldAppliedRefunded: an overpayment is held as a credit, part
// of it pays another line, the rest is refunded; more than the credit is
// refused whole; the invariant holds after each step.
func TestCreditHeldAppliedRefunded(t *testing.T) {
	j := ledger.NewJournal()
	post := func(tx *ledger.Transaction) {
		t.Helper()
		if err := j.Post(tx); err != nil {
			t.Fatal(err)
		}
		for _, l := range []int64{line1, line2} {
			if b := j.Line(l); b != nil {
				if err := b.Verify(); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	post(new(ledger.Transaction).Charge(line1, 0, m("50.00")))
	post(new(ledger.Transaction).Charge(line2, payerA, m("80.00")))
	// The patient pays 70.00 on a 50.00 balance: 20.00 held.
	post(new(ledger.Transaction).PatientPayment(line1, m("50.00"), "card").Overpayment(line1, 0, m("20.00"), "card"))
	if got := j.Line(line1).Credit[0]; got != m("20.00") {
		t.Fatalf("credit held %s, want 20.00", got)
	}
	// The payer pays 85.00 on 80.00: 5.00 held for the payer.
	post(new(ledger.Transaction).PayerPayment(line2, payerA, m("70.00"), "ACH").PatientShare(line2, payerA, "2", m("10.00")).Overpayment(line2, payerA, m("5.00"), "ACH"))
	// 10.00 of the patient's credit pays their coinsurance on line 2.
	post(new(ledger.Transaction).ApplyCredit(line1, line2, m("10.00")))
	if b := j.Line(line2); b.Patient != 0 || b.PatientPaid != m("10.00") {
		t.Fatalf("line 2 after applying credit: patient owes %s, paid %s", b.Patient, b.PatientPaid)
	}
	before1, before2 := j.Line(line1).Clone(), j.Line(line2).Clone()
	refused := []struct {
		name string
		tx   *ledger.Transaction
		want string
	}{
		{"refund more than the credit", new(ledger.Transaction).Refund(line1, 0, "moved away", m("10.01")), "credit held"},
		{"apply more than the credit", new(ledger.Transaction).ApplyCredit(line1, line2, m("10.01")), "credit held"},
		{"refund the payer's credit to the patient", new(ledger.Transaction).Refund(line2, 0, "x", m("1.00")), "credit held"},
		{"apply a payer's credit", &ledger.Transaction{Entries: []ledger.Entry{
			{Op: ledger.OpApplyCredit, Account: ledger.Account{Line: line2, Kind: ledger.CreditHeld, Payer: payerA}, Side: ledger.Debit, Amount: m("1.00"), Method: "credit"},
			{Op: ledger.OpApplyCredit, Account: ledger.Account{Line: line2, Kind: ledger.PatientPaid}, Side: ledger.Credit, Amount: m("1.00"), Method: "credit"},
		}}, "may not debit"},
		{"refund without reason", new(ledger.Transaction).Refund(line1, 0, "", m("1.00")), "reason"},
		{"overpayment to another payer's credit", &ledger.Transaction{Entries: []ledger.Entry{
			{Op: ledger.OpOverpayment, Account: ledger.Account{Line: line2, Kind: ledger.PayerPaid, Payer: payerA}, Side: ledger.Debit, Amount: m("1.00")},
			{Op: ledger.OpOverpayment, Account: ledger.Account{Line: line2, Kind: ledger.CreditHeld, Payer: payerB}, Side: ledger.Credit, Amount: m("1.00")},
		}}, "may not debit"},
	}
	for _, tc := range refused {
		err := j.Post(tc.tx)
		if rcm.ErrorCode(err) != rcm.EINVALID || !strings.Contains(rcm.ErrorMessage(err), tc.want) {
			t.Errorf("%s: %v, want EINVALID naming %q", tc.name, err, tc.want)
		}
	}
	if b := j.Line(line1); b.Credit[0] != before1.Credit[0] || b.PatientPaid != before1.PatientPaid {
		t.Fatalf("refused postings changed line 1: %+v", b)
	}
	if b := j.Line(line2); b.Credit[payerA] != before2.Credit[payerA] {
		t.Fatalf("refused postings changed line 2: %+v", b)
	}
	post(new(ledger.Transaction).Refund(line1, 0, "patient asked", m("10.00")))
	post(new(ledger.Transaction).Refund(line2, payerA, "payer overpaid", m("5.00")))
	for _, l := range []int64{line1, line2} {
		if c := j.Line(l).CreditTotal(); c != 0 {
			t.Errorf("line %d keeps credit %s after refunds", l, c)
		}
	}
	// Money in: 50 + 20 patient, 75 payer; out: 10 + 5 refunded. Paid totals
	// say what stayed: 60 from the patient, 70 from the payer.
	if got := j.Line(line1).PatientPaid + j.Line(line2).PatientPaid; got != m("60.00") {
		t.Errorf("patient paid %s, want 60.00", got)
	}
	if got := j.Line(line2).PayerPaid[payerA]; got != m("70.00") {
		t.Errorf("payer paid %s, want 70.00", got)
	}
}
