package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
)

func TestEraHistory(t *testing.T) {
	dbPath, file := eraDB(t)
	if code, out, errOut := rcmRun(t, "", "era", "post", "--db", dbPath, file); code != 0 {
		t.Fatalf("post: exit %d: %s %s", code, out, errOut)
	}
	code, out, errOut := rcmRun(t, "", "era", "list", "--db", dbPath, "--json")
	if code != 0 {
		t.Fatalf("list --json: exit %d: %s", code, errOut)
	}
	var rs []*remit.RemittanceSummary
	if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs) != 1 {
		t.Fatalf("list --json: %v %s", err, out)
	}
	rid := strconv.FormatInt(rs[0].ID, 10)
	code, out, _ = rcmRun(t, "", "era", "exceptions", "--db", dbPath)
	m := regexp.MustCompile(`#(\d+)  835 CHK1001  CLP UNKNOWN-9`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("exceptions: exit %d: %s", code, out)
	}
	xid := m[1]

	// What the list should say, worked out from the 835 itself: the one
	// claim payment that matches a claim is posted, the other is an
	// exception.
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rems, err := remit.Read835(bytes.NewReader(raw))
	if err != nil || len(rems) != 1 {
		t.Fatalf("read the 835: %v", err)
	}
	rem := rems[0]
	var paid, adjusted, patient, plb rcm.Money
	for _, cp := range rem.Claims {
		if cp.ControlNumber != "UNKNOWN-9" {
			paid, adjusted, patient = paid+cp.Paid, adjusted+cp.Charge-cp.Paid-cp.PatientResponsibility, patient+cp.PatientResponsibility
		}
	}
	for _, p := range rem.ProviderAdjustments {
		plb += p.Amount
	}
	wantList := []string{
		fmt.Sprintf("#%s  %s  Acme Health  835 %s  %s %s", rid, rem.PaidOn, rem.Trace, rem.Method, rem.Amount.Dollars()),
		fmt.Sprintf("claims %d, %d posted: paid %s, adjusted %s, patient %s  PLB %s", len(rem.Claims), len(rem.Claims)-1, paid.Dollars(),
			adjusted.Dollars(), patient.Dollars(), plb.Dollars()),
		"exceptions 1 open of 1", "by the command line",
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string // in stdout, or in stderr when code != 0
	}{
		{"list", []string{"era", "list"}, 0, wantList},
		{"list by trace", []string{"era", "list", "--trace", "CHK1001"}, 0, []string{"835 CHK1001"}},
		{"list by other trace", []string{"era", "list", "--trace", "CHK9"}, 0, []string{"No remittances."}},
		{"list paid later", []string{"era", "list", "--paid-from", "2026-02-04"}, 0, []string{"No remittances."}},
		{"list paid range", []string{"era", "list", "--paid-from", "2026-02-03", "--paid-to", "2026-02-03"}, 0, []string{"835 CHK1001"}},
		{"list bad date", []string{"era", "list", "--paid-from", "03/02/2026"}, 2, []string{"--paid-from must be a date"}},
		{"list reversed range", []string{"era", "list", "--paid-from", "2026-02-04", "--paid-to", "2026-02-03"}, 1, []string{"paid_to"}},
		{"list extra argument", []string{"era", "list", "7"}, 2, []string{"unexpected argument"}},
		{"show", []string{"era", "show", rid}, 0, []string{"835 CHK1001", "1  CLP A1001-1-1", "posted  claim 1 (partly_paid)",
			"2  CLP UNKNOWN-9", "exception  no claim", "Exceptions:", "No claim has patient control number"}},
		{"show no id", []string{"era", "show"}, 2, []string{"name one remittance ID"}},
		{"show bad id", []string{"era", "show", "x"}, 2, []string{`"x" is not an id`}},
		{"show no such", []string{"era", "show", "999"}, 1, []string{"Remittance 999 not found"}},
		{"resolve unknown kind", []string{"era", "resolve", xid, "--kind", "lost", "--note", "x"}, 1, []string{"kind: kind must be one of"}},
		{"resolve no note", []string{"era", "resolve", xid, "--kind", "not_ours"}, 1, []string{"note: note is required"}},
		{"resolve as nobody", []string{"era", "resolve", xid, "--kind", "not_ours", "--note", "x", "--as", "nobody"}, 1, []string{"No user named"}},
		{"still open", []string{"era", "exceptions", "--status", "resolved"}, 0, []string{"No resolved exceptions."}},
		{"resolve", []string{"era", "resolve", xid, "--kind", "not_ours", "--note", "Another practice's claim.\nTold the payer.", "--as", "lakeside.admin"}, 0,
			[]string{"Exception #" + xid + " (835 CHK1001, CLP UNKNOWN-9, $0.00) resolved: not_ours."}},
		{"resolve again", []string{"era", "resolve", xid, "--kind", "other", "--note", "again"}, 1, []string{"already resolved"}},
		{"resolved", []string{"era", "exceptions", "--status", "resolved"}, 0, []string{"CLP UNKNOWN-9", "by Lakeside admin: not_ours", "      Another practice's claim.\n      Told the payer."}},
		{"open", []string{"era", "exceptions"}, 0, []string{"The exceptions queue is empty."}},
		{"bad status", []string{"era", "exceptions", "--status", "closed"}, 1, []string{"status must be open, resolved or all"}},
		{"list after", []string{"era", "list"}, 0, []string{"exceptions 0 open of 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(tc.args[:2:2], append([]string{"--db", dbPath}, tc.args[2:]...)...)
			code, out, errOut := rcmRun(t, "", args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s %s", code, tc.code, out, errOut)
			}
			got := out
			if code != 0 {
				got = errOut
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
		})
	}
}
