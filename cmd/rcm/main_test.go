package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// rcmRun runs the rcm command in-process and returns its exit status and
// output streams.
func rcmRun(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	// A PostgreSQL database needs a key: the tests' databases are made with
	// the test keyring (sqldbtest), which the command is given unless the
	// test set keys of its own.
	postgres := slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "postgres://") })
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		switch {
		case k == "RCM_DB":
			return ""
		case k == "RCM_KEY" && postgres && os.Getenv("RCM_KEY") == "" && os.Getenv("RCM_KEY_FILE") == "":
			return sqldbtest.KeyringLine()
		}
		return os.Getenv(k)
	}}
	code = Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "usage: rcm COMMAND"},
		{[]string{"help"}, 0, "Commands:"},
		{[]string{"nope"}, 2, `unknown command "nope"`},
		{[]string{"demo", "--seed", "x"}, 2, "invalid value"},
		{[]string{"demo", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"user"}, 2, "usage: rcm user"},
		{[]string{"user", "add", "--username", "a"}, 2, "exactly one of --org and --new-org"},
		{[]string{"version"}, 0, ""},
	}
	for _, tt := range tests {
		code, out, errOut := rcmRun(t, "", tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("rcm %v = %d, %q %q; want %d and %q", tt.args, code, out, errOut, tt.code, tt.want)
		}
	}
}

// TestDemoRepeatable runs the demo with seed 7 and compares it with the
// run of seed 7 that made the tests' shared demo database (demoDir, a
// separate run with --db and --out; this run has --out too, so only the
// first line, the one naming the database, differs): the same seed prints the same demo. The
// shared seed-1 run is the other seed, which must print another one.
func TestDemoRepeatable(t *testing.T) {
	t.Parallel()
	// --out as the shared run has it: the demo writes its files there
	// and says so (the statement run names its first PDF).
	code, first, errOut := rcmRun(t, "", "demo", "--seed", "7", "--out", t.TempDir())
	if code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
	_, second := demoDir(t, 7)
	const tempDB, fileDB = "Database: temporary SQLite database\n", "Database: SQLite database "
	if !strings.HasPrefix(first, tempDB) || !strings.HasPrefix(second, fileDB) {
		t.Fatalf("the demo does not name its database first:\n%.80s\n%.80s", first, second)
	}
	body := func(out string) string { _, rest, _ := strings.Cut(out, "\n"); return rest }
	if diff := cmp.Diff(body(first), body(second)); diff != "" {
		t.Errorf("same seed, different demo (-first +second):\n%s", diff)
	}
	_, other := demoDir(t, 1)
	if body(other) == body(first) {
		t.Error("seeds 7 and 1 printed the same demo")
	}
	for _, want := range []string{"Billing provider: Lakeside Family Medicine, NPI ", "Rendering provider: Dr. ", "Payer: Medicare Part B",
		"20 patients registered", "19 of 20 coverages active", "is not covered: Inactive", "20 encounters coded",
		"CLM-ZIP9", "PAYER-RULE", "CS001", "scrubbed: 20 ready, 0 held back", "valid 005010X222A1", "sent nothing twice",
		"transaction sets: 1 accepted", "claims: 8 accepted", "secondary claims created", "already posted, nothing posted again",
		"frequency 7, REF*F8", "1 reversals", "is now paid", "secondary claim", "denied CO-50", "denied CO-96",
		"CLM-ELIGIBILITY", "stopped: The eligibility answer (271) of 2026-03-02", "Coverage ended 01/15/2026", "voided; claim ", "built to Illinois Medicaid",
		"follow-up desk at the end of the day: 0 closed as resolved",
		"ledger check: every line balances", "hash chain verified", "Demo complete.",
		"valid 005010X212", "(A4:35 claim not found)", "The payer has no record of the claim", "overturned on appeal", "letter appeal-",
		"scheduled poll: 270-SANDBOXCH-", "3 eligibility answers stored",
		"beyond the balance is held as a credit", "another user must approve", "approved by demo.biller", "credit balances held now $0.00", "the manager's numbers", "payer Medicare Part B (sandbox): days in A/R"} {
		if !strings.Contains(first, want) {
			t.Errorf("demo output lacks %q:\n%s", want, first)
		}
	}
	// Visits coded from their notes through the suggestions: a drug with
	// its units, and a negated finding left out.
	for _, want := range []string{`accepted J0696   x 4 Injection, ceftriaxone sodium, per 250 mg, evidence "Ceftriaxone 1 g IM"`,
		`left out "chest pain": negated`, "coded: dx E11.9,I10,Z79.84; lines 99214 x1", "7 decided, precision 1.000"} {
		if !strings.Contains(first, want) {
			t.Errorf("demo output lacks %q:\n%s", want, first)
		}
	}
	if strings.Contains(first, "accepted R07") {
		t.Errorf("the denied chest pain was coded:\n%s", first)
	}
	// The scrubber stopped the claim on the ended coverage: no payer
	// denies it for coverage any more.
	if strings.Contains(first, "denied CO-27") {
		t.Errorf("a claim on a coverage the 271 said had ended went out and was denied CO-27:\n%s", first)
	}
}

