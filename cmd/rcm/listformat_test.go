package main

import (
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestListFormats runs every list command on the demo's database with
// --json and with --csv: the JSON is an array, the CSV a header row and one
// row per JSON element, and both at once is a usage error (issue 16).
func TestListFormats(t *testing.T) {
	t.Parallel()
	dir, _ := demoDir(t, 1)
	dsn := filepath.Join(dir, "demo.db")
	for _, tc := range []struct {
		args []string
		// header is the CSV's first column; some says the demo has rows.
		header string
		some   bool
	}{
		{[]string{"claim", "list"}, "CLAIM", true},
		{[]string{"user", "list"}, "USERNAME", true},
		{[]string{"era", "list"}, "REMITTANCE", true},
		{[]string{"era", "denials"}, "claim", true}, // the columns of the workbench's download
		{[]string{"era", "exceptions", "--status", "all"}, "EXCEPTION", false},
		{[]string{"era", "balances"}, "ACCOUNT", true},
		{[]string{"fees", "list"}, "CODE", true},
		{[]string{"contract", "list"}, "PAYER", true},
		{[]string{"jobs", "list"}, "JOB", false},
		{[]string{"jobs", "schedules"}, "KIND", true},
		{[]string{"hl7", "queue", "--all"}, "MESSAGE", true},
		{[]string{"clearinghouse", "quarantine"}, "FILE", false},
		{[]string{"user", "tokens", "--username", "demo.admin"}, "TOKEN", false},
		{[]string{"user", "sessions", "--username", "demo.admin"}, "SESSION", false},
		{[]string{"codes", "releases"}, "SYSTEM", true},
		{[]string{"statement", "runs"}, "RUN", true},
		{[]string{"statement", "mail-list"}, "STATEMENT", true},
	} {
		name := strings.Join(tc.args, " ")
		t.Run(name, func(t *testing.T) {
			args := append(tc.args[:len(tc.args):len(tc.args)], "--db", dsn)
			code, out, errOut := rcmRun(t, "", append(args, "--json")...)
			var rows []json.RawMessage
			if code != 0 || json.Unmarshal([]byte(out), &rows) != nil {
				t.Fatalf("%s --json: exit %d, not a JSON array:\n%s%s", name, code, out, errOut)
			}
			if tc.some && len(rows) == 0 {
				t.Errorf("%s --json: no rows on the demo", name)
			}
			code, out, errOut = rcmRun(t, "", append(args, "--csv")...)
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if code != 0 || err != nil || len(recs) == 0 {
				t.Fatalf("%s --csv: exit %d, %v:\n%s%s", name, code, err, out, errOut)
			}
			if recs[0][0] != tc.header || len(recs)-1 != len(rows) {
				t.Errorf("%s --csv: header %q and %d rows; want %s first and %d rows as in the JSON", name, recs[0], len(recs)-1, tc.header, len(rows))
			}
			if code, _, errOut := rcmRun(t, "", append(args, "--json", "--csv")...); code != 2 || !strings.Contains(errOut, "at most one of --json and --csv") {
				t.Errorf("%s --json --csv: exit %d, %s", name, code, errOut)
			}
		})
	}
	// A command that prints no list refuses the formats.
	if code, _, errOut := rcmRun(t, "", "era", "post", "--db", dsn, "--json", "x.835"); code != 2 || !strings.Contains(errOut, "not post") {
		t.Errorf("era post --json: exit %d, %s", code, errOut)
	}
}
