package remit

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

// RemittanceFilter narrows a remittance history; zero fields select
// everything. Dates are inclusive.
type RemittanceFilter struct {
	PayerID int64
	// Trace is the check or EFT trace number (TRN02), matched exactly.
	Trace string
	// PaidFrom and PaidTo bound the 835's payment date (BPR16).
	PaidFrom, PaidTo rcm.Date
	// PostedFrom and PostedTo bound the day (UTC) the 835 was posted.
	PostedFrom, PostedTo rcm.Date
	// Before, when set, keeps remittances with a smaller id: keyset paging,
	// where the next page starts before the last id of this one.
	Before int64
	Limit  int
	Offset int
}

// MaxTraceLen is the longest trace number (TRN02 is AN 1-50; posting
// accepts up to 80).
const MaxTraceLen = 80

// Validate checks a filter's ranges.
func (f RemittanceFilter) Validate() error {
	switch {
	case len(f.Trace) > MaxTraceLen:
		return rcm.FieldErrorf(rcm.EINVALID, "trace", "trace must be at most %d characters.", MaxTraceLen)
	case !f.PaidFrom.IsZero() && !f.PaidTo.IsZero() && f.PaidTo.Before(f.PaidFrom):
		return rcm.FieldErrorf(rcm.EINVALID, "paid_to", "paid_to (%s) is before paid_from (%s).", f.PaidTo, f.PaidFrom)
	case !f.PostedFrom.IsZero() && !f.PostedTo.IsZero() && f.PostedTo.Before(f.PostedFrom):
		return rcm.FieldErrorf(rcm.EINVALID, "posted_to", "posted_to (%s) is before posted_from (%s).", f.PostedTo, f.PostedFrom)
	case f.PayerID < 0, f.Before < 0, f.Limit < 0, f.Offset < 0:
		return rcm.Errorf(rcm.EINVALID, "payer, before, limit and offset may not be negative.")
	}
	return nil
}

// RemittanceSummary is one posted 835 in the remittance history: its
// payment (BPR, TRN), what posting did with its claims and what is left
// in the exceptions queue.
type RemittanceSummary struct {
	ID        int64  `json:"id"`
	PayerID   int64  `json:"payer_id"`
	PayerName string `json:"payer_name"` // the payer as set up, not as the 835 spells it
	Trace     string `json:"trace"`      // TRN02
	Handling  string `json:"handling"`   // BPR01
	Method    string `json:"method"`     // BPR04: ACH, CHK, ...
	// Amount is BPR02, negative for a debit.
	Amount rcm.Money `json:"amount"`
	PaidOn rcm.Date  `json:"paid_on"` // BPR16, the check or EFT date
	// Claims is the number of claim payments (CLP) in the 835; Posted how
	// many of them posted money (payments and reversals).
	Claims int `json:"claims"`
	Posted int `json:"posted"`
	// Paid, Adjusted and PatientResponsibility sum the posted claim
	// payments: CLP04; CLP03 − CLP04 − CLP05, which by the 835's balancing
	// rule is what the payer's CAS adjustments took off other than the
	// patient's share; and CLP05. Reversals count negative.
	Paid                  rcm.Money `json:"paid"`
	Adjusted              rcm.Money `json:"adjusted"`
	PatientResponsibility rcm.Money `json:"patient_responsibility"`
	Exceptions            int       `json:"exceptions"`
	OpenExceptions        int       `json:"open_exceptions"`
	// PLBTotal sums the provider-level adjustments (PLB04): positive
	// reduces the payment.
	PLBTotal     rcm.Money `json:"plb_total"`
	PostedAt     time.Time `json:"posted_at"`
	PostedBy     int64     `json:"posted_by"` // user id; 0 for the command line
	PostedByName string    `json:"posted_by_name,omitempty"`
}

// RemittanceDetail is one posted 835 with its claim payments, provider
// adjustments and exceptions.
type RemittanceDetail struct {
	Summary             RemittanceSummary           `json:"summary"`
	ClaimPayments       []*ClaimPaymentRecord       `json:"claim_payments"`
	ProviderAdjustments []*ProviderAdjustmentRecord `json:"provider_adjustments"`
	// Exceptions are the claim payments that went to the exceptions
	// queue, open or resolved.
	Exceptions []*Exception `json:"exceptions"`
	// Deposit is the remittance's deposit journal: what the payer sent,
	// what was applied to lines or left unapplied, the PLB adjustments.
	Deposit ledger.DepositTotals `json:"deposit"`
	// Underpayments are the lines paid below the payer's contract.
	Underpayments []*UnderpaidLine `json:"underpayments"`
}