// The demo keeps its database with --db, on SQLite and PostgreSQL alike, and
// refuses to run twice into the same one.
func TestDemoKeepsDatabase(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			var dsn string
			if dialect == "postgres" {
				dsn = sqldbtest.PostgresDSN(t)
				// PostgreSQL needs its key given.
				t.Setenv("RCM_KEY", sqldbtest.KeyringLine())
				if code, _, errOut := rcmRun(t, "", "demo", "--db", dsn, "--seed", "1"); code != 0 {
					t.Fatalf("demo exit %d: %s", code, errOut)
				}
			} else {
				// The tests' shared seed-1 demo ran with --db into this
				// folder's demo.db (demoDir).
				dir, _ := demoDir(t, 1)
				dsn = filepath.Join(dir, "demo.db")
			}
			code, out, errOut := rcmRun(t, "", "user", "token", "--db", dsn, "--username", "demo.admin")
			if code != 0 || !strings.HasPrefix(out, "rcm_") {
				t.Fatalf("user token = %d %q %q", code, out, errOut)
			}
			code, out, _ = rcmRun(t, "", "user", "list", "--db", dsn, "--org", "1")
			if code != 0 || !regexp.MustCompile(`(?m)^demo\.admin +admin +`).MatchString(out) {
				t.Errorf("user list = %d %q", code, out)
			}
			code, _, errOut = rcmRun(t, "", "demo", "--db", dsn, "--seed", "1")
			if code != 1 || !strings.Contains(errOut, "already exists") {
				t.Errorf("second demo into the same database = %d %q; want exit 1 naming the conflict", code, errOut)
			}
		})
	}
}

func TestUserAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "u.db")
	tests := []struct {
		name, stdin string
		args        []string
		code        int
		want        string
	}{
		{"first user must be admin", "a long enough password\n", []string{"--new-org", "Org", "--username", "c1", "--role", "coder"}, 1, "must be an admin"},
		{"short password", "short\n", []string{"--new-org", "Org", "--username", "a1", "--role", "admin"}, 1, "at least 12"},
		{"no password", "", []string{"--new-org", "Org", "--username", "a1", "--role", "admin"}, 2, "standard input"},
		{"bad role", "a long enough password\n", []string{"--new-org", "Org", "--username", "a1", "--role", "boss"}, 1, "role must be"},
		{"admin", "a long enough password\n", []string{"--new-org", "Org", "--username", "a1", "--role", "admin"}, 0, "created user"},
		{"coder in existing org", "a long enough password\n", []string{"--org", "1", "--username", "c1", "--role", "coder"}, 0, "created user"},
		{"duplicate username", "a long enough password\n", []string{"--org", "1", "--username", "c1", "--role", "coder"}, 1, "already exists"},
		{"duplicate username in a new org leaves no org", "a long enough password\n", []string{"--new-org", "Org 2", "--username", "a1", "--role", "admin"}, 1, "already exists"},
		{"next org gets id 2", "a long enough password\n", []string{"--new-org", "Org 2", "--username", "a2", "--role", "admin"}, 0, "created organization 2 "},
	}
	for _, tt := range tests {
		args := append([]string{"user", "add", "--db", db}, tt.args...)
		code, out, errOut := rcmRun(t, tt.stdin, args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%s: exit %d, %q %q; want %d and %q", tt.name, code, out, errOut, tt.code, tt.want)
		}
	}
}
