package followup

import (
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
)

// Root-cause categories of a work item, in the words a biller uses.
var Categories = map[string]string{
	"eligibility":         "Eligibility: the patient was not covered as billed",
	"authorization":       "Authorization or referral missing",
	"coding":              "Coding: code, modifier or diagnosis pairing",
	"medical_necessity":   "Medical necessity not supported",
	"timely_filing":       "Timely filing limit passed",
	"duplicate":           "Duplicate claim or service",
	"cob":                 "Coordination of benefits: another payer first",
	"missing_information": "Missing or invalid information",
	"bundling":            "Bundled into another service",
	"non_covered":         "Not covered by the plan",
	"underpayment":        "Paid below the contracted amount",
	"not_on_file":         "The payer has no record of the claim",
	"rejected":            "Returned by the payer unprocessed",
	"other":               "Other: read the reason codes",
}

// CategoryRule maps adjustment reason codes (CARC, optionally within a
// group) or remark codes (RARC) to a category. The rules are data: they
// are shown on the desk and a rule earlier in the list wins.
type CategoryRule struct {
	Category string   `json:"category"`
	Group    string   `json:"group,omitempty"` // CAS01, "" for any
	CARCs    []string `json:"carcs,omitempty"`
	RARCs    []string `json:"rarcs,omitempty"`
}

// CategoryRules is the mapping in force, most specific first.
var CategoryRules = []CategoryRule{
	{Category: "timely_filing", CARCs: []string{"29"}},
	{Category: "duplicate", CARCs: []string{"18"}},
	{Category: "authorization", CARCs: []string{"15", "197", "198", "243", "284"}, RARCs: []string{"N54", "M62"}},
	{Category: "eligibility", CARCs: []string{"26", "27", "31", "32", "33", "109", "177", "200"}},
	{Category: "cob", CARCs: []string{"22", "23", "24"}, RARCs: []string{"MA04", "N4"}},
	{Category: "medical_necessity", CARCs: []string{"50", "55", "56", "57", "58", "150", "151", "152"}, RARCs: []string{"N115", "M25"}},
	{Category: "bundling", CARCs: []string{"97", "231", "234", "236", "B15"}},
	{Category: "coding", CARCs: []string{"4", "5", "6", "7", "8", "9", "10", "11", "12", "40", "146", "181", "182", "185"}, RARCs: []string{"M51", "M76", "N56", "N657"}},
	{Category: "missing_information", CARCs: []string{"16", "17", "125", "226", "252"}, RARCs: []string{"MA130", "M127", "N479"}},
	{Category: "non_covered", CARCs: []string{"49", "96", "204", "119", "35", "A1", "B7", "B9", "B12", "170", "171", "172"}},
	{Category: "underpayment", Group: "CO", CARCs: []string{"45"}},
}

// Reason is one adjustment or remark of a denied line.
type Reason struct {
	Group string // CAS01, "" for a remark
	Code  string
}

// Categorize finds the root cause of a denied or underpaid line from its
// reasons: the first rule matching any reason wins; no match is "other".
// It returns the rule that matched, for the desk to show, or nil.
func Categorize(reasons []Reason) (string, *CategoryRule) {
	for i := range CategoryRules {
		r := &CategoryRules[i]
		for _, x := range reasons {
			if x.Group == "PR" {
				continue // the patient's share is not the denial
			}
			if x.Group == "" && slices.Contains(r.RARCs, x.Code) {
				return r.Category, r
			}
			if x.Group != "" && (r.Group == "" || r.Group == x.Group) && slices.Contains(r.CARCs, x.Code) {
				return r.Category, r
			}
		}
	}
	return "other", nil
}

// String shows a rule as the desk lists it.
func (r CategoryRule) String() string {
	var parts []string
	if len(r.CARCs) > 0 {
		g := r.Group
		if g == "" {
			g = "any group"
		}
		parts = append(parts, "CARC "+strings.Join(r.CARCs, ", ")+" ("+g+")")
	}
	if len(r.RARCs) > 0 {
		parts = append(parts, "RARC "+strings.Join(r.RARCs, ", "))
	}
	return strings.Join(parts, "; ") + " → " + r.Category
}

// Limits are a payer's appeal and timely-filing limits in days.
type Limits struct {
	AppealDays int `json:"appeal_days"`
	FilingDays int `json:"filing_days"`
}

// DefaultAppealDays are the appeal limits by claim filing indicator when
// the payer sets none: Medicare's redetermination window is 120 days from
// the notice, Medicaid programs commonly allow 90, commercial plans 180.
var DefaultAppealDays = map[string]int{"MB": 120, "MA": 120, "MC": 90}

// DefaultFilingDays is the timely-filing limit when the payer sets none.
const DefaultFilingDays = 365

// LimitsOf returns a payer's limits, filling the defaults.
func LimitsOf(p *rcm.Payer) Limits {
	l := Limits{AppealDays: 180, FilingDays: DefaultFilingDays}
	if p == nil {
		return l
	}
	if d, ok := DefaultAppealDays[p.FilingIndicator]; ok {
		l.AppealDays = d
	}
	if p.TimelyFilingDays > 0 {
		l.FilingDays = p.TimelyFilingDays
	}
	return l
}

// Deadlines sets the item's appeal and filing deadlines, counted from the
// day the payer answered (the 835's or 277's date) and, for filing, from
// the date of service; Due is the earlier.
func (it *Item) Deadlines(p *rcm.Payer, dateOfService rcm.Date) {
	l := LimitsOf(p)
	it.AppealBy = it.OpenedOn.AddDays(l.AppealDays)
	if !dateOfService.IsZero() {
		it.FilingBy = dateOfService.AddDays(l.FilingDays)
	}
	it.Due = it.AppealBy
	if !it.FilingBy.IsZero() && (it.Kind == KindStatus || it.FilingBy.Before(it.Due)) {
		// A claim the payer never processed can only be sent again, within
		// timely filing.
		it.Due = it.FilingBy
	}
}
