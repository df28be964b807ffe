package ledger_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

func TestDeposit(t *testing.T) {
	d, c := ledger.Debit, ledger.Credit
	tests := []struct {
		name                          string
		received, applied, unapplied  rcm.Money
		plb                           []ledger.ProviderAdjustment
		want                          []ledger.DepositEntry
		wantErr                       string
		wantProviderAdjusted, wantNet rcm.Money
	}{
		{
			name:     "claim payments only",
			received: m("320.00"), applied: m("320.00"),
			want: []ledger.DepositEntry{
				{Account: ledger.DepositReceived, Side: d, Amount: m("320.00")},
				{Account: ledger.DepositApplied, Side: c, Amount: m("320.00")},
			},
		},
		{
			// BPR02 731.25 = 730.00 of claims + 1.25 interest (PLB04 -1.25).
			name:     "prompt-pay interest added",
			received: m("731.25"), applied: m("730.00"),
			plb: []ledger.ProviderAdjustment{{Reason: "L6", Reference: "PROMPT-PAY-INTEREST", Amount: m("-1.25")}},
			want: []ledger.DepositEntry{
				{Account: ledger.DepositReceived, Side: d, Amount: m("731.25")},
				{Account: ledger.DepositProviderAdjusted, Reason: "L6", Reference: "PROMPT-PAY-INTEREST", Side: c, Amount: m("1.25")},
				{Account: ledger.DepositApplied, Side: c, Amount: m("730.00")},
			},
			wantProviderAdjusted: m("-1.25"),
		},
		{
			// An overpayment recovered from this check, one claim unmatched.
			name:     "recovery withheld and an exception",
			received: m("150.00"), applied: m("200.00"), unapplied: m("25.00"),
			plb: []ledger.ProviderAdjustment{{Reason: "WO", Reference: "CLAIM 991", Amount: m("75.00")}},
			want: []ledger.DepositEntry{
				{Account: ledger.DepositReceived, Side: d, Amount: m("150.00")},
				{Account: ledger.DepositProviderAdjusted, Reason: "WO", Reference: "CLAIM 991", Side: d, Amount: m("75.00")},
				{Account: ledger.DepositApplied, Side: c, Amount: m("200.00")},
				{Account: ledger.DepositUnapplied, Side: c, Amount: m("25.00")},
			},
			wantProviderAdjusted: m("75.00"),
		},
		{
			// A reversal with nothing paid back: the payer takes money (BPR03 D).
			name:     "reversal takes money back",
			received: m("-80.00"), applied: m("-80.00"),
			want: []ledger.DepositEntry{
				{Account: ledger.DepositReceived, Side: c, Amount: m("80.00")},
				{Account: ledger.DepositApplied, Side: d, Amount: m("80.00")},
			},
		},
		{
			// A void whose reversal exceeds the check: forward balance.
			name:     "forward balance",
			received: m("0.00"), applied: m("-60.00"),
			plb: []ledger.ProviderAdjustment{{Reason: "FB", Reference: "VOID", Amount: m("-60.00")}},
			want: []ledger.DepositEntry{
				{Account: ledger.DepositProviderAdjusted, Reason: "FB", Reference: "VOID", Side: c, Amount: m("60.00")},
				{Account: ledger.DepositApplied, Side: d, Amount: m("60.00")},
			},
			wantProviderAdjusted: m("-60.00"),
		},
		{name: "nothing at all"},
		{
			name:     "a cent lost",
			received: m("100.00"), applied: m("99.99"),
			wantErr: "received $100.00 + provider adjustments $0.00 = $100.00, but applied $99.99 + unapplied $0.00 = $99.99",
		},
		{
			name:     "interest not accounted",
			received: m("101.00"), applied: m("100.00"),
			plb:     []ledger.ProviderAdjustment{{Reason: "L6", Amount: m("1.00")}},
			wantErr: "does not balance",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ledger.Deposit(tt.received, tt.applied, tt.unapplied, tt.plb)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || rcm.ErrorCode(err) != rcm.EINVALID {
					t.Fatalf("err = %v, want EINVALID containing %q", err, tt.wantErr)
				}
				if got != nil {
					t.Errorf("entries %v returned with the error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			var tot ledger.DepositTotals
			for _, e := range got {
				if err := tot.Add(e); err != nil {
					t.Fatal(err)
				}
			}
			if tot.Received != tt.received || tot.Applied != tt.applied || tot.Unapplied != tt.unapplied || tot.ProviderAdjusted() != tt.wantProviderAdjusted {
				t.Errorf("totals %+v, want received %s applied %s unapplied %s provider %s", tot, tt.received, tt.applied, tt.unapplied, tt.wantProviderAdjusted)
			}
		})
	}
}

func TestCheckDepositRefuses(t *testing.T) {
	tests := []struct {
		name    string
		entries []ledger.DepositEntry
		want    string
	}{
		{"zero amount", []ledger.DepositEntry{{Account: ledger.DepositReceived, Side: ledger.Debit}}, "amounts are positive"},
		{"negative amount", []ledger.DepositEntry{{Account: ledger.DepositReceived, Side: ledger.Debit, Amount: -1}}, "amounts are positive"},
		{"no side", []ledger.DepositEntry{{Account: ledger.DepositReceived, Amount: 1}}, "no valid side"},
		{"unknown account", []ledger.DepositEntry{{Account: "cash", Side: ledger.Debit, Amount: 1}}, "Unknown deposit account"},
		{"one-sided", []ledger.DepositEntry{{Account: ledger.DepositReceived, Side: ledger.Debit, Amount: 1}}, "does not balance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ledger.CheckDeposit(tt.entries)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestPayerPaidChange(t *testing.T) {
	pay := (&ledger.Transaction{ID: 1}).Charge(line1, payerA, m("100")).PayerPayment(line1, payerA, m("60"), "ACH").
		Adjust(line1, payerA, "CO", "45", m("40"))
	other := (&ledger.Transaction{}).Charge(line2, payerB, m("50")).PayerPayment(line2, payerB, m("50"), "CHK")
	rev := ledger.Reverse(pay, "reversal")
	tests := []struct {
		name string
		txns []*ledger.Transaction
		want rcm.Money
	}{
		{"payment", []*ledger.Transaction{pay}, m("60")},
		{"another payer's payment does not count", []*ledger.Transaction{pay, other}, m("60")},
		{"reversal", []*ledger.Transaction{rev}, m("-60")},
		{"payment and its reversal", []*ledger.Transaction{pay, rev}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ledger.PayerPaidChange(payerA, tt.txns); got != tt.want {
				t.Errorf("PayerPaidChange = %s, want %s", got, tt.want)
			}
		})
	}
}
