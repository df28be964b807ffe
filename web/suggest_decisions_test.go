package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/suggest"
)

// TestSuggestionDecisionRoutes: a coder's decisions over the API are
// stored and applied to the encounter, listed back, and measured per code
// family; a bad decision is 400 naming the field, and an auditor may read
// but not decide.
func TestSuggestionDecisionRoutes(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		srv := e.withRoutes(t, func(s routeAdder) { s.RouteSuggestionDecisions(e.db) })
		s := sqldbtest.Seed(t, e.ctx, e.db)
		enc := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID, DateOfService: rcm.MustParseDate("2026-01-02"),
			PlaceOfService: "11", Note: "Assessment: otitis media. Hypertension. Ketorolac 15 mg IM."}
		if err := e.db.CreateEncounter(e.ctx, enc); err != nil {
			t.Fatal(err)
		}
		auditor, _ := e.user(t, rcm.RoleAuditor)
		coder, _ := e.user(t, rcm.RoleCoder)
		post := func(tok, body string) *response {
			return srv.request(t, "POST", "/api/v1/codes/suggest/decisions", tok, fmt.Sprintf(body, enc.ID))
		}
		accept := `{"encounter_id":%d,"code":"H66.90","evidence":[{"start":12,"end":24}],"decision":"accepted"}`
		if res := post(auditor, accept); res.status != http.StatusForbidden {
			t.Errorf("auditor decides: %d %s", res.status, res.body)
		}
		if res := post(coder, `{"encounter_id":%d,"code":"I10","decision":"rejected","reason":"nope"}`); res.status != http.StatusBadRequest || !strings.Contains(string(res.body), `"reason"`) {
			t.Errorf("unknown reason: %d %s", res.status, res.body)
		}
		res := post(coder, accept)
		if res.status != http.StatusCreated {
			t.Fatalf("accept: %d %s", res.status, res.body)
		}
		var got struct {
			Decision  rcm.SuggestionDecision
			Encounter rcm.Encounter
		}
		if err := json.Unmarshal(res.body, &got); err != nil {
			t.Fatal(err)
		}
		if got.Decision.ID == 0 || !cmp.Equal(got.Encounter.Diagnoses, []rcm.Diagnosis{{Code: "H66.90"}}) {
			t.Errorf("accept answered %s", res.body)
		}
		for _, b := range []string{
			`{"encounter_id":%d,"code":"I10","decision":"rejected","reason":"not-this-visit"}`,
			`{"encounter_id":%d,"system":"hcpcs","code":"J1885","units":1,"evidence":[{"start":40,"end":58}],"decision":"accepted"}`,
		} {
			if res := post(coder, b); res.status != http.StatusCreated {
				t.Fatalf("%s: %d %s", b, res.status, res.body)
			}
		}
		res = srv.request(t, "GET", fmt.Sprintf("/api/v1/codes/suggest/decisions?encounter_id=%d", enc.ID), auditor, "")
		var list struct{ Decisions []rcm.SuggestionDecision }
		if err := json.Unmarshal(res.body, &list); err != nil || res.status != http.StatusOK {
			t.Fatalf("list: %d %s", res.status, res.body)
		}
		var rows []string
		for _, d := range list.Decisions {
			rows = append(rows, d.Code+" "+d.Decision+" "+d.Reason)
		}
		if diff := cmp.Diff([]string{"H66.90 accepted ", "I10 rejected not-this-visit", "J1885 accepted "}, rows); diff != "" {
			t.Errorf("decisions mismatch (-want +got):\n%s", diff)
		}
		res = srv.request(t, "GET", "/api/v1/codes/suggest/stats?by=chapter", auditor, "")
		var st suggest.Stats
		if err := json.Unmarshal(res.body, &st); err != nil || res.status != http.StatusOK {
			t.Fatalf("stats: %d %s", res.status, res.body)
		}
		if st.Total.Decided != 3 || st.Total.Precision != 0.667 || st.Total.RecallProxy != 1 || len(st.Families) != 3 || st.Families[0].Family != "HCPCS J" {
			t.Errorf("stats = %+v", st)
		}
		if res := srv.request(t, "GET", "/api/v1/codes/suggest/stats?by=letter", auditor, ""); res.status != http.StatusBadRequest {
			t.Errorf("by=letter: %d", res.status)
		}
	})
}
