package ui

import (
	"context"
	"net/http"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/kpi"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sheet"
)

// KPIStore computes the manager's numbers; *sqldb.DB implements it.
type KPIStore interface {
	KPIReport(ctx context.Context, from, to time.Time) (*kpi.Report, error)
}

// denialsCSVMax caps the denials download.
const denialsCSVMax = 100_000

// downloadDenials downloads every denied line of the posted 835s, newest
// first, with the codes in words: the Work queues' denials as CSV, in the
// API's columns.
func (h *Handler) downloadDenials(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermBill); err != nil {
		return err
	}
	var all []*remit.Denial
	for {
		page, err := h.store.FindDenials(ctx, remit.DenialFilter{Limit: 1000, Offset: len(all)})
		if err != nil {
			return err
		}
		all = append(all, page...)
		if len(page) < 1000 {
			break
		}
		if len(all) >= denialsCSVMax {
			return rcm.Errorf(rcm.EINVALID, "More than %d denials; download them from the API by payer.", denialsCSVMax)
		}
	}
	set, err := h.store.CodeSet(ctx)
	if err != nil {
		return err
	}
	remit.Explain(all, set)
	sheet.Headers(w, "denials.csv")
	return remit.WriteDenialsCSV(w, all)
}

// downloadClaimStatus downloads a claim's status history (each 276 and
// the 277's answer) as CSV.
func (h *Handler) downloadClaimStatus(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := h.store.FindClaimByID(ctx, id)
	if err != nil {
		return err
	}
	ks, err := h.store.FindClaimStatusChecks(ctx, id)
	if err != nil {
		return err
	}
	sheet.Headers(w, "status-"+c.ControlNumber+".csv")
	return claimstatus.WriteCSV(w, ks)
}

// kpiPage is the manager's numbers over a period, with the definitions.
type kpiPage struct {
	From, To    string
	Rows        []kpiRow
	Definitions []kpi.Definition
}

// kpiRow is one group's figures as printed: ratios with one decimal or
// n/a, money in dollars.
type kpiRow struct {
	By, Group                                              string
	DaysInAR, Over90, Collection, Denial, Clean, FirstPass string
	OpenAR, NetRevenue, Collected                          string
	Answered, Submitted                                    int
}

func kpiRows(rep *kpi.Report) []kpiRow {
	row := func(by string, f kpi.Figures) kpiRow {
		return kpiRow{By: by, Group: f.Group, DaysInAR: kpi.Num(f.DaysInAR), Over90: kpi.Num(f.AROver90Pct), Collection: kpi.Num(f.NetCollectionRate),
			Denial: kpi.Num(f.DenialRate), Clean: kpi.Num(f.CleanClaimRate), FirstPass: kpi.Num(f.FirstPassRate),
			OpenAR: f.OpenAR.Dollars(), NetRevenue: f.NetRevenue.Dollars(), Collected: f.Collected.Dollars(), Answered: f.ClaimsAnswered, Submitted: f.ClaimsSubmitted}
	}
	out := []kpiRow{row("Organization", rep.Total)}
	for _, f := range rep.ByPayer {
		out = append(out, row("Payer", f))
	}
	for _, f := range rep.ByProvider {
		out = append(out, row("Provider", f))
	}
	return out
}

// showKPI is the manager's numbers (?from=&to=, this month to today by
// default), for the organization, per payer and per provider, each
// figure's definition beside it; ?format=csv downloads the same report.
func (h *Handler) showKPI(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermBill); err != nil {
		return err
	}
	q := r.URL.Query()
	now := h.clock.Now().UTC()
	days := [2]time.Time{time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC), time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)}
	for i, name := range []string{"from", "to"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		d, err := rcm.ParseDate(v)
		if err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, name, "Give the period's %s day as a date (YYYY-MM-DD).", map[string]string{"from": "first", "to": "last"}[name])
		}
		days[i] = d.Time()
	}
	rep, err := h.store.KPIReport(ctx, days[0], days[1])
	if err != nil {
		return err
	}
	switch q.Get("format") {
	case "":
	case "csv":
		sheet.Headers(w, "kpi-"+rep.From+"-"+rep.To+".csv")
		return kpi.WriteCSV(w, rep)
	default:
		return rcm.FieldErrorf(rcm.EINVALID, "format", "The download format is csv.")
	}
	d := kpiPage{From: days[0].Format(time.DateOnly), To: days[1].Format(time.DateOnly), Rows: kpiRows(rep), Definitions: kpi.Definitions}
	h.renderPage(w, r, s, "kpi", &view{Title: "The manager's numbers", Nav: "kpi", Data: d})
	return nil
}
