package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// ledgerDB makes a SQLite database with one charged and paid line and
// returns its path, the line id and the org id.
func ledgerDB(t *testing.T) (path string, line, org int64) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "rcm.db")
	db, err := sqldb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, o := sqldbtest.Org(t, db, "Lakeside")
	addr := rcm.Address{Line1: "1 Main St", City: "Springfield", State: "IL", ZIP: "62701"}
	pr := &rcm.Practice{Name: "Lakeside", NPI: "1234567893", TIN: "123456789", Taxonomy: "207Q00000X", Address: addr}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.CreatePractice(ctx, pr))
	prov := &rcm.Provider{PracticeID: pr.ID, FirstName: "Gil", LastName: "Doctor", NPI: "1245319599", Taxonomy: "207Q00000X"}
	must(db.CreateProvider(ctx, prov))
	payer := &rcm.Payer{Name: "Acme Health", PayerID: "ACME1", FilingIndicator: "CI"}
	must(db.CreatePayer(ctx, payer))
	pat := &rcm.Patient{AccountNumber: "A1001", FirstName: "Ada", LastName: "Test", BirthDate: rcm.MustParseDate("1980-01-01"), Sex: "F", Address: addr}
	must(db.CreatePatient(ctx, pat))
	enc := &rcm.Encounter{PatientID: pat.ID, PracticeID: pr.ID, RenderingProviderID: prov.ID, DateOfService: rcm.MustParseDate("2026-01-02"),
		PlaceOfService: "11", Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
		Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: rcm.MustParseMoney("100.00"), Pointers: []int{1}}}}
	must(db.CreateEncounter(ctx, enc))
	ids, err := db.FindServiceLineIDs(ctx, enc.ID)
	must(err)
	m := rcm.MustParseMoney
	must(db.PostLedger(ctx, new(ledger.Transaction).Charge(ids[0], payer.ID, m("100.00"))))
	must(db.PostLedger(ctx, new(ledger.Transaction).PayerPayment(ids[0], payer.ID, m("60.00"), "ACH").
		Adjust(ids[0], payer.ID, "CO", "45", m("25.00")).PatientShare(ids[0], payer.ID, "3", m("15.00"))))
	return path, ids[0], o.ID
}

