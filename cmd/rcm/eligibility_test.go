package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/eligibility/eligibilitytest"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/x12"
)

// eligibilityDB makes a SQLite database with a practice, a payer, an adult
// subscriber and her child, and returns its path and the patient ids.
func eligibilityDB(t *testing.T) (path string, adult, child int64) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "rcm.db")
	db, err := sqldb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, _ := sqldbtest.Org(t, db, "Lakeside")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.CreatePractice(ctx, eligibilitytest.Practice()))
	payer := eligibilitytest.Payer()
	must(db.CreatePayer(ctx, payer))
	for _, pc := range []struct {
		p *rcm.Patient
		c *rcm.Coverage
	}{{eligibilitytest.Patient(), eligibilitytest.SelfCoverage()}, {eligibilitytest.Child(), eligibilitytest.ChildCoverage()}} {
		must(db.CreatePatient(ctx, pc.p))
		pc.c.PatientID, pc.c.PayerID = pc.p.ID, payer.ID
		must(db.CreateCoverage(ctx, pc.c))
		if adult == 0 {
			adult = pc.p.ID
		} else {
			child = pc.p.ID
		}
	}
	return path, adult, child
}

func latestEligibility(t *testing.T, path string, patient int64) (*eligibility.Record, error) {
	t.Helper()
	db, err := sqldb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var org, cov int64
	if err := db.QueryRowContext(context.Background(), `SELECT org_id, id FROM coverage WHERE patient_id = ?`, patient).Scan(&org, &cov); err != nil {
		t.Fatal(err)
	}
	return db.FindLatestEligibility(operator(context.Background(), org), cov)
}

func TestEligibilityEndToEnd(t *testing.T) {
	path, adult, child := eligibilityDB(t)
	ch := t.TempDir()
	id := strconv.FormatInt(adult, 10)
	code, out, errOut := rcmRun(t, "", "eligibility", "check", id, "--db", path, "--transport", "dir:"+ch, "--dos", "2026-01-05", "--service-type", "30,98")
	if code != 0 {
		t.Fatalf("check exit %d: %s %s", code, out, errOut)
	}
	if !strings.Contains(out, "trace 0000000001") || !strings.Contains(out, "service types 30,98") {
		t.Errorf("check output: %s", out)
	}
	// The dependent, written to a directory instead.
	outDir := t.TempDir()
	if code, out, errOut := rcmRun(t, "", "eligibility", "check", strconv.FormatInt(child, 10), "--db", path, "--out", outDir); code != 0 {
		t.Fatalf("check child exit %d: %s %s", code, out, errOut)
	}

	sent, _ := filepath.Glob(filepath.Join(ch, "outbound", "270-*.x12"))
	written, _ := filepath.Glob(filepath.Join(outDir, "270-*.x12"))
	if len(sent) != 1 || len(written) != 1 {
		t.Fatalf("270 files: %v %v", sent, written)
	}
	var answers []string
	for i, f := range []string{sent[0], written[0]} {
		req, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if res := x12.Validate(bytes.NewReader(req)); !res.Valid() {
			t.Fatalf("%s does not validate: %v %v", f, res.Err, res.Findings)
		}
		var resp bytes.Buffer
		if err := (&eligibilitytest.Responder{Answer: eligibilitytest.Benefits}).Respond(&resp, req); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(ch, "inbound", "271-"+strconv.Itoa(i)+".x12")
		if err := os.WriteFile(name, resp.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		answers = append(answers, name)
	}
	if dep, _ := os.ReadFile(written[0]); !bytes.Contains(dep, []byte("HL*4*3*23*0~")) {
		t.Errorf("the child's 270 has no 2000D dependent loop:\n%s", dep)
	}

	code, out, errOut = rcmRun(t, "", "eligibility", "read", "--db", path, answers[0], answers[1])
	if code != 0 {
		t.Fatalf("read exit %d: %s %s", code, out, errOut)
	}
	const summary = "Active. Plan GOLD PPO 01/01/2026 to 12/31/2026. Office visit copay $25.00 per visit. Deductible $1,500.00, $1,125.00 remaining. Coinsurance 20% after deductible. Out-of-pocket maximum $5,000.00, $4,000.00 remaining."
	if strings.Count(out, summary) != 2 || !strings.Contains(out, "trace 0000000001") || !strings.Contains(out, "trace 0000000002") {
		t.Errorf("read output:\n%s", out)
	}
	for _, p := range []int64{adult, child} {
		rec, err := latestEligibility(t, path, p)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Status != eligibility.Active || rec.Summary != summary {
			t.Errorf("patient %d stored %q %q", p, rec.Status, rec.Summary)
		}
	}

	// Reading again stores nothing new and says so.
	code, out, _ = rcmRun(t, "", "eligibility", "read", "--db", path, "--detail", answers[0])
	if code != 0 || !strings.Contains(out, "(already stored)") || !strings.Contains(out, "Co-payment: office visit, $25.00 per visit, in network") {
		t.Errorf("re-read exit %d:\n%s", code, out)
	}
}

func TestEligibilityReadBadInput(t *testing.T) {
	path, adult, _ := eligibilityDB(t)
	dir := t.TempDir()
	if code, out, errOut := rcmRun(t, "", "eligibility", "check", strconv.FormatInt(adult, 10), "--db", path, "--out", dir); code != 0 {
		t.Fatalf("check exit %d: %s %s", code, out, errOut)
	}
	written, _ := filepath.Glob(filepath.Join(dir, "270-*.x12"))
	req, err := os.ReadFile(written[0])
	if err != nil {
		t.Fatal(err)
	}
	// An answer to a trace this database never sent.
	unknown := bytes.ReplaceAll(req, []byte("TRN*1*0000000001*"), []byte("TRN*1*0000000777*"))
	var resp bytes.Buffer
	if err := (&eligibilitytest.Responder{Answer: eligibilitytest.Benefits}).Respond(&resp, unknown); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"unknown.271": resp.Bytes(), "garbage.271": []byte("this is not an X12 file"), "inquiry.270": req}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		file, want string
	}{
		{"unknown.271", `no eligibility check was sent under trace "0000000777"; nothing of this 271 was stored`},
		{"garbage.271", "garbage.271: read 271: x12: segment 1 (byte 0): input does not start with an ISA"},
		{"inquiry.270", `not an X12 271 eligibility response: transaction set "270"`},
	}
	for _, tt := range tests {
		code, out, errOut := rcmRun(t, "", "eligibility", "read", "--db", path, filepath.Join(dir, tt.file))
		if code != 1 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, stderr %q, want %q (stdout %q)", tt.file, code, errOut, tt.want, out)
		}
		if _, err := latestEligibility(t, path, adult); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Fatalf("%s: something was stored: %v", tt.file, err)
		}
	}
}

