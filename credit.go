package rcm

import "time"

// CreditBalance is money held for whoever paid it beyond what they owed:
// the patient (PayerID 0) or a payer. It is never lost: it stays on the
// patient's account until it pays another balance or is refunded.
type CreditBalance struct {
	PatientID     int64  `json:"patient_id"`
	AccountNumber string `json:"account_number"`
	PatientName   string `json:"patient_name"`
	PayerID       int64  `json:"payer_id,omitempty"`
	PayerName     string `json:"payer_name,omitempty"` // empty: the patient's own money
	Amount        Money  `json:"amount"`
}

// RefundRequest asks to pay a credit back: the patient's own credit to the
// patient (PayerID 0), or a payer's credit to that payer. Another user
// approves it before any money moves.
type RefundRequest struct {
	PatientID int64  `json:"patient_id"`
	PayerID   int64  `json:"payer_id,omitempty"`
	Amount    Money  `json:"amount"`
	Reason    string `json:"reason"`
}

// Validate checks a refund request before anything is read.
func (r *RefundRequest) Validate() error {
	v := &validator{}
	v.check(r.PatientID > 0, "patient_id", "patient_id is required.")
	v.check(r.PayerID >= 0, "payer_id", "payer_id must be a payer or none.")
	v.check(r.Amount > 0, "amount", "The amount must be above zero.")
	v.required(r.Reason, "reason")
	v.text(r.Reason, "reason", 40)
	return v.result()
}

// Refund states.
const (
	RefundRequested = "requested"
	RefundRefunded  = "refunded"
	RefundDeclined  = "declined"
)

// Refund is a refund request and what became of it.
type Refund struct {
	ID            int64     `json:"id"`
	PatientID     int64     `json:"patient_id"`
	AccountNumber string    `json:"account_number"`
	PayerID       int64     `json:"payer_id,omitempty"`
	PayerName     string    `json:"payer_name,omitempty"`
	Amount        Money     `json:"amount"`
	Reason        string    `json:"reason"`
	Status        string    `json:"status"`
	RequestedBy   string    `json:"requested_by"`
	RequestedAt   time.Time `json:"requested_at"`
	DecidedBy     string    `json:"decided_by,omitempty"`
	TxnID         int64     `json:"ledger_transaction,omitempty"`
}

// CreditApplication applies part of a patient's credit to their open
// balance, oldest service first, once per key.
type CreditApplication struct {
	PatientID int64  `json:"patient_id"`
	Amount    Money  `json:"amount"`
	Key       string `json:"key"`
}

// Validate checks an application before anything is read.
func (c *CreditApplication) Validate() error {
	v := &validator{}
	v.check(c.PatientID > 0, "patient_id", "patient_id is required.")
	v.check(c.Amount > 0, "amount", "The amount must be above zero.")
	v.check(len(c.Key) >= 8 && len(c.Key) <= 64, "key", "key is 8 to 64 characters that identify this application.")
	v.text(c.Key, "key", 64)
	return v.result()
}
