package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
)

// TestNamesOrIDs: every command that takes a patient, a claim or a payer
// takes what the user knows (account number, name, member ID, claim
// number, payer ID, payer name) as well as the internal id, and prints
// names, not ids (issue 16). One demo database serves every case.
func TestNamesOrIDs(t *testing.T) {
	t.Parallel()
	dir, _ := demoDir(t, 7)
	dsn := filepath.Join(dir, "demo.db")
	pdf := filepath.Join(dir, "s.pdf")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"statement by account", []string{"statement", "--db", dsn, "--out", pdf, "LFM01010"}, 0, "Statement for account LFM01010"},
		{"statement by account, lower case", []string{"statement", "--db", dsn, "--out", pdf, "lfm01010"}, 0, "Statement for account LFM01010"},
		{"statement by id", []string{"statement", "--db", dsn, "--out", pdf, "10"}, 0, "Statement for account LFM01010"},
		{"statement by last name", []string{"statement", "--db", dsn, "--out", pdf, "Jessup"}, 0, "Statement for account LFM01010"},
		{"statement by Last, First", []string{"statement", "--db", dsn, "--out", pdf, "Kingsley, Dakota"}, 0, "Statement for account LFM01011"},
		{"statement by First Last", []string{"statement", "--db", dsn, "--out", pdf, "Dakota Kingsley"}, 0, "Statement for account LFM01011"},
		{"statement by a name five patients share", []string{"statement", "--db", dsn, "--out", pdf, "Dakota"}, 1, `"Dakota" fits 5 patients (LFM01005 Eastwick, Dakota;`},
		{"statement by an unknown account", []string{"statement", "--db", dsn, "--out", pdf, "LFM09999"}, 1, `No patient has the account number, name, member ID or id "LFM09999"`},
		{"ledger pay by account", []string{"ledger", "pay", "--db", dsn, "--patient", "LFM01011", "--amount", "1.00", "--method", "cash", "--key", "names-test-1"}, 0, "Payment of $1.00 for account LFM01011 (Kingsley, Dakota)"},
		{"ledger pay by name", []string{"ledger", "pay", "--db", dsn, "--patient", "Kingsley", "--amount", "1.00", "--method", "cash", "--key", "names-test-2"}, 0, "Payment of $1.00 for account LFM01011"},
		{"ledger pay by id", []string{"ledger", "pay", "--db", dsn, "--patient", "11", "--amount", "1.00", "--method", "cash", "--key", "names-test-3"}, 0, "Payment of $1.00 for account LFM01011"},
		{"ledger write-off by account", []string{"ledger", "write-off", "--db", dsn, "--patient", "LFM01011", "--amount", "0.50", "--reason", "courtesy", "--key", "names-test-4"}, 0, "Write-off of $0.50 for account LFM01011"},
		{"claim list by payer ID", []string{"claim", "list", "--db", dsn, "--payer", "SBMCR"}, 0, "Medicare Part B (sandbox)"},
		{"claim list by payer name", []string{"claim", "list", "--db", dsn, "--payer", "medicare part b (sandbox)"}, 0, "Medicare Part B (sandbox)"},
		{"claim list by the start of a payer name", []string{"claim", "list", "--db", dsn, "--payer", "Illinois"}, 0, "Illinois Medicaid (sandbox)"},
		{"claim list by payer id", []string{"claim", "list", "--db", dsn, "--payer", "1"}, 0, "Medicare Part B (sandbox)"},
		{"claim list by an unknown payer", []string{"claim", "list", "--db", dsn, "--payer", "NOPE"}, 1, `No payer has the payer ID, name or id "NOPE"`},
		{"claim list by a bogus state", []string{"claim", "list", "--db", dsn, "--state", "bogus"}, 2, `--state "bogus" is not a claim state`},
		{"claim show by claim number", []string{"claim", "show", "--db", dsn, "LFM01010-10-1"}, 0, "claim LFM01010-10-1: "},
		{"claim show by id", []string{"claim", "show", "--db", dsn, "10"}, 0, "patient LFM01010 Jessup, Jordan"},
		{"claim show by an unknown number", []string{"claim", "show", "--db", dsn, "LFM0-0-0"}, 1, `No claim has the claim number or id "LFM0-0-0"`},
		{"claim form by claim number", []string{"claim", "form", "--db", dsn, "LFM01010-10-1", "--out", filepath.Join(dir, "c.pdf")}, 0, "CMS-1500 for claim LFM01010-10-1 written to"},
		{"claim scrub by claim number", []string{"claim", "scrub", "--db", dsn, "LFM01010-10-1"}, 0, "claim LFM01010-10-1: "},
		{"eligibility check by account", []string{"eligibility", "check", "LFM01010", "--db", dsn, "--practice", "1", "--out", dir}, 0, ""},
		{"eligibility check by name", []string{"eligibility", "check", "Jessup, Jordan", "--db", dsn, "--practice", "1", "--out", dir}, 0, ""},
		{"status show by claim number, lower case", []string{"status", "show", "--db", dsn, "lfm01010-10-1"}, 0, "claim LFM01010-10-1 is partly_paid"},
		{"status show by an unknown claim", []string{"status", "show", "--db", dsn, "LFM0-0-0"}, 1, `No claim has the claim number or id "LFM0-0-0"`},
		// The patient and payer resolve; the demo holds no credit to move.
		{"apply-credit by name", []string{"ledger", "apply-credit", "--db", dsn, "--patient", "Jessup", "--amount", "1.00", "--key", "names-credit-1"}, 1, "The patient's credit is $0.00"},
		{"refund request by account and payer ID", []string{"ledger", "refund", "request", "--db", dsn, "--as", "demo.admin", "--patient", "LFM01010", "--payer", "SBMCR", "--amount", "1.00", "--reason", "test"}, 1, "The credit held is $0.00"},
		{"apply-credit by an unknown patient", []string{"ledger", "apply-credit", "--db", dsn, "--patient", "NOPE", "--amount", "1.00", "--key", "names-credit-2"}, 1, `No patient has the account number, name, member ID or id "NOPE"`},
		{"refund request by an unknown payer", []string{"ledger", "refund", "request", "--db", dsn, "--as", "demo.admin", "--patient", "LFM01010", "--payer", "NOPE", "--amount", "1.00", "--reason", "test"}, 1, `No payer has the payer ID, name or id "NOPE"`},
		{"followup list by payer ID", []string{"followup", "list", "--db", dsn, "--payer", "SBPPO"}, 0, "Prairie Commercial PPO (sandbox) 99213"},
		{"followup list by the start of a payer name", []string{"followup", "list", "--db", dsn, "--payer", "prairie"}, 0, "Prairie Commercial PPO (sandbox) 99213"},
		{"followup list by an unknown payer", []string{"followup", "list", "--db", dsn, "--payer", "NOPE"}, 1, `No payer has the payer ID, name or id "NOPE"`},
		{"era list by payer ID", []string{"era", "list", "--db", dsn, "--payer", "SBPPO"}, 0, "Prairie Commercial PPO (sandbox)  835"},
		{"era list by an unknown payer", []string{"era", "list", "--db", dsn, "--payer", "NOPE"}, 1, `No payer has the payer ID, name or id "NOPE"`},
		{"audit export by account", []string{"audit", "export", "--db", dsn, "--patient", "LFM01010", "--format", "csv", "--out", filepath.Join(dir, "a.csv")}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := rcmRun(t, "", tt.args...)
			if code != tt.code || !strings.Contains(out+errOut, tt.want) {
				t.Errorf("rcm %s = %d\n%s%s\nwant %d and %q", strings.Join(tt.args, " "), code, out, errOut, tt.code, tt.want)
			}
		})
	}
	// Listings print names and claim numbers, never "payer 1" or "claim 20".
	_, list, _ := rcmRun(t, "", "claim", "list", "--db", dsn)
	for _, bad := range []string{"payer 1", "payer 2", "claim 1"} {
		if strings.Contains(list, bad) {
			t.Errorf("claim list prints %q:\n%s", bad, list)
		}
	}
	if !strings.Contains(list, "claims; $") || !strings.Contains(list, rcm.BilledMeaning) {
		t.Errorf("claim list's total does not say what it counts:\n%s", list)
	}
	_, csv, _ := rcmRun(t, "", "claim", "list", "--db", dsn, "--csv", "--payer", "SBMCD")
	if !strings.HasPrefix(csv, "CLAIM,DOS,ACCOUNT,PATIENT,PAYER,FREQ,CHARGE,STATE\r\n") || !strings.Contains(csv, ",Illinois Medicaid (sandbox),") {
		t.Errorf("claim list --csv:\n%s", csv)
	}
	_, js, _ := rcmRun(t, "", "claim", "list", "--db", dsn, "--json", "--payer", "SBMCD")
	if !strings.Contains(js, `"payer_name": "Illinois Medicaid (sandbox)"`) || !strings.Contains(js, `"claim_number": "LFM`) {
		t.Errorf("claim list --json:\n%s", js)
	}
}
