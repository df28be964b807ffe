package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// auditDSN returns a database of the dialect (a SQLite path or a
// PostgreSQL URL with its own schema) holding one organization with five
// patients, a charged line, and a list read of the patients made with a
// reason that is a spreadsheet formula. It returns the org id.
// openKeyed opens dsn as the rcm commands of the test will: a PostgreSQL
// database with the test keyring, which RCM_KEY hands to the commands, and
// a SQLite file with the key file beside it.
func openKeyed(t *testing.T, dsn string) *sqldb.DB {
	t.Helper()
	var opts []sqldb.Option
	if strings.HasPrefix(dsn, "postgres") {
		t.Setenv("RCM_KEY", sqldbtest.KeyringLine())
		opts = append(opts, sqldb.WithKeyring(sqldbtest.Keyring()))
	}
	db, err := sqldb.Open(context.Background(), dsn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func auditDSN(t *testing.T, dialect string) (dsn string, org int64) {
	t.Helper()
	dsn = filepath.Join(t.TempDir(), "rcm.db")
	if dialect == sqldb.Postgres {
		dsn = sqldbtest.PostgresDSN(t)
	}
	db := openKeyed(t, dsn)
	defer db.Close()
	db.Clock = rcm.NewStepClock(sqldbtest.Start)
	ctx, o := sqldbtest.Org(t, db, "Lakeside")
	s := sqldbtest.Seed(t, ctx, db)
	for i := range 4 {
		p := &rcm.Patient{AccountNumber: fmt.Sprintf("B%03d", i), FirstName: "Bo", LastName: fmt.Sprintf("Listed%d", i),
			BirthDate: rcm.MustParseDate("1970-01-01"), Sex: "M", Address: sqldbtest.Address()}
		if err := db.CreatePatient(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	enc := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID, DateOfService: rcm.MustParseDate("2026-01-02"),
		PlaceOfService: "11", Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
		Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: rcm.MustParseMoney("100.00"), Pointers: []int{1}}}}
	if err := db.CreateEncounter(ctx, enc); err != nil {
		t.Fatal(err)
	}
	ids, err := db.FindServiceLineIDs(ctx, enc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PostLedger(ctx, new(ledger.Transaction).Charge(ids[0], s.Payer.ID, rcm.MustParseMoney("100.00"))); err != nil {
		t.Fatal(err)
	}
	a, _ := rcm.ActorFromContext(ctx)
	a.Reason = "=HYPERLINK(\"http://evil.example\",\"x\")"
	if ps, err := db.FindPatients(rcm.NewContextWithActor(context.Background(), a), rcm.PatientFilter{}); err != nil || len(ps) != 5 {
		t.Fatalf("FindPatients = %d, %v", len(ps), err)
	}
	return dsn, o.ID
}

func dropTriggers(t *testing.T, db *sqldb.DB) {
	t.Helper()
	stmts := []string{`DROP TRIGGER audit_event_no_update`, `DROP TRIGGER audit_event_no_delete`}
	if db.Dialect() == sqldb.Postgres {
		stmts = []string{`DROP TRIGGER audit_event_no_change ON audit_event`}
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAuditVerifyCommand: the command reports a sound chain, then, after
// an event is altered in SQL past the dropped triggers, names that event
// and exits 1; on both databases.
func TestAuditVerifyCommand(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			dsn, org := auditDSN(t, dialect)
			code, out, errOut := rcmRun(t, "", "audit", "verify", "--db", dsn)
			if code != 0 || !strings.Contains(out, "Organization 1 (Lakeside): 8 events in ") || !strings.Contains(out, "every chain OK; heads digest ") {
				t.Fatalf("exit %d:\n%s%s", code, out, errOut)
			}
			db := openKeyed(t, dsn)
			defer db.Close()
			dropTriggers(t, db)
			var id, seq int64
			var shard int
			if err := db.QueryRowContext(context.Background(), `SELECT id, shard, seq FROM audit_event WHERE org_id = ? ORDER BY id LIMIT 1 OFFSET 3`, org).Scan(&id, &shard, &seq); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(context.Background(), `UPDATE audit_event SET user_id = user_id + 1 WHERE id = ?`, id); err != nil {
				t.Fatal(err)
			}
			code, out, errOut = rcmRun(t, "", "audit", "verify", "--db", dsn, "--org", fmt.Sprint(org))
			want := fmt.Sprintf("chain %d, event %d (id %d, 2026-01-05T09:00:", shard, seq, id)
			if code != 1 || !strings.Contains(out, "BROKEN after") || !strings.Contains(out, want) ||
				!strings.Contains(out, "contents do not match its hash") || !strings.Contains(errOut, "FAILED") {
				t.Errorf("exit %d, want 1 naming %q:\n%s%s", code, want, out, errOut)
			}
		})
	}
}

func TestAuditCommandBadInput(t *testing.T) {
	dsn, _ := auditDSN(t, sqldb.SQLite)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"audit"}, 2, "usage"},
		{[]string{"audit", "verify", "--db", dsn + ".missing"}, 1, "no such file"},
		{[]string{"audit", "verify", "--db", dsn, "--org", "-3"}, 2, "--org"},
		{[]string{"audit", "verify", "--db", dsn, "--org", "99"}, 1, "Organization 99 does not exist"},
		{[]string{"audit", "export", "--db", dsn}, 2, "--format"},
		{[]string{"audit", "export", "--db", dsn, "--format", "xml"}, 2, "--format"},
		{[]string{"audit", "export", "--db", dsn, "--format", "csv", "--from", "2026-13-01"}, 2, "--from"},
		{[]string{"audit", "export", "--db", dsn, "--format", "csv", "--from", "2026-03-01", "--to", "2026-02-01"}, 2, "--from"},
		{[]string{"audit", "export", "--db", dsn, "--format", "csv", "--patient", "NOBODY"}, 1, "No patient"},
	} {
		code, out, errOut := rcmRun(t, "", tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.msg) {
			t.Errorf("%v: exit %d %s%s; want %d with %q", tc.args, code, out, errOut, tc.code, tc.msg)
		}
	}
}

