package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The workbench's facility bill form sets an encounter's institutional
// data through the same validation as the API; a bad form answers 422
// naming what is wrong and changes nothing; an empty type of bill makes the
// encounter professional again.
func TestFacilityForm(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login("cora.coder")
	enc := fmt.Sprintf("/encounters/%d", f.encounter.ID)
	b.action(enc+"/diagnoses", url.Values{"code": {"K57.30"}})
	b.action(enc+"/lines", url.Values{"code": {"45378"}, "units": {"1"}, "pointers": {"1"}})
	_, body, _ := b.get(enc)
	if !strings.Contains(body, `data-testid="facility-form"`) || !strings.Contains(body, "Dr. Maya Okafor") {
		t.Fatalf("no facility form with the providers by name:\n%s", body)
	}
	e, _ := f.db.FindEncounterByID(f.ctx, f.encounter.ID)
	good := url.Values{"type_of_bill": {"0831"}, "statement_from": {"2026-01-02"}, "statement_to": {"2026-01-02"}, "patient_status": {"01"},
		"attending": {fmt.Sprint(e.RenderingProviderID)}, "revenue_codes": {"0490"}, "non_covered": {"0"}, "condition_codes": {"a3"},
		"occurrences": {"11 2026-01-01"}, "values": {"80 1"}, "poa": {"Y"}}
	tests := []struct {
		name   string
		change func(v url.Values)
		want   string
	}{
		{"no statement period", func(v url.Values) { v.Del("statement_from") }, "statement covers period"},
		{"inpatient without admission", func(v url.Values) { v.Set("type_of_bill", "0111") }, "needs admission_date"},
		{"revenue codes short", func(v url.Values) { v.Set("revenue_codes", "") }, "Give each of the 1 service lines its revenue code"},
		{"bad revenue code", func(v url.Values) { v.Set("revenue_codes", "49A") }, "revenue code"},
		{"bad occurrence", func(v url.Values) { v.Set("occurrences", "11") }, "Occurrence line 1"},
		{"bad date", func(v url.Values) { v.Set("statement_to", "02/01/2026") }, "is not a date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := url.Values{}
			for k, vs := range good {
				v[k] = append([]string(nil), vs...)
			}
			tt.change(v)
			status, body, _ := b.action(enc+"/facility", v)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d, want 422 with %q:\n%s", status, tt.want, body)
			}
			if got, _ := f.db.FindEncounterByID(f.ctx, f.encounter.ID); got.Institutional != nil {
				t.Errorf("a refused form changed the encounter: %+v", got.Institutional)
			}
		})
	}
	if status, body, _ := b.action(enc+"/facility", good); status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", status, body)
	}
	got, _ := f.db.FindEncounterByID(f.ctx, f.encounter.ID)
	in := got.Institutional
	if in == nil || in.TypeOfBill != "0831" || in.Lines[0].RevenueCode != "0490" || in.ConditionCodes[0] != "A3" || in.Occurrences[0].Code != "11" ||
		in.Values[0].Amount != 100 || in.AttendingProviderID != e.RenderingProviderID {
		t.Fatalf("saved %+v", in)
	}
	_, body, _ = b.get(enc)
	for _, want := range []string{`value="0831"`, `value="0490"`, "11 2026-01-01"} {
		if !strings.Contains(body, want) {
			t.Errorf("the saved form lacks %q", want)
		}
	}
	if status, _, _ := b.action(enc+"/facility", url.Values{"type_of_bill": {""}}); status != http.StatusSeeOther {
		t.Fatalf("clear: %d", status)
	}
	if got, _ := f.db.FindEncounterByID(f.ctx, f.encounter.ID); got.Institutional != nil {
		t.Errorf("clearing left %+v", got.Institutional)
	}
	// An auditor may not change it.
	a := f.browser(t)
	a.login("aud.auditor")
	if status, _, _ := a.action(enc+"/facility", good); status != http.StatusForbidden {
		t.Errorf("auditor: %d, want 403", status)
	}
}
