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
