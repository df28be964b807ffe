package ui_test

import (
	"archive/zip"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

// TestStatementsScreen: the statements screen lists the patients with a
// balance due (and only them), the batch print is a ZIP with one PDF
// statement per chosen patient, a patient not on the list is refused, and
// a coder sees neither.
func TestStatementsScreen(t *testing.T) {
	f := newFixture(t)
	biller := f.browser(t)
	biller.login("bill.biller")
	if status, body, _ := biller.get("/statements"); status != http.StatusOK || !strings.Contains(body, "0 patients with a balance due") ||
		!strings.Contains(body, "No patient has a balance due.") {
		t.Fatalf("statements with nothing due: %d\n%s", status, body)
	}
	if status, _, _ := biller.get("/statements/print.zip"); status != http.StatusBadRequest {
		t.Errorf("batch print with nothing due: %d, want 400", status)
	}
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
	status, body, _ := biller.get("/statements")
	// The hostile name comes out as text.
	for _, want := range []string{"1 patients with a balance due, $80.00 due in all", "ACC1001", "&lt;script&gt;", fmt.Sprintf(`name="patient" value="%d"`, f.patient.ID)} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("statements page lacks %q: %d\n%s", want, status, body)
		}
	}
	if !strings.Contains(body, `href="/statements"`) {
		t.Error("the navigation lacks the statements screen")
	}
	for _, path := range []string{"/statements/print.zip", fmt.Sprintf("/statements/print.zip?patient=%d", f.patient.ID)} {
		status, zipBody, resp := biller.get(path)
		if status != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("%s: %d %q", path, status, resp.Header.Get("Content-Type"))
		}
		zr, err := zip.NewReader(strings.NewReader(zipBody), int64(len(zipBody)))
		if err != nil || len(zr.File) != 1 || !strings.HasPrefix(zr.File[0].Name, "statement-ACC1001-") {
			t.Fatalf("%s: zip %v %v", path, err, zr)
		}
		rc, err := zr.File[0].Open()
		if err != nil {
			t.Fatal(err)
		}
		pdf, _ := io.ReadAll(rc)
		rc.Close()
		if !strings.HasPrefix(string(pdf), "%PDF-") {
			t.Errorf("%s: the statement is not a PDF", path)
		}
	}
	for _, bad := range []string{"?patient=abc", fmt.Sprintf("?patient=%d", f.patient.ID+100)} {
		if status, _, _ := biller.get("/statements/print.zip" + bad); status != http.StatusBadRequest {
			t.Errorf("batch print %s: %d, want 400", bad, status)
		}
	}
	coder := f.browser(t)
	coder.login("cora.coder")
	for _, path := range []string{"/statements", "/statements/print.zip"} {
		if status, _, _ := coder.get(path); status != http.StatusForbidden {
			t.Errorf("a coder opens %s: %d, want 403", path, status)
		}
	}
	if _, body, _ := coder.get("/"); strings.Contains(body, `href="/statements"`) {
		t.Error("a coder's navigation shows the statements screen")
	}
}
