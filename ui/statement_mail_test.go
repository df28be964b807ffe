package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/statement/mailing"
)

// TestMailListScreen: a statement run's statement is listed to mail with
// its addressee, amount and PDF, prints in the ZIP of them all, leaves the
// list once marked mailed, and a coder sees none of it.
func TestMailListScreen(t *testing.T) {
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
	run, added, err := mailing.RunStatements(f.ctx, f.db, rcm.MustParseDate("2026-03-01"), mailing.Options{})
	if err != nil || run == nil || len(added) != 1 {
		t.Fatalf("run: %+v, %d, %v", run, len(added), err)
	}
	id := added[0].ID
	biller := f.browser(t)
	biller.login("bill.biller")
	status, body, _ := biller.get("/statements/mail")
	for _, want := range []string{"1 statements, $80.00 asked for", "ACC1001", "&lt;script&gt;", fmt.Sprintf(`href="/statements/mail/%d"`, id), "2026-03-01"} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("list to mail lacks %q: %d\n%s", want, status, body)
		}
	}
	if status, pdf, resp := biller.get(fmt.Sprintf("/statements/mail/%d", id)); status != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(pdf, "%PDF-") {
		t.Errorf("statement PDF: %d %q", status, resp.Header.Get("Content-Type"))
	}
	if status, _, resp := biller.get(fmt.Sprintf("/statements/mail/print.zip?run=%d", run.ID)); status != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Errorf("print all: %d %q", status, resp.Header.Get("Content-Type"))
	}
	if status, _, _ := biller.get(fmt.Sprintf("/statements/mail/%d", id+100)); status != http.StatusNotFound {
		t.Errorf("a statement not on file: %d, want 404", status)
	}
	if status, _, resp := biller.action("/statements/mail/mailed", url.Values{"statement": {fmt.Sprint(id)}}); status != http.StatusSeeOther ||
		resp.Header.Get("Location") != "/statements/mail?done=mailed" {
		t.Errorf("mark mailed: %d to %s", status, resp.Header.Get("Location"))
	}
	if _, body, _ := biller.get("/statements/mail"); !strings.Contains(body, "No statement to mail.") {
		t.Errorf("a mailed statement is still to mail:\n%s", body)
	}
	if _, body, _ := biller.get("/statements/mail?all=1"); !strings.Contains(body, "ACC1001") {
		t.Errorf("all statements lack the mailed one:\n%s", body)
	}
	coder := f.browser(t)
	coder.login("cora.coder")
	for _, path := range []string{"/statements/mail", fmt.Sprintf("/statements/mail/%d", id)} {
		if status, _, _ := coder.get(path); status != http.StatusForbidden {
			t.Errorf("a coder opens %s: %d, want 403", path, status)
		}
	}
}
