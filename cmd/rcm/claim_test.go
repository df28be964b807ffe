package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm/x12"
)

// The claim commands on the demo's database: list, show, form, and a 999
// rejection read back through the clearinghouse folder.
func TestClaimCommands(t *testing.T) {
	t.Parallel()
	dir, _ := demoDir(t, 1)
	dsn, out := filepath.Join(dir, "demo.db"), filepath.Join(dir, "out")
	code, list, _ := rcmRun(t, "", "claim", "list", "--db", dsn, "--state", "paid")
	if code != 0 || strings.Count(list, "\n") < 10 {
		t.Fatalf("claim list = %d:\n%s", code, list)
	}
	// The first line is the header; the first column is the claim number.
	first := strings.Fields(strings.Split(list, "\n")[1])[0]
	if !strings.HasPrefix(list, "CLAIM ") || !strings.HasPrefix(first, "LFM") {
		t.Fatalf("claim list does not lead with a header and claim numbers:\n%s", list)
	}
	code, show, _ := rcmRun(t, "", "claim", "show", "--db", dsn, first)
	if code != 0 || !strings.Contains(show, "ready -> submitted") || !strings.Contains(show, "-> paid") || !strings.Contains(show, "dx 1") {
		t.Errorf("claim show = %d:\n%s", code, show)
	}
	pdfPath := filepath.Join(dir, "claim.pdf")
	if code, _, errOut := rcmRun(t, "", "claim", "form", "--db", dsn, first, "--out", pdfPath); code != 0 {
		t.Fatalf("claim form: %s", errOut)
	}
	if b, err := os.ReadFile(pdfPath); err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Errorf("claim form wrote %d bytes (%v), want a PDF", len(b), err)
	}
	institutionalCommands(t, dsn, out, list)
	// Nothing left to do but the visits coded from their notes (3) and the
	// demo coder's visits of the coding-audit step (8), which wait coded:
	// scrub finds no drafts; build makes their 11 claims, and then finds no
	// coded encounter.
	if code, _, _ := rcmRun(t, "", "claim", "scrub", "--db", dsn, "--all"); code != 0 {
		t.Errorf("scrub with no drafts exit %d", code)
	}
	if code, out, errOut := rcmRun(t, "", "claim", "build", "--db", dsn, "--all"); code != 0 || strings.Count(out, " built from encounter ") != 11 {
		t.Errorf("build of the coding-audit visits = %d %q %q", code, out, errOut)
	}
	if code, _, errOut := rcmRun(t, "", "claim", "build", "--db", dsn, "--all"); code != 2 || !strings.Contains(errOut, "name encounters") {
		t.Errorf("build with nothing coded = %d %q", code, errOut)
	}

	// A late 999 rejects the Medicaid batch (built by the X12 engine from a
	// copy with a broken NPI qualifier): its claims were paid since, and a
	// rejection does not undo a payment; the file is applied and archived.
	batch, err := os.ReadFile(filepath.Join(out, "837P-SANDBOXCH-000000007.x12"))
	if err != nil {
		t.Fatal(err)
	}
	broken := bytes.Replace(batch, []byte("*****XX*"), []byte("*****ZZ*"), 1)
	res := x12.Validate(bytes.NewReader(broken))
	if res.Valid() {
		t.Fatal("the broken batch validated")
	}
	var ack bytes.Buffer
	if _, err := x12.Acknowledge(&ack, res, x12.AckOptions{Now: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC), Seq: &x12.Counter{N: 900}}); err != nil {
		t.Fatal(err)
	}
	inbound := filepath.Join(out, "clearinghouse", "inbound")
	if err := os.WriteFile(filepath.Join(inbound, "999-rejected.x12"), ack.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inbound, "garbage.txt"), []byte("not x12"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, polled, errOut := rcmRun(t, "", "clearinghouse", "poll", "--db", dsn)
	if code != 0 {
		t.Fatalf("poll exit %d: %s", code, errOut)
	}
	for _, want := range []string{"999-rejected.x12: 999, transaction sets: 0 accepted, 1 rejected; 0 claims rejected", "garbage.txt: ?, not applied"} {
		if !strings.Contains(polled, want) {
			t.Errorf("poll output lacks %q:\n%s", want, polled)
		}
	}
	// An unreadable response is set aside in the quarantine folder, with
	// its reason, for a person to look at; it no longer blocks the inbox.
	if _, err := os.Stat(filepath.Join(out, "clearinghouse", "quarantine", "garbage.txt")); err != nil {
		t.Errorf("the unreadable response is not in the quarantine folder: %v", err)
	}
	if code, q, _ := rcmRun(t, "", "clearinghouse", "quarantine", "--db", dsn); code != 0 || !regexp.MustCompile(`garbage.txt +\S+ +unreadable`).MatchString(q) || !strings.Contains(q, "not a 999, 277CA, 277, 835 or 271") {
		t.Errorf("clearinghouse quarantine: exit %d\n%s", code, q)
	}
	if _, err := os.Stat(filepath.Join(inbound, "999-rejected.x12")); err == nil {
		t.Error("the applied 999 is still in the inbound folder")
	}
	_, rejected, _ := rcmRun(t, "", "claim", "list", "--db", dsn, "--state", "rejected")
	if !strings.HasPrefix(rejected, "No claims") {
		t.Errorf("paid claims moved to the rejection worklist:\n%s", rejected)
	}
	// Polling again changes nothing.
	_, again, _ := rcmRun(t, "", "clearinghouse", "poll", "--db", dsn)
	if strings.Contains(again, "999-rejected") {
		t.Errorf("second poll read the 999 again:\n%s", again)
	}
}
