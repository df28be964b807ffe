package web

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/kpi"
)

// KPIService computes the manager's numbers; *sqldb.DB implements it.
type KPIService interface {
	KPIReport(ctx context.Context, from, to time.Time) (*kpi.Report, error)
}

// RouteKPI registers GET /api/v1/reports/kpi?from=&to=[&format=csv]; the
// period is this month to today when from and to are absent.
func (s *Server) RouteKPI(svc KPIService) {
	s.mux.Handle("GET /api/v1/reports/kpi", s.api(func(w http.ResponseWriter, r *http.Request) error {
		// Authorization before validation: no hint to who may not.
		if _, err := rcm.RequireActor(r.Context(), rcm.PermBill); err != nil {
			return err
		}
		q, err := parseQuery(r, "from", "to", "format")
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		days := [2]time.Time{time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC), time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)}
		for i, name := range []string{"from", "to"} {
			v, err := q.str(name, 10)
			if err != nil {
				return err
			}
			if v == "" {
				continue
			}
			if days[i], err = time.Parse(time.DateOnly, v); err != nil {
				return rcm.FieldErrorf(rcm.EINVALID, name, "%s is a date as YYYY-MM-DD.", name)
			}
		}
		format, err := q.str("format", 4)
		if err != nil {
			return err
		}
		if format != "" && format != "csv" {
			return rcm.FieldErrorf(rcm.EINVALID, "format", "format is csv or absent (JSON).")
		}
		rep, err := svc.KPIReport(r.Context(), days[0], days[1])
		if err != nil {
			return err
		}
		if format == "csv" {
			return writeCSV(w, "kpi.csv", func(out io.Writer) error { return kpi.WriteCSV(out, rep) })
		}
		writeJSON(w, http.StatusOK, rep)
		return nil
	}))
	s.Describe("GET /api/v1/reports/kpi", Operation{Tag: "reports", Summary: "The manager's numbers over a period (HFMA MAP Keys definitions beside each), in all, per payer and per provider; format=csv for a spreadsheet.",
		Query: []string{"from", "to", "format"}, Response: kpi.Report{}, AlsoMedia: "text/csv"})
}
