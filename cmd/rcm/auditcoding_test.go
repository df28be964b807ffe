package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditCodingCommands drives the coding audit and practice mode from
// the command line on the demo's database: the demo's audit listed and
// reported (text, CSV, PDF), a new sample drawn twice with one seed (the
// same encounters), the blind show, a re-coding, and a learner's attempt
// and progress.
func TestAuditCodingCommands(t *testing.T) {
	t.Parallel()
	dir, demoOut := demoDir(t, 7)
	dsn := filepath.Join(dir, "demo.db")
	for _, want := range []string{"demo.auditor drew audit 1: 5 of 8 encounters with seed 7", "demo.coder:            dx precision 86% recall 86%",
		"over-coded $280.00, under-coded $330.00", "suggestions (machine):"} {
		if !strings.Contains(demoOut, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return rcmRun(t, "", append(args, "--db", dsn)...)
	}
	if code, out, _ := run("audit-coding", "list", "--as", "demo.auditor"); code != 0 || !strings.Contains(out, "demo.coder") || !strings.Contains(out, "seed 7") {
		t.Errorf("list = %d %q", code, out)
	}
	if code, _, errOut := run("audit-coding", "list", "--as", "demo.coder"); code != 1 || !strings.Contains(errOut, "may not do this (coding:audit)") {
		t.Errorf("a coder listing audits = %d %q", code, errOut)
	}
	code, out, errOut := run("audit-coding", "report", "1", "--as", "demo.auditor")
	if code != 0 || !strings.Contains(out, "units: auditor 94640 x1 Breathing treatment by nebulizer; coded 94640 x2 Breathing treatment by nebulizer (over-coded $60.00)") ||
		!strings.Contains(out, "first-listed diagnosis: auditor F32.1 Major depressive disorder, single episode, moderate; coded F32.9 Major depressive disorder, single episode, unspecified") {
		t.Errorf("report = %d %q %q", code, out, errOut)
	}
	if code, out, _ = run("audit-coding", "report", "1", "--as", "demo.auditor", "--csv"); code != 0 ||
		!strings.Contains(out, "demo.coder,36,2026-02-21,diagnosis missed,F32.1,\"Major depressive disorder, single episode, moderate\",,,,\r\n") {
		t.Errorf("report --csv = %d %q", code, out)
	}
	pdf := filepath.Join(dir, "audit.pdf")
	if code, out, errOut = run("audit-coding", "report", "1", "--as", "demo.auditor", "--pdf", pdf); code != 0 {
		t.Fatalf("report --pdf = %d %q %q", code, out, errOut)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		txt, err := exec.Command("pdftotext", pdf, "-").Output()
		if err != nil || !strings.Contains(string(txt), "Coding audit 1: demo.coder") || !strings.Contains(string(txt), "F32.9 Major depressive disorder, single episode, unspecified") {
			t.Errorf("the PDF reads %q (%v)", txt, err)
		}
	}
	sample := func() string {
		t.Helper()
		code, out, errOut := run("audit-coding", "sample", "--as", "demo.auditor", "--coder", "demo.coder", "--from", "2026-01-01", "--to", "2026-03-02", "--size", "3", "--seed", "11")
		if code != 0 {
			t.Fatalf("sample = %d %q %q", code, out, errOut)
		}
		_, list, _ := strings.Cut(out, "\n")
		return list
	}
	if a, b := sample(), sample(); a != b || strings.Count(a, "encounter") != 3 {
		t.Errorf("the same seed drew\n%s\nand\n%s", a, b)
	}
	code, out, _ = run("audit-coding", "show", "2", "--as", "demo.auditor")
	if code != 0 || strings.Count(out, "the coder's codes are hidden") != 3 {
		t.Errorf("show = %d %q", code, out)
	}
	enc := strings.Fields(strings.Split(out, "\n")[1])[1]
	if code, out, errOut = run("audit-coding", "recode", "2", enc, "--as", "demo.auditor", "--dx", "Q99.99"); code != 1 || !strings.Contains(errOut, "not an ICD-10-CM code") {
		t.Errorf("recode with a bad code = %d %q %q", code, out, errOut)
	}
	if code, out, errOut = run("audit-coding", "recode", "2", enc, "--as", "demo.auditor", "--dx", "E11.9,I10", "--line", "99214", "--line", "83036"); code != 0 || !strings.Contains(out, "the coder had:") {
		t.Errorf("recode = %d %q %q", code, out, errOut)
	}
	if code, out, _ = run("audit-coding", "show", "2", "--as", "demo.auditor"); strings.Count(out, "the coder's codes are hidden") != 2 || !strings.Contains(out, "auditor E11.9, I10 | 99214 x1 83036 x1; coder ") {
		t.Errorf("show after one re-coding = %d %q", code, out)
	}

	if code, out, _ = rcmRun(t, "", "practice", "list"); code != 0 || !strings.Contains(out, " 4  04-probable-pneumonia") {
		t.Errorf("practice list = %d %q", code, out)
	}
	if code, out, _ = rcmRun(t, "", "practice", "show", "4"); code != 0 || !strings.Contains(out, "Probable community-acquired pneumonia") {
		t.Errorf("practice show = %d %q", code, out)
	}
	code, out, errOut = run("practice", "code", "4", "--as", "demo.coder", "--dx", "J18.9", "--line", "99213")
	if code != 0 || !strings.Contains(out, "diagnosis missed: auditor R05.1 Acute cough; coded none") || !strings.Contains(out, "Index: Cough > acute") ||
		!strings.Contains(out, "Guidelines: IV.H; IV.D") || !strings.Contains(out, "Answer key: R05.1, R50.9 | 99213 x1") {
		t.Errorf("practice code = %d %q %q", code, out, errOut)
	}
	if code, out, _ = run("practice", "progress", "--as", "demo.coder"); code != 0 || !strings.Contains(out, "1 attempts at 1 of 14 cases; diagnosis precision 0%, recall 0%") {
		t.Errorf("practice progress = %d %q", code, out)
	}
}
