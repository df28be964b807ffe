package rcm

import (
	"context"
	"time"
)

// Claim frequency codes (CLM05-3).
const (
	FrequencyOriginal    = "1"
	FrequencyReplacement = "7"
	FrequencyVoid        = "8"
)

// Claim states. A claim moves from draft through scrubbing and submission to
// the payer's answers; every change is recorded with who, when and why.
const (
	ClaimDraft      = "draft"
	ClaimReady      = "ready"
	ClaimSubmitted  = "submitted"
	ClaimAccepted   = "accepted"
	ClaimRejected   = "rejected"
	ClaimPaid       = "paid"
	ClaimPartlyPaid = "partly_paid"
	ClaimDenied     = "denied"
	ClaimReversed   = "reversed"
	ClaimAppealed   = "appealed"
	ClaimVoided     = "voided"
	ClaimClosed     = "closed"
)

// claimTransitions lists, for each state, the states a claim may move to.
// Posting and acknowledgements drive most moves; people drive the rest.
var claimTransitions = map[string][]string{
	ClaimDraft:      {ClaimReady, ClaimVoided},
	ClaimReady:      {ClaimDraft, ClaimSubmitted, ClaimVoided},
	ClaimSubmitted:  {ClaimAccepted, ClaimRejected, ClaimPaid, ClaimPartlyPaid, ClaimDenied},
	ClaimAccepted:   {ClaimRejected, ClaimPaid, ClaimPartlyPaid, ClaimDenied},
	ClaimRejected:   {ClaimDraft, ClaimVoided, ClaimClosed},
	ClaimPaid:       {ClaimReversed, ClaimClosed, ClaimPartlyPaid, ClaimDenied},
	ClaimPartlyPaid: {ClaimPaid, ClaimReversed, ClaimAppealed, ClaimClosed, ClaimDenied},
	ClaimDenied:     {ClaimAppealed, ClaimPaid, ClaimPartlyPaid, ClaimReversed, ClaimClosed, ClaimDraft},
	ClaimAppealed:   {ClaimPaid, ClaimPartlyPaid, ClaimDenied, ClaimClosed, ClaimReversed},
	ClaimReversed:   {ClaimClosed, ClaimPaid, ClaimPartlyPaid, ClaimDenied},
	ClaimVoided:     {},
	ClaimClosed:     {},
}

