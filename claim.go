package rcm

// Claim frequency codes (CLM05-3).
const (
	FrequencyOriginal    = "1"
	FrequencyReplacement = "7"
	FrequencyVoid        = "8"
)

// Claim states. A claim moves from draft through scrubbing and submission to
// the payer's answers; every change is recorded with who and why.
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
	ClaimClosed     = "closed"
)

// Claim is a bill for one encounter to one payer.
type Claim struct {
	ID          int64 `json:"id"`
	OrgID       int64 `json:"-"`
	EncounterID int64 `json:"encounter_id"`
	PayerID     int64 `json:"payer_id"`
	CoverageID  int64 `json:"coverage_id"`
	// ControlNumber is the patient control number sent in CLM01 and echoed
	// back in the 277CA and 835 (CLP01).
	ControlNumber string `json:"control_number"`
	Frequency     string `json:"frequency"`
	// PayerClaimNumber is the payer's claim control number (835 CLP07),
	// required on replacement and void claims (REF*F8).
	PayerClaimNumber string `json:"payer_claim_number,omitempty"`
	State            string `json:"state"`
	TotalCharge      Money  `json:"total_charge"`
}
