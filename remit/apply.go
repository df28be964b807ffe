package remit

import (
	"github.com/openrcm/openrcm"
)

// ResolvedApplied is how an exception of unapplied money ends when all of
// its money was applied to claim lines (Application); it is set by the
// store, never chosen on a form.
const ResolvedApplied = "applied"

// Application applies money a check left unapplied (an exception holding
// it: a paper check's unapplied amount, or an 835 claim payment that
// matched no claim) to one line of a claim of the check's payer, as that
// payer's payment on the line. It never takes more than the exception has
// left nor more than the payer owes on the line; the same Key posts once.
type Application struct {
	ExceptionID int64     `json:"exception_id"`
	ClaimID     int64     `json:"claim_id"`
	Line        int       `json:"line"` // 1-based claim line
	Amount      rcm.Money `json:"amount"`
	// Key identifies the request for the one who makes it (a form, a
	// script): a double click or a retry applies nothing twice.
	Key string `json:"key"`
}

// Validate checks an application before anything is read.
func (a *Application) Validate() error {
	switch {
	case a.ExceptionID <= 0:
		return rcm.FieldErrorf(rcm.EINVALID, "exception_id", "Name the exception that holds the unapplied money.")
	case a.ClaimID <= 0:
		return rcm.FieldErrorf(rcm.EINVALID, "claim_id", "Name the claim to apply the money to.")
	case a.Line <= 0:
		return rcm.FieldErrorf(rcm.EINVALID, "line", "Name the claim line (1 for the first) to apply the money to.")
	case a.Amount <= 0:
		return rcm.FieldErrorf(rcm.EINVALID, "amount", "The amount must be above zero.")
	case len(a.Key) < 8 || len(a.Key) > 64:
		return rcm.FieldErrorf(rcm.EINVALID, "key", "key is 8 to 64 characters that identify this application.")
	}
	return nil
}
