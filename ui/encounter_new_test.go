package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
)

// TestRegisterPatientAndEncounter drives the forms without a browser: a
// biller registers a patient (a coder may not), a coder records a visit
// with an auto accident and an onset, which land on the encounter; a
// refused form changes nothing and says which field.
func TestRegisterPatientAndEncounter(t *testing.T) {
	f := newFixture(t)
	coder, biller := f.browser(t), f.browser(t)
	coder.login("cora.coder")
	biller.login("bill.biller")
	patient := url.Values{"account_number": {"NEW-1"}, "first_name": {"Ines"}, "last_name": {"Quarrie"}, "birth_date": {"1990-03-04"}, "sex": {"F"},
		"line1": {"3 Oak St"}, "city": {"Springfield"}, "state": {"il"}, "zip": {"627011234"}}

	if status, _, _ := coder.action("/patients", patient); status != http.StatusForbidden {
		t.Errorf("a coder registers a patient: %d", status)
	}
	bad := cloneValues(patient)
	bad.Set("birth_date", "1990-02-30")
	if status, body, _ := biller.action("/patients", bad); status != http.StatusBadRequest || !strings.Contains(body, "birth") {
		t.Errorf("bad birth date: %d", status)
	}
	status, _, resp := biller.action("/patients", patient)
	if status != http.StatusSeeOther {
		t.Fatalf("register: %d", status)
	}
	ps, err := f.db.FindPatients(f.ctx, rcm.PatientFilter{Name: "Quarrie"})
	if err != nil || len(ps) != 1 || ps[0].Address.State != "IL" {
		t.Fatalf("registered: %+v, %v", ps, err)
	}
	if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("/patients/%d?done=patient-created", ps[0].ID) {
		t.Errorf("redirect to %q", loc)
	}

	newEnc := fmt.Sprintf("/patients/%d/encounters", ps[0].ID)
	if status, body, _ := coder.get(newEnc + "/new"); status != http.StatusOK || !strings.Contains(body, "NPI") {
		t.Errorf("new encounter form: %d", status)
	}
	visit := url.Values{"date_of_service": {"2026-01-02"}, "provider": {fmt.Sprint(f.encounter.RenderingProviderID)}, "facility": {"0"},
		"place_of_service": {"11"}, "onset_date": {"2025-12-30"}, "accident_cause": {"AA"}, "accident_date": {"2025-12-30"}, "accident_state": {""}}
	if status, body, _ := coder.action(newEnc, visit); status != http.StatusBadRequest || !strings.Contains(body, "state it happened in") {
		t.Errorf("auto accident without a state: %d", status)
	}
	if encs, _ := f.db.FindEncounters(f.ctx, rcm.EncounterFilter{PatientID: ps[0].ID}); len(encs) != 0 {
		t.Fatalf("a refused form stored %d encounters", len(encs))
	}
	visit.Set("accident_state", "in")
	status, _, resp = coder.action(newEnc, visit)
	if status != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "done=encounter-created") {
		t.Fatalf("record: %d %s", status, resp.Header.Get("Location"))
	}
	encs, err := f.db.FindEncounters(f.ctx, rcm.EncounterFilter{PatientID: ps[0].ID})
	if err != nil || len(encs) != 1 {
		t.Fatalf("encounters: %v, %v", encs, err)
	}
	e := encs[0]
	if e.Status != rcm.EncounterOpen || e.PracticeID != f.encounter.PracticeID || e.AccidentCause != "AA" || e.AccidentState != "IN" ||
		e.AccidentDate != rcm.MustParseDate("2025-12-30") || e.OnsetDate != rcm.MustParseDate("2025-12-30") {
		t.Errorf("the encounter: %+v", e)
	}
}
