package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rcm x12 validate --codes DB judges the 837's diagnoses and procedure
// codes on the date of service against the database's code sets (issue
// 17): first with only the starter set (its headers are judged, codes it
// lacks are not), then with an ICD-10-CM release imported (FY2024,
// effective 2023-10-01), which also knows what does not exist.
func TestX12ValidateCodes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "rcm.db")
	if code, _, errOut := rcmRun(t, "", "codes", "releases", "--db", db); code != 0 {
		t.Fatalf("create db: %s", errOut)
	}
	good := write837(t, dir, "good.x12", nil)
	hi := func(name, code, dos string) string {
		return write837(t, dir, name, func(s string) string {
			s = strings.Replace(s, "HI*ABK:J020", "HI*ABK:"+code, 1)
			return strings.Replace(s, "DTP*472*D8*20231201", "DTP*472*D8*"+dos, 1)
		})
	}
	seventh := hi("seventh.x12", "S72009", "20231201")
	header := hi("header.x12", "J45", "20231201")
	unknown := hi("unknown.x12", "Q9999", "20231201")
	early := hi("early.x12", "Q9999", "20230901")
	hcpcs := write837(t, dir, "hcpcs.x12", func(s string) string { return strings.Replace(s, "SV1*HC:99213*", "SV1*HC:J9999*", 1) })

	type tc struct {
		name string
		file string
		code int
		out  string
	}
	check := func(t *testing.T, tests []tc) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				code, out, errOut := rcmRun(t, "", "x12", "validate", tt.file, "--codes", db)
				if code != tt.code || !strings.Contains(out, tt.out) {
					t.Errorf("exit %d, want %d; stdout lacks %q:\n%s%s", code, tt.code, tt.out, out, errOut)
				}
			})
		}
	}
	t.Run("starter", func(t *testing.T) {
		check(t, []tc{
			{"valid", good, 0, "good.x12: valid"},
			{"header", seventh, 1, "HI01-2 in loop 2300: HI01-2 S72009 is not a billable ICD-10-CM code on 2023-12-01: S72.009 needs a 7th character"},
			{"not in the starter set", unknown, 0, "unknown.x12: valid"},
		})
		// Without --codes nothing is judged.
		if code, out, _ := rcmRun(t, "", "x12", "validate", seventh); code != 0 {
			t.Errorf("without --codes: exit %d\n%s", code, out)
		}
	})

	var order strings.Builder
	for i, c := range []struct {
		code     string
		billable int
		desc     string
	}{{"J020", 1, "Streptococcal pharyngitis"}, {"J45", 0, "Asthma"}, {"J452", 0, "Mild intermittent asthma"},
		{"J4520", 1, "Mild intermittent asthma, uncomplicated"}, {"J4521", 1, "Mild intermittent asthma with (acute) exacerbation"}} {
		fmt.Fprintf(&order, "%05d %-7s %d %-60s %s\n", i+1, c.code, c.billable, c.desc, c.desc)
	}
	path := filepath.Join(dir, "icd10cm_order_2024.txt")
	if err := os.WriteFile(path, []byte(order.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := rcmRun(t, "", "codes", "import", "--db", db, path); code != 0 || !strings.Contains(out, "FY2024 (effective 2023-10-01)") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	t.Run("imported", func(t *testing.T) {
		check(t, []tc{
			{"valid", good, 0, "good.x12: valid"},
			{"header", header, 1, "HI01-2 J45 is not a billable ICD-10-CM code on 2023-12-01: a code below it is needed; choose one of its 2 codes: J45.20"},
			{"unknown", unknown, 1, "HI01-2 Q9999 is not a known ICD-10-CM code on 2023-12-01: Q99.99 is not in any imported ICD-10-CM release"},
			{"no release on the date", early, 0, "early.x12: valid"},
			// HCPCS has only the starter set: J9999 is not judged.
			{"HCPCS not imported", hcpcs, 0, "hcpcs.x12: valid"},
		})
	})

	// The 999 names the element: IK4 at HI01-2 with IK403 7.
	acks := filepath.Join(dir, "acks")
	if err := os.Mkdir(acks, 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := rcmRun(t, "", "x12", "validate", "--codes", db, "--ack", acks, header); code != 1 {
		t.Fatalf("ack: exit %d %s", code, errOut)
	}
	ack, err := os.ReadFile(filepath.Join(acks, "header.999"))
	if err != nil || !strings.Contains(string(ack), "IK3*HI*") || !strings.Contains(string(ack), "IK4*1:2**7*J45~") {
		t.Errorf("999 (%v) lacks IK4*1:2**7*J45:\n%s", err, ack)
	}
}
