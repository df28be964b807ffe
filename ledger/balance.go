package ledger

import (
	"maps"

	"github.com/openrcm/openrcm"
)

// LineBalance is the state of one service line's accounts. Zero amounts are
// kept out of the maps, so two balances with the same money compare equal.
type LineBalance struct {
	Line int64 `json:"line"`
	// Charge is the credit balance of the Charges account: what was billed.
	Charge rcm.Money `json:"charge"`
	// Insurance is the open balance owed by each payer.
	Insurance map[int64]rcm.Money `json:"insurance,omitempty"`
	// Patient is the open balance the patient owes.
	Patient rcm.Money `json:"patient"`
	// PayerPaid is what each payer has paid.
	PayerPaid map[int64]rcm.Money `json:"payer_paid,omitempty"`
	// PatientPaid is what the patient has paid.
	PatientPaid rcm.Money `json:"patient_paid"`
	// Adjusted is what was given up, by group (CO, OA, PI, CR, WO).
	Adjusted map[string]rcm.Money `json:"adjusted,omitempty"`
	// Credit is the money held on the line beyond what was owed, by who
	// paid it (payer 0: the patient). It is a credit balance.
	Credit map[int64]rcm.Money `json:"credit,omitempty"`
	// PatientShare breaks down, by CARC, the balance moved from payers to
	// the patient. It is a report of the PatientAR debits, not an account.
	PatientShare map[string]rcm.Money `json:"patient_share,omitempty"`
	// Debits and Credits are the sums over every entry of the line.
	Debits  rcm.Money `json:"debits"`
	Credits rcm.Money `json:"credits"`
}

// Clone returns a deep copy of b.
func (b *LineBalance) Clone() *LineBalance {
	c := *b
	c.Insurance = maps.Clone(b.Insurance)
	c.PayerPaid = maps.Clone(b.PayerPaid)
	c.Adjusted = maps.Clone(b.Adjusted)
	c.PatientShare = maps.Clone(b.PatientShare)
	c.Credit = maps.Clone(b.Credit)
	return &c
}

// Apply adds one entry of the line to the balance.
func (b *LineBalance) Apply(e Entry) {
	b.ApplySum(e.Op, e.Account, e.Side, e.Reason, e.Amount)
}

// ApplySum adds the sum of entries sharing an operation, account, side and
// reason, as a database returns them from a GROUP BY.
func (b *LineBalance) ApplySum(op Op, a Account, side Side, reason string, amount rcm.Money) {
	signed := rcm.Money(side) * amount
	if side == Debit {
		b.Debits += amount
	} else {
		b.Credits += amount
	}
	switch a.Kind {
	case Charges:
		b.Charge -= signed
	case InsuranceAR:
		b.Insurance = addTo(b.Insurance, a.Payer, signed)
	case PatientAR:
		b.Patient += signed
		if op == OpPatientShare {
			b.PatientShare = addTo(b.PatientShare, reason, signed)
		}
	case PayerPaid:
		b.PayerPaid = addTo(b.PayerPaid, a.Payer, signed)
	case PatientPaid:
		b.PatientPaid += signed
	case Adjusted:
		b.Adjusted = addTo(b.Adjusted, a.Group, signed)
	case CreditHeld:
		b.Credit = addTo(b.Credit, a.Payer, -signed)
	}
}

func addTo[K comparable](m map[K]rcm.Money, k K, v rcm.Money) map[K]rcm.Money {
	if m == nil {
		m = map[K]rcm.Money{}
	}
	m[k] += v
	if m[k] == 0 {
		delete(m, k)
		if len(m) == 0 {
			return nil
		}
	}
	return m
}

func sum[K comparable](m map[K]rcm.Money) rcm.Money {
	var s rcm.Money
	for _, v := range m {
		s += v
	}
	return s
}

// InsuranceOpen is the open balance of all payers together.
func (b *LineBalance) InsuranceOpen() rcm.Money { return sum(b.Insurance) }

// PayerPaidTotal is what all payers together have paid.
func (b *LineBalance) PayerPaidTotal() rcm.Money { return sum(b.PayerPaid) }

// CreditTotal is the credit held on the line for the patient and payers.
func (b *LineBalance) CreditTotal() rcm.Money { return sum(b.Credit) }

