package rcm

import (
	"context"
	"strings"
)

// Authorization kinds: a payer's prior authorization (837P 2300 REF*G1)
// and a referral from another provider (REF*9F).
const (
	AuthPrior    = "prior_auth"
	AuthReferral = "referral"
)

// Authorization is a prior authorization or a referral recorded on a
// patient's coverage: its number, the codes it covers (a range, or all
// when empty), how many units (0 for no limit) and the days it is good for.
type Authorization struct {
	ID         int64  `json:"id"`
	OrgID      int64  `json:"-"`
	CoverageID int64  `json:"coverage_id"`
	Kind       string `json:"kind"`
	Number     string `json:"number"`
	// CodeFrom and CodeTo bound the CPT/HCPCS codes covered, inclusive;
	// CodeTo empty means CodeFrom alone, both empty any code.
	CodeFrom string `json:"code_from,omitempty"`
	CodeTo   string `json:"code_to,omitempty"`
	Units    int    `json:"units,omitempty"`
	StartsOn Date   `json:"starts_on"`
	EndsOn   Date   `json:"ends_on"`
	// ReferringNPI is the referring provider's NPI (referrals).
	ReferringNPI string `json:"referring_npi,omitempty"`
	// Used is how many units claims have used, as stored.
	Used int `json:"used"`
}

// Covers reports whether the authorization covers code on day on.
func (a *Authorization) Covers(code string, on Date) bool {
	if on.Before(a.StartsOn) || a.EndsOn.Before(on) {
		return false
	}
	code = strings.ToUpper(code)
	to := a.CodeTo
	if to == "" {
		to = a.CodeFrom
	}
	return a.CodeFrom == "" || (code >= a.CodeFrom && code <= to)
}

// Validate checks an authorization before it is stored.
func (a *Authorization) Validate() error {
	v := &validator{}
	a.Number = strings.TrimSpace(a.Number)
	a.CodeFrom, a.CodeTo = strings.ToUpper(strings.TrimSpace(a.CodeFrom)), strings.ToUpper(strings.TrimSpace(a.CodeTo))
	v.check(a.CoverageID > 0, "coverage_id", "coverage_id is required.")
	v.check(a.Kind == AuthPrior || a.Kind == AuthReferral, "kind", "kind must be prior_auth or referral.")
	v.check(len(a.Number) >= 1 && len(a.Number) <= 50 && printableNoDelims(a.Number), "number", "number must be 1 to 50 printable characters without * ~ : ^.")
	v.check(a.CodeFrom == "" || looksLikeProcedure(a.CodeFrom), "code_from", "code_from must be a CPT or HCPCS code.")
	v.check(a.CodeTo == "" || looksLikeProcedure(a.CodeTo) && a.CodeFrom != "" && a.CodeTo >= a.CodeFrom, "code_to", "code_to must be a CPT or HCPCS code not before code_from.")
	v.check(a.Units >= 0 && a.Units <= 9999, "units", "units must be 0 (no limit) to 9999.")
	v.check(!a.StartsOn.IsZero(), "starts_on", "starts_on is required (YYYY-MM-DD).")
	v.check(!a.EndsOn.IsZero() && !a.EndsOn.Before(a.StartsOn), "ends_on", "ends_on is required and not before starts_on.")
	v.check(a.Kind != AuthReferral || ValidNPI(a.ReferringNPI), "referring_npi", "A referral needs the referring provider's NPI.")
	v.check(a.ReferringNPI == "" || ValidNPI(a.ReferringNPI), "referring_npi", "referring_npi is not a valid NPI.")
	return v.result()
}

// AuthorizationService records authorizations and referrals on coverages
// and the units claims use of them.
type AuthorizationService interface {
	CreateAuthorization(ctx context.Context, a *Authorization) error
	// FindAuthorizations lists a coverage's authorizations with the units
	// used.
	FindAuthorizations(ctx context.Context, coverageID int64) ([]*Authorization, error)
	// UseAuthorization records that a service line uses units of an
	// authorization. It is idempotent per service line: using it again
	// (a rebuilt claim) replaces the line's use, never adds to it. It
	// refuses units beyond what remains.
	UseAuthorization(ctx context.Context, authID, serviceLineID int64, units int) error
}
