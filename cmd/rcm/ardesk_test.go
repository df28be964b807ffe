package main

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestARDeskCommands drives the desk from the command line on the demo's
// database: the claim status history, the queue as text and CSV, a note, a
// refused close, the category rules, a second status request that finds
// nothing to ask, and the appeal letter.
func TestARDeskCommands(t *testing.T) {
	t.Parallel()
	dir, _ := demoDir(t, 7)
	dsn := filepath.Join(dir, "demo.db")
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return rcmRun(t, "", append(args, "--db", dsn)...)
	}
	code, out, errOut := run("status", "show", "LFM01005-24-1")
	if code != 0 || !strings.Contains(out, "Not found: the payer cannot find the claim (A4:35 claim not found)") || !strings.Contains(out, "is paid") {
		t.Errorf("status show = %d %q %q", code, out, errOut)
	}
	code, out, _ = run("status", "show", "LFM01005-24-1", "--csv")
	if recs, err := csv.NewReader(strings.NewReader(out)).ReadAll(); code != 0 || err != nil || len(recs) < 2 || recs[0][0] != "claim" ||
		recs[1][0] != "LFM01005-24-1" || recs[1][4] != "A4" || recs[1][5] != "35" {
		t.Errorf("status show --csv = %d %v %q", code, err, out)
	}
	code, out, _ = run("era", "denials", "--csv")
	if recs, err := csv.NewReader(strings.NewReader(out)).ReadAll(); code != 0 || err != nil || len(recs) < 2 || recs[0][6] != "reasons" ||
		!strings.Contains(out, "CO-") {
		t.Errorf("era denials --csv = %d %v %q", code, err, out)
	}
	if code, out, _ = run("status", "request", "--older-than", "0d"); code != 0 || !strings.Contains(out, "no claim submitted more than 0d ago is waiting") {
		t.Errorf("status request with nothing to ask = %d %q", code, out)
	}
	if code, _, errOut = run("status", "request", "--older-than", "soon"); code != 2 || !strings.Contains(errOut, "--older-than") {
		t.Errorf("status request --older-than soon = %d %q", code, errOut)
	}
	if code, _, errOut = run("status", "request", "--claim", "LFM01005-24-1"); code != 1 || !strings.Contains(errOut, "not waiting for a payer's answer") {
		t.Errorf("status request for a paid claim = %d %q", code, errOut)
	}
	// The same 277 delivered again is refused and set aside, naming the
	// file that answered first.
	archived, err := filepath.Glob(filepath.Join(dir, "out", "clearinghouse", "archive", "*.277"))
	if err != nil || len(archived) != 1 {
		t.Fatalf("archived 277s: %v %v", archived, err)
	}
	data, err := os.ReadFile(archived[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "out", "clearinghouse", "inbound", "again.277"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ = run("clearinghouse", "poll"); code != 0 || !strings.Contains(out, "was answered already by "+filepath.Base(archived[0])) ||
		!strings.Contains(out, "quarantine folder") {
		t.Errorf("a 277 read twice: %d %q", code, out)
	}
	// Five denied lines and three lines paid below the PPO contract.
	code, out, _ = run("followup", "list", "--csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) != 9 || recs[0][1] != "claim" || recs[1][4] != "Illinois Medicaid (sandbox)" || recs[1][14] != "Jamie Biller" {
		t.Fatalf("followup list --csv = %d %v %q", code, err, out)
	}
	item := recs[1][0]
	if code, out, errOut = run("followup", "note", item, "--note", "Asked for the NDC invoice", "--follow-up", "2026-03-20"); code != 0 {
		t.Errorf("note = %d %q %q", code, out, errOut)
	}
	if code, _, errOut = run("followup", "close", item, "--outcome", "written_off"); code != 1 || !strings.Contains(errOut, "Say why") {
		t.Errorf("a write-off without a reason = %d %q", code, errOut)
	}
	if code, out, _ = run("followup", "list", "--category", "non_covered", "--owner", "demo.biller"); code != 0 || !strings.Contains(out, "5 items") {
		t.Errorf("list by category and owner = %d %q", code, out)
	}
	if code, out, _ = run("followup", "rules"); code != 0 || !strings.Contains(out, "CARC 50, 55") || !strings.Contains(out, "medical_necessity") {
		t.Errorf("rules = %d %q", code, out)
	}
	letter := filepath.Join(dir, "letter.pdf")
	if code, out, errOut = run("followup", "letter", "LFM01002-3-1C", "--out", letter); code != 0 {
		t.Fatalf("letter = %d %q %q", code, out, errOut)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		txt, err := exec.Command("pdftotext", letter, "-").Output()
		if err != nil || !strings.Contains(string(txt), "First-level appeal: claim LFM01002-3-1C") || !strings.Contains(string(txt), "CO-96") {
			t.Errorf("letter text: %v %s", err, txt)
		}
	} else if b, err := os.ReadFile(letter); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("letter is not a PDF: %v", err)
	}
}