// UnderpaidLine is a posted line paid below the payer's contract: what
// was expected under it (allowed less the patient's share), what was paid
// and the difference.
type UnderpaidLine struct {
	ClaimPaymentID int64     `json:"claim_payment_id"`
	ControlNumber  string    `json:"control_number"`
	Line           int       `json:"line"` // 1-based claim line
	Code           string    `json:"code"`
	Modifiers      []string  `json:"modifiers,omitempty"`
	Expected       rcm.Money `json:"expected"`
	Paid           rcm.Money `json:"paid"`
	Difference     rcm.Money `json:"difference"`
}

// ClaimPaymentRecord is a stored claim payment (CLP) and how it posted.
type ClaimPaymentRecord struct {
	ID  int64 `json:"id"`
	Seq int   `json:"seq"` // 1-based CLP position in the 835
	// ClaimID and PatientID are 0 when no claim matched.
	ClaimID          int64     `json:"claim_id,omitempty"`
	PatientID        int64     `json:"patient_id,omitempty"`
	ControlNumber    string    `json:"control_number"`     // CLP01
	PayerClaimNumber string    `json:"payer_claim_number"` // CLP07
	Status           string    `json:"status"`             // CLP02
	Charge           rcm.Money `json:"charge"`             // CLP03
	Paid             rcm.Money `json:"paid"`               // CLP04
	// PatientResponsibility is CLP05.
	PatientResponsibility rcm.Money `json:"patient_responsibility"`
	Outcome               string    `json:"outcome"`     // posted, reversal, no_payment, exception
	ClaimState            string    `json:"claim_state"` // the claim's state after this CLP
}

// ProviderAdjustmentRecord is a stored provider-level adjustment (PLB),
// with its 1-based place in the 835.
type ProviderAdjustmentRecord struct {
	Seq int `json:"seq"`
	ProviderAdjustment
}

// Kinds of resolution of a posting exception.
const (
	ResolvedPostedManually  = "posted_manually"
	ResolvedNotOurs         = "not_ours"
	ResolvedRefundRequested = "refund_requested"
	ResolvedOther           = "other"
)

// ResolutionKinds names each resolution kind for a biller, in the order
// a form offers them.
var ResolutionKinds = []struct{ Kind, Label string }{
	{ResolvedPostedManually, "Posted by hand"},
	{ResolvedNotOurs, "Not our claim"},
	{ResolvedRefundRequested, "Refund requested"},
	{ResolvedOther, "Other (say what in the note)"},
}

// ValidResolutionKind reports whether k is a resolution kind.
func ValidResolutionKind(k string) bool {
	for _, x := range ResolutionKinds {
		if x.Kind == k {
			return true
		}
	}
	return false
}

// MaxResolutionNote is the longest note, in characters.
const MaxResolutionNote = 2000

// Resolution closes a posting exception: how it was settled, a note
// saying what was done, and who did it when.
type Resolution struct {
	ExceptionID int64     `json:"exception_id"`
	Kind        string    `json:"kind"`
	Note        string    `json:"note"`
	UserID      int64     `json:"user_id"`
	UserName    string    `json:"user_name,omitempty"`
	ResolvedAt  time.Time `json:"resolved_at"`
}

// ValidateResolution checks what a biller gives to resolve an exception:
// a known kind and a note of 1 to MaxResolutionNote characters (line
// breaks and tabs allowed, no other control characters).
func ValidateResolution(kind, note string) error {
	if !ValidResolutionKind(kind) {
		var ks []string
		for _, x := range ResolutionKinds {
			ks = append(ks, x.Kind)
		}
		return rcm.FieldErrorf(rcm.EINVALID, "kind", "kind must be one of %s.", strings.Join(ks, ", "))
	}
	if strings.TrimSpace(note) == "" {
		return rcm.FieldErrorf(rcm.EINVALID, "note", "note is required: say what was done about the payment.")
	}
	if !utf8.ValidString(note) || utf8.RuneCountInString(note) > MaxResolutionNote {
		return rcm.FieldErrorf(rcm.EINVALID, "note", "note must be at most %d characters of text.", MaxResolutionNote)
	}
	for _, c := range note {
		if unicode.IsControl(c) && c != '\n' && c != '\r' && c != '\t' {
			return rcm.FieldErrorf(rcm.EINVALID, "note", "note may not contain control characters.")
		}
	}
	return nil
}

// Exception queue views.
const (
	ExceptionsOpen     = "open"
	ExceptionsResolved = "resolved"
	ExceptionsAll      = "all"
)

// ExceptionFilter narrows the exceptions queue.
type ExceptionFilter struct {
	// Status is ExceptionsOpen (the default when empty), ExceptionsResolved
	// or ExceptionsAll.
	Status       string
	RemittanceID int64
	Limit        int
	Offset       int
}
