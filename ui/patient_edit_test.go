package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/sqldb"
)

// TestPatientEditing: a biller edits a patient's demographics, adds a
// secondary coverage for a spouse's plan and sets a coverage's Medicare
// Secondary Payer type, through CSRF-protected forms on the patient page;
// a coder and an auditor see no forms and are refused on the server; a
// refused or invalid change changes nothing; every change is audited.
func TestPatientEditing(t *testing.T) {
	f := newFixture(t)
	second := &rcm.Payer{Name: "Medicare Part B", PayerID: "SBMCR", FilingIndicator: "MB"}
	if err := f.db.CreatePayer(f.ctx, second); err != nil {
		t.Fatal(err)
	}
	patientPath := fmt.Sprintf("/patients/%d", f.patient.ID)
	covs, err := f.db.FindCoverages(f.ctx, f.patient.ID)
	if err != nil || len(covs) != 1 {
		t.Fatalf("coverages: %v, %v", covs, err)
	}
	primary := covs[0]
	demographics := url.Values{"first_name": {"Robin"}, "middle_name": {"Q"}, "last_name": {"Lakewood"}, "birth_date": {"1970-04-02"}, "sex": {"f"},
		"line1": {"12 Birch Rd"}, "city": {"Springfield"}, "state": {"il"}, "zip": {"627041234"}, "phone": {"2175550199"}}
	spouse := url.Values{"payer": {fmt.Sprint(second.ID)}, "order": {"2"}, "member_id": {"1EG4TE5MK73"}, "relationship": {"01"},
		"subscriber_first_name": {"Sam"}, "subscriber_last_name": {"Lakewood"}, "subscriber_birth_date": {"1950-06-07"}, "subscriber_sex": {"m"},
		"effective_from": {"2025-01-01"}, "insurance_type": {"12"}}

	for _, user := range []string{"cora.coder", "aud.auditor"} {
		b := f.browser(t)
		b.login(user)
		status, body, _ := b.get(patientPath)
		if status != http.StatusOK || strings.Contains(body, "Edit demographics") || strings.Contains(body, "Add a coverage") {
			t.Errorf("%s sees the edit forms: %d", user, status)
		}
		if status, _, _ := b.action(patientPath, demographics); status != http.StatusForbidden {
			t.Errorf("%s edits the patient: %d, want 403", user, status)
		}
		if status, _, _ := b.action(patientPath+"/coverages", spouse); status != http.StatusForbidden {
			t.Errorf("%s adds a coverage: %d, want 403", user, status)
		}
	}

	biller := f.browser(t)
	biller.login("bill.biller")
	status, body, _ := biller.get(patientPath)
	for _, want := range []string{`action="` + patientPath + `"`, `action="` + patientPath + `/coverages"`,
		fmt.Sprintf(`action="%s/coverages/%d"`, patientPath, primary.ID), `<option value="12">12 working aged`} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("patient page (%d) lacks %q", status, want)
		}
	}
	// The hostile last name of the fixture is escaped in the form's value.
	if strings.Contains(body, hostileName) {
		t.Error("the patient's name is not escaped in the edit form")
	}

	// Refused, changing nothing: no CSRF token; bad fields.
	before, _ := f.db.FindPatientByID(f.ctx, f.patient.ID)
	if status, _, _ := biller.post(patientPath, withCSRF(demographics, "forged")); status != http.StatusForbidden {
		t.Errorf("edit without the token: %d, want 403", status)
	}
	for _, bad := range []struct{ field, value string }{{"birth_date", "1970-13-01"}, {"zip", "123"}, {"last_name", ""}, {"state", "Illinois"}} {
		form := cloneValues(demographics)
		form.Set(bad.field, bad.value)
		if status, body, _ := biller.action(patientPath, form); status != http.StatusBadRequest {
			t.Errorf("%s=%q: %d, want 400\n%s", bad.field, bad.value, status, body)
		}
	}
	if after, _ := f.db.FindPatientByID(f.ctx, f.patient.ID); !cmp.Equal(before, after) {
		t.Errorf("a refused edit changed the patient: %s", cmp.Diff(before, after))
	}

	status, _, resp := biller.action(patientPath, demographics)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != patientPath+"?done=saved" {
		t.Fatalf("save demographics: %d to %q", status, resp.Header.Get("Location"))
	}
	p, _ := f.db.FindPatientByID(f.ctx, f.patient.ID)
	if p.LastName != "Lakewood" || p.MiddleName != "Q" || p.Address.Line1 != "12 Birch Rd" || p.Address.State != "IL" || p.Address.ZIP != "627041234" ||
		p.AccountNumber != "ACC1001" || p.Sex != "F" {
		t.Errorf("patient after the edit: %+v", p)
	}

	// A coverage: a subscriber is required for a spouse's plan; then added.
	noSub := cloneValues(spouse)
	noSub.Del("subscriber_birth_date")
	if status, _, _ := biller.action(patientPath+"/coverages", noSub); status != http.StatusBadRequest {
		t.Errorf("spouse's plan without the subscriber's birth date: %d, want 400", status)
	}
	badType := cloneValues(spouse)
	badType.Set("insurance_type", "99")
	if status, _, _ := biller.action(patientPath+"/coverages", badType); status != http.StatusBadRequest {
		t.Errorf("unknown MSP type: %d, want 400", status)
	}
	if covs, _ := f.db.FindCoverages(f.ctx, f.patient.ID); len(covs) != 1 {
		t.Fatalf("refused coverages were stored: %d coverages", len(covs))
	}
	if status, _, resp := biller.action(patientPath+"/coverages", spouse); status != http.StatusSeeOther {
		t.Fatalf("add coverage: %d %q", status, resp.Header.Get("Location"))
	}
	covs, _ = f.db.FindCoverages(f.ctx, f.patient.ID)
	if len(covs) != 2 {
		t.Fatalf("%d coverages after adding one", len(covs))
	}
	added := covs[1]
	want := &rcm.Coverage{ID: added.ID, OrgID: added.OrgID, PatientID: f.patient.ID, PayerID: second.ID, Order: 2, MemberID: "1EG4TE5MK73", Relationship: "01",
		Subscriber:    &rcm.Subscriber{FirstName: "Sam", LastName: "Lakewood", BirthDate: rcm.MustParseDate("1950-06-07"), Sex: "M", Address: p.Address},
		EffectiveFrom: rcm.MustParseDate("2025-01-01"), InsuranceType: "12"}
	if diff := cmp.Diff(want, added); diff != "" {
		t.Errorf("added coverage (-want +got):\n%s", diff)
	}

	// The primary's end date and group number change; the coverage of
	// another patient cannot be reached through this one.
	edit := url.Values{"payer": {fmt.Sprint(primary.PayerID)}, "order": {"1"}, "member_id": {primary.MemberID}, "group_number": {"GRP77"},
		"relationship": {"18"}, "effective_from": {"2025-01-01"}, "effective_to": {"2026-12-31"}}
	if status, _, _ := biller.action(fmt.Sprintf("%s/coverages/%d", patientPath, primary.ID), edit); status != http.StatusSeeOther {
		t.Fatalf("edit coverage: %d", status)
	}
	got, _ := f.db.FindCoverageByID(f.ctx, primary.ID)
	if got.GroupNumber != "GRP77" || got.EffectiveTo != rcm.MustParseDate("2026-12-31") || got.Subscriber != nil {
		t.Errorf("primary after the edit: %+v", got)
	}
	other := &rcm.Patient{AccountNumber: "ACC2002", FirstName: "Kit", LastName: "Other", BirthDate: rcm.MustParseDate("1980-01-01"), Sex: "M", Address: p.Address}
	if err := f.db.CreatePatient(f.ctx, other); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := biller.action(fmt.Sprintf("/patients/%d/coverages/%d", other.ID, primary.ID), edit); status != http.StatusNotFound {
		t.Errorf("another patient's coverage through this one: %d, want 404", status)
	}

	status, body, _ = biller.get(patientPath + "?done=coverage")
	if status != http.StatusOK || !strings.Contains(body, "Coverage saved.") || !strings.Contains(body, "Medicare secondary type 12") || !strings.Contains(body, "Lakewood") {
		t.Errorf("patient page after the changes: %d", status)
	}

	// Every change is in the audit log: the demographics and two coverages.
	events, err := f.db.FindAuditEvents(f.ctx, rcm.AuditFilter{PatientID: f.patient.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, e := range events {
		if e.Action == rcm.AuditUpdate || e.Action == rcm.AuditCreate {
			counts[e.Action+" "+e.Entity]++
		}
	}
	if counts["update patient"] != 1 || counts["create coverage"] != 2 || counts["update coverage"] != 1 {
		t.Errorf("audit of the changes: %v", counts)
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func withCSRF(v url.Values, token string) url.Values {
	out := cloneValues(v)
	out.Set("csrf", token)
	return out
}

// TestRecordPayment: a biller posts a patient's payment from the patient
// page; submitting the same form twice posts it once; a coder sees no
// form and is refused on the server.
func TestRecordPayment(t *testing.T) {
	f := newFixture(t)
	enc := &rcm.Encounter{PatientID: f.patient.ID, PracticeID: f.encounter.PracticeID, RenderingProviderID: f.encounter.RenderingProviderID,
		DateOfService: rcm.MustParseDate("2026-01-05"), PlaceOfService: "11", Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
		Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: rcm.MustParseMoney("80.00"), Pointers: []int{1}}}}
	if err := f.db.CreateEncounter(f.ctx, enc); err != nil {
		t.Fatal(err)
	}
	lines, _ := f.db.FindServiceLineIDs(f.ctx, enc.ID)
	if err := f.db.PostLedger(f.ctx, new(ledger.Transaction).Charge(lines[0], 0, rcm.MustParseMoney("80.00"))); err != nil {
		t.Fatal(err)
	}
	patientPath := fmt.Sprintf("/patients/%d", f.patient.ID)
	coder := f.browser(t)
	coder.login("cora.coder")
	if _, body, _ := coder.get(patientPath); strings.Contains(body, "Record a payment") {
		t.Error("a coder sees the payment form")
	}
	if status, _, _ := coder.action(patientPath+"/payments", url.Values{"amount": {"10.00"}, "method": {"cash"}, "key": {"coder-key-1"}}); status != http.StatusForbidden {
		t.Errorf("a coder posts a payment: %d, want 403", status)
	}

	biller := f.browser(t)
	biller.login("bill.biller")
	_, body, _ := biller.get(patientPath)
	m := regexp.MustCompile(`name="key" value="(ui-[0-9a-f]{24})"`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, "Record a payment") || !strings.Contains(body, "the patient owes $80.00") {
		t.Fatalf("payment form missing from the patient page")
	}
	form := url.Values{"amount": {"25.00"}, "method": {"check"}, "reference": {"CHK 2211"}, "key": {m[1]}}
	if status, _, resp := biller.action(patientPath+"/payments", form); status != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "done=payment") {
		t.Fatalf("post the payment: %d %q", status, resp.Header.Get("Location"))
	}
	if status, _, _ := biller.action(patientPath+"/payments", form); status != http.StatusConflict {
		t.Errorf("the same form again: %d, want 409", status)
	}
	for _, amount := range []string{"twenty", "0,1", "1,00", "1,0,0"} {
		if status, _, _ := biller.action(patientPath+"/payments", url.Values{"amount": {amount}, "method": {"cash"}, "key": {"ui-other-key-1"}}); status != http.StatusBadRequest {
			t.Errorf("amount %q: %d, want 400", amount, status)
		}
	}
	_, body, _ = biller.get(patientPath + "?done=payment")
	if !strings.Contains(body, "Payment posted") || !strings.Contains(body, "the patient owes $55.00") {
		t.Errorf("patient page after the payment lacks the notice or the new balance")
	}
	if bs, err := f.db.FindLineBalances(f.ctx, sqldb.LedgerFilter{LineID: lines[0]}); err != nil || len(bs) != 1 || bs[0].PatientPaid != rcm.MustParseMoney("25.00") {
		t.Errorf("line balance: %+v, %v", bs, err)
	}

	// A write-off of what is left but a dollar, from its own form.
	_, body, _ = biller.get(patientPath)
	wk := regexp.MustCompile(`action="` + patientPath + `/write-offs"[^>]*>\s*<input type="hidden" name="csrf" value="[^"]+">\s*<input type="hidden" name="key" value="(ui-[0-9a-f]{24})"`).FindStringSubmatch(body)
	if wk == nil {
		t.Fatal("write-off form missing from the patient page")
	}
	for _, bad := range []url.Values{
		{"amount": {"54.00"}, "reason": {"mood"}, "key": {wk[1]}},
		{"amount": {"lots"}, "reason": {"courtesy"}, "key": {wk[1]}},
		{"amount": {"55.01"}, "reason": {"courtesy"}, "key": {wk[1]}},
	} {
		if status, _, _ := biller.action(patientPath+"/write-offs", bad); status != http.StatusBadRequest {
			t.Errorf("write-off %v: %d, want 400", bad, status)
		}
	}
	if bs, _ := f.db.FindLineBalances(f.ctx, sqldb.LedgerFilter{LineID: lines[0]}); len(bs) != 1 || bs[0].Patient != rcm.MustParseMoney("55.00") {
		t.Errorf("refused write-offs changed the balance: %+v", bs)
	}
	if status, _, _ := biller.action(patientPath+"/write-offs", url.Values{"amount": {"54.00"}, "reason": {"courtesy"}, "key": {wk[1]}}); status != http.StatusSeeOther {
		t.Fatalf("write off: %d", status)
	}
	if status, _, _ := coder.action(patientPath+"/write-offs", url.Values{"amount": {"1.00"}, "reason": {"courtesy"}, "key": {"coder-wo-1"}}); status != http.StatusForbidden {
		t.Errorf("a coder writes off: %d, want 403", status)
	}
	if bs, _ := f.db.FindLineBalances(f.ctx, sqldb.LedgerFilter{LineID: lines[0]}); len(bs) != 1 || bs[0].Patient != rcm.MustParseMoney("1.00") || bs[0].Adjusted["WO"] != rcm.MustParseMoney("54.00") {
		t.Errorf("line after the write-off: %+v", bs)
	}

	// The statement of what is left: a PDF for the biller, refused to a
	// coder.
	if !strings.Contains(body, `href="`+patientPath+`/statement.pdf"`) {
		t.Error("patient page lacks the statement link")
	}
	status, pdfBody, resp := biller.get(patientPath + "/statement.pdf?open=1")
	if status != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdfBody, "%PDF-") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "statement-ACC1001-") {
		t.Errorf("statement download: %d %q %q\n%s", status, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), pdfBody)
	}
	if status, _, _ := coder.get(patientPath + "/statement.pdf"); status != http.StatusForbidden {
		t.Errorf("a coder prints a statement: %d, want 403", status)
	}
}
