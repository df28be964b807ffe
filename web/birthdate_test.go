package web_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

// TestBirthDateBoundsInAPI: the API refuses a birth date in the future
// (by the database's clock, 2026-01-05 in tests) or before 1900, for a
// patient and for a subscriber, naming the field and changing nothing.
func TestBirthDateBoundsInAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		s := seed(t, e.ctx, e.db)
		patientURL := "/api/v1/patients/" + strconv.FormatInt(s.patient.ID, 10)
		patient := func(birth string) string {
			return `{"account_number":"A2002","first_name":"Bea","last_name":"Testpatient","birth_date":"` + birth + `","sex":"F",
				"address":{"line1":"1 Elm St","city":"Springfield","state":"IL","zip":"62701"}}`
		}
		coverage := func(birth string) string {
			return fmt.Sprintf(`{"patient_id":%d,"payer_id":%d,"order":2,"member_id":"M1","relationship":"01","effective_from":"2025-01-01",
				"subscriber":{"first_name":"Al","last_name":"Testpatient","birth_date":"%s","sex":"M",
				"address":{"line1":"1 Elm St","city":"Springfield","state":"IL","zip":"62701"}}}`, s.patient.ID, s.payer.ID, birth)
		}
		for _, tt := range []struct {
			name, method, path, body, field, message string
		}{
			{"new patient born 9999-12-31", "POST", "/api/v1/patients", patient("9999-12-31"), "birth_date", "birth_date 9999-12-31 is in the future (today is 2026-01-05)."},
			{"new patient born tomorrow", "POST", "/api/v1/patients", patient("2026-01-06"), "birth_date", "birth_date 2026-01-06 is in the future (today is 2026-01-05)."},
			{"patient updated to 1899", "PUT", patientURL, strings.Replace(patient("1899-12-31"), "A2002", s.patient.AccountNumber, 1), "birth_date", "birth_date 1899-12-31 is before 1900-01-01; check the year."},
			{"subscriber born in the future", "POST", patientURL + "/coverages", coverage("2030-01-01"), "subscriber.birth_date", "subscriber.birth_date 2030-01-01 is in the future (today is 2026-01-05)."},
			{"subscriber born in 1850", "POST", patientURL + "/coverages", coverage("1850-01-01"), "subscriber.birth_date", "subscriber.birth_date 1850-01-01 is before 1900-01-01; check the year."},
		} {
			t.Run(tt.name, func(t *testing.T) {
				before := rowCounts(t, e)
				got := e.request(t, tt.method, tt.path, e.admin, tt.body).wantError(t, 400, rcm.EINVALID, tt.field)
				if got.Message != tt.message {
					t.Errorf("message = %q, want %q", got.Message, tt.message)
				}
				if diff := cmp.Diff(before, rowCounts(t, e)); diff != "" {
					t.Errorf("a refused request changed rows (-before +after):\n%s", diff)
				}
			})
		}
		var got rcm.Patient
		e.request(t, "GET", patientURL, e.admin, "").decode(t, 200, &got)
		if diff := cmp.Diff(*s.patient, got, cmpIgnoreOrg); diff != "" {
			t.Errorf("patient changed by refused requests (-want +got):\n%s", diff)
		}
		// A newborn, born today by the same clock, is accepted.
		e.request(t, "POST", "/api/v1/patients", e.admin, patient("2026-01-05")).decode(t, 201, &rcm.Patient{})
	})
}
