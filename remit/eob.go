package remit

import "github.com/openrcm/openrcm"

// PostedClaimPayment is one claim payment (CLP) of a posted 835 as stored,
// with its service lines and adjustments: what a FHIR
// ExplanationOfBenefit is made from.
type PostedClaimPayment struct {
	ID           int64    `json:"id"`
	RemittanceID int64    `json:"remittance_id"`
	PayerID      int64    `json:"payer_id"`
	PayerName    string   `json:"payer_name"`
	Trace        string   `json:"trace"` // TRN02
	PaidOn       rcm.Date `json:"paid_on"`
	// ClaimID and PatientID are 0 when the payment matched no claim.
	ClaimID   int64  `json:"claim_id,omitempty"`
	PatientID int64  `json:"patient_id,omitempty"`
	Outcome   string `json:"outcome"`
	ClaimPayment
	// ClaimLines are the 1-based claim lines the service payments matched,
	// in the order of Lines (0 for none).
	ClaimLines []int `json:"claim_lines"`
}
