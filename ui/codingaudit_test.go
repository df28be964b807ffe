package ui_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
)

// TestCodingAuditScreens: an auditor draws a sample of the coder's work,
// sees the note but not the coder's codes, re-codes, then sees both and
// the report (screen, CSV, PDF); a coder may not open the audit; a learner
// codes a practice case and sees each difference explained and their
// progress.
func TestCodingAuditScreens(t *testing.T) {
	f := newFixture(t)
	us, err := f.db.FindUsers(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var coder *rcm.User
	for _, u := range us {
		if u.Username == "cora.coder" {
			coder = u
		}
	}
	e, err := f.db.FindEncounterByID(f.ctx, f.encounter.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.Status, e.Diagnoses = rcm.EncounterCoded, []rcm.Diagnosis{{Code: "I10"}, {Code: "E11.9"}}
	e.Lines = []rcm.ServiceLine{{Code: "99214", Units: 1, Pointers: []int{1}}}
	if err := f.db.UpdateEncounter(rcm.NewContextWithActor(f.ctx, rcm.Actor{UserID: coder.ID, OrgID: f.org.ID, Role: rcm.RoleCoder}), e); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.login("aud.auditor")
	if _, body, _ := b.get("/coding-audits"); !strings.Contains(body, `<option value="cora.coder">`) {
		t.Fatalf("no coder to choose:\n%s", body)
	}
	status, body, resp := b.action("/coding-audits", url.Values{"coder": {"cora.coder"}, "from": {"2026-01-01"}, "to": {"2026-01-31"}, "size": {"5"}, "seed": {"9"}})
	if status != http.StatusSeeOther {
		t.Fatalf("draw: %d %s", status, body)
	}
	page := resp.Header.Get("Location")
	_, body, _ = b.get(page)
	if !strings.Contains(body, "Follow-up of type 2 diabetes") || strings.Contains(body, "Coder: ") || strings.Contains(body, "<img src=x") {
		t.Fatalf("the blind screen should show the note (escaped) and hide the coder's codes:\n%s", body)
	}
	if !strings.Contains(body, "seed 9") {
		t.Error("the screen does not show the seed")
	}
	enc := page + "/encounters/" + strconv.FormatInt(f.encounter.ID, 10)
	if status, _, _ = b.action(enc, url.Values{"diagnoses": {"E11.9, I10"}, "lines": {"99213"}}); status != http.StatusSeeOther {
		t.Fatalf("re-code: %d", status)
	}
	if _, body, _ = b.get(page); !strings.Contains(body, "Coder: I10, E11.9 | 99214 x1") || !strings.Contains(body, "Auditor: E11.9, I10 | 99213 x1") {
		t.Errorf("after re-coding both codings should show:\n%s", body)
	}
	_, body, _ = b.get(page + "/report")
	for _, want := range []string{"<td>first-listed diagnosis</td><td>E11.9 Type 2 diabetes mellitus without complications</td><td>I10 Essential (primary) hypertension</td>",
		"<td>procedure missed</td><td>99213 x1 Established patient office visit, low complexity</td>", "$125.00", ">cora.coder</th>"} {
		if !strings.Contains(body, want) {
			t.Errorf("report lacks %q:\n%s", want, body)
		}
	}
	if _, body, resp = b.get(page + "/report.csv"); !strings.HasPrefix(body, "coded_by,encounter") || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Errorf("CSV: %q %q", resp.Header.Get("Content-Type"), body)
	}
	if _, body, resp = b.get(page + "/report.pdf"); !strings.HasPrefix(body, "%PDF") {
		t.Errorf("PDF: %q", resp.Header.Get("Content-Type"))
	}

	c := f.browser(t)
	c.login("cora.coder")
	if status, _, _ := c.get(page); status != http.StatusForbidden {
		t.Errorf("a coder opened the audit: %d", status)
	}
	if _, body, _ = c.get("/practice?case=4"); !strings.Contains(body, "Probable community-acquired pneumonia") {
		t.Fatalf("practice case not shown:\n%s", body)
	}
	status, _, resp = c.action("/practice", url.Values{"case": {"04-probable-pneumonia"}, "diagnoses": {"J18.9"}, "lines": {"99213"}})
	if status != http.StatusSeeOther {
		t.Fatalf("practice submit: %d", status)
	}
	_, body, _ = c.get(resp.Header.Get("Location"))
	for _, want := range []string{"Diagnoses: 0 of 2 found, 0 of your 1 supported", "Index: Cough &gt; acute. Guidelines: IV.H; IV.D.", "1 attempts at 1 of 14 cases"} {
		if !strings.Contains(body, want) {
			t.Errorf("practice result lacks %q:\n%s", want, body)
		}
	}
}
