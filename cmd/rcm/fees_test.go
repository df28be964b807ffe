package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestFeesCommand imports the sample fee schedule with rcm fees import and
// lists it, on both databases; a file with a bad amount is refused with
// its line and column and imports nothing.
func TestFeesCommand(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "rcm.db")
			if dialect == sqldb.Postgres {
				dsn = sqldbtest.PostgresDSN(t)
			}
			db := openKeyed(t, dsn)
			ctx, org := sqldbtest.Org(t, db, "Lakeside")
			sqldbtest.Seed(t, ctx, db)
			db.Close()
			orgFlag := "--org=" + strconv.FormatInt(org.ID, 10)

			code, out, errs := rcmRun(t, "", "fees", "import", "--db", dsn, orgFlag, filepath.Join("..", "..", "fee", "testdata", "schedule.csv"))
			if code != 0 || !strings.Contains(out, "6 fee schedule entries imported") {
				t.Fatalf("import: %d %s %s", code, out, errs)
			}
			code, out, errs = rcmRun(t, "", "fees", "list", "--db", dsn, orgFlag, "--code", "99214", "--on", "2026-03-01")
			if code != 0 {
				t.Fatalf("list: %d %s", code, errs)
			}
			for _, want := range []string{"1185.50", "190.00", "Lakeside Family Medicine (1234567893)", "Gil Doctor (1245319599)", "2 entries"} {
				if !strings.Contains(out, want) {
					t.Errorf("list lacks %q:\n%s", want, out)
				}
			}
			bad := filepath.Join(t.TempDir(), "bad.csv")
			if err := os.WriteFile(bad, []byte("code,amount,effective_from\n99215,1.00,2026-01-01\n99213,12.3.4,2026-01-01\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			code, _, errs = rcmRun(t, "", "fees", "import", "--db", dsn, orgFlag, bad)
			if code != 1 || !strings.Contains(errs, `Line 3, amount: "12.3.4" is not an amount`) || !strings.Contains(errs, "Nothing was imported") {
				t.Errorf("bad file: %d %s", code, errs)
			}
			if _, out, _ = rcmRun(t, "", "fees", "list", "--db", dsn, orgFlag, "--code", "99215"); !strings.Contains(out, "0 entries") {
				t.Errorf("the bad file's good line was stored:\n%s", out)
			}
		})
	}
}
