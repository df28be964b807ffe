package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm/edit/ncci/nccitest"
)

// editsRun runs rcm edits in-process with RCM_DB unset.
func editsRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		if k == "RCM_DB" {
			return ""
		}
		return os.Getenv(k)
	}}
	code = Run(context.Background(), env, append([]string{"edits"}, args...))
	return code, out.String(), errb.String()
}

// ptpSubset writes the rows of the shared practitioner PTP table whose
// column-one code is one of codes, with the header, as a gzip file.
func ptpSubset(t *testing.T, codes ...string) string {
	t.Helper()
	f, err := os.Open(nccitest.File(t, nccitest.PTPPractitioner))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	sc := bufio.NewScanner(zr)
	for n := 0; sc.Scan(); n++ {
		line := sc.Text()
		for _, c := range codes {
			if n == 0 || strings.HasPrefix(line, `"`+c+`",`) {
				zw.Write([]byte(line + "\n"))
				break
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	p := filepath.Join(t.TempDir(), "ptp_practitioner_subset.csv.gz")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEditsImportAndCheck(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "rcm.db")
	ptp := ptpSubset(t, "20610", "20611", "11042")
	mue := nccitest.File(t, nccitest.MUEPractitioner)
	code, out, errOut := editsRun(t, "import", "--db", dbPath, ptp, mue)
	if code != 0 {
		t.Fatalf("import exit %d: %s", code, errOut)
	}
	for _, want := range []string{"ptp_practitioner_subset.csv.gz: PTP practitioner, ", "mue_practitioner_2024q3.csv: MUE practitioner, 14677 rows, effective 2024-07-01: imported", "2 tables imported"} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = editsRun(t, "import", "--db", dbPath, mue)
	if code != 0 || !strings.Contains(out, "already imported, skipped") {
		t.Errorf("second import: exit %d\n%s", code, out)
	}

	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"bundled pair", []string{"--dos", "2024-08-01", "20610", "99213"}, 1,
			[]string{"error NCCI-PTP-1, lines 2, 1 (99213, 20610)", "Fix: If the services were distinct"}},
		{"modifier 25 bypasses", []string{"20610", "99213-25", "--dos", "2024-08-01"}, 0, []string{"No NCCI findings."}},
		{"flags after codes", []string{"11042", "0213T-59", "--db", dbPath, "--dos", "2024-08-01"}, 1, []string{"error NCCI-PTP-0, lines 2, 1 (0213T, 11042)"}},
		{"MUE units", []string{"--dos", "2024-08-01", "97110x4", "97110-GPx3"}, 1, []string{"error NCCI-MUE-3, lines 1, 2 (97110, 97110)", "7 units"}},
		{"deleted edit", []string{"--dos", "2014-01-01", "11042", "0183T"}, 0, []string{"No NCCI findings."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"check", "--db", dbPath}, tt.args...)
			code, out, errOut := editsRun(t, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}

	code, out, _ = editsRun(t, "check", "--db", dbPath, "--json", "--dos", "2024-08-01", "A6460x3", "20610")
	type finding struct {
		Rule  string   `json:"rule"`
		Lines []int    `json:"lines"`
		Codes []string `json:"codes"`
	}
	var got struct {
		Findings []finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 1 {
		t.Fatalf("check --json exit %d, %v:\n%s", code, err, out)
	}
	if diff := cmp.Diff([]finding{{"NCCI-MUE-1", []int{1}, []string{"A6460"}}}, got.Findings); diff != "" {
		t.Errorf("json findings mismatch (-want +got):\n%s", diff)
	}
}

// A malformed line anywhere in an import is reported with file and line,
// and nothing is imported, not even the good files.
func TestEditsImportMalformed(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "rcm.db")
	good := nccitest.File(t, nccitest.MUEPractitioner)
	bad := filepath.Join(dir, "ptp_practitioner_bad.csv")
	os.WriteFile(bad, []byte(`"column_1","column_2","deletion_date","modifier_indicator","ptp_edit_rationale"
"20610","99213","*",1,"x"
"20610","99214","2024-13-01",1,"x"
"20610","99215","*",3,"x"
`), 0o644)
	code, out, errOut := editsRun(t, "import", "--db", dbPath, good, bad)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, w := range []string{bad + `:3: deletion date: date "2024-13-01" does not exist`, bad + `:4: modifier indicator "3" is not 0, 1 or 9`, "nothing imported"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	if out != "" {
		t.Errorf("stdout = %q, want nothing", out)
	}
	code, _, errOut = editsRun(t, "check", "--db", dbPath, "--dos", "2024-08-01", "97110x9")
	if code != 1 || !strings.Contains(errOut, "no NCCI tables imported for the practitioner setting") {
		t.Errorf("after a failed import, check exit %d: %s", code, errOut)
	}
}

func TestEditsUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "usage: rcm edits import"},
		{[]string{"frob"}, `unknown edits command "frob"`},
		{[]string{"import"}, "no files given"},
		{[]string{"import", "--setting", "inpatient", "x.csv"}, "Unknown NCCI setting"},
		{[]string{"check", "99213"}, "--dos is required"},
		{[]string{"check", "--dos", "2024-02-30", "99213"}, "--dos"},
		{[]string{"check", "--dos", "2024-08-01"}, "no service lines given"},
		{[]string{"check", "--dos", "2024-08-01", "9921"}, `"9921" is not CODE[-MOD[-MOD]][xUNITS]`},
		{[]string{"check", "--dos", "2024-08-01", "99213x0"}, "units must be at least 1"},
	}
	for _, tt := range tests {
		code, _, errOut := editsRun(t, tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("rcm edits %v = %d, %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}

func TestParseLineArg(t *testing.T) {
	l, err := parseLineArg("97140-xu-gpx3")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"97140", "XU", "GP"}, append([]string{l.Code}, l.Modifiers...)); diff != "" || l.Units != 3 {
		t.Errorf("parseLineArg mismatch (-want +got):\n%s units %d", diff, l.Units)
	}
}
