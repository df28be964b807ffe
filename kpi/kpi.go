// Package kpi computes the billing manager's numbers over a period, each
// with its HFMA MAP Keys definition beside it, for the whole organization,
// per payer and per provider. It computes from facts the store gives it
// (one row per service line, one per claim answered), so the arithmetic is
// tested without a database and is the same on SQLite and PostgreSQL.
package kpi

import (
	"cmp"
	"slices"
	"time"

	"github.com/openrcm/openrcm"
)

// Definition is one figure's name and how it is computed.
type Definition struct {
	Key        string `json:"key"`
	Name       string `json:"name"`
	Definition string `json:"definition"`
}

// Definitions, after the HFMA MAP Keys for patient financial services.
var Definitions = []Definition{
	{"days_in_ar", "Days in A/R (net)", "HFMA MAP Key AR-1: net A/R at the end of the period divided by the average daily net patient service revenue (charges less contractual adjustments posted in the period, divided by the days in the period)."},
	{"ar_over_90_pct", "A/R over 90 days", "HFMA MAP Key AR-4: open A/R on services more than 90 days before the end of the period, as a percent of all open A/R at the end of the period."},
	{"net_collection_rate", "Net collection rate", "HFMA MAP Key (cash collection as a percent of net revenue): payments received from payers and patients in the period, less refunds, divided by net patient service revenue (charges less contractual adjustments) of the period."},
	{"denial_rate", "Denial rate", "HFMA MAP Key (initial denial rate): claims the payer denied in whole (835 CLP02 = 4) on their first answer in the period, as a percent of claims answered for the first time in the period."},
	{"clean_claim_rate", "Clean claim rate", "HFMA MAP Key (clean claim rate): claims first submitted in the period that were not rejected (by the clearinghouse or the payer) before their first adjudication, as a percent of claims first submitted in the period; read from each claim's history, not its state today."},
	{"first_pass_rate", "First-pass resolution rate", "Claims paid (835 CLP02 = 1, 2 or 3 with money) on their first answer in the period, as a percent of claims answered for the first time in the period: no rework was needed to get paid."},
}

// LineFacts is one service line: who it was billed to, who rendered it,
// its date of service, its open balance at the end of the period and what
// was charged, given up by contract and collected in the period.
type LineFacts struct {
	Payer, Provider string
	DateOfService   time.Time
	OpenAtEnd       rcm.Money
	Charged         rcm.Money
	Contractual     rcm.Money
	Collected       rcm.Money
}

// ClaimFacts is a claim's first answer from its payer, within the period:
// denied in whole, or paid.
type ClaimFacts struct {
	Payer, Provider string
	Denied          bool
	Paid            bool
}

// SubmissionFacts is a claim first submitted within the period, and
// whether it went through without a rejection before its first
// adjudication.
type SubmissionFacts struct {
	Payer, Provider string
	Clean           bool
}

// Figures are the numbers for one group (all, a payer, a provider).
// Ratios are nil when their denominator is zero: no number rather than a
// made-up one.
type Figures struct {
	Group             string    `json:"group"`
	DaysInAR          *float64  `json:"days_in_ar"`
	AROver90Pct       *float64  `json:"ar_over_90_pct"`
	NetCollectionRate *float64  `json:"net_collection_rate"`
	DenialRate        *float64  `json:"denial_rate"`
	CleanClaimRate    *float64  `json:"clean_claim_rate"`
	FirstPassRate     *float64  `json:"first_pass_rate"`
	OpenAR            rcm.Money `json:"open_ar"`
	AROver90          rcm.Money `json:"ar_over_90"`
	NetRevenue        rcm.Money `json:"net_revenue"`
	Collected         rcm.Money `json:"collected"`
	ClaimsAnswered    int       `json:"claims_answered"`
	ClaimsDenied      int       `json:"claims_denied"`
	ClaimsPaidFirst   int       `json:"claims_paid_first"`
	ClaimsSubmitted   int       `json:"claims_submitted"`
	ClaimsClean       int       `json:"claims_clean"`
}

// Report is the manager's numbers for a period.
type Report struct {
	From        string       `json:"from"`
	To          string       `json:"to"`
	Definitions []Definition `json:"definitions"`
	Total       Figures      `json:"total"`
	ByPayer     []Figures    `json:"by_payer"`
	ByProvider  []Figures    `json:"by_provider"`
}

type acc struct {
	f    Figures
	days int
}

func (a *acc) line(l LineFacts, end time.Time) {
	a.f.OpenAR += l.OpenAtEnd
	if end.Sub(l.DateOfService) > 90*24*time.Hour {
		a.f.AROver90 += l.OpenAtEnd
	}
	a.f.NetRevenue += l.Charged - l.Contractual
	a.f.Collected += l.Collected
}

func ratio(n, d float64, scale float64) *float64 {
	if d == 0 {
		return nil
	}
	v := n / d * scale
	return &v
}

func (a *acc) finish() Figures {
	f := a.f
	if f.NetRevenue > 0 {
		f.DaysInAR = ratio(float64(f.OpenAR), float64(f.NetRevenue)/float64(a.days), 1)
	}
	f.AROver90Pct = ratio(float64(f.AROver90), float64(f.OpenAR), 100)
	if f.NetRevenue > 0 {
		f.NetCollectionRate = ratio(float64(f.Collected), float64(f.NetRevenue), 100)
	}
	f.DenialRate = ratio(float64(f.ClaimsDenied), float64(f.ClaimsAnswered), 100)
	f.FirstPassRate = ratio(float64(f.ClaimsPaidFirst), float64(f.ClaimsAnswered), 100)
	f.CleanClaimRate = ratio(float64(f.ClaimsClean), float64(f.ClaimsSubmitted), 100)
	return f
}

// Compute computes the report for the days from through to (inclusive).
func Compute(from, to time.Time, lines []LineFacts, claims []ClaimFacts, subs []SubmissionFacts) *Report {
	days := int(to.Sub(from).Hours()/24) + 1
	end := to.AddDate(0, 0, 1)
	total := &acc{f: Figures{Group: "all"}, days: days}
	payers, providers := map[string]*acc{}, map[string]*acc{}
	group := func(m map[string]*acc, k string) *acc {
		if m[k] == nil {
			m[k] = &acc{f: Figures{Group: k}, days: days}
		}
		return m[k]
	}
	for _, l := range lines {
		total.line(l, end)
		group(payers, l.Payer).line(l, end)
		group(providers, l.Provider).line(l, end)
	}
	for _, c := range claims {
		for _, a := range []*acc{total, group(payers, c.Payer), group(providers, c.Provider)} {
			a.f.ClaimsAnswered++
			if c.Denied {
				a.f.ClaimsDenied++
			}
			if c.Paid {
				a.f.ClaimsPaidFirst++
			}
		}
	}
	for _, c := range subs {
		for _, a := range []*acc{total, group(payers, c.Payer), group(providers, c.Provider)} {
			a.f.ClaimsSubmitted++
			if c.Clean {
				a.f.ClaimsClean++
			}
		}
	}
	list := func(m map[string]*acc) []Figures {
		out := make([]Figures, 0, len(m))
		for _, a := range m {
			out = append(out, a.finish())
		}
		slices.SortFunc(out, func(a, b Figures) int { return cmp.Compare(a.Group, b.Group) })
		return out
	}
	return &Report{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Definitions: Definitions,
		Total: total.finish(), ByPayer: list(payers), ByProvider: list(providers)}
}
