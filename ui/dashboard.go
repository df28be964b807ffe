package ui

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/kpi"
	"github.com/openrcm/openrcm/remit"
)

// Age buckets of accounts receivable, in days since the date of service,
// as billers report A/R.
var agingBuckets = []struct {
	Label    string
	From, To int // inclusive; To < 0 means no upper bound
}{
	{"0–30 days", 0, 30}, {"31–60 days", 31, 60}, {"61–90 days", 61, 90}, {"91–120 days", 91, 120}, {"over 120 days", 121, -1},
}

// dashboardData holds the figures of a period and the charts drawn from
// them.
type dashboardData struct {
	Today rcm.Date
	// From and To bound the period by date of service; both zero means
	// every date. Presets are the periods a manager picks most.
	From, To rcm.Date
	Presets  []period
	// Billed is the billed measure (rcm.BilledOf) over the claims with a
	// date of service in the period: the same number the claims list and
	// the API give for the same claims.
	Billed   rcm.Billed
	Payments rcm.Money
	OpenAR   rcm.Money
	// Definitions say what the money tiles count.
	BilledMeaning, PaymentsMeaning, OpenARMeaning string
	// KPIs are the HFMA MAP Keys of the period (for a biller), each with
	// its definition from package kpi.
	KPIs []kpiTile
	// States counts claims by state.
	States                            []stateCount
	DenialReasons                     []countRow
	PayerChart, AgeChart, DenialChart chart
}

// period is a date range the dashboard offers as a link.
type period struct {
	Label    string
	From, To rcm.Date
	Current  bool
}

// kpiTile is one HFMA figure as shown: its value, what it is made of and
// its definition (kpi.Definitions, the same text the report and the API
// give).
type kpiTile struct {
	Key, Name, Value, Detail, Definition string
}

type stateCount struct {
	State string
	Count int
}

type countRow struct {
	Label   string
	Meaning string
	Count   int
}

// What the money tiles count, said on the tile.
const (
	paymentsMeaning = "Payments posted from payers and patients on services dated in the period, as the ledger holds them."
	openARMeaning   = "What payers and patients still owe, today, on services dated in the period: charges less payments and adjustments, from the ledger."
)

// periods are the dashboard's presets as of today.
func periods(today rcm.Date) []period {
	first := rcm.Date{Year: today.Year, Month: today.Month, Day: 1}
	lastMonthEnd := first.AddDays(-1)
	return []period{
		{Label: "This month", From: first, To: today},
		{Label: "Last month", From: rcm.Date{Year: lastMonthEnd.Year, Month: lastMonthEnd.Month, Day: 1}, To: lastMonthEnd},
		{Label: "Last 90 days", From: today.AddDays(-89), To: today},
		{Label: "Year to date", From: rcm.Date{Year: today.Year, Month: 1, Day: 1}, To: today},
		{Label: "All dates"},
	}
}

// showDashboard shows the billed total, payments, open A/R by payer and by
// age, the HFMA figures and the denied lines by reason for a period of
// dates of service (?from=&to=, either may be left out).
func (h *Handler) showDashboard(w http.ResponseWriter, r *http.Request, s *session) error {
	q := r.URL.Query()
	var from, to rcm.Date
	var err error
	if v := strings.TrimSpace(q.Get("from")); v != "" {
		if from, err = rcm.ParseDate(v); err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, "from", "The from date must be YYYY-MM-DD.")
		}
	}
	if v := strings.TrimSpace(q.Get("to")); v != "" {
		if to, err = rcm.ParseDate(v); err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, "to", "The to date must be YYYY-MM-DD.")
		}
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return rcm.FieldErrorf(rcm.EINVALID, "to", "The period ends (%s) before it starts (%s).", to, from)
	}
	d, err := h.dashboard(r.Context(), from, to, s.actor.Can(rcm.PermBill))
	if err != nil {
		return err
	}
	h.renderPage(w, r, s, "dashboard", &view{Title: "Dashboard", Nav: "dashboard", Data: d})
	return nil
}

