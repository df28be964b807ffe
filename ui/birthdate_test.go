package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBirthDateBoundsInForms: the workbench's demographics and coverage
// forms refuse a birth date in the future (by the database's clock,
// 2026-01-05 in tests) or before 1900 with the field's message, and
// change nothing.
func TestBirthDateBoundsInForms(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login("bill.biller")
	patientPath := fmt.Sprintf("/patients/%d", f.patient.ID)
	demographics := url.Values{"first_name": {"Robin"}, "last_name": {"Lakewood"}, "birth_date": {"1970-04-02"}, "sex": {"f"},
		"line1": {"12 Birch Rd"}, "city": {"Springfield"}, "state": {"il"}, "zip": {"62704"}}
	spouse := url.Values{"payer": {fmt.Sprint(f.payer.ID)}, "order": {"2"}, "member_id": {"1EG4TE5MK73"}, "relationship": {"01"},
		"subscriber_first_name": {"Sam"}, "subscriber_last_name": {"Lakewood"}, "subscriber_birth_date": {"1950-06-07"}, "subscriber_sex": {"m"},
		"effective_from": {"2025-01-01"}}
	before, err := f.db.FindPatientByID(f.ctx, f.patient.ID)
	if err != nil {
		t.Fatal(err)
	}
	covsBefore, _ := f.db.FindCoverages(f.ctx, f.patient.ID)

	for _, tt := range []struct{ date, want string }{
		{"9999-12-31", "9999-12-31 is in the future (today is 2026-01-05)."},
		{"2026-01-06", "2026-01-06 is in the future (today is 2026-01-05)."},
		{"1899-12-31", "1899-12-31 is before 1900-01-01; check the year."},
	} {
		t.Run(tt.date, func(t *testing.T) {
			form := cloneValues(demographics)
			form.Set("birth_date", tt.date)
			status, body, _ := b.action(patientPath, form)
			if status != http.StatusBadRequest || !strings.Contains(body, "birth_date "+tt.want) {
				t.Errorf("demographics with birth date %s: %d, want 400 saying %q\n%s", tt.date, status, tt.want, body)
			}
			cov := cloneValues(spouse)
			cov.Set("subscriber_birth_date", tt.date)
			status, body, _ = b.action(patientPath+"/coverages", cov)
			if status != http.StatusBadRequest || !strings.Contains(body, "subscriber.birth_date "+tt.want) {
				t.Errorf("coverage with subscriber birth date %s: %d, want 400 saying %q\n%s", tt.date, status, tt.want, body)
			}
			if strings.Contains(body, "rcm error") {
				t.Errorf("the page shows the error's Go text:\n%s", body)
			}
		})
	}
	after, _ := f.db.FindPatientByID(f.ctx, f.patient.ID)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("a refused edit changed the patient (-before +after):\n%s", diff)
	}
	if covs, _ := f.db.FindCoverages(f.ctx, f.patient.ID); len(covs) != len(covsBefore) {
		t.Errorf("refused coverages were stored: %d coverages, had %d", len(covs), len(covsBefore))
	}
	// Today itself is a birth date (a newborn).
	form := cloneValues(demographics)
	form.Set("birth_date", "2026-01-05")
	if status, _, _ := b.action(patientPath, form); status != http.StatusSeeOther {
		t.Errorf("newborn born today: %d, want 303", status)
	}
}
