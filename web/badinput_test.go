package web_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/web"
)

// rowCounts counts the rows of every table the API writes, to show that a
// refused request changed nothing.
func rowCounts(t *testing.T, e *testEnv) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, table := range []string{"practice", "provider", "payer", "patient", "coverage", "encounter", "encounter_diagnosis", "service_line", "app_user"} {
		var n int
		if err := e.db.QueryRowContext(e.ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	return counts
}

func TestBadInput(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		s := seed(t, e.ctx, e.db)
		coder, _ := e.user(t, rcm.RoleCoder)
		biller, _ := e.user(t, rcm.RoleBiller)
		patientURL := "/api/v1/patients/" + strconv.FormatInt(s.patient.ID, 10)
		payerURL := "/api/v1/payers/" + strconv.FormatInt(s.payer.ID, 10)
		payer := `{"name":"Beta Health","payer_id":"BETA1","filing_indicator":"CI","timely_filing_days":90}`
		patient := func(mod string) string {
			return `{"account_number":"A2002","first_name":"Bea","last_name":"Testpatient","birth_date":"1990-01-01","sex":"F",
				"address":{"line1":"1 Elm St","city":"Springfield","state":"IL","zip":"62701"}` + mod + `}`
		}
		encounter := func(charge string) string {
			return fmt.Sprintf(`{"patient_id":%d,"practice_id":%d,"rendering_provider_id":%d,"date_of_service":"2026-01-02","place_of_service":"11",
				"diagnoses":[{"code":"E11.9"}],"lines":[{"code":"99213","units":1,"charge":%s,"pointers":[1]}]}`,
				s.patient.ID, s.practice.ID, s.provider.ID, charge)
		}
		huge := `{"name":"` + strings.Repeat("a", web.MaxBodyBytes) + `"}`

		tests := []struct {
			name        string
			method      string
			path        string
			token       string // "" means the admin
			body        string
			contentType string // "" means JSON
			status      int
			code        string
			field       string
		}{
			// Bodies that are not one well-formed JSON object of known fields.
			{name: "unknown field", method: "POST", path: "/api/v1/payers", body: `{"name":"Beta","nickname":"b"}`, status: 400, code: "invalid", field: "nickname"},
			{name: "unknown nested field", method: "POST", path: "/api/v1/patients", body: patient(`,"address2":{}`), status: 400, code: "invalid", field: "address2"},
			{name: "truncated JSON", method: "POST", path: "/api/v1/payers", body: `{"name":`, status: 400, code: "invalid"},
			{name: "not JSON", method: "POST", path: "/api/v1/payers", body: `{name: "Beta"}`, status: 400, code: "invalid"},
			{name: "wrong type", method: "POST", path: "/api/v1/payers", body: `{"name":"Beta","timely_filing_days":"ninety"}`, status: 400, code: "invalid", field: "timely_filing_days"},
			{name: "array body", method: "POST", path: "/api/v1/payers", body: `[]`, status: 400, code: "invalid"},
			{name: "trailing data", method: "POST", path: "/api/v1/payers", body: payer + `{}`, status: 400, code: "invalid"},
			{name: "trailing garbage", method: "POST", path: "/api/v1/payers", body: payer + `x`, status: 400, code: "invalid"},
			{name: "empty body", method: "PUT", path: payerURL, body: ` `, status: 400, code: "invalid"},
			{name: "money as a number", method: "POST", path: "/api/v1/encounters", body: encounter(`125.5`), status: 400, code: "invalid"},
			{name: "impossible date", method: "POST", path: "/api/v1/patients", body: strings.Replace(patient(""), "1990-01-01", "1990-02-30", 1), status: 400, code: "invalid"},
			{name: "oversized body", method: "POST", path: "/api/v1/payers", body: huge, status: 413, code: "too_large"},
			{name: "text content type", method: "POST", path: "/api/v1/payers", body: payer, contentType: "text/plain", status: 415, code: "unsupported_media_type", field: "Content-Type"},
			{name: "form content type", method: "PUT", path: payerURL, body: payer, contentType: "application/x-www-form-urlencoded", status: 415, code: "unsupported_media_type", field: "Content-Type"},

			// Ids in the path and the body.
			{name: "id not a number", method: "GET", path: "/api/v1/patients/abc", status: 400, code: "invalid", field: "id"},
			{name: "id zero", method: "GET", path: "/api/v1/payers/0", status: 400, code: "invalid", field: "id"},
			{name: "id negative", method: "PUT", path: "/api/v1/payers/-1", body: payer, status: 400, code: "invalid", field: "id"},
			{name: "id too large", method: "GET", path: "/api/v1/encounters/99999999999999999999", status: 400, code: "invalid", field: "id"},
			{name: "nested id not a number", method: "GET", path: "/api/v1/patients/1x/coverages", status: 400, code: "invalid", field: "id"},
			{name: "id in a create", method: "POST", path: "/api/v1/payers", body: `{"id":7,` + payer[1:], status: 400, code: "invalid", field: "id"},
			{name: "body id is another record", method: "PUT", path: payerURL, body: `{"id":99,` + payer[1:], status: 400, code: "invalid", field: "id"},
			{name: "coverage for another patient than the path", method: "POST", path: patientURL + "/coverages",
				body:   fmt.Sprintf(`{"patient_id":%d,"payer_id":%d,"order":1,"member_id":"M1","relationship":"18","effective_from":"2025-01-01"}`, s.patient.ID+1, s.payer.ID),
				status: 400, code: "invalid", field: "patient_id"},

			// Query parameters.
			{name: "limit not a number", method: "GET", path: "/api/v1/patients?limit=ten", status: 400, code: "invalid", field: "limit"},
			{name: "limit zero", method: "GET", path: "/api/v1/patients?limit=0", status: 400, code: "invalid", field: "limit"},
			{name: "limit too large", method: "GET", path: "/api/v1/encounters?limit=1001", status: 400, code: "invalid", field: "limit"},
			{name: "offset negative", method: "GET", path: "/api/v1/audit?offset=-1", status: 400, code: "invalid", field: "offset"},
			{name: "unknown parameter", method: "GET", path: "/api/v1/patients?sort=name", status: 400, code: "invalid", field: "sort"},
			{name: "parameter on a route without any", method: "GET", path: "/api/v1/payers?name=acme", status: 400, code: "invalid", field: "name"},
			{name: "parameter on a read by id", method: "GET", path: payerURL + "?fields=name", status: 400, code: "invalid", field: "fields"},
			{name: "parameter on a replace", method: "PUT", path: payerURL + "?dry_run=1", body: payer, status: 400, code: "invalid", field: "dry_run"},
			{name: "parameter on a create", method: "POST", path: "/api/v1/payers?upsert=1", body: payer, status: 400, code: "invalid", field: "upsert"},
			{name: "repeated parameter", method: "GET", path: "/api/v1/patients?limit=1&limit=2", status: 400, code: "invalid", field: "limit"},
			{name: "malformed query", method: "GET", path: "/api/v1/patients?name=%zz", status: 400, code: "invalid", field: "query"},
			{name: "name too long", method: "GET", path: "/api/v1/patients?name=" + strings.Repeat("a", 61), status: 400, code: "invalid", field: "name"},
			{name: "patient_id not an id", method: "GET", path: "/api/v1/encounters?patient_id=0", status: 400, code: "invalid", field: "patient_id"},
			{name: "unknown status", method: "GET", path: "/api/v1/encounters?status=done", status: 400, code: "invalid", field: "status"},
			{name: "audit patient_id not a number", method: "GET", path: "/api/v1/audit?patient_id=x", status: 400, code: "invalid", field: "patient_id"},

			// Domain validation, reported with the field.
			{name: "bad filing indicator", method: "POST", path: "/api/v1/payers", body: strings.Replace(payer, `"CI"`, `"XX"`, 1), status: 400, code: "invalid", field: "filing_indicator"},
			{name: "bad NPI", method: "POST", path: "/api/v1/practices",
				body:   `{"name":"P","npi":"1234567890","tin":"123456789","taxonomy":"207Q00000X","address":{"line1":"1 Elm St","city":"Springfield","state":"IL","zip":"62701"}}`,
				status: 400, code: "invalid", field: "npi"},
			{name: "missing last name", method: "POST", path: "/api/v1/patients", body: strings.Replace(patient(""), `"last_name":"Testpatient",`, "", 1), status: 400, code: "invalid", field: "last_name"},
			{name: "bad zip on update", method: "PUT", path: patientURL, body: strings.Replace(patient(""), "62701", "6270", 1), status: 400, code: "invalid", field: "address.zip"},
			{name: "pointer to no diagnosis", method: "POST", path: "/api/v1/encounters", body: strings.Replace(encounter(`"125.50"`), `"pointers":[1]`, `"pointers":[2]`, 1), status: 400, code: "invalid", field: "lines[0].pointers"},
			{name: "provider of a missing practice", method: "POST", path: "/api/v1/providers",
				body: `{"practice_id":999999,"first_name":"A","last_name":"B","npi":"1987654328","taxonomy":""}`, status: 400, code: "invalid"},

			// Records that are not there, routes that are not there.
			{name: "patient not found", method: "GET", path: "/api/v1/patients/999999", status: 404, code: "not_found"},
			{name: "payer not found on update", method: "PUT", path: "/api/v1/payers/999999", body: payer, status: 404, code: "not_found"},
			{name: "coverages of a missing patient", method: "GET", path: "/api/v1/patients/999999/coverages", status: 404, code: "not_found"},
			{name: "no such route", method: "GET", path: "/api/v1/claims", status: 404, code: "not_found"},
			{name: "method not allowed", method: "DELETE", path: patientURL, status: 405, code: "method_not_allowed"},

			// Conflicts with what is stored.
			{name: "duplicate payer id", method: "POST", path: "/api/v1/payers", body: strings.Replace(payer, "BETA1", "ACME1", 1), status: 409, code: "conflict"},
			{name: "duplicate account number", method: "POST", path: "/api/v1/patients", body: strings.Replace(patient(""), "A2002", "A1001", 1), status: 409, code: "conflict"},

			// Roles: the services refuse, and the API says so.
			{name: "coder creates a payer", method: "POST", path: "/api/v1/payers", token: coder, body: payer, status: 403, code: "forbidden"},
			{name: "coder updates a patient", method: "PUT", path: patientURL, token: coder, body: patient(""), status: 403, code: "forbidden"},
			{name: "biller creates an encounter", method: "POST", path: "/api/v1/encounters", token: biller, body: encounter(`"125.50"`), status: 403, code: "forbidden"},
			{name: "coder reads the audit log", method: "GET", path: "/api/v1/audit", token: coder, status: 403, code: "forbidden"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := rowCounts(t, e)
				token := tt.token
				if token == "" {
					token = e.admin
				}
				var hdr []string
				if tt.contentType != "" {
					hdr = []string{"Content-Type", tt.contentType}
				}
				e.request(t, tt.method, tt.path, token, tt.body, hdr...).wantError(t, tt.status, tt.code, tt.field)
				if diff := cmp.Diff(before, rowCounts(t, e)); diff != "" {
					t.Errorf("a refused request changed rows (-before +after):\n%s", diff)
				}
			})
		}

		t.Run("missing content type", func(t *testing.T) {
			e.request(t, "POST", "/api/v1/payers", e.admin, payer, "Content-Type", "").
				wantError(t, http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type")
		})
		t.Run("stored record unchanged", func(t *testing.T) {
			var got rcm.Patient
			e.request(t, "GET", patientURL, e.admin, "").decode(t, http.StatusOK, &got)
			if diff := cmp.Diff(*s.patient, got, cmpIgnoreOrg); diff != "" {
				t.Errorf("patient changed by refused requests (-want +got):\n%s", diff)
			}
		})
	})
}

var cmpIgnoreOrg = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".OrgID" }, cmp.Ignore())
