package ui

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
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
	Label   string
	Meaning string
	Count   int
}

// showDashboard shows charges, payments, A/R by payer and by age, the
// clean claim rate and the denial rate by reason, each as a chart with
// its numbers beside it.
func (h *Handler) showDashboard(w http.ResponseWriter, r *http.Request, s *session) error {
	d, err := h.dashboard(r.Context(), s.actor.Can(rcm.PermBill))
	if err != nil {
		return err
	}
	h.renderPage(w, r, s, "dashboard", &view{Title: "Dashboard", Nav: "dashboard", Data: d})
	return nil
}

// dashboard computes the figures with set-based reads: the claims, the
// ledger's line balances, the denied lines of posted remittances and,
// for a biller, the 837P batches. Money comes from the ledger: charges are
// booked when a claim is submitted, payments and adjustments when an 835
// posts, so the open A/R is what the ledger says is still owed.
func (h *Handler) dashboard(ctx context.Context, biller bool) (*dashboardData, error) {
	d := &dashboardData{Today: h.today()}
	payers, err := h.store.FindPayers(ctx)
	if err != nil {
		return nil, err
	}
	balances, err := h.store.FindLineBalances(ctx, rcm.LedgerFilter{})
	if err != nil {
		return nil, err
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
	// A line's age runs from its claim's date of service; a secondary
	// claim bills the same service lines on the same date.
	dos := map[int64]rcm.Date{}
	byState := map[string]int{}
	for _, c := range claims {
		byState[c.State]++
		for _, l := range c.Lines {
			if l.ServiceLineID != 0 {
				dos[l.ServiceLineID] = c.DateOfService
			}
		}
	}
	byPayer := map[int64]rcm.Money{}
	var patientAR rcm.Money
	byAge := make([]rcm.Money, len(agingBuckets))
	for _, b := range balances {
		d.Charges += b.Charge
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
		d.ByPayer = append(d.ByPayer, amountRow{p.Name, byPayer[p.ID]})
		labels, amounts = append(labels, p.Name), append(amounts, byPayer[p.ID])
	}
	d.ByPayer = append(d.ByPayer, amountRow{"Patients", patientAR})
	labels, amounts = append(labels, "Patients"), append(amounts, patientAR)
	d.PayerChart = moneyChart("ar-payer", "Open A/R by payer", labels, amounts, nil)
	labels, amounts = nil, nil
	tones := []string{"ok", "ok", "warn", "warn", "bad"}
	for i, b := range agingBuckets {
		d.ByAge = append(d.ByAge, amountRow{b.Label, byAge[i]})
		labels, amounts = append(labels, b.Label), append(amounts, byAge[i])
	}
	d.AgeChart = moneyChart("ar-age", "Open A/R by age (days since service)", labels, amounts, tones)

	if err := h.rates(ctx, d, claims, biller); err != nil {
		return nil, err
	}
	var vals []string
	var raw []int64
	labels = nil
	for _, dr := range d.DenialReasons {
		labels = append(labels, dr.Label)
		vals = append(vals, fmt.Sprintf("%d", dr.Count))
		raw = append(raw, int64(dr.Count))
	}
	d.DenialChart = barChart("denials", "Denied lines by reason", labels, vals, raw, nil)
	return d, nil
}

// adjudicatedStates are the states of a claim the payer has decided.
var adjudicatedStates = []string{rcm.ClaimPaid, rcm.ClaimPartlyPaid, rcm.ClaimDenied, rcm.ClaimReversed, rcm.ClaimAppealed, rcm.ClaimClosed}

// rates counts the clean claim rate and the denial rate by reason. An
// original claim that went out is clean unless it was rejected (it is
// rejected now, or went out in more than one batch, which only a
// correction after a rejection does), or a remittance denied any of its
// lines. A claim is denied when any line was; the reasons are counted
// per denied line under each CARC, with its meaning.
func (h *Handler) rates(ctx context.Context, d *dashboardData, claims []*rcm.Claim, biller bool) error {
	batches := map[int64]int{}
	if biller {
		subs, err := h.store.FindSubmissions(ctx, "")
		if err != nil {
			return err
		}
		for _, sub := range subs {
			for _, id := range sub.ClaimIDs {
				batches[id]++
			}
		}
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
	denied := map[int64]bool{}
	reasons := map[string]int{}
	meanings := map[string]string{}
	for _, dn := range ds {
		denied[dn.ClaimID] = true
		for _, rs := range dn.Reasons {
			code := rs.Group + "-" + rs.Code
			reasons[code]++
			meanings[code] = rs.Meaning
		}
	}
	for _, c := range claims {
		if c.Frequency != rcm.FrequencyOriginal || c.State == rcm.ClaimDraft || c.State == rcm.ClaimReady ||
			c.State == rcm.ClaimVoided && batches[c.ID] == 0 {
			continue
		}
		d.Submitted++
		if c.State != rcm.ClaimRejected && batches[c.ID] <= 1 && !denied[c.ID] {
			d.Clean++
		}
		if slices.Contains(adjudicatedStates, c.State) || denied[c.ID] {
			d.Adjudicated++
		}
		if denied[c.ID] {
			d.Denied++
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