// TestAuditExportCommand: the export of one patient holds its creation
// and the list read that showed it among four others; the CSV defuses a
// formula; the JSON says the same; an existing --out file is not touched.
func TestAuditExportCommand(t *testing.T) {
	dsn, _ := auditDSN(t, sqldb.SQLite)
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "a.csv")
	code, out, errOut := rcmRun(t, "", "audit", "export", "--db", dsn, "--patient", "B002", "--format", "csv", "--out", csvPath)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	if st, err := os.Stat(csvPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("export file mode %v, %v; want 0600", st.Mode(), err)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, r := range recs[1:] {
		got = append(got, []string{r[6], r[7], r[8], r[10], r[11]})
	}
	want := [][]string{
		{"lakeside.admin", "create", "patient", "test", "B002"},
		{"lakeside.admin", "read", "patients", `'=HYPERLINK("http://evil.example","x")`, "A1001 B000 B001 B002 B003"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("export of patient B002 mismatch (-want +got):\n%s", diff)
	}

	code, out, errOut = rcmRun(t, "", "audit", "export", "--db", dsn, "--patient", "B002", "--format", "json")
	var events []auditRecord
	if code != 0 || json.Unmarshal([]byte(out), &events) != nil || len(events) != 2 || events[1].Reason != `=HYPERLINK("http://evil.example","x")` ||
		len(events[1].Patients) != 5 {
		t.Errorf("json export: exit %d, %+v\n%s", code, events, errOut)
	}
	code, out, _ = rcmRun(t, "", "audit", "export", "--db", dsn, "--format", "jsonl", "--from", "2026-01-05", "--to", "2026-01-05")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 8 {
		t.Errorf("jsonl export of the day: exit %d, %d lines; want 8", code, len(lines))
	}
	code, out, _ = rcmRun(t, "", "audit", "export", "--db", dsn, "--format", "jsonl", "--from", "2026-01-06")
	if code != 0 || out != "" {
		t.Errorf("export after the last event: exit %d, %q; want nothing", code, out)
	}

	os.WriteFile(csvPath, []byte("earlier"), 0o600)
	code, _, errOut = rcmRun(t, "", "audit", "export", "--db", dsn, "--format", "csv", "--out", csvPath)
	if b, _ := os.ReadFile(csvPath); code != 1 || string(b) != "earlier" {
		t.Errorf("export over an existing file: exit %d (%s), file now %q", code, errOut, b)
	}
}

func TestCSVSafe(t *testing.T) {
	got := csvSafe([]string{"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "plain", "", "a=b"})
	want := []string{"'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "plain", "", "a=b"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("csvSafe mismatch (-want +got):\n%s", diff)
	}
}
