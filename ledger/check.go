package ledger

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/openrcm/openrcm"
)

// MaxAmount bounds one entry: ten million dollars. No service line comes
// near it, and sums of many entries stay far from int64 overflow.
const MaxAmount rcm.Money = 1_000_000_000

// Check validates t against before, the balances of the lines t touches
// before it (a line absent from before has never been posted to), and
// returns the balances of those lines after it. It refuses a transaction
// whose pairs are malformed or move money between accounts their operation
// may not, that charges a line twice or posts to a line never charged, or
// that leaves any line breaking its invariant (see LineBalance.Verify).
//
// orig is the transaction t reverses (nil when t.Reverses is 0); the caller
// looks it up and refuses a second reversal of it, which Check cannot see.
// before is not modified.
func Check(t *Transaction, before map[int64]*LineBalance, orig *Transaction) (map[int64]*LineBalance, error) {
	if len(t.Entries) == 0 {
		return nil, rcm.Errorf(rcm.EINVALID, "A transaction needs at least one entry pair.")
	}
	if len(t.Entries)%2 != 0 {
		return nil, rcm.Errorf(rcm.EINVALID, "A transaction's entries come in debit and credit pairs; it has %d.", len(t.Entries))
	}
	if len(t.Key) > 200 {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "key", "key must be at most 200 characters.")
	}
	if t.Reverses != 0 {
		if err := checkReversal(t, orig); err != nil {
			return nil, err
		}
	} else {
		if orig != nil {
			return nil, rcm.Errorf(rcm.EINTERNAL, "original given for a transaction that reverses none")
		}
		for i := 0; i < len(t.Entries); i += 2 {
			if err := checkPair(t.Entries[i], t.Entries[i+1]); err != nil {
				return nil, err
			}
		}
	}
	after := map[int64]*LineBalance{}
	for _, line := range t.Lines() {
		if b := before[line]; b != nil {
			after[line] = b.Clone()
		} else {
			after[line] = &LineBalance{Line: line}
		}
	}
	for i := 0; i < len(t.Entries); i += 2 {
		d, c := t.Entries[i], t.Entries[i+1]
		b := after[d.Account.Line]
		if t.Reverses == 0 {
			switch {
			case d.Op == OpCharge && b.Charge != 0:
				return nil, lineErrorf(d.Account.Line, "already charged %s; reverse that charge before charging again", b.Charge)
			case d.Op != OpCharge && b.Charge == 0:
				return nil, lineErrorf(d.Account.Line, "has no charge, so nothing can be paid, adjusted or moved on it")
			}
		}
		b.Apply(d)
		b.Apply(c)
	}
	for _, line := range t.Lines() {
		if err := after[line].Verify(); err != nil {
			return nil, err
		}
	}
	return after, nil
}

// checkReversal accepts t only as the exact mirror of orig.
func checkReversal(t *Transaction, orig *Transaction) error {
	switch {
	case orig == nil || orig.ID != t.Reverses:
		return rcm.FieldErrorf(rcm.ENOTFOUND, "reverses", "Transaction %d to reverse not found.", t.Reverses)
	case orig.Reverses != 0:
		return rcm.FieldErrorf(rcm.EINVALID, "reverses", "Transaction %d is itself a reversal; post the original operation again instead.", orig.ID)
	}
	want := Reverse(orig, "").Entries
	if !slices.Equal(want, t.Entries) {
		return rcm.FieldErrorf(rcm.EINVALID, "reverses", "A reversal must mirror every entry of transaction %d exactly.", orig.ID)
	}
	return nil
}

