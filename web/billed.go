package web

import (
	"net/http"

	"github.com/openrcm/openrcm"
)

// billed answers GET /api/v1/reports/billed?from=&to=[&payer_id=][&patient_id=]:
// the billed measure (rcm.BilledOf) over the claims with a date of service
// in the period, the same number the workbench's claims list and dashboard
// show for the same claims, with the words saying what it counts.
func (c claimRoutes) billed(w http.ResponseWriter, r *http.Request) error {
	if _, err := rcm.RequireActor(r.Context(), rcm.PermReadPatients); err != nil {
		return err
	}
	q, err := parseQuery(r, "from", "to", "payer_id", "patient_id")
	if err != nil {
		return err
	}
	from, err := q.date("from")
	if err != nil {
		return err
	}
	to, err := q.date("to")
	if err != nil {
		return err
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return rcm.FieldErrorf(rcm.EINVALID, "to", "The period ends (%s) before it starts (%s).", to, from)
	}
	f := rcm.ClaimFilter{Limit: 1000}
	if f.PayerID, err = q.id("payer_id"); err != nil {
		return err
	}
	if f.PatientID, err = q.id("patient_id"); err != nil {
		return err
	}
	var in []*rcm.Claim
	for {
		page, err := c.cfg.Store.FindClaims(r.Context(), f)
		if err != nil {
			return err
		}
		for _, cl := range page {
			if !from.IsZero() && cl.DateOfService.Before(from) || !to.IsZero() && cl.DateOfService.After(to) {
				continue
			}
			in = append(in, cl)
		}
		if len(page) < f.Limit {
			break
		}
		f.Before = page[len(page)-1].ID
	}
	writeJSON(w, http.StatusOK, rcm.BilledOf(in))
	return nil
}

func (s *Server) describeBilled() {
	s.Describe("GET /api/v1/reports/billed", Operation{Tag: "reports", Summary: "The billed total over the claims with a date of service in the period: " + rcm.BilledMeaning + "; the same number the workbench's claims list and dashboard show.",
		Query: []string{"from", "to", "payer_id", "patient_id"}, Response: rcm.Billed{}})
}