func TestEligibilityUsage(t *testing.T) {
	path, adult, _ := eligibilityDB(t)
	id := strconv.FormatInt(adult, 10)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"eligibility"}, 2, "usage: rcm eligibility"},
		{[]string{"eligibility", "nope"}, 2, "unknown eligibility command"},
		{[]string{"eligibility", "check", "--db", path, "--out", "x"}, 2, "exactly one PATIENT"},
		{[]string{"eligibility", "check", id, "--db", path}, 2, "no clearinghouse transport set"},
		{[]string{"eligibility", "check", id, "--db", path, "--out", "x", "--transport", "dir:y"}, 2, "at most one"},
		{[]string{"eligibility", "check", id, "--db", path, "--transport", "ftp:x"}, 2, "dir:PATH or sftp://"},
		{[]string{"eligibility", "check", "abc", "--db", path, "--out", "x"}, 1, `No patient has the account number, name, member ID or id "abc"`},
		{[]string{"eligibility", "check", "999", "--db", path, "--out", t.TempDir()}, 1, `No patient has the account number, name, member ID or id "999"`},
		{[]string{"eligibility", "check", id, "--db", path, "--out", t.TempDir(), "--order", "2"}, 1, "no coverage of order 2"},
		{[]string{"eligibility", "check", id, "--db", path, "--out", t.TempDir(), "--service-type", "ZZ"}, 1, `service type "ZZ"`},
		{[]string{"eligibility", "read", "--db", path}, 2, "at least one 271 FILE"},
	}
	for _, tt := range tests {
		code, _, errOut := rcmRun(t, "", tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

// TestEligibilityClearinghouseSettings: without --out or --transport the
// 270 goes through the organization's clearinghouse, with its IDs.
func TestEligibilityClearinghouseSettings(t *testing.T) {
	path, adult, _ := eligibilityDB(t)
	ch := t.TempDir()
	db, err := sqldb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	var org int64
	if err := db.QueryRowContext(context.Background(), `SELECT org_id FROM patient WHERE id = ?`, adult).Scan(&org); err != nil {
		t.Fatal(err)
	}
	err = db.SetClearinghouse(operator(context.Background(), org), &rcm.Clearinghouse{SubmitterID: "LAKESIDE01", SubmitterName: "Lakeside",
		ContactName: "Front Desk", ContactPhone: "2175550140", ReceiverID: "SANDBOXCH", ReceiverName: "Sandbox", Transport: "dir:" + ch})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := rcmRun(t, "", "eligibility", "check", strconv.FormatInt(adult, 10), "--db", path); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	sent, _ := filepath.Glob(filepath.Join(ch, "outbound", "270-SANDBOXCH-*.x12"))
	if len(sent) != 1 {
		t.Fatalf("sent %v", sent)
	}
	data, _ := os.ReadFile(sent[0])
	if !bytes.Contains(data, []byte("*ZZ*LAKESIDE01     *ZZ*SANDBOXCH      *")) {
		t.Errorf("envelope does not use the clearinghouse IDs:\n%s", data)
	}
}
