// Package ledger is OpenRCM's double-entry journal of what happens to the
// money of each service line: the charge, what payers pay, contractual and
// other adjustments, balances moved from one payer to the next or to the
// patient, patient payments and write-offs. Amounts are integer cents.
//
// Every account belongs to one service line, so the journal can prove, line
// by line, the identity billers and auditors ask about:
//
//	charge = payer payments + adjustments + patient payments
//	         + open insurance balance + open patient balance
//
// Entries are never changed; a mistake is undone by a reversing transaction
// that names the one it reverses. Check validates a transaction against the
// balances of the lines it touches and refuses it, whole, when it would break
// the identity or leave a receivable below zero. Journal is an in-memory
// journal built on Check; the sqldb adapter stores the same transactions and
// runs the same Check inside its database transaction.
package ledger

import (
	"github.com/openrcm/openrcm"
)

// Kind is the kind of an account. Each service line has one account of each
// kind, except insurance receivables and payer payments, of which it has one
// per payer, and adjustments, one per group.
type Kind string

// Account kinds. Charges is credited by the charge; the other accounts carry
// debit balances, so per line the charge equals the sum of all the others.
const (
	Charges     Kind = "charges"      // gross charge of the line (credit balance)
	InsuranceAR Kind = "insurance_ar" // open balance a payer owes (per payer)
	PatientAR   Kind = "patient_ar"   // open balance the patient owes
	PayerPaid   Kind = "payer_paid"   // money received from a payer (per payer)
	PatientPaid Kind = "patient_paid" // money received from the patient
	Adjusted    Kind = "adjusted"     // amounts given up, per adjustment group
	// CreditHeld is money received beyond what was owed on the line, held
	// for whoever paid it: the patient (no payer) or a payer. It carries a
	// credit balance, like Charges: it is owed back, not earned.
	CreditHeld Kind = "credit"
)

// Adjustment groups: the CAS01 claim adjustment group codes a payer may use
// for a line adjustment, and WO for the practice's own write-offs (small
// balances, bad debt), which no payer reports. PR is not an adjustment group
// here: patient responsibility moves the balance to PatientAR instead.
const (
	GroupCO = "CO" // contractual obligation: the payer's contract says the provider gives it up
	GroupOA = "OA" // other adjustment
	GroupPI = "PI" // payer-initiated reduction
	GroupCR = "CR" // correction or reversal of a prior decision
	GroupWO = "WO" // write-off by the practice
)

// Op is the operation an entry pair records; the journal accepts each
// operation only between the accounts it may move money between.
type Op string

// Operations.
const (
	OpCharge         Op = "charge"          // charge a line to a payer (or to the patient: self-pay)
	OpPayerPayment   Op = "payer_payment"   // a payer pays on its balance
	OpAdjustment     Op = "adjustment"      // a payer adjusts its balance (CO, OA, PI, CR)
	OpPatientShare   Op = "patient_share"   // a payer moves part of its balance to the patient (PR)
	OpPayerTransfer  Op = "payer_transfer"  // a balance moves from one payer to another (primary to secondary)
	OpPatientPayment Op = "patient_payment" // the patient pays on their balance
	OpWriteOff       Op = "write_off"       // the practice writes off an open balance
	OpOverpayment    Op = "overpayment"     // money beyond what was owed is held as a credit
	OpApplyCredit    Op = "apply_credit"    // a patient's credit leaves its line to pay another
	OpRefund         Op = "refund"          // a credit is paid back to whoever paid it
)

// Side says whether an entry debits or credits its account.
type Side int8

// Sides. The values are the sign an entry gives a debit-positive balance.
const (
	Debit  Side = 1
	Credit Side = -1
)

// String returns "debit" or "credit".
func (s Side) String() string {
	switch s {
	case Debit:
		return "debit"
	case Credit:
		return "credit"
	}
	return "invalid"
}

