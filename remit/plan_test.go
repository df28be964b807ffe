package remit

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

var money = rcm.MustParseMoney

// planState is a payer and two submitted claims of one line each (lines 101
// and 201, charged $100.00 to the payer), with nothing posted yet.
func planState() *State {
	payer := &rcm.Payer{ID: 7, Name: "ACME HEALTH", PayerID: "ACME1"}
	dos := rcm.MustParseDate("2026-02-01")
	st := &State{Payer: payer, Claims: map[string]*rcm.Claim{}, Balances: map[int64]*ledger.LineBalance{},
		Posted: map[int64]*PriorPosting{}, Coverages: map[int64][]*rcm.Coverage{}}
	for i, cn := range []string{"C1", "C2"} {
		line := int64(101 + 100*i)
		c := &rcm.Claim{ID: int64(i + 1), ControlNumber: cn, PayerID: payer.ID, State: rcm.ClaimSubmitted,
			Lines: []rcm.ClaimLine{{ServiceLineID: line, ServiceLine: rcm.ServiceLine{Code: "99213", Charge: money("100"), Units: 1, DateOfService: dos}}}}
		st.Claims[cn] = c
		after, err := ledger.Check((&ledger.Transaction{}).Charge(line, payer.ID, money("100")), st.Balances, nil)
		if err != nil {
			panic(err)
		}
		st.Balances[line] = after[line]
	}
	return st
}

// payment pays $80.00 of a $100.00 line with a CO-45 of $20.00.
func payment(cn string) *ClaimPayment {
	return &ClaimPayment{ControlNumber: cn, Status: "1", Charge: money("100"), Paid: money("80"),
		Lines: []*LinePayment{{Code: "99213", Charge: money("100"), Paid: money("80"), Units: 1, DateOfService: rcm.MustParseDate("2026-02-01"),
			Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: money("20")}}}}}
}

// TestPlanDeposit: every dollar of the 835 is journaled: what was applied
// to lines, what is left in the exceptions queue, and the PLB adjustments.
func TestPlanDeposit(t *testing.T) {
	d, c := ledger.Debit, ledger.Credit
	tests := []struct {
		name   string
		claims []*ClaimPayment
		plb    []ProviderAdjustment
		want   []ledger.DepositEntry
	}{
		{
			name:   "two claims paid",
			claims: []*ClaimPayment{payment("C1"), payment("C2")},
			want: []ledger.DepositEntry{
				{Account: ledger.DepositReceived, Side: d, Amount: money("160")},
				{Account: ledger.DepositApplied, Side: c, Amount: money("160")},
			},
		},
		{
			name:   "one claim unmatched, interest added, a recovery withheld",
			claims: []*ClaimPayment{payment("C1"), payment("NOPE")},
			plb: []ProviderAdjustment{{Provider: "1234567893", Reason: "L6", Reference: "INT", Amount: money("-2.50")},
				{Provider: "1234567893", Reason: "WO", Reference: "OLD CLAIM", Amount: money("30")}},
			want: []ledger.DepositEntry{
				{Account: ledger.DepositReceived, Side: d, Amount: money("132.50")},
				{Account: ledger.DepositProviderAdjusted, Reason: "L6", Reference: "INT", Side: c, Amount: money("2.50")},
				{Account: ledger.DepositProviderAdjusted, Reason: "WO", Reference: "OLD CLAIM", Side: d, Amount: money("30")},
				{Account: ledger.DepositApplied, Side: c, Amount: money("80")},
				{Account: ledger.DepositUnapplied, Side: c, Amount: money("80")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rem := &Remittance{Trace: "T1", Method: "ACH", Claims: tt.claims, ProviderAdjustments: tt.plb}
			for _, cp := range tt.claims {
				rem.Amount += cp.Paid
			}
			for _, p := range tt.plb {
				rem.Amount -= p.Amount
			}
			p, err := Plan(rem, planState())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, p.Deposit); diff != "" {
				t.Errorf("deposit (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPlanLinesMustPayCLP04: an 835 can balance (CLP04 = CLP03 - CAS) while
// its service lines pay another amount, when CLP03 is not the sum of SVC02.
// Posting the lines would leave the claim payment and the money applied
// apart; the claim goes to the exceptions queue instead.
func TestPlanLinesMustPayCLP04(t *testing.T) {
	cp := payment("C1")
	cp.Charge, cp.Paid = money("110"), money("90") // CLP03 110 - CO-45 20 = 90, but SVC03 pays 80
	rem := &Remittance{Trace: "T2", Method: "ACH", Amount: money("90"), Claims: []*ClaimPayment{cp}}
	if err := rem.Balance(); err != nil {
		t.Fatalf("the 835 should balance: %v", err)
	}
	p, err := Plan(rem, planState())
	if err != nil {
		t.Fatal(err)
	}
	pc := p.Claims[0]
	if pc.Outcome != OutcomeException || !strings.Contains(pc.Exception, "pay $80.00 in all, but CLP04 pays $90.00") {
		t.Fatalf("outcome %s (%s), want an exception naming both amounts", pc.Outcome, pc.Exception)
	}
	if len(p.Ledger) != 0 {
		t.Errorf("%d ledger transactions planned for an exception", len(p.Ledger))
	}
	want := []ledger.DepositEntry{
		{Account: ledger.DepositReceived, Side: ledger.Debit, Amount: money("90")},
		{Account: ledger.DepositUnapplied, Side: ledger.Credit, Amount: money("90")},
	}
	if diff := cmp.Diff(want, p.Deposit); diff != "" {
		t.Errorf("deposit (-want +got):\n%s", diff)
	}
}
