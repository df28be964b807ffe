package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// institutionalCommands checks the demo's surgery center through the
// commands: every 837I it wrote is clean in `rcm x12 validate`, `claim
// show` names the type of bill and revenue codes, and `claim form` prints
// the UB-04 of an institutional claim. It runs on TestClaimCommands' demo
// database, so the demo runs once.
func institutionalCommands(t *testing.T, dsn, out, paidList string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(out, "837I-*.x12"))
	if len(files) == 0 {
		t.Fatal("the demo wrote no 837I file")
	}
	for _, f := range files {
		if code, stdout, errOut := rcmRun(t, "", "x12", "validate", f); code != 0 {
			t.Errorf("x12 validate %s = %d %s %s", filepath.Base(f), code, stdout, errOut)
		}
	}
	// Every 837 the demo wrote is also clean with its codes judged against
	// the demo database's code sets (issue 17, --codes).
	all, _ := filepath.Glob(filepath.Join(out, "837*.x12"))
	if code, stdout, errOut := rcmRun(t, "", append([]string{"x12", "validate", "--codes", dsn}, all...)...); code != 0 {
		t.Errorf("x12 validate --codes %s = %d %s %s", dsn, code, stdout, errOut)
	}
	var id string
	for _, line := range strings.Split(paidList, "\n") {
		// The list is a table whose first column is the claim number.
		if f := strings.Fields(line); len(f) > 1 && strings.HasSuffix(f[0], "-1") {
			if code, show, _ := rcmRun(t, "", "claim", "show", "--db", dsn, f[0]); code == 0 && strings.Contains(show, "institutional: type of bill 0831") {
				if !strings.Contains(show, "revenue 0490") {
					t.Errorf("claim show lacks the revenue code:\n%s", show)
				}
				id = f[0]
				break
			}
		}
	}
	if id == "" {
		t.Fatalf("no paid institutional claim in:\n%s", paidList)
	}
	pdfPath := filepath.Join(t.TempDir(), "ub04.pdf")
	if code, _, errOut := rcmRun(t, "", "claim", "form", "--db", dsn, id, "--out", pdfPath); code != 0 {
		t.Fatalf("claim form: %s", errOut)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if b, err := os.ReadFile(pdfPath); err != nil || !strings.HasPrefix(string(b), "%PDF") {
			t.Errorf("claim form wrote no PDF: %v", err)
		}
		return
	}
	text, err := exec.Command("pdftotext", pdfPath, "-").Output()
	if err != nil || !strings.Contains(string(text), "UB-04") || !strings.Contains(string(text), "TYPE OF BILL") || !strings.Contains(string(text), "0831") {
		t.Errorf("claim form of an institutional claim is not a UB-04 (%v):\n%s", err, text)
	}
}
