package rcm

import "context"

// Payer is an insurance company or plan as the clearinghouse knows it.
type Payer struct {
	ID    int64  `json:"id"`
	OrgID int64  `json:"-"`
	Name  string `json:"name"`
	// PayerID is the payer's identifier at the clearinghouse (837P NM109 of
	// loop 2010BB).
	PayerID string `json:"payer_id"`
	// FilingIndicator is the claim filing indicator code (SBR09): MB for
	// Medicare Part B, MC for Medicaid, CI for commercial, BL for Blue Cross...
	FilingIndicator string `json:"filing_indicator"`
	// TimelyFilingDays is how many days after the date of service the payer
	// accepts a claim; 0 means not configured.
	TimelyFilingDays int `json:"timely_filing_days"`
}

// FilingIndicators are the SBR09 claim filing indicator codes the 837P
// (005010X222A1) allows.
var FilingIndicators = map[string]string{
	"11": "Other Non-Federal Programs", "12": "Preferred Provider Organization (PPO)",
	"13": "Point of Service (POS)", "14": "Exclusive Provider Organization (EPO)",
	"15": "Indemnity Insurance", "16": "Health Maintenance Organization (HMO) Medicare Risk",
	"17": "Dental Maintenance Organization", "AM": "Automobile Medical", "BL": "Blue Cross/Blue Shield",
	"CH": "Champus", "CI": "Commercial Insurance Co.", "DS": "Disability",
	"FI": "Federal Employees Program", "HM": "Health Maintenance Organization", "LM": "Liability Medical",
	"MA": "Medicare Part A", "MB": "Medicare Part B", "MC": "Medicaid", "OF": "Other Federal Program",
	"TV": "Title V", "VA": "Veterans Affairs Plan", "WC": "Workers' Compensation Health Claim",
	"ZZ": "Mutually Defined",
}

// Validate checks a payer.
func (p *Payer) Validate() error {
	v := &validator{}
	v.required(p.Name, "name")
	v.text(p.Name, "name", 60)
	v.check(len(p.PayerID) >= 2 && len(p.PayerID) <= 80 && printableNoDelims(p.PayerID), "payer_id", "payer_id must be 2 to 80 printable characters.")
	_, ok := FilingIndicators[p.FilingIndicator]
	v.check(ok, "filing_indicator", "filing_indicator %q is not an SBR09 claim filing indicator code (for example CI, MB, MC, BL).", p.FilingIndicator)
	v.check(p.TimelyFilingDays >= 0 && p.TimelyFilingDays <= 3650, "timely_filing_days", "timely_filing_days must be between 0 and 3650.")
	return v.result()
}

// PayerService manages payers.
type PayerService interface {
	CreatePayer(ctx context.Context, p *Payer) error
	FindPayerByID(ctx context.Context, id int64) (*Payer, error)
	FindPayers(ctx context.Context) ([]*Payer, error)
	UpdatePayer(ctx context.Context, p *Payer) error
}
