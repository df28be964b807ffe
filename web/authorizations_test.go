package web_test

import (
	"encoding/json"
	"github.com/openrcm/openrcm/web"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestAuthorizationRoutes records a prior authorization on a coverage over
// the API and lists it; a bad one is 400 naming the field, an auditor may
// not record one, and a missing coverage is 404.
func TestAuthorizationRoutes(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		// eachDialect's server lacks the optional routes; this one adds them.
		srv := e.withRoutes(t, func(s routeAdder) { s.RouteAuthorizations(e.db) })
		s := sqldbtest.Seed(t, e.ctx, e.db)
		cov := &rcm.Coverage{PatientID: s.Patient.ID, PayerID: s.Payer.ID, Order: 1, MemberID: "W1", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
		if err := e.db.CreateCoverage(e.ctx, cov); err != nil {
			t.Fatal(err)
		}
		auditor, _ := e.user(t, rcm.RoleAuditor)
		path := "/api/v1/coverages/" + strconv.FormatInt(cov.ID, 10) + "/authorizations"
		body := `{"kind":"prior_auth","number":"PA-1","code_from":"97110","code_to":"97140","units":12,"starts_on":"2026-01-01","ends_on":"2026-03-31"}`
		if res := srv.request(t, "POST", path, auditor, body); res.status != http.StatusForbidden {
			t.Errorf("auditor records: %d %s", res.status, res.body)
		}
		if res := srv.request(t, "POST", path, e.admin, strings.Replace(body, `"units":12`, `"units":-1`, 1)); res.status != http.StatusBadRequest || !strings.Contains(string(res.body), `"units"`) {
			t.Errorf("negative units: %d %s", res.status, res.body)
		}
		if res := srv.request(t, "POST", "/api/v1/coverages/999999/authorizations", e.admin, body); res.status != http.StatusNotFound {
			t.Errorf("missing coverage: %d", res.status)
		}
		if res := srv.request(t, "POST", path, e.admin, body); res.status != http.StatusCreated {
			t.Fatalf("record: %d %s", res.status, res.body)
		}
		res := srv.request(t, "GET", path, auditor, "")
		var list struct{ Authorizations []rcm.Authorization }
		if err := json.Unmarshal(res.body, &list); err != nil || res.status != http.StatusOK || len(list.Authorizations) != 1 ||
			list.Authorizations[0].Number != "PA-1" || list.Authorizations[0].Units != 12 || list.Authorizations[0].CodeTo != "97140" {
			t.Errorf("list: %d %s", res.status, res.body)
		}
	})
}

type routeAdder = *web.Server

// withRoutes is e with a server of its own that also has the routes add
// registers (the optional route groups rcm serve adds).
func (e *testEnv) withRoutes(t *testing.T, add func(*web.Server)) *testEnv {
	t.Helper()
	srv, err := web.NewServer(web.Config{Organizations: e.db, Payers: e.db, Patients: e.db, Encounters: e.db, Users: e.db, Audit: e.db,
		Ping: e.db.Ping, Clock: rcm.NewStepClock(sqldbtest.Start)})
	if err != nil {
		t.Fatal(err)
	}
	add(srv)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	c := *e
	c.srv = hs
	return &c
}
