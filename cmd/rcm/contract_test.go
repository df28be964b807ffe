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

// TestContractCommand imports a payer's contracted rates with rcm contract
// import (the payer named by its payer ID) and lists them, on both
// databases; a file with a bad row is refused with its line and column and
// imports nothing.
func TestContractCommand(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "rcm.db")
			if dialect == sqldb.Postgres {
				dsn = sqldbtest.PostgresDSN(t)
			}
			db := openKeyed(t, dsn)
			ctx, org := sqldbtest.Org(t, db, "Lakeside")
			s := sqldbtest.Seed(t, ctx, db)
			db.Close()
			orgFlag := "--org=" + strconv.FormatInt(org.ID, 10)
			payer := s.Payer.PayerID

			code, out, errs := rcmRun(t, "", "contract", "import", "--db", dsn, orgFlag, "--payer", payer, filepath.Join("..", "..", "fee", "contract", "testdata", "acme.csv"))
			if code != 0 || !strings.Contains(out, "6 contracted rates of "+s.Payer.Name) {
				t.Fatalf("import: %d %s %s", code, out, errs)
			}
			code, out, errs = rcmRun(t, "", "contract", "list", "--db", dsn, orgFlag, "--payer", payer, "--on", "2026-03-01", "--code", "97110")
			if code != 0 {
				t.Fatalf("list: %d %s", code, errs)
			}
			for _, want := range []string{s.Payer.Name + " (" + payer + ")", "97110", "GP", "31.15", "unit", "1 rates"} {
				if !strings.Contains(out, want) {
					t.Errorf("list lacks %q:\n%s", want, out)
				}
			}
			bad := filepath.Join(t.TempDir(), "bad.csv")
			if err := os.WriteFile(bad, []byte("code,allowed,effective_from\n99215,150.00,2026-01-01\n99213,12.3.4,2026-01-01\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			code, _, errs = rcmRun(t, "", "contract", "import", "--db", dsn, orgFlag, "--payer", payer, bad)
			if code != 1 || !strings.Contains(errs, `Line 3, allowed: "12.3.4" is not an amount`) || !strings.Contains(errs, "Nothing was imported") {
				t.Errorf("bad file: %d %s", code, errs)
			}
			if _, out, _ = rcmRun(t, "", "contract", "list", "--db", dsn, orgFlag, "--code", "99215"); !strings.Contains(out, "0 rates") {
				t.Errorf("the bad file's good line was stored:\n%s", out)
			}
			if code, _, errs = rcmRun(t, "", "contract", "import", "--db", dsn, orgFlag, "--payer", "NOSUCH", bad); code == 0 || !strings.Contains(errs, "NOSUCH") {
				t.Errorf("unknown payer: %d %s", code, errs)
			}
		})
	}
}