func TestLedgerCheck(t *testing.T) {
	path, line, org := ledgerDB(t)
	code, out, errOut := rcmRun(t, "", "ledger", "check", "--db", path)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"Charges $100.00", "Acme Health (ACME1) $60.00", "CO Contractual Obligations $25.00",
		"PR-3 copay $15.00", "Open A/R, insurance $0.00", "account A1001 $15.00", "Debits $200.00 Credits $200.00",
		"Ledger OK: 1 line(s)",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// Tamper with the database behind the ledger's back.
	db, err := sqldb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	// A patient payment of $7.00 more than the patient owes.
	if _, err := db.ExecContext(context.Background(), `INSERT INTO ledger_pair (org_id, txn_id, seq, line_id, op, amount, reason, method,
			debit_kind, debit_payer, debit_grp, credit_kind, credit_payer, credit_grp)
		VALUES (?, 1, 1, ?, 'patient_payment', 2200, '', 'cash', 'patient_paid', NULL, '', 'patient_ar', NULL, '')`, org, line); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, _, errOut = rcmRun(t, "", "ledger", "check", "--db", path)
	if code != 1 || !strings.Contains(errOut, "Line "+itoa(line)+": patient balance would be -7.00") || !strings.Contains(errOut, "FAILED") {
		t.Errorf("tampered ledger: exit %d, stderr %q; want 1 naming line %d", code, errOut, line)
	}
	if code, _, _ := rcmRun(t, "", "ledger"); code != 2 {
		t.Errorf("rcm ledger without subcommand: exit %d, want 2", code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestCarcCommands(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rcm.db")
	// Before any import, the starter list answers.
	code, out, errOut := rcmRun(t, "", "carc", "show", "--db", path, "CO-45", "N290")
	if code != 0 || !strings.Contains(out, "group CO: Contractual Obligations") || !strings.Contains(out, "In short:") || !strings.Contains(out, "RARC N290") {
		t.Fatalf("show from starter: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := rcmRun(t, "", "carc", "show", "--db", path, "ZZ9"); code != 1 || !strings.Contains(errOut, "not in the code list") {
		t.Errorf("unknown code: exit %d %q", code, errOut)
	}
	dir := filepath.Dir(shareddata.Path(t, "SOURCES.md"))
	code, out, errOut = rcmRun(t, "", "carc", "import", "--db", path,
		filepath.Join(dir, "x12codes", "carc_2024-03.csv"), filepath.Join(dir, "x12codes", "rarc_2024-03.csv"))
	if code != 0 || !strings.Contains(out, "imported 405 CARC codes") || !strings.Contains(out, "imported 1171 RARC codes") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = rcmRun(t, "", "carc", "show", "--db", path, "--dos", "2018-05-01", "15")
	if code != 0 || !strings.Contains(out, "NOT ACTIVE on 2018-05-01") || !strings.Contains(out, "stop 2018-05-01") {
		t.Errorf("show 15 on its stop date: exit %d\n%s", code, out)
	}
	if code, _, errOut := rcmRun(t, "", "carc", "import", "--db", path, filepath.Join(dir, "SOURCES.md")); code != 2 || !strings.Contains(errOut, "--list") {
		t.Errorf("import of an unnamed list: exit %d %q", code, errOut)
	}
}

func TestLedgerPay(t *testing.T) {
	path, line, _ := ledgerDB(t) // the patient owes a $15.00 copay
	db, err := sqldb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	var patient int64
	if err := db.QueryRowContext(context.Background(), `SELECT e.patient_id FROM service_line s JOIN encounter e ON e.id = s.encounter_id WHERE s.id = ?`, line).Scan(&patient); err != nil {
		t.Fatal(err)
	}
	db.Close()
	pay := []string{"ledger", "pay", "--db", path, "--patient", itoa(patient), "--amount", "10.00", "--method", "card", "--key", "front-desk-0001"}
	code, out, errOut := rcmRun(t, "", pay...)
	if code != 0 || !strings.Contains(out, "Payment of $10.00 for account A1001 (Test, Ada) posted") || !strings.Contains(out, "service line "+itoa(line)+"  $10.00") {
		t.Fatalf("pay: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := rcmRun(t, "", pay...); code != 1 || !strings.Contains(errOut, "already posted") {
		t.Errorf("the same key again: exit %d, %s", code, errOut)
	}
	if code, _, _ := rcmRun(t, "", "ledger", "pay", "--db", path, "--amount", "ten"); code != 2 {
		t.Errorf("bad amount: exit %d, want 2", code)
	}
	// Issue 11: "0,1" was read as $1.00 and "1,00" as $100.00. A comma
	// that does not separate thousands is refused before anything posts.
	for i, amount := range []string{"0,1", "1,00", "1,0,0"} {
		comma := append([]string(nil), pay...)
		comma[7], comma[11] = amount, "front-desk-comma-"+itoa(int64(i))
		if code, _, errOut := rcmRun(t, "", comma...); code != 2 || !strings.Contains(errOut, "thousands") {
			t.Errorf("amount %q: exit %d, %s; want 2 and a word on thousands", amount, code, errOut)
		}
	}
	wo := []string{"ledger", "write-off", "--db", path, "--patient", itoa(patient), "--amount", "1.00", "--reason", "small_balance", "--key", "small-bal-0001"}
	if code, out, errOut := rcmRun(t, "", wo...); code != 0 || !strings.Contains(out, "Write-off of $1.00 for account A1001") {
		t.Errorf("write-off: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = rcmRun(t, "", "ledger", "check", "--db", path)
	if flat := strings.Join(strings.Fields(out), " "); code != 0 || !strings.Contains(flat, "Patient payments $10.00") || !strings.Contains(flat, "account A1001 $4.00") ||
		!strings.Contains(flat, "WO Write-offs $1.00") {
		t.Errorf("ledger check after the payment: exit %d\n%s", code, out)
	}
	// More than the $4.00 still owed is held as credit, not refused.
	more := append([]string(nil), pay...)
	more[7], more[11] = "5.01", "front-desk-0002"
	if code, _, errOut := rcmRun(t, "", more...); code != 0 {
		t.Errorf("more than owed: exit %d, %s", code, errOut)
	}
	code, out, _ = rcmRun(t, "", "ledger", "check", "--db", path)
	if flat := strings.Join(strings.Fields(out), " "); code != 0 || !strings.Contains(flat, "Credit balances held $1.01") {
		t.Errorf("ledger check after the overpayment: exit %d\n%s", code, out)
	}
}

func TestStatementCommand(t *testing.T) {
	path, line, _ := ledgerDB(t) // the patient owes a $15.00 copay
	db, err := sqldb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	var patient int64
	if err := db.QueryRowContext(context.Background(), `SELECT e.patient_id FROM service_line s JOIN encounter e ON e.id = s.encounter_id WHERE s.id = ?`, line).Scan(&patient); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out := filepath.Join(t.TempDir(), "statement.pdf")
	code, stdout, errOut := rcmRun(t, "", "statement", "--db", path, "--date", "2026-03-01", itoa(patient), "--out", out)
	if code != 0 || !strings.Contains(stdout, "Statement for account A1001: 1 service(s), $15.00 due by 2026-03-31") {
		t.Fatalf("statement: exit %d\n%s%s", code, stdout, errOut)
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("statement file: %d bytes, %v", len(b), err)
	}
	// Each code with its words: the starter set's label for 99213, the
	// practice having imported no CPT text (issue 16).
	if _, err := exec.LookPath("pdftotext"); err == nil {
		txt, err := exec.Command("pdftotext", out, "-").Output()
		if err != nil || !strings.Contains(string(txt), "99213") || !strings.Contains(string(txt), "Established patient office visit, low complexity") {
			t.Errorf("statement text lacks 99213 with its words (%v):\n%s", err, txt)
		}
	}
	if code, _, _ := rcmRun(t, "", "statement", "--db", path, itoa(patient)); code != 2 {
		t.Errorf("without --out: exit %d, want 2", code)
	}
	if code, _, errOut := rcmRun(t, "", "statement", "--db", path, "424242", "--out", out); code != 1 || !strings.Contains(errOut, `No patient has the account number, name, member ID or id "424242"`) {
		t.Errorf("unknown patient: exit %d, %s", code, errOut)
	}

	// Statement runs: a held patient is skipped; released, the run sends
	// one statement, the list to mail shows it, and once marked mailed
	// it is off the list. A second run in the cycle sends nothing.
	for _, step := range []struct {
		args []string
		want string
	}{
		{[]string{"hold", "A1001", "--reason", "disputes the copay"}, "Statements of account A1001 held"},
		{[]string{"run", "--date", "2026-03-01"}, "No patient is due a statement"},
		{[]string{"hold", "A1001", "--release"}, "Statements of account A1001 released"},
		{[]string{"run", "--date", "2026-03-01"}, "Statement run 1 of 2026-03-01: 1 statement added, $15.00 asked for"},
		{[]string{"run", "--date", "2026-03-20"}, "No patient is due a statement"},
		{[]string{"mail-list", "--run", "2026-03-01"}, "A1001    $15.00  2026-03-31"},
		{[]string{"mailed", "--run", "1"}, "1 statement marked mailed."},
		{[]string{"mail-list"}, "No statement to mail."},
		{[]string{"runs"}, "2026-03-01  1           $15.00  1"},
	} {
		args := append([]string{"statement", step.args[0], "--db", path}, step.args[1:]...)
		if code, stdout, errOut := rcmRun(t, "", args...); code != 0 || !strings.Contains(stdout, step.want) {
			t.Errorf("%s: exit %d, want %q\n%s%s", strings.Join(step.args, " "), code, step.want, stdout, errOut)
		}
	}
	// Bad input is refused with its reason, and the runs stay as they were.
	for _, bad := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"run", "--cycle", "0"}, 2, "--cycle of at least 1 day"},
		{[]string{"runs", "extra"}, 2, "statement runs takes no arguments"},
		{[]string{"mail-list", "--json", "--csv"}, 2, "at most one of --json and --csv"},
		{[]string{"mail-list", "--run", "7"}, 1, "No statement run 7"},
		{[]string{"mailed", "--run", "1", "3"}, 2, "not both"},
		{[]string{"mailed", "x1"}, 2, `"x1" is not a statement number`},
		{[]string{"hold", "A1001"}, 2, "--reason TEXT or --release"},
	} {
		args := append([]string{"statement", bad.args[0], "--db", path}, bad.args[1:]...)
		if code, _, errOut := rcmRun(t, "", args...); code != bad.code || !strings.Contains(errOut, bad.want) {
			t.Errorf("%s: exit %d, want %d and %q\n%s", strings.Join(bad.args, " "), code, bad.code, bad.want, errOut)
		}
	}
	if code, stdout, _ := rcmRun(t, "", "statement", "runs", "--db", path); code != 0 || strings.Count(stdout, "\n") != 3 {
		t.Errorf("the runs after the refused commands:\n%s", stdout)
	}
}
