package ui

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
)

// Age buckets of accounts receivable, in days since the date of service,
// as billers report A/R.
var agingBuckets = []struct {
	Label    string
	From, To int // inclusive; To < 0 means no upper bound
}{
	{"0–30 days", 0, 30}, {"31–60 days", 31, 60}, {"61–90 days", 61, 90}, {"91–120 days", 91, 120}, {"over 120 days", 121, -1},
}

// dashboardData holds the figures and the charts drawn from them.
type dashboardData struct {
	Today    rcm.Date
	Charges  rcm.Money
	Payments rcm.Money
	OpenAR   rcm.Money
	// Claims counts claims by state.
	States []stateCount
	// Submitted counts claims ever submitted; Clean those never rejected
	// or denied; Adjudicated those the payer decided; Denied those denied.
	Submitted, Clean, Adjudicated, Denied int
	ByPayer                               []amountRow
	ByAge                                 []amountRow
	DenialReasons                         []countRow
	PayerChart, AgeChart, DenialChart     chart
}

type stateCount struct {
	State string
	Count int
}

type amountRow struct {
	Label  string
	Amount rcm.Money
}

type countRow struct {
	Label string
	Count int
}

// openStates are the states in which a claim's charge is receivable:
// it has gone out and is not settled.
var openStates = []string{rcm.ClaimSubmitted, rcm.ClaimAccepted, rcm.ClaimRejected, rcm.ClaimPartlyPaid, rcm.ClaimDenied,
	rcm.ClaimAppealed, rcm.ClaimReversed}

// showDashboard shows charges, payments, A/R by payer and by age, the
// clean claim rate and the denial rate by reason, each as a chart with
// its numbers beside it.
func (h *Handler) showDashboard(w http.ResponseWriter, r *http.Request, s *session) error {
	d, err := h.dashboard(r.Context())
	if err != nil {
		return err
	}
	h.renderPage(w, r, s, "dashboard", &view{Title: "Dashboard", Nav: "dashboard", Data: d})
	return nil
}

// dashboard computes the figures from the claims and the ledger. Until
// remittances post, a line without ledger entries counts its full charge
// as open; once payments post, the ledger's open balances are used.
func (h *Handler) dashboard(ctx context.Context) (*dashboardData, error) {
	d := &dashboardData{Today: h.today()}
	payers, err := h.store.FindPayers(ctx)
	if err != nil {
		return nil, err
	}
	balances, err := h.store.FindLineBalances(ctx, sqldb.LedgerFilter{})
	if err != nil {
		return nil, err
	}
	type open struct {
		known bool
		amt   rcm.Money
	}
	lineOpen := map[int64]open{}
	for _, b := range balances {
		o := open{known: true, amt: b.Patient}
		for _, v := range b.Insurance {
			o.amt += v
		}
		lineOpen[b.Line] = o
		d.Payments += b.PatientPaid
		for _, v := range b.PayerPaid {
			d.Payments += v
		}
	}
	var claims []*rcm.Claim
	for off := 0; ; off += 1000 {
		page, err := h.store.FindClaims(ctx, rcm.ClaimFilter{Limit: 1000, Offset: off})
		if err != nil {
			return nil, err
		}
		claims = append(claims, page...)
		if len(page) < 1000 {
			break
		}
	}
	byState := map[string]int{}
	byPayer := map[int64]rcm.Money{}
	byAge := make([]rcm.Money, len(agingBuckets))
	denials := map[string]int{}
	for _, c := range claims {
		byState[c.State]++
		if c.Frequency != rcm.FrequencyOriginal || c.State == rcm.ClaimDraft || c.State == rcm.ClaimReady || c.State == rcm.ClaimVoided {
			continue
		}
		full, err := h.store.FindClaimByID(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		d.Charges += c.TotalCharge()
		h.countOutcomes(full, d, denials)
		if !slices.Contains(openStates, c.State) {
			continue
		}
		var amt rcm.Money
		for _, l := range c.Lines {
			if o, ok := lineOpen[l.ServiceLineID]; ok && o.known {
				amt += o.amt
			} else {
				amt += l.Charge
			}
		}
		d.OpenAR += amt
		byPayer[c.PayerID] += amt
		age := d.Today.DaysSince(c.DateOfService)
		for i, b := range agingBuckets {
			if age >= b.From && (b.To < 0 || age <= b.To) {
				byAge[i] += amt
			}
		}
	}
	for _, st := range claimStates {
		if byState[st] > 0 {
			d.States = append(d.States, stateCount{st, byState[st]})
		}
	}
	var labels []string
	var amounts []rcm.Money
	for _, p := range payers {
		d.ByPayer = append(d.ByPayer, amountRow{p.Name, byPayer[p.ID]})
		labels, amounts = append(labels, p.Name), append(amounts, byPayer[p.ID])
	}
	d.PayerChart = moneyChart("ar-payer", "Open A/R by payer", labels, amounts, nil)
	labels, amounts = nil, nil
	tones := []string{"ok", "ok", "warn", "warn", "bad"}
	for i, b := range agingBuckets {
		d.ByAge = append(d.ByAge, amountRow{b.Label, byAge[i]})
		labels, amounts = append(labels, b.Label), append(amounts, byAge[i])
	}
	d.AgeChart = moneyChart("ar-age", "Open A/R by age (days since service)", labels, amounts, tones)
	for reason, n := range denials {
		d.DenialReasons = append(d.DenialReasons, countRow{reason, n})
	}
	slices.SortFunc(d.DenialReasons, func(a, b countRow) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		if a.Label < b.Label {
			return -1
		}
		return 1
	})
	var vals []string
	var raw []int64
	labels = nil
	for _, dr := range d.DenialReasons {
		labels = append(labels, dr.Label)
		vals = append(vals, fmt.Sprintf("%d", dr.Count))
		raw = append(raw, int64(dr.Count))
	}
	d.DenialChart = barChart("denials", "Denials by reason", labels, vals, raw, nil)
	return d, nil
}

// countOutcomes adds a claim's history to the rates. A claim is clean when
// it went out and was never rejected or denied; it is adjudicated once
// the payer paid or denied it; a denial counts under the reason the
// history recorded with it.
func (h *Handler) countOutcomes(c *rcm.Claim, d *dashboardData, denials map[string]int) {
	var submitted, bounced, adjudicated bool
	denial := ""
	for _, ev := range c.History {
		switch ev.To {
		case rcm.ClaimSubmitted:
			submitted = true
		case rcm.ClaimRejected:
			bounced = true
		case rcm.ClaimDenied:
			bounced, adjudicated = true, true
			denial = ev.Reason
		case rcm.ClaimPaid, rcm.ClaimPartlyPaid:
			adjudicated = true
		}
	}
	if !submitted {
		return
	}
	d.Submitted++
	if !bounced {
		d.Clean++
	}
	if adjudicated {
		d.Adjudicated++
	}
	if c.State == rcm.ClaimDenied || denial != "" && c.State != rcm.ClaimPaid {
		d.Denied++
		if denial == "" {
			denial = "no reason recorded"
		}
		denials[denial]++
	}
}
