package ledger_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

const (
	line1  = 11
	line2  = 12
	payerA = 1
	payerB = 2
)

func m(s string) rcm.Money { return rcm.MustParseMoney(s) }

// TestClaimLifecycle walks one line through what a real claim goes through:
// charge, primary pays with a contractual adjustment and coinsurance, the
// rest goes to the secondary, which pays, the patient pays, and a small
// balance is written off.
func TestClaimLifecycle(t *testing.T) {
	j := ledger.NewJournal()
	post := func(tx *ledger.Transaction) {
		t.Helper()
		if err := j.Post(tx); err != nil {
			t.Fatal(err)
		}
	}
	post(new(ledger.Transaction).Charge(line1, payerA, m("200.00")))
	pay := new(ledger.Transaction).
		PayerPayment(line1, payerA, m("96.00"), "ACH").
		Adjust(line1, payerA, ledger.GroupCO, "45", m("80.00")).
		PatientShare(line1, payerA, "2", m("14.00"))
	pay.Key = "835:A:TRN1:1"
	post(pay)
	// The journal keeps a copy: editing the posted transaction changes nothing.
	pay.Entries[0].Amount = m("1.00")
	if got := j.Line(line1).PayerPaid[payerA]; got != m("96.00") {
		t.Fatalf("payer paid %s after editing the posted transaction, want 96.00", got)
	}
	post(new(ledger.Transaction).PayerTransfer(line1, payerA, payerB, m("10.00")))
	post(new(ledger.Transaction).PayerPayment(line1, payerB, m("8.00"), "CHK").Adjust(line1, payerB, ledger.GroupOA, "23", m("2.00")))
	patPay := new(ledger.Transaction).PatientPayment(line1, m("13.50"), "card")
	post(patPay)
	writeOff := new(ledger.Transaction).WriteOff(line1, 0, "small balance", m("0.50"))
	post(writeOff)

	want := &ledger.LineBalance{
		Line: line1, Charge: m("200.00"),
		PayerPaid:    map[int64]rcm.Money{payerA: m("96.00"), payerB: m("8.00")},
		PatientPaid:  m("13.50"),
		Adjusted:     map[string]rcm.Money{"CO": m("80.00"), "OA": m("2.00"), "WO": m("0.50")},
		PatientShare: map[string]rcm.Money{"2": m("14.00")},
		Debits:       m("424.00"), Credits: m("424.00"),
	}
	if diff := cmp.Diff(want, j.Line(line1)); diff != "" {
		t.Errorf("line balance mismatch (-want +got):\n%s", diff)
	}

	again := new(ledger.Transaction).PayerPayment(line1, payerA, m("1.00"), "ACH")
	again.Key = "835:A:TRN1:1"
	if err := j.Post(again); rcm.ErrorCode(err) != rcm.ECONFLICT {
		t.Errorf("re-post of key: error %v, want %s", err, rcm.ECONFLICT)
	}

	// A payer take-back of the primary's adjudication would take back the
	// patient share the patient has already paid: refused, since a patient
	// credit balance (a refund) is not something a reversal may create.
	orig, err := j.Transaction(pay.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Post(ledger.Reverse(orig, "payer take-back")); rcm.ErrorCode(err) != rcm.EINVALID || !contains(rcm.ErrorMessage(err), "patient balance") {
		t.Fatalf("take-back over a paid patient share: %v, want the patient balance refused", err)
	}
	for _, id := range []int64{writeOff.ID, patPay.ID, pay.ID} {
		o, err := j.Transaction(id)
		if err != nil {
			t.Fatal(err)
		}
		post(ledger.Reverse(o, "take-back"))
	}
	got := j.Line(line1)
	if got.Insurance[payerA] != m("190.00") || got.Patient != 0 || got.PatientPaid != 0 || got.PayerPaid[payerA] != 0 {
		t.Errorf("after reversals: %+v", got)
	}
	tot, err := j.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if tot.Charges != m("200.00") || tot.Debits != tot.Credits {
		t.Errorf("totals = %+v", tot)
	}
}

func TestCheckRefuses(t *testing.T) {
	charged := func() *ledger.Journal {
		j := ledger.NewJournal()
		if err := j.Post(new(ledger.Transaction).Charge(line1, payerA, m("100.00"))); err != nil {
			t.Fatal(err)
		}
		if err := j.Post(new(ledger.Transaction).PayerPayment(line1, payerA, m("60.00"), "ACH")); err != nil {
			t.Fatal(err)
		}
		return j
	}
	tr := func() *ledger.Transaction { return new(ledger.Transaction) }
	e := func(op ledger.Op, k ledger.Kind, payer int64, side ledger.Side, amt string) ledger.Entry {
		return ledger.Entry{Op: op, Account: ledger.Account{Line: line1, Kind: k, Payer: payer}, Side: side, Amount: m(amt)}
	}
	tests := []struct {
		name string
		tx   *ledger.Transaction
		code string
		msg  string
	}{
		{"empty", tr(), rcm.EINVALID, "at least one"},
		{"odd entries", &ledger.Transaction{Entries: []ledger.Entry{e(ledger.OpCharge, ledger.PatientAR, 0, ledger.Debit, "1")}}, rcm.EINVALID, "pairs"},
		{"zero amount", tr().PayerPayment(line1, payerA, 0, "ACH"), rcm.EINVALID, "above zero"},
		{"negative payment", tr().PayerPayment(line1, payerA, m("-5.00"), "ACH"), rcm.EINVALID, "above zero"},
		{"too large", tr().PatientPayment(line1, ledger.MaxAmount+1, "cash"), rcm.EINVALID, "at most"},
		{"charge twice", tr().Charge(line1, payerB, m("5.00")), rcm.EINVALID, "already charged"},
		{"negative charge", tr().Charge(line2, payerA, m("-5.00")), rcm.EINVALID, "above zero"},
		{"uncharged line", tr().PatientPayment(line2, m("1.00"), "cash"), rcm.EINVALID, "has no charge"},
		{"overpayment", tr().PayerPayment(line1, payerA, m("40.01"), "ACH"), rcm.EINVALID, "more than it owes"},
		{"payer that owes nothing", tr().PayerPayment(line1, payerB, m("1.00"), "ACH"), rcm.EINVALID, "payer 2"},
		{"patient overpays", tr().PatientPayment(line1, m("0.01"), "cash"), rcm.EINVALID, "patient balance"},
		{"adjustment without reason", tr().Adjust(line1, payerA, "CO", "", m("1.00")), rcm.EINVALID, "reason code"},
		{"PR as adjustment group", tr().Adjust(line1, payerA, "PR", "1", m("1.00")), rcm.EINVALID, "not CO, OA, PI, CR or WO"},
		{"write-off as payer group", tr().Adjust(line1, payerA, "WO", "x", m("1.00")), rcm.EINVALID, "may not debit"},
		{"patient share without reason", tr().PatientShare(line1, payerA, "", m("1.00")), rcm.EINVALID, "reason code"},
		{"transfer to same payer", tr().PayerTransfer(line1, payerA, payerA, m("1.00")), rcm.EINVALID, "may not debit"},
		{"transfer more than owed", tr().PayerTransfer(line1, payerA, payerB, m("41.00")), rcm.EINVALID, "more than it owes"},
		{"whole transaction refused", tr().PatientShare(line1, payerA, "1", m("10.00")).PatientPayment(line1, m("10.01"), "cash"), rcm.EINVALID, "patient balance"},
		{"debit charges (negative-charge trickery)", &ledger.Transaction{Entries: []ledger.Entry{
			e(ledger.OpCharge, ledger.Charges, 0, ledger.Debit, "10"), e(ledger.OpCharge, ledger.InsuranceAR, payerA, ledger.Credit, "10")}}, rcm.EINVALID, "may not debit"},
		{"payment into another payer's receivable", &ledger.Transaction{Entries: []ledger.Entry{
			e(ledger.OpPayerPayment, ledger.PayerPaid, payerB, ledger.Debit, "10"), e(ledger.OpPayerPayment, ledger.InsuranceAR, payerA, ledger.Credit, "10")}}, rcm.EINVALID, "may not debit"},
		{"credit before debit", &ledger.Transaction{Entries: []ledger.Entry{
			e(ledger.OpPatientPayment, ledger.PatientAR, 0, ledger.Credit, "10"), e(ledger.OpPatientPayment, ledger.PatientPaid, 0, ledger.Debit, "10")}}, rcm.EINVALID, "debit followed by a credit"},
		{"unbalanced pair", &ledger.Transaction{Entries: []ledger.Entry{
			e(ledger.OpPayerPayment, ledger.PayerPaid, payerA, ledger.Debit, "10"), e(ledger.OpPayerPayment, ledger.InsuranceAR, payerA, ledger.Credit, "9")}}, rcm.EINVALID, "differ"},
		{"payer on patient account", &ledger.Transaction{Entries: []ledger.Entry{
			e(ledger.OpPatientPayment, ledger.PatientPaid, payerA, ledger.Debit, "10"), e(ledger.OpPatientPayment, ledger.PatientAR, 0, ledger.Credit, "10")}}, rcm.EINVALID, "belongs to no payer"},
		{"pair across lines", &ledger.Transaction{Entries: []ledger.Entry{
			e(ledger.OpPayerTransfer, ledger.InsuranceAR, payerB, ledger.Debit, "10"),
			{Op: ledger.OpPayerTransfer, Account: ledger.Account{Line: line2, Kind: ledger.InsuranceAR, Payer: payerA}, Side: ledger.Credit, Amount: m("10")}}}, rcm.EINVALID, "same service line"},
		{"unknown op", &ledger.Transaction{Entries: []ledger.Entry{
			e("gift", ledger.PatientPaid, 0, ledger.Debit, "10"), e("gift", ledger.PatientAR, 0, ledger.Credit, "10")}}, rcm.EINVALID, "unknown operation"},
		{"reverse unknown", &ledger.Transaction{Reverses: 99, Entries: tr().PayerPayment(line1, payerA, 1, "").Entries}, rcm.ENOTFOUND, "not found"},
		{"reverse the charge under a payment", ledger.Reverse(&ledger.Transaction{ID: 1, Entries: tr().Charge(line1, payerA, m("100.00")).Entries}, ""), rcm.EINVALID, "more than it owes"},
		{"forged reversal", &ledger.Transaction{Reverses: 2, Entries: tr().PayerPayment(line1, payerA, m("1.00"), "ACH").Entries}, rcm.EINVALID, "mirror"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := charged()
			before := j.Line(line1)
			err := j.Post(tt.tx)
			if rcm.ErrorCode(err) != tt.code || !contains(rcm.ErrorMessage(err), tt.msg) {
				t.Fatalf("Post: error %v; want code %s and message containing %q", err, tt.code, tt.msg)
			}
			if diff := cmp.Diff(before, j.Line(line1)); diff != "" {
				t.Errorf("refused transaction changed the line (-before +after):\n%s", diff)
			}
			if j.Len() != 2 {
				t.Errorf("journal has %d transactions, want 2", j.Len())
			}
		})
	}
}

