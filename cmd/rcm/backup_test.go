package main

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

func TestBackupRestoreCommandSQLite(t *testing.T) {
	dsn, _ := auditDSN(t, sqldb.SQLite)
	dir := t.TempDir()
	out := filepath.Join(dir, "b.db")
	code, stdout, stderr := rcmRun(t, "", "backup", "--db", dsn, "--out", out)
	if code != 0 || !strings.Contains(stdout, "integrity check ok") || !strings.Contains(stdout, "keep the key file ("+dsn+".key)") {
		t.Fatalf("backup: exit %d %s%s", code, stdout, stderr)
	}
	target := filepath.Join(dir, "restored.db")
	// A restore into another place without the source's key would give a
	// database whose member IDs and notes cannot be read: refused whole.
	code, stdout, stderr = rcmRun(t, "", "restore", "--from", out, "--db", target)
	if _, err := os.Stat(target); code != 1 || !strings.Contains(stderr, "Nothing was restored") || err == nil {
		t.Fatalf("restore without the key: exit %d %s%s (target: %v)", code, stdout, stderr, err)
	}
	t.Setenv("RCM_KEY_FILE", dsn+".key")
	code, stdout, stderr = rcmRun(t, "", "restore", "--from", out, "--db", target)
	if code != 0 || !strings.Contains(stdout, "Ledger OK (1 lines) and audit chains OK (8 events) in 1 organization(s).") {
		t.Fatalf("restore: exit %d %s%s", code, stdout, stderr)
	}
	if st, err := os.Stat(target); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("restored file mode %v, %v; want 0600", st.Mode(), err)
	}
	code, stdout, stderr = rcmRun(t, "", "restore", "--from", out, "--db", target, "--force")
	if code != 0 {
		t.Errorf("restore --force: exit %d %s%s", code, stdout, stderr)
	}

	// Refusals change nothing.
	junk := filepath.Join(dir, "junk")
	os.WriteFile(junk, []byte("SQLite format 3 is what this is not"), 0o600)
	missing := filepath.Join(dir, "missing.db")
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"backup", "--db", dsn}, 2, "--out"},
		{[]string{"backup", "--db", dsn, "--out", out}, 1, "already exists"},
		{[]string{"backup", "--db", missing, "--out", filepath.Join(dir, "m.db")}, 1, "no such file"},
		{[]string{"restore", "--db", target}, 2, "--from"},
		{[]string{"restore", "--from", out, "--db", target}, 1, "--force"},
		{[]string{"restore", "--from", junk, "--db", target, "--force"}, 1, "not a SQLite database"},
		{[]string{"restore", "--from", missing, "--db", target, "--force"}, 1, "no such file"},
	} {
		before, _ := os.ReadFile(target)
		code, stdout, stderr := rcmRun(t, "", tc.args...)
		if code != tc.code || !strings.Contains(stdout+stderr, tc.msg) {
			t.Errorf("%v: exit %d %s%s; want %d with %q", tc.args, code, stdout, stderr, tc.code, tc.msg)
		}
		if after, _ := os.ReadFile(target); string(after) != string(before) {
			t.Errorf("%v changed the restored database", tc.args)
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("backing up a missing database created it")
	}
	if _, err := os.Stat(filepath.Join(dir, "m.db")); err == nil {
		t.Error("a failed backup left its file behind")
	}
}

// TestBackupRestoreCommandPostgres dumps a schema with pg_dump while
// another connection keeps reading patients (each read an audit event),
// restores it into a fresh database with pg_restore, and finds there a
// ledger that balances and audit chains that verify.
func TestBackupRestoreCommandPostgres(t *testing.T) {
	if _, err := exec.LookPath("pg_dump"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pg_dump is not on the PATH: CI must install the PostgreSQL client")
		}
		t.Skip("pg_dump is not on the PATH: install the PostgreSQL client to run this test")
	}
	dsn, _ := auditDSN(t, sqldb.Postgres)
	db := openKeyed(t, dsn)
	defer db.Close()
	ctx, _ := sqldbtest.Org(t, db, "Busy Clinic")
	sqldbtest.Seed(t, ctx, db)
	stop, stopped := make(chan struct{}), make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				stopped <- nil
				return
			default:
			}
			if _, err := db.FindPatients(ctx, rcm.PatientFilter{}); err != nil {
				stopped <- err
				return
			}
		}
	}()
	out := filepath.Join(t.TempDir(), "pg.dump")
	code, stdout, stderr := rcmRun(t, "", "backup", "--db", dsn, "--out", out)
	close(stop)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatalf("backup: exit %d %s%s", code, stdout, stderr)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("dump file mode %v, %v; want 0600", st.Mode(), err)
	}

	target := freshDatabase(t, dsn)
	code, stdout, stderr = rcmRun(t, "", "restore", "--from", out, "--db", target)
	if code != 0 || !strings.Contains(stdout, "Ledger OK (1 lines) and audit chains OK") || !strings.Contains(stdout, "in 2 organization(s)") {
		t.Fatalf("restore: exit %d %s%s", code, stdout, stderr)
	}
	code, stdout, stderr = rcmRun(t, "", "restore", "--from", out, "--db", target)
	if code != 1 || !strings.Contains(stderr, "--force") {
		t.Errorf("restore over a database: exit %d %s%s; want 1 asking for --force", code, stdout, stderr)
	}
}

// freshDatabase creates an empty database beside the one dsn names and
// returns dsn pointed at it (same schema name), dropped when the test ends.
func freshDatabase(t *testing.T, dsn string) string {
	t.Helper()
	base := os.Getenv(sqldbtest.EnvPostgres)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("rcmrestore_%d", rand.IntN(1e9))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
