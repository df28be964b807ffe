package ledger

import (
	"github.com/openrcm/openrcm"
)

// A deposit is the payer-level side of one remittance (835). The service
// line accounts hold what a payer paid on each line; they cannot hold what
// belongs to no line: interest the payer adds, an earlier overpayment it
// recovers, a balance it carries forward (PLB), or a claim payment that
// matched no claim. The deposit journal records, for each remittance, the
// money the payer sent and where every cent of it went, as balanced
// entries:
//
//	received + provider adjustments = applied + unapplied
//
// which is the 835's own balancing rule (BPR02 = sum of CLP04 - sum of
// PLB04) restated with the posting's outcome: applied is what the posting
// put on service lines (the change of their payer-paid accounts), unapplied
// what it left in the exceptions queue. A posting whose plan would lose or
// invent a cent is refused.

// DepositAccount is an account of a remittance's deposit journal.
type DepositAccount string

// Deposit accounts. Received and provider adjustments carry debit
// balances, applied and unapplied credit balances.
const (
	// DepositReceived is the money the payer sent (BPR02); negative when
	// the 835 takes money back (BPR03 D).
	DepositReceived DepositAccount = "received"
	// DepositApplied is what the posting paid onto service lines: claim
	// payments, less reversals.
	DepositApplied DepositAccount = "applied"
	// DepositUnapplied is claim payments that were not posted: the claims
	// in the exceptions queue.
	DepositUnapplied DepositAccount = "unapplied"
	// DepositProviderAdjusted is a provider-level adjustment (PLB) by its
	// reason: a debit when the payer withholds money (overpayment recovery
	// WO, forward balance FB, ...), a credit when it adds money (interest
	// L6, ...).
	DepositProviderAdjusted DepositAccount = "provider_adjusted"
)

// ProviderAdjustment is one PLB adjustment as the deposit journal needs
// it. Amount follows the 835: positive reduces the payment.
type ProviderAdjustment struct {
	Reason    string    `json:"reason"`    // PLB03-1
	Reference string    `json:"reference"` // PLB03-2
	Amount    rcm.Money `json:"amount"`    // PLB04
}

// DepositEntry is one entry of a deposit journal. As in the line ledger,
// Amount is positive and direction lives in Side.
type DepositEntry struct {
	Account   DepositAccount `json:"account"`
	Reason    string         `json:"reason,omitempty"`    // provider adjustments only
	Reference string         `json:"reference,omitempty"` // provider adjustments only
	Side      Side           `json:"side"`
	Amount    rcm.Money      `json:"amount"`
}

// Deposit journals a remittance: received is BPR02, applied and unapplied
// the posting's outcome, adjustments its PLB adjustments. Zero amounts make
// no entry. It returns an error, and no entries, when the four do not
// balance.
func Deposit(received, applied, unapplied rcm.Money, adjustments []ProviderAdjustment) ([]DepositEntry, error) {
	var out []DepositEntry
	add := func(a DepositAccount, reason, ref string, debit rcm.Money) {
		switch {
		case debit > 0:
			out = append(out, DepositEntry{Account: a, Reason: reason, Reference: ref, Side: Debit, Amount: debit})
		case debit < 0:
			out = append(out, DepositEntry{Account: a, Reason: reason, Reference: ref, Side: Credit, Amount: -debit})
		}
	}
	add(DepositReceived, "", "", received)
	for _, p := range adjustments {
		add(DepositProviderAdjusted, p.Reason, p.Reference, p.Amount)
	}
	add(DepositApplied, "", "", -applied)
	add(DepositUnapplied, "", "", -unapplied)
	if err := CheckDeposit(out); err != nil {
		return nil, err
	}
	return out, nil
}

// CheckDeposit verifies a deposit journal: known accounts, positive
// amounts, and debits equal to credits. The error says how far off it is.
func CheckDeposit(entries []DepositEntry) error {
	var t DepositTotals
	for i, e := range entries {
		switch {
		case e.Amount <= 0:
			return rcm.Errorf(rcm.EINVALID, "Deposit entry %d has amount %s; amounts are positive and the side gives the direction.", i+1, e.Amount)
		case e.Side != Debit && e.Side != Credit:
			return rcm.Errorf(rcm.EINVALID, "Deposit entry %d has no valid side.", i+1)
		}
		if err := t.Add(e); err != nil {
			return err
		}
	}
	return t.Verify()
}

// DepositTotals sums deposit entries, each account as its natural balance:
// received and provider adjustments as debits, applied and unapplied as
// credits. Provider adjustments are kept by reason.
type DepositTotals struct {
	Received            rcm.Money            `json:"received"`
	Applied             rcm.Money            `json:"applied"`
	Unapplied           rcm.Money            `json:"unapplied"`
	ProviderAdjustments map[string]rcm.Money `json:"provider_adjustments,omitempty"`
	Debits              rcm.Money            `json:"debits"`
	Credits             rcm.Money            `json:"credits"`
}

// Add adds one entry, or returns an error for an unknown account.
func (t *DepositTotals) Add(e DepositEntry) error {
	return t.AddSum(e.Account, e.Reason, e.Side, e.Amount)
}

// AddSum adds the sum of entries sharing an account, reason and side, as a
// database returns them from a GROUP BY.
func (t *DepositTotals) AddSum(a DepositAccount, reason string, side Side, amount rcm.Money) error {
	debit := rcm.Money(side) * amount
	switch a {
	case DepositReceived:
		t.Received += debit
	case DepositProviderAdjusted:
		t.ProviderAdjustments = addTo(t.ProviderAdjustments, reason, debit)
	case DepositApplied:
		t.Applied -= debit
	case DepositUnapplied:
		t.Unapplied -= debit
	default:
		return rcm.Errorf(rcm.EINVALID, "Unknown deposit account %q.", a)
	}
	if side == Debit {
		t.Debits += amount
	} else {
		t.Credits += amount
	}
	return nil
}

// ProviderAdjusted is the sum of the provider adjustments: positive when
// the payer withheld more than it added.
func (t *DepositTotals) ProviderAdjusted() rcm.Money { return sum(t.ProviderAdjustments) }

// Merge adds o to t, for a report over many remittances.
func (t *DepositTotals) Merge(o DepositTotals) {
	t.Received += o.Received
	t.Applied += o.Applied
	t.Unapplied += o.Unapplied
	for k, v := range o.ProviderAdjustments {
		t.ProviderAdjustments = addTo(t.ProviderAdjustments, k, v)
	}
	t.Debits += o.Debits
	t.Credits += o.Credits
}

// Verify checks that debits equal credits, that is received + provider
// adjustments = applied + unapplied.
func (t *DepositTotals) Verify() error {
	if t.Debits != t.Credits {
		return rcm.Errorf(rcm.EINVALID, "The deposit does not balance: received %s + provider adjustments %s = %s, but applied %s + unapplied %s = %s.",
			t.Received.Dollars(), t.ProviderAdjusted().Dollars(), (t.Received + t.ProviderAdjusted()).Dollars(),
			t.Applied.Dollars(), t.Unapplied.Dollars(), (t.Applied + t.Unapplied).Dollars())
	}
	return nil
}

// PayerPaidChange is what the transactions change the payer-paid account
// of payer by, over all lines: the money a posting applies to lines.
func PayerPaidChange(payer int64, txns []*Transaction) rcm.Money {
	var s rcm.Money
	for _, t := range txns {
		for _, e := range t.Entries {
			if e.Account.Kind == PayerPaid && e.Account.Payer == payer {
				s += rcm.Money(e.Side) * e.Amount
			}
		}
	}
	return s
}