// CanMoveClaim reports whether a claim in state from may move to state to.
func CanMoveClaim(from, to string) bool {
	for _, s := range claimTransitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Claim is a bill for one encounter to one payer: a snapshot of the coded
// encounter as it was sent, so later edits to the encounter never change
// what a payer was told.
type Claim struct {
	ID          int64 `json:"id"`
	OrgID       int64 `json:"-"`
	EncounterID int64 `json:"encounter_id"`
	PatientID   int64 `json:"patient_id"`
	PayerID     int64 `json:"payer_id"`
	CoverageID  int64 `json:"coverage_id"`
	// ControlNumber is the patient control number sent in CLM01 and echoed
	// back in the 277CA and 835 (CLP01); unique in the organization.
	ControlNumber string `json:"control_number"`
	Frequency     string `json:"frequency"`
	// PayerClaimNumber is the payer's claim control number (835 CLP07),
	// required on replacement and void claims (2300 REF*F8).
	PayerClaimNumber string `json:"payer_claim_number,omitempty"`
	// ReplacesClaimID links a replacement or void to the claim it corrects.
	ReplacesClaimID int64  `json:"replaces_claim_id,omitempty"`
	State           string `json:"state"`
	// PriorAuth and Referral are 2300 REF*G1 and REF*9F.
	PriorAuth string `json:"prior_auth,omitempty"`
	Referral  string `json:"referral,omitempty"`
	// OnsetDate is 2300 DTP*431, the onset of the current illness or injury.
	OnsetDate Date `json:"onset_date,omitzero"`
	// AccidentDate and AccidentCause (CLM11: AA auto, EM employment, OA
	// other) are sent when the visit follows an accident.
	AccidentDate   Date        `json:"accident_date,omitzero"`
	AccidentCause  string      `json:"accident_cause,omitempty"`
	AccidentState  string      `json:"accident_state,omitempty"`
	DateOfService  Date        `json:"date_of_service"`
	PlaceOfService string      `json:"place_of_service"`
	Diagnoses      []Diagnosis `json:"diagnoses"`
	Lines          []ClaimLine `json:"lines"`
	// Prior holds the adjudications of earlier payers, for a secondary or
	// tertiary claim.
	Prior []PriorPayment `json:"prior,omitempty"`
	// Institutional is the facility data of an institutional claim (837I,
	// UB-04), copied from the encounter; nil on a professional claim.
	Institutional *Institutional `json:"institutional,omitempty"`
	CreatedAt     time.Time      `json:"created_at"`
	History       []ClaimEvent   `json:"history,omitempty"`
}

// ClaimLine is a service line as billed on a claim.
type ClaimLine struct {
	// ServiceLineID is the encounter line this claim line bills; the ledger
	// keeps its accounts by it.
	ServiceLineID int64 `json:"service_line_id"`
	ServiceLine
}

// TotalCharge is the sum of the line charges (CLM02).
func (c *Claim) TotalCharge() Money {
	var t Money
	for _, l := range c.Lines {
		t += l.Charge
	}
	return t
}

// ClaimEvent is one recorded change of a claim's state.
type ClaimEvent struct {
	At     time.Time `json:"at"`
	UserID int64     `json:"user_id"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Reason string    `json:"reason"`
}

// ClaimFilter narrows FindClaims.
type ClaimFilter struct {
	State     string
	PayerID   int64
	PatientID int64
	// ControlNumber finds the claim an acknowledgement or remittance names.
	ControlNumber string
	// Before, when set, keeps the claims with a lower id: lists are newest
	// first, so the next page starts before the last claim shown (keyset
	// paging).
	Before int64
	Limit  int
	Offset int
}

// FeeScheduleEntry is the practice's charge for a code (and modifier) from
// a date on. The charge is what the practice bills, not what a payer
// allows.
type FeeScheduleEntry struct {
	// PracticeID and ProviderID narrow the entry to one practice or one
	// rendering provider; 0 means every one. The most specific entry in
	// force wins.
	PracticeID    int64  `json:"practice_id,omitempty"`
	ProviderID    int64  `json:"provider_id,omitempty"`
	Code          string `json:"code"`
	Modifier      string `json:"modifier,omitempty"`
	Charge        Money  `json:"charge"`
	EffectiveFrom Date   `json:"effective_from"`
	// EffectiveTo is the last day the entry is in force; zero means until
	// a later entry for the same service takes over.
	EffectiveTo Date `json:"effective_to,omitzero"`
}

// ClaimService stores claims and their history.
type ClaimService interface {
	// CreateClaim stores a built claim in state draft.
	CreateClaim(ctx context.Context, c *Claim) error
	FindClaimByID(ctx context.Context, id int64) (*Claim, error)
	FindClaims(ctx context.Context, f ClaimFilter) ([]*Claim, error)
	// MoveClaim changes a claim's state if the move is allowed, recording
	// who, when and why.
	MoveClaim(ctx context.Context, id int64, to, reason string) error

	// SetPayerClaimNumber records the payer's claim control number once an
	// acknowledgement or remittance names it.
	SetPayerClaimNumber(ctx context.Context, id int64, number string) error

	SetFee(ctx context.Context, e FeeScheduleEntry) error
	// FindFee returns the charge for code and modifier in force on date,
	// falling back to the code without modifier.
	FindFee(ctx context.Context, code, modifier string, on Date) (Money, error)
}

// ClaimFinding is one finding of the scrubber stored with its claim: the
// rule that fired, how bad, which lines, and what to do.
type ClaimFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Lines    []int  `json:"lines,omitempty"`
	Message  string `json:"message"`
	Fix      string `json:"fix"`
}

// ScrubService records scrub results. It is the only way a claim becomes
// ready: a clean scrub moves a draft to ready, a scrub with errors moves a
// ready claim back to draft.
type ScrubService interface {
	RecordScrub(ctx context.Context, claimID int64, findings []ClaimFinding) (state string, err error)
	FindClaimFindings(ctx context.Context, claimID int64) ([]ClaimFinding, error)
}

// Adjustment is one claim adjustment (X12 CAS): a group (CO contractual,
// PR patient responsibility, OA other, PI payer initiated, CR correction),
// a reason (a CARC), an amount and an optional quantity.
type Adjustment struct {
	Group    string `json:"group"`
	Reason   string `json:"reason"`
	Amount   Money  `json:"amount"`
	Quantity int    `json:"quantity,omitempty"`
}

// PriorPayment is how an earlier payer adjudicated the claim, as the next
// payer needs it for coordination of benefits (837P loops 2320, 2330B and
// 2430).
type PriorPayment struct {
	// CoverageID is the earlier payer's coverage of the patient.
	CoverageID int64 `json:"coverage_id"`
	PayerID    int64 `json:"payer_id"`
	// Paid is what that payer paid on the claim (2320 AMT*D).
	Paid Money `json:"paid"`
	// PatientResponsibility is what remains for the patient (2320 AMT*EAF).
	PatientResponsibility Money `json:"patient_responsibility"`
	// Adjustments are claim-level adjustments (2320 CAS).
	Adjustments []Adjustment `json:"adjustments,omitempty"`
	// AdjudicatedOn is the remittance date (2430 DTP*573).
	AdjudicatedOn Date        `json:"adjudicated_on"`
	Lines         []PriorLine `json:"lines"`
}

// PriorLine is the earlier payer's adjudication of one service line (2430
// SVD and CAS).
type PriorLine struct {
	// Line is the 1-based line number on this claim the adjudication is for.
	Line        int          `json:"line"`
	Code        string       `json:"code"`
	Modifiers   []string     `json:"modifiers,omitempty"`
	Units       int          `json:"units"`
	Paid        Money        `json:"paid"`
	Adjustments []Adjustment `json:"adjustments,omitempty"`
}
