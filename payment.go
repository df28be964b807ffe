package rcm

import (
	"slices"
	"strings"
)

// PatientPayment is money a patient paid toward their balance: at the
// front desk, by mail or online. The store applies it to the patient's
// open balance, oldest service first.
type PatientPayment struct {
	PatientID int64 `json:"patient_id"`
	Amount    Money `json:"amount"`
	// Method is how it was paid: one of PaymentMethods.
	Method string `json:"method"`
	// Reference is a check number or card authorization, for the memo.
	Reference string `json:"reference,omitempty"`
	// Key identifies the payment for the one who records it (a form, a
	// script): the same key posts once, so a double click or a retry
	// cannot take the money twice.
	Key string `json:"key"`
}

// PaymentMethods are the ways a patient pays.
var PaymentMethods = []string{"cash", "check", "card", "ach", "other"}

// Validate checks a patient payment before anything is read.
func (p *PatientPayment) Validate() error {
	v := &validator{}
	v.check(p.PatientID > 0, "patient_id", "patient_id is required.")
	v.check(p.Amount > 0, "amount", "The amount must be above zero.")
	v.check(slices.Contains(PaymentMethods, p.Method), "method", "method must be one of %s.", strings.Join(PaymentMethods, ", "))
	v.text(p.Reference, "reference", 30)
	v.check(len(p.Key) >= 8 && len(p.Key) <= 64, "key", "key is 8 to 64 characters that identify this payment.")
	v.text(p.Key, "key", 64)
	return v.result()
}

// PatientWriteOff gives up part of what a patient owes, for the practice's
// reason: a balance too small to bill, a debt sent to collections and not
// expected back, a hardship or courtesy discount. Like a payment it is
// applied oldest service first, once per key.
type PatientWriteOff struct {
	PatientID int64  `json:"patient_id"`
	Amount    Money  `json:"amount"`
	Reason    string `json:"reason"` // one of WriteOffReasons
	Key       string `json:"key"`
}

// WriteOffReasons are the practice's reasons to write off a patient
// balance.
var WriteOffReasons = []string{"small_balance", "bad_debt", "hardship", "courtesy", "other"}

// Validate checks a write-off before anything is read.
func (w *PatientWriteOff) Validate() error {
	v := &validator{}
	v.check(w.PatientID > 0, "patient_id", "patient_id is required.")
	v.writeOff(w.Amount, w.Reason, false)
	v.check(len(w.Key) >= 8 && len(w.Key) <= 64, "key", "key is 8 to 64 characters that identify this write-off.")
	v.text(w.Key, "key", 64)
	return v.result()
}

// ValidateClaimWriteOff checks a write-off of a payer's open balance on a
// claim (a work item closed as written off) by the same rule as a patient
// write-off: a reason from WriteOffReasons and an amount that is not
// negative; zero there means the claim's whole open balance.
func ValidateClaimWriteOff(amount Money, reason string) error {
	v := &validator{}
	v.writeOff(amount, reason, true)
	return v.result()
}

// writeOff is the one check of a write-off's amount and reason; whole
// allows a zero amount, which stands for the whole open balance.
func (v *validator) writeOff(amount Money, reason string, whole bool) {
	if whole {
		v.check(amount >= 0, "amount", "The amount written off may not be negative; leave it empty to write off the whole open balance.")
	} else {
		v.check(amount > 0, "amount", "The amount must be above zero.")
	}
	v.check(slices.Contains(WriteOffReasons, reason), "reason", "reason must be one of %s.", strings.Join(WriteOffReasons, ", "))
}