// Account names one account of a service line.
type Account struct {
	Line  int64  `json:"line"`
	Kind  Kind   `json:"kind"`
	Payer int64  `json:"payer,omitempty"` // InsuranceAR and PayerPaid only
	Group string `json:"group,omitempty"` // Adjusted only
}

// Entry is one side of an entry pair. Amount is always positive: direction
// lives in Side, never in a sign, so a negative amount cannot smuggle a
// credit in as a debit.
type Entry struct {
	Op      Op        `json:"op"`
	Account Account   `json:"account"`
	Side    Side      `json:"side"`
	Amount  rcm.Money `json:"amount"`
	// Reason is the CARC of an adjustment or patient share (CAS02), or the
	// practice's reason for a write-off.
	Reason string `json:"reason,omitempty"`
	// Method is how a payment arrived: for example CHK or ACH (835 BPR04)
	// for a payer, cash, check or card for a patient.
	Method string `json:"method,omitempty"`
}

// Transaction is one posting: a balanced set of entry pairs that the journal
// accepts or refuses whole. Build one with the operation methods (Charge,
// PayerPayment, ...) or with Reverse.
type Transaction struct {
	// ID is assigned by the journal that accepts the transaction.
	ID int64 `json:"id"`
	// Key, when set, identifies the source document, for example
	// "835:<payer>:<TRN02>:<CLP index>"; a journal accepts a key once, so a
	// re-post of the same remittance is refused.
	Key string `json:"key,omitempty"`
	// Reverses is the ID of the transaction this one reverses, 0 if none.
	Reverses int64  `json:"reverses,omitempty"`
	Memo     string `json:"memo,omitempty"`
	// Entries come in pairs: entry 2i is the debit and 2i+1 the credit of
	// one operation.
	Entries []Entry `json:"entries"`
}

func (t *Transaction) pair(op Op, debit, credit Account, amount rcm.Money, reason, method string) *Transaction {
	t.Entries = append(t.Entries,
		Entry{Op: op, Account: debit, Side: Debit, Amount: amount, Reason: reason, Method: method},
		Entry{Op: op, Account: credit, Side: Credit, Amount: amount, Reason: reason, Method: method})
	return t
}

// receivable is the account that holds what payer owes on line, or what the
// patient owes when payer is 0.
func receivable(line, payer int64) Account {
	if payer == 0 {
		return Account{Line: line, Kind: PatientAR}
	}
	return Account{Line: line, Kind: InsuranceAR, Payer: payer}
}

// Charge records the line's charge as owed by payer, or by the patient when
// payer is 0 (self-pay). A line is charged once; to change a charge, reverse
// it and charge again.
func (t *Transaction) Charge(line, payer int64, amount rcm.Money) *Transaction {
	return t.pair(OpCharge, receivable(line, payer), Account{Line: line, Kind: Charges}, amount, "", "")
}

// PayerPayment records money paid by payer on the line (835 SVC03), through
// method (BPR04: CHK, ACH, ...).
func (t *Transaction) PayerPayment(line, payer int64, amount rcm.Money, method string) *Transaction {
	return t.pair(OpPayerPayment, Account{Line: line, Kind: PayerPaid, Payer: payer}, receivable(line, payer), amount, "", method)
}

// Adjust records a payer's adjustment of its balance on the line in group
// (CO, OA, PI or CR) for reason (the CARC). A negative amount, which 835 CAS
// segments allow, gives the balance back to the payer's receivable.
func (t *Transaction) Adjust(line, payer int64, group, reason string, amount rcm.Money) *Transaction {
	adj := Account{Line: line, Kind: Adjusted, Group: group}
	if amount < 0 {
		return t.pair(OpAdjustment, receivable(line, payer), adj, -amount, reason, "")
	}
	return t.pair(OpAdjustment, adj, receivable(line, payer), amount, reason, "")
}

// PatientShare moves amount of payer's balance on the line to the patient:
// CAS group PR with reason 1 (deductible), 2 (coinsurance), 3 (copay) or
// another patient-responsibility CARC.
func (t *Transaction) PatientShare(line, payer int64, reason string, amount rcm.Money) *Transaction {
	return t.pair(OpPatientShare, Account{Line: line, Kind: PatientAR}, receivable(line, payer), amount, reason, "")
}

