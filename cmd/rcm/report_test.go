package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/openrcm/openrcm/kpi"
)

// TestReportKPI: the ledger database has $100.00 charged, $25.00
// contractual and $60.00 paid by the payer: net collection 80%, with the
// same numbers as text, CSV and JSON.
func TestReportKPI(t *testing.T) {
	path, _, _ := ledgerDB(t)
	base := []string{"report", "kpi", "--db", path, "--from", "2000-01-01", "--to", "2099-12-31"}
	code, out, errOut := rcmRun(t, "", base...)
	if code != 0 || !strings.Contains(out, "net collection 80.0%") || !strings.Contains(out, "HFMA MAP Key AR-1") || !strings.Contains(out, "By payer:\n  Acme Health") {
		t.Fatalf("text: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = rcmRun(t, "", append(base, "--csv")...)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 4 || rows[1][2] != "organization" || rows[1][6] != "80.0" || rows[2][3] != "Acme Health" {
		t.Errorf("csv: exit %d %v %q", code, err, rows)
	}
	code, out, _ = rcmRun(t, "", append(base, "--json")...)
	var r kpi.Report
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil || r.Total.NetCollectionRate == nil || *r.Total.NetCollectionRate != 80 || len(r.Definitions) != 6 {
		t.Errorf("json: exit %d %v %+v", code, err, r.Total)
	}
	if code, _, _ := rcmRun(t, "", "report", "kpi", "--db", path, "--from", "2026-13-01"); code != 2 {
		t.Errorf("bad date: exit %d, want 2", code)
	}
}
