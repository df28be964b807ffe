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
	// Rules are the payer's own requirements beyond the 837P guide, which
	// the scrubber enforces.
	Rules []PayerRule `json:"rules,omitempty"`
}

// PayerRule is a requirement one payer adds to the guide's: a field it
// wants, a modifier it expects on certain codes, an NDC on drug lines.
// Rules are data, so a biller adds them without a release of OpenRCM.
type PayerRule struct {
	// Name identifies the rule in findings, such as "NDC on drug lines".
	Name string `json:"name"`
	// Kind is one of the PayerRule kinds.
	Kind string `json:"kind"`
	// Codes limits the rule to procedure codes starting with any of these
	// ("J" for all J-codes); empty means every line.
	Codes    []string `json:"codes,omitempty"`
	Modifier string   `json:"modifier,omitempty"`
	// Fix tells the biller what to do; a default per kind is used when empty.
	Fix string `json:"fix,omitempty"`
}

// Payer rule kinds.
const (
	RequirePriorAuth = "require-prior-auth"
	RequireReferral  = "require-referral"
	RequireNDC       = "require-ndc"
	RequireModifier  = "require-modifier"
)

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
	v.check(len(p.Rules) <= 100, "rules", "at most 100 rules per payer.")
	for i, r := range p.Rules {
		f := "rules[" + itoa(i) + "]"
		v.required(r.Name, f+".name")
		v.text(r.Name, f+".name", 100)
		v.text(r.Fix, f+".fix", 300)
		switch r.Kind {
		case RequirePriorAuth, RequireReferral, RequireNDC:
		case RequireModifier:
			v.check(len(r.Modifier) == 2, f+".modifier", "a require-modifier rule names a two-character modifier.")
		default:
			v.check(false, f+".kind", "kind must be require-prior-auth, require-referral, require-ndc or require-modifier.")
		}
		for _, c := range r.Codes {
			v.check(c != "" && len(c) <= 5 && printableNoDelims(c), f+".codes", "codes are procedure codes or prefixes of at most five characters.")
		}
	}
	return v.result()
}

// PayerService manages payers.
type PayerService interface {
	CreatePayer(ctx context.Context, p *Payer) error
	FindPayerByID(ctx context.Context, id int64) (*Payer, error)
	FindPayers(ctx context.Context) ([]*Payer, error)
	UpdatePayer(ctx context.Context, p *Payer) error
}