// PayerTransfer moves amount of the line's balance from one payer to
// another, as when the primary has paid and the secondary is billed.
func (t *Transaction) PayerTransfer(line, from, to int64, amount rcm.Money) *Transaction {
	return t.pair(OpPayerTransfer, Account{Line: line, Kind: InsuranceAR, Payer: to}, Account{Line: line, Kind: InsuranceAR, Payer: from}, amount, "", "")
}

// PatientPayment records money the patient paid on the line.
func (t *Transaction) PatientPayment(line int64, amount rcm.Money, method string) *Transaction {
	return t.pair(OpPatientPayment, Account{Line: line, Kind: PatientPaid}, Account{Line: line, Kind: PatientAR}, amount, "", method)
}

// WriteOff gives up amount of the open balance of payer on the line, or of
// the patient when payer is 0, for the practice's reason.
func (t *Transaction) WriteOff(line, payer int64, reason string, amount rcm.Money) *Transaction {
	return t.pair(OpWriteOff, Account{Line: line, Kind: Adjusted, Group: GroupWO}, receivable(line, payer), amount, reason, "")
}

// paid is the payment account of payer on the line, or of the patient
// when payer is 0.
func paid(line, payer int64) Account {
	if payer == 0 {
		return Account{Line: line, Kind: PatientPaid}
	}
	return Account{Line: line, Kind: PayerPaid, Payer: payer}
}

// Overpayment records amount paid on the line by payer (the patient when
// payer is 0) beyond what it owed, held as that payer's credit: the money
// is received, so nothing is refused or lost, and it stays owed back until
// it is applied or refunded.
func (t *Transaction) Overpayment(line, payer int64, amount rcm.Money, method string) *Transaction {
	return t.pair(OpOverpayment, paid(line, payer), Account{Line: line, Kind: CreditHeld, Payer: payer}, amount, "", method)
}

// ApplyCredit moves amount of the patient's credit held on line from to
// the patient's open balance on line to: the credit leaves the line it was
// paid on and becomes a payment of the other. Only a patient's credit
// pays a patient's balance; a payer's credit is refunded to the payer.
func (t *Transaction) ApplyCredit(from, to int64, amount rcm.Money) *Transaction {
	t.pair(OpApplyCredit, Account{Line: from, Kind: CreditHeld}, Account{Line: from, Kind: PatientPaid}, amount, "", "credit")
	return t.PatientPayment(to, amount, "credit")
}

// Refund pays amount of the credit held on the line back to payer (the
// patient when payer is 0), for reason.
func (t *Transaction) Refund(line, payer int64, reason string, amount rcm.Money) *Transaction {
	return t.pair(OpRefund, Account{Line: line, Kind: CreditHeld, Payer: payer}, paid(line, payer), amount, reason, "")
}

// Reverse returns the transaction that undoes orig: the same pairs with
// debit and credit swapped. It carries no key; a reversal is identified by
// the transaction it reverses, which can be reversed only once.
func Reverse(orig *Transaction, memo string) *Transaction {
	t := &Transaction{Reverses: orig.ID, Memo: memo, Entries: make([]Entry, len(orig.Entries))}
	for i := 0; i+1 < len(orig.Entries); i += 2 {
		d, c := orig.Entries[i], orig.Entries[i+1]
		d.Side, c.Side = Credit, Debit
		t.Entries[i], t.Entries[i+1] = c, d
	}
	return t
}

// Lines returns the lines the transaction touches, in first-touched order.
func (t *Transaction) Lines() []int64 {
	var lines []int64
	seen := map[int64]bool{}
	for _, e := range t.Entries {
		if !seen[e.Account.Line] {
			seen[e.Account.Line] = true
			lines = append(lines, e.Account.Line)
		}
	}
	return lines
}