func TestReversalRules(t *testing.T) {
	j := ledger.NewJournal()
	charge := new(ledger.Transaction).Charge(line1, payerA, m("50.00"))
	if err := j.Post(charge); err != nil {
		t.Fatal(err)
	}
	orig, _ := j.Transaction(charge.ID)
	rev := ledger.Reverse(orig, "wrong line")
	if err := j.Post(rev); err != nil {
		t.Fatal(err)
	}
	if got := j.Line(line1); got.Charge != 0 || got.Debits != m("100.00") {
		t.Errorf("after reversing the charge: %+v", got)
	}
	if err := j.Post(ledger.Reverse(orig, "again")); rcm.ErrorCode(err) != rcm.ECONFLICT {
		t.Errorf("second reversal: %v, want %s", err, rcm.ECONFLICT)
	}
	revStored, _ := j.Transaction(rev.ID)
	if err := j.Post(ledger.Reverse(revStored, "undo undo")); rcm.ErrorCode(err) != rcm.EINVALID {
		t.Errorf("reversal of a reversal: %v, want %s", err, rcm.EINVALID)
	}
	// The line can be charged again once its charge is reversed.
	if err := j.Post(new(ledger.Transaction).Charge(line1, 0, m("45.00"))); err != nil {
		t.Errorf("re-charge after reversal: %v", err)
	}
	if _, err := j.Verify(); err != nil {
		t.Error(err)
	}
}

func TestVerifyNamesLine(t *testing.T) {
	tests := []struct {
		name string
		b    ledger.LineBalance
		msg  string
	}{
		{"unbalanced", ledger.LineBalance{Line: 7, Debits: 5, Credits: 4}, "Line 7: debits 0.05 do not equal credits 0.04"},
		{"identity", ledger.LineBalance{Line: 8, Charge: 100, Insurance: map[int64]rcm.Money{1: 90}, Debits: 100, Credits: 100}, "Line 8: charge 1.00 does not equal"},
		{"negative receivable", ledger.LineBalance{Line: 9, Charge: 100, Insurance: map[int64]rcm.Money{1: -10}, PayerPaid: map[int64]rcm.Money{1: 110}}, "Line 9: balance of payer 1 would be -0.10"},
		{"ok", ledger.LineBalance{Line: 10, Charge: 100, Patient: 100, Debits: 100, Credits: 100}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.b.Verify()
			if got := rcm.ErrorMessage(err); !contains(got, tt.msg) || (tt.msg == "") != (err == nil) {
				t.Errorf("Verify() = %v, want message containing %q", err, tt.msg)
			}
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
