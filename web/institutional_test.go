package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
)

// The API door for facility claims: a facility with its kind and taxonomy,
// an encounter with its institutional data read back whole, and bad
// institutional input refused with the field named and nothing stored.
func TestInstitutionalAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		s := seed(t, e.ctx, e.db)
		coder, _ := e.user(t, rcm.RoleCoder)
		var fac rcm.Facility
		e.request(t, "POST", "/api/v1/facilities", e.admin, `{"name":"Harbor Surgery Center","npi":"1234567893","taxonomy":"261QA1903X","kind":"asc",
			"address":{"line1":"410 Harbor Way","city":"Springfield","state":"IL","zip":"627014107"}}`).decode(t, http.StatusCreated, &fac)
		if fac.ID == 0 || fac.Kind != rcm.FacilityASC || fac.Taxonomy != "261QA1903X" {
			t.Fatalf("facility = %+v", fac)
		}
		var list map[string][]rcm.Facility
		e.request(t, "GET", "/api/v1/facilities", coder, "").decode(t, http.StatusOK, &list)
		if len(list["facilities"]) != 1 || list["facilities"][0].Kind != rcm.FacilityASC {
			t.Errorf("facilities = %+v", list)
		}
		if r := e.request(t, "POST", "/api/v1/facilities", coder, `{"name":"X","address":{"line1":"1 A St","city":"B","state":"IL","zip":"62701"}}`); r.status != http.StatusForbidden {
			t.Errorf("coder creates a facility: %d", r.status)
		}
		if r := e.request(t, "POST", "/api/v1/facilities", e.admin, `{"name":"X","kind":"spaceport","address":{"line1":"1 A St","city":"B","state":"IL","zip":"62701"}}`); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"field":"kind"`) {
			t.Errorf("bad kind: %d %s", r.status, r.body)
		}

		encounter := func(inst string) string {
			return fmt.Sprintf(`{"patient_id":%d,"practice_id":%d,"rendering_provider_id":%d,"facility_id":%d,"date_of_service":"2026-01-02","place_of_service":"24",
				"diagnoses":[{"code":"K57.30"}],"lines":[{"code":"45378","units":1,"charge":"1450.00"},{"units":1,"charge":"180.00"}],
				"institutional":%s}`, s.patient.ID, s.practice.ID, s.provider.ID, fac.ID, inst)
		}
		good := fmt.Sprintf(`{"type_of_bill":"0831","statement_from":"2026-01-02","statement_to":"2026-01-02","patient_status":"01",
			"attending_provider_id":%d,"condition_codes":["A3"],"values":[{"code":"80","amount":"1"}],
			"lines":[{"revenue_code":"0490"},{"revenue_code":"0272","non_covered":"10.00"}]}`, s.provider.ID)
		var enc rcm.Encounter
		e.request(t, "POST", "/api/v1/encounters", coder, encounter(good)).decode(t, http.StatusCreated, &enc)
		var got rcm.Encounter
		e.request(t, "GET", fmt.Sprintf("/api/v1/encounters/%d", enc.ID), coder, "").decode(t, http.StatusOK, &got)
		in := got.Institutional
		if in == nil || in.TypeOfBill != "0831" || in.Lines[1].RevenueCode != "0272" || in.Lines[1].NonCovered != 1000 || in.Values[0].Amount != 100 || got.Lines[1].Code != "" {
			b, _ := json.Marshal(got)
			t.Fatalf("read back %s", b)
		}

		bad := []struct {
			name, inst, field string
		}{
			{"no type of bill", strings.Replace(good, `"type_of_bill":"0831",`, "", 1), "institutional.type_of_bill"},
			{"inpatient without admission", strings.Replace(good, `"0831"`, `"0111"`, 1), "institutional.admission_date"},
			{"revenue code missing", strings.Replace(good, `{"revenue_code":"0490"},`, "", 1), "institutional.lines"},
			{"revenue code that is no code", strings.Replace(good, `"0490"`, `"49O0"`, 1), "institutional.lines[0].revenue_code"},
			{"unknown field", strings.Replace(good, `"patient_status"`, `"discharge_status":"01","patient_status"`, 1), "discharge_status"},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				before := rowCounts(t, e)
				r := e.request(t, "POST", "/api/v1/encounters", coder, encounter(tt.inst))
				if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"field":"`+tt.field+`"`) {
					t.Errorf("status %d body %s, want 400 naming %s", r.status, r.body, tt.field)
				}
				if after := rowCounts(t, e); fmt.Sprint(after) != fmt.Sprint(before) {
					t.Errorf("a refused request changed rows: %v -> %v", before, after)
				}
			})
		}
	})
}