// allClaims reads every claim, a thousand at a time.
func (h *Handler) allClaims(ctx context.Context) ([]*rcm.Claim, error) {
	var claims []*rcm.Claim
	f := rcm.ClaimFilter{Limit: 1000}
	for {
		page, err := h.store.FindClaims(ctx, f)
		if err != nil {
			return nil, err
		}
		claims = append(claims, page...)
		if len(page) < f.Limit {
			return claims, nil
		}
		f.Before = page[len(page)-1].ID
	}
}

// dashboard computes the figures of the period with set-based reads: the
// claims, the ledger's line balances, the denied lines of posted
// remittances and, for a biller, the HFMA report. Money comes from the
// ledger: charges are booked when a claim is submitted, payments and
// adjustments when an 835 posts, so the open A/R is what the ledger says
// is still owed.
func (h *Handler) dashboard(ctx context.Context, from, to rcm.Date, biller bool) (*dashboardData, error) {
	d := &dashboardData{Today: h.today(), From: from, To: to,
		BilledMeaning:   "Charges " + rcm.BilledMeaning + ", on services dated in the period.",
		PaymentsMeaning: paymentsMeaning, OpenARMeaning: openARMeaning}
	for _, p := range periods(d.Today) {
		p.Current = p.From == from && p.To == to
		d.Presets = append(d.Presets, p)
	}
	payers, err := h.store.FindPayers(ctx)
	if err != nil {
		return nil, err
	}
	balances, err := h.store.FindLineBalances(ctx, rcm.LedgerFilter{})
	if err != nil {
		return nil, err
	}
	all, err := h.allClaims(ctx)
	if err != nil {
		return nil, err
	}
	claims := inServiceDates(all, from, to)
	d.Billed = rcm.BilledOf(claims)
	// A line's age runs from its claim's date of service; a secondary
	// claim bills the same service lines on the same date.
	dos := map[int64]rcm.Date{}
	for _, c := range all {
		for _, l := range c.Lines {
			if l.ServiceLineID != 0 {
				dos[l.ServiceLineID] = c.DateOfService
			}
		}
	}
	inPeriod := func(day rcm.Date) bool {
		return from.IsZero() && to.IsZero() || !day.IsZero() && !(!from.IsZero() && day.Before(from) || !to.IsZero() && day.After(to))
	}
	byState := map[string]int{}
	for _, c := range claims {
		byState[c.State]++
	}
	byPayer := map[int64]rcm.Money{}
	var patientAR rcm.Money
	byAge := make([]rcm.Money, len(agingBuckets))
	for _, b := range balances {
		if !inPeriod(dos[b.Line]) {
			continue
		}
		d.Payments += b.PatientPaid
		for _, v := range b.PayerPaid {
			d.Payments += v
		}
		open := b.Patient
		patientAR += b.Patient
		for p, v := range b.Insurance {
			open += v
			byPayer[p] += v
		}
		d.OpenAR += open
		age := d.Today.DaysSince(dos[b.Line])
		for i, bk := range agingBuckets {
			if age >= bk.From && (bk.To < 0 || age <= bk.To) {
				byAge[i] += open
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
		labels, amounts = append(labels, p.Name), append(amounts, byPayer[p.ID])
	}
	labels, amounts = append(labels, "Patients"), append(amounts, patientAR)
	d.PayerChart = moneyChart("ar-payer", "Open A/R by payer", labels, amounts, nil)
	labels, amounts = nil, nil
	tones := []string{"ok", "ok", "warn", "warn", "bad"}
	for i, b := range agingBuckets {
		labels, amounts = append(labels, b.Label), append(amounts, byAge[i])
	}
	d.AgeChart = moneyChart("ar-age", "Open A/R by age (days since service)", labels, amounts, tones)

	if err := h.denialReasons(ctx, d, claims); err != nil {
		return nil, err
	}
	var vals []string
	var raw []int64
	labels = nil
	for _, dr := range d.DenialReasons {
		labels = append(labels, dr.Label+" "+dr.Meaning)
		vals = append(vals, fmt.Sprintf("%d", dr.Count))
		raw = append(raw, int64(dr.Count))
	}
	d.DenialChart = barChart("denials", "Denied lines by reason", labels, vals, raw, nil)
	if biller {
		if err := h.kpis(ctx, d, claims); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// kpis reads the HFMA figures of the period; with no bounds, the period
// runs from the earliest date of service to today.
func (h *Handler) kpis(ctx context.Context, d *dashboardData, claims []*rcm.Claim) error {
	from, to := d.From, d.To
	if to.IsZero() {
		to = d.Today
	}
	if from.IsZero() {
		from = to
		for _, c := range claims {
			if c.DateOfService.Before(from) {
				from = c.DateOfService
			}
		}
	}
	if to.Before(from) {
		from = to
	}
	rep, err := h.store.KPIReport(ctx, from.Time(), to.Time())
	if err != nil {
		return err
	}
	f := rep.Total
	pct := func(v *float64) string {
		if v == nil {
			return "–"
		}
		return kpi.Num(v) + "%"
	}
	days := "–"
	if f.DaysInAR != nil {
		days = kpi.Num(f.DaysInAR)
	}
	figure := map[string][2]string{
		"days_in_ar":          {days, "net A/R " + f.OpenAR.Dollars()},
		"ar_over_90_pct":      {pct(f.AROver90Pct), f.AROver90.Dollars() + " of " + f.OpenAR.Dollars()},
		"net_collection_rate": {pct(f.NetCollectionRate), f.Collected.Dollars() + " of " + f.NetRevenue.Dollars() + " net revenue"},
		"denial_rate":         {pct(f.DenialRate), fmt.Sprintf("%d of %d answered", f.ClaimsDenied, f.ClaimsAnswered)},
		"clean_claim_rate":    {pct(f.CleanClaimRate), fmt.Sprintf("%d of %d submitted", f.ClaimsClean, f.ClaimsSubmitted)},
		"first_pass_rate":     {pct(f.FirstPassRate), fmt.Sprintf("%d of %d answered", f.ClaimsPaidFirst, f.ClaimsAnswered)},
	}
	for _, def := range rep.Definitions {
		v := figure[def.Key]
		d.KPIs = append(d.KPIs, kpiTile{Key: def.Key, Name: def.Name, Value: v[0], Detail: v[1], Definition: def.Definition})
	}
	return nil
}

// denialReasons counts the denied lines of the period's claims under
// each CARC, with its meaning.
func (h *Handler) denialReasons(ctx context.Context, d *dashboardData, claims []*rcm.Claim) error {
	inPeriod := map[int64]bool{}
	for _, c := range claims {
		inPeriod[c.ID] = true
	}
	var ds []*remit.Denial
	for off := 0; ; off += 1000 {
		page, err := h.store.FindDenials(ctx, remit.DenialFilter{Limit: 1000, Offset: off})
		if err != nil {
			return err
		}
		ds = append(ds, page...)
		if len(page) < 1000 {
			break
		}
	}
	set, err := h.store.CodeSet(ctx)
	if err != nil {
		return err
	}
	remit.Explain(ds, set)
	reasons := map[string]int{}
	meanings := map[string]string{}
	for _, dn := range ds {
		if !inPeriod[dn.ClaimID] {
			continue
		}
		for _, rs := range dn.Reasons {
			code := rs.Group + "-" + rs.Code
			reasons[code]++
			meanings[code] = rs.Meaning
		}
	}
	for reason, n := range reasons {
		d.DenialReasons = append(d.DenialReasons, countRow{reason, meanings[reason], n})
	}
	slices.SortFunc(d.DenialReasons, func(a, b countRow) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Label, b.Label)
	})
	return nil
}