// checkPair checks one operation's debit and credit: same line, amount, op
// and reason, a positive bounded amount, and accounts the op may use.
func checkPair(d, c Entry) error {
	line := d.Account.Line
	switch {
	case d.Side != Debit || c.Side != Credit:
		return rcm.Errorf(rcm.EINVALID, "Each entry pair is a debit followed by a credit.")
	case line <= 0 || c.Account.Line != line:
		return rcm.FieldErrorf(rcm.EINVALID, "line", "Both entries of a pair must be on the same service line (got %d and %d).", line, c.Account.Line)
	case d.Amount <= 0 || d.Amount > MaxAmount:
		return lineErrorf(line, "amount %s must be above zero and at most %s", d.Amount, MaxAmount)
	case c.Amount != d.Amount:
		return lineErrorf(line, "debit %s and credit %s of a pair differ", d.Amount, c.Amount)
	case c.Op != d.Op || c.Reason != d.Reason || c.Method != d.Method:
		return lineErrorf(line, "debit and credit of a pair must share operation, reason and method")
	case len(d.Reason) > 40 || len(d.Method) > 40:
		return lineErrorf(line, "reason and method must be at most 40 characters")
	}
	for _, a := range []Account{d.Account, c.Account} {
		if err := checkAccount(a); err != nil {
			return err
		}
	}
	dk, ck := d.Account.Kind, c.Account.Kind
	ok := false
	switch d.Op {
	case OpCharge:
		ok = (dk == InsuranceAR || dk == PatientAR) && ck == Charges
	case OpPayerPayment:
		ok = dk == PayerPaid && ck == InsuranceAR && d.Account.Payer == c.Account.Payer
	case OpAdjustment:
		ok = (dk == Adjusted && ck == InsuranceAR && payerGroup(d.Account.Group)) ||
			(dk == InsuranceAR && ck == Adjusted && payerGroup(c.Account.Group))
		if ok && d.Reason == "" {
			return lineErrorf(line, "an adjustment needs its reason code (CARC)")
		}
	case OpPatientShare:
		ok = dk == PatientAR && ck == InsuranceAR
		if ok && d.Reason == "" {
			return lineErrorf(line, "patient responsibility needs its reason code (1 deductible, 2 coinsurance, 3 copay, ...)")
		}
	case OpPayerTransfer:
		ok = dk == InsuranceAR && ck == InsuranceAR && d.Account.Payer != c.Account.Payer
	case OpPatientPayment:
		ok = dk == PatientPaid && ck == PatientAR
	case OpWriteOff:
		ok = dk == Adjusted && d.Account.Group == GroupWO && (ck == InsuranceAR || ck == PatientAR)
	case OpOverpayment:
		ok = ck == CreditHeld && ((dk == PatientPaid && c.Account.Payer == 0) || (dk == PayerPaid && d.Account.Payer == c.Account.Payer))
	case OpApplyCredit:
		ok = dk == CreditHeld && d.Account.Payer == 0 && ck == PatientPaid
	case OpRefund:
		ok = dk == CreditHeld && ((ck == PatientPaid && d.Account.Payer == 0) || (ck == PayerPaid && c.Account.Payer == d.Account.Payer))
		if ok && d.Reason == "" {
			return lineErrorf(line, "a refund needs its reason")
		}
	default:
		return lineErrorf(line, "unknown operation %q", d.Op)
	}
	if !ok {
		return lineErrorf(line, "operation %s may not debit %s and credit %s", d.Op, describe(d.Account), describe(c.Account))
	}
	return nil
}

func payerGroup(g string) bool {
	return g == GroupCO || g == GroupOA || g == GroupPI || g == GroupCR
}

// checkAccount checks that an account names a payer exactly when its kind
// is per payer, and a known group exactly when it is an adjustment.
func checkAccount(a Account) error {
	perPayer := a.Kind == InsuranceAR || a.Kind == PayerPaid
	switch a.Kind {
	case CreditHeld:
		// The patient's credit (no payer) or a payer's.
		if a.Payer < 0 || a.Group != "" {
			return lineErrorf(a.Line, "credit account needs no group and a payer or none")
		}
		return nil
	case Charges, InsuranceAR, PatientAR, PayerPaid, PatientPaid, Adjusted:
	default:
		return lineErrorf(a.Line, "unknown account kind %q", a.Kind)
	}
	switch {
	case perPayer && a.Payer <= 0:
		return lineErrorf(a.Line, "account %s needs a payer", a.Kind)
	case !perPayer && a.Payer != 0:
		return lineErrorf(a.Line, "account %s belongs to no payer", a.Kind)
	case a.Kind == Adjusted && !payerGroup(a.Group) && a.Group != GroupWO:
		return lineErrorf(a.Line, "adjustment group %q is not CO, OA, PI, CR or WO", a.Group)
	case a.Kind != Adjusted && a.Group != "":
		return lineErrorf(a.Line, "account %s has no group", a.Kind)
	}
	return nil
}

func describe(a Account) string {
	switch {
	case a.Payer != 0:
		return string(a.Kind) + " of payer " + itoa(a.Payer)
	case a.Group != "":
		return string(a.Kind) + " " + a.Group
	}
	return string(a.Kind)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