// AdjustedTotal is what was given up in all groups together.
func (b *LineBalance) AdjustedTotal() rcm.Money { return sum(b.Adjusted) }

// Verify checks the line's invariant: debits equal credits; the charge
// plus the credit held equals payer payments + adjustments + patient
// payments + open insurance balance + open patient balance; and no charge,
// receivable, payment or credit is below zero. The error names the line.
func (b *LineBalance) Verify() error {
	if b.Debits != b.Credits {
		return lineErrorf(b.Line, "debits %s do not equal credits %s", b.Debits, b.Credits)
	}
	accounted := b.PayerPaidTotal() + b.AdjustedTotal() + b.PatientPaid + b.InsuranceOpen() + b.Patient
	if b.Charge != accounted-b.CreditTotal() {
		return lineErrorf(b.Line, "charge %s does not equal payer payments %s + adjustments %s + patient payments %s + insurance balance %s + patient balance %s - credit held %s (%s)",
			b.Charge, b.PayerPaidTotal(), b.AdjustedTotal(), b.PatientPaid, b.InsuranceOpen(), b.Patient, b.CreditTotal(), accounted-b.CreditTotal())
	}
	if b.Charge < 0 {
		return lineErrorf(b.Line, "charge would be %s", b.Charge)
	}
	for _, p := range sortedKeys(b.Insurance) {
		if v := b.Insurance[p]; v < 0 {
			return lineErrorf(b.Line, "balance of payer %d would be %s: a payer cannot pay, adjust or pass on more than it owes", p, v)
		}
	}
	if b.Patient < 0 {
		return lineErrorf(b.Line, "patient balance would be %s: the patient cannot pay or be written off more than they owe", b.Patient)
	}
	for _, p := range sortedKeys(b.PayerPaid) {
		if v := b.PayerPaid[p]; v < 0 {
			return lineErrorf(b.Line, "payments of payer %d would be %s", p, v)
		}
	}
	if b.PatientPaid < 0 {
		return lineErrorf(b.Line, "patient payments would be %s", b.PatientPaid)
	}
	for _, p := range sortedKeys(b.Credit) {
		if v := b.Credit[p]; v < 0 {
			return lineErrorf(b.Line, "credit held would be %s: more than the credit cannot be applied or refunded", v)
		}
	}
	return nil
}

func lineErrorf(line int64, format string, args ...any) error {
	e := rcm.Errorf(rcm.EINVALID, format, args...)
	e.Message = "Line " + itoa(line) + ": " + e.Message + "."
	e.Field = "line"
	return e
}

// Totals sums line balances for a report: what was charged, paid, adjusted
// and passed to patients, and what is still open, by payer.
type Totals struct {
	Lines        int                  `json:"lines"`
	Charges      rcm.Money            `json:"charges"`
	PayerPaid    map[int64]rcm.Money  `json:"payer_paid,omitempty"`
	Adjusted     map[string]rcm.Money `json:"adjusted,omitempty"`
	PatientShare map[string]rcm.Money `json:"patient_share,omitempty"`
	PatientPaid  rcm.Money            `json:"patient_paid"`
	InsuranceAR  map[int64]rcm.Money  `json:"insurance_ar,omitempty"`
	PatientAR    rcm.Money            `json:"patient_ar"`
	Credit       rcm.Money            `json:"credit"`
	Debits       rcm.Money            `json:"debits"`
	Credits      rcm.Money            `json:"credits"`
}

// Add adds a line's balance to the totals.
func (t *Totals) Add(b *LineBalance) {
	t.Lines++
	t.Charges += b.Charge
	for k, v := range b.PayerPaid {
		t.PayerPaid = addTo(t.PayerPaid, k, v)
	}
	for k, v := range b.Adjusted {
		t.Adjusted = addTo(t.Adjusted, k, v)
	}
	for k, v := range b.PatientShare {
		t.PatientShare = addTo(t.PatientShare, k, v)
	}
	t.PatientPaid += b.PatientPaid
	for k, v := range b.Insurance {
		t.InsuranceAR = addTo(t.InsuranceAR, k, v)
	}
	t.PatientAR += b.Patient
	t.Credit += b.CreditTotal()
	t.Debits += b.Debits
	t.Credits += b.Credits
}
