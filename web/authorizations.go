package web

import (
	"net/http"
	"strconv"

	"github.com/openrcm/openrcm"
)

// RouteAuthorizations registers the prior authorizations and referrals of
// a coverage: POST records one, GET lists them with the units claims have
// used.
func (s *Server) RouteAuthorizations(svc rcm.AuthorizationService) {
	s.mux.Handle("POST /api/v1/coverages/{id}/authorizations", s.api(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := parseQuery(r); err != nil {
			return err
		}
		// Another organization's or a missing coverage is 404 whatever
		// the body.
		if _, err := s.patients.FindCoverageByID(r.Context(), id); err != nil {
			return err
		}
		a := &rcm.Authorization{}
		if err := decodeJSON(w, r, a); err != nil {
			return err
		}
		if a.ID != 0 || a.Used != 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "id", "Leave id and used out when creating; they are the store's.")
		}
		if a.CoverageID != 0 && a.CoverageID != id {
			return rcm.FieldErrorf(rcm.EINVALID, "coverage_id", "The body's coverage_id (%d) is not the coverage in the path (%d).", a.CoverageID, id)
		}
		a.CoverageID = id
		if err := svc.CreateAuthorization(r.Context(), a); err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/coverages/"+strconv.FormatInt(id, 10)+"/authorizations")
		writeJSON(w, http.StatusCreated, a)
		return nil
	}))
	s.mux.Handle("GET /api/v1/coverages/{id}/authorizations", s.api(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := parseQuery(r); err != nil {
			return err
		}
		list, err := svc.FindAuthorizations(r.Context(), id)
		if err != nil {
			return err
		}
		writeList(w, "authorizations", list)
		return nil
	}))
	s.Describe("POST /api/v1/coverages/{id}/authorizations", Operation{Tag: "coverage", Summary: "Record a prior authorization (payer's number, codes, units, dates) or a referral (number, referring NPI) on the coverage.",
		Body: rcm.Authorization{}, Status: http.StatusCreated, Response: rcm.Authorization{}})
	s.Describe("GET /api/v1/coverages/{id}/authorizations", Operation{Tag: "coverage", Summary: "The coverage's authorizations and referrals with the units claims have used.",
		Response: rcm.Authorization{}, List: "authorizations"})
}
