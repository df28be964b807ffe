package ui

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sheet"
)

// remittanceList is the remittance history as filtered: the filters as
// typed, the payers to choose from, totals over every page and the
// addresses of the next page and of the CSV.
type remittanceList struct {
	PayerID          int64
	Trace            string
	PaidFrom, PaidTo rcm.Date
	Payers           []*rcm.Payer
	// Matching counts the 835s the filters match, on every page; Amount
	// sums their BPR02 payment amounts (a debit counts negative).
	Matching int
	Amount   rcm.Money
	Next     template.URL
	CSV      template.URL
}

// remittanceFilter reads the history's filters: ?payer= (a payer row),
// ?trace= (the check or EFT trace number, whole), ?paid_from= and
// ?paid_to= (the payment date, BPR16).
func remittanceFilter(q url.Values) (remit.RemittanceFilter, error) {
	var f remit.RemittanceFilter
	var err error
	if v := q.Get("payer"); v != "" {
		if f.PayerID, err = strconv.ParseInt(v, 10, 64); err != nil || f.PayerID < 0 {
			return f, rcm.FieldErrorf(rcm.EINVALID, "payer", "Choose a payer from the list.")
		}
	}
	f.Trace = strings.TrimSpace(q.Get("trace"))
	for _, d := range []struct {
		name string
		to   *rcm.Date
	}{{"paid_from", &f.PaidFrom}, {"paid_to", &f.PaidTo}} {
		if v := strings.TrimSpace(q.Get(d.name)); v != "" {
			if *d.to, err = rcm.ParseDate(v); err != nil {
				return f, rcm.FieldErrorf(rcm.EINVALID, d.name, "A payment date is YYYY-MM-DD.")
			}
		}
	}
	if b := q.Get("before"); b != "" {
		if f.Before, err = strconv.ParseInt(b, 10, 64); err != nil || f.Before <= 0 {
			return f, rcm.Errorf(rcm.EINVALID, "The page of remittances asked for does not exist.")
		}
	}
	return f, f.Validate()
}

// eachRemittance calls fn with every 835 f matches, newest first, reading
// them a few hundred at a time by keyset.
func (h *Handler) eachRemittance(ctx context.Context, f remit.RemittanceFilter, fn func(*remit.RemittanceSummary) error) error {
	f.Limit, f.Offset = 500, 0
	for {
		list, err := h.store.FindRemittances(ctx, f)
		if err != nil {
			return err
		}
		for _, r := range list {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(list) < f.Limit {
			return nil
		}
		f.Before = list[len(list)-1].ID
	}
}

// remittancesTotal counts the 835s f matches on every page and sums their
// amounts.
func (h *Handler) remittancesTotal(ctx context.Context, f remit.RemittanceFilter) (n int, amount rcm.Money, err error) {
	f.Before = 0
	err = h.eachRemittance(ctx, f, func(r *remit.RemittanceSummary) error {
		n++
		amount += r.Amount
		return nil
	})
	return n, amount, err
}

// writeRemittancesCSV downloads every 835 f matches (not only a page).
func (h *Handler) writeRemittancesCSV(ctx context.Context, w http.ResponseWriter, f remit.RemittanceFilter) error {
	sheet.Headers(w, "remittances.csv")
	cw, err := sheet.NewWriter(w, []string{"paid_on", "payer", "trace", "method", "amount", "claims", "claims_posted", "paid", "adjusted",
		"patient_responsibility", "plb", "exceptions", "open_exceptions", "posted_at"})
	if err != nil {
		return err
	}
	f.Before = 0
	err = h.eachRemittance(ctx, f, func(r *remit.RemittanceSummary) error {
		return cw.Row(r.PaidOn.String(), r.PayerName, r.Trace, r.Method, r.Amount.String(),
			strconv.Itoa(r.Claims), strconv.Itoa(r.Posted), r.Paid.String(), r.Adjusted.String(), r.PatientResponsibility.String(),
			r.PLBTotal.String(), strconv.Itoa(r.Exceptions), strconv.Itoa(r.OpenExceptions), r.PostedAt.UTC().Format("2006-01-02T15:04:05Z"))
	})
	if err != nil {
		return err
	}
	return cw.Flush()
}
