package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/codeset/codesettest"
)

// TestCodesImportShared imports the shared official files from the command
// line into one database and searches and validates against it.
func TestCodesImportShared(t *testing.T) {
	t.Parallel()
	files := []string{
		codesettest.File(t, "icd10cm/icd10cm_order_2022.txt"),
		codesettest.File(t, "icd10cm/ICD10CM_2025_codes.csv"),
		codesettest.File(t, "icd10cm/ICD10CM_2025_Index.csv"),
		codesettest.File(t, "icd10cm/icd-10-cm-tabular-2025_ch2.xml"),
		codesettest.File(t, "hcpcs/hcpcs_2025_oct_long_desc.csv"),
		codesettest.File(t, "codesets/tuva-2022/place_of_service.csv"),
	}
	db := filepath.Join(t.TempDir(), "rcm.db")
	code, out, errOut := rcmRun(t, "", append([]string{"codes", "import", "--db", db}, files...)...)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"icd10cm FY2022 (effective 2021-10-01): 95524 codes", "icd10cm FY2025 (effective 2024-10-01): 46498 codes",
		"81024 index terms", "1515 notes", "hcpcs 2025-10 (effective 2025-10-01): 8463 codes", "modifier 2025-10", "pos 2022 (effective 2022-01-01): 50 codes"} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}

	t.Run("search", func(t *testing.T) {
		code, out, errOut := rcmRun(t, "", "codes", "search", "--db", db, "--json", "--system", "icd10cm", "--dos", "2022-05-01", "heart", "attack")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var hits []codeset.Hit
		if err := json.Unmarshal([]byte(out), &hits); err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].Code != "I21.9" || !hits[0].Billable || hits[0].Path == "" {
			t.Errorf("heart attack: %+v", hits)
		}
		code, out, _ = rcmRun(t, "", "codes", "search", "--db", db, "E11.")
		if code != 0 || !strings.HasPrefix(out, "E11.9 ") {
			t.Errorf("E11.: exit %d\n%s", code, out)
		}
		code, out, _ = rcmRun(t, "", "codes", "search", "--db", db, "--system", "hcpcs", "crutches", "underarm")
		if code != 0 || !strings.Contains(out, "E0114") {
			t.Errorf("crutches: exit %d\n%s", code, out)
		}
	})

	t.Run("validate", func(t *testing.T) {
		code, out, _ := rcmRun(t, "", "codes", "validate", "--db", db, "E11.9", "I10", "--dos", "2025-02-01")
		if code != 0 || !strings.Contains(out, "E11.9\ticd10cm\tvalid") {
			t.Errorf("valid codes: exit %d\n%s", code, out)
		}
		code, out, _ = rcmRun(t, "", "codes", "validate", "--db", db, "--json", "S72.009", "--dos", "2025-02-01")
		if code != 1 {
			t.Errorf("S72.009: exit %d, want 1", code)
		}
		var v codeset.Validation
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		if len(v.Codes) != 1 || len(v.Codes[0].Findings) != 1 || v.Codes[0].Findings[0].Rule != codeset.RuleSeventh {
			t.Errorf("S72.009: %+v", v)
		}
		// After FY2025 (the newest imported) ends, a code is warned of;
		// a malformed one is refused, never read as E11.9 (issue 14).
		code, out, _ = rcmRun(t, "", "codes", "validate", "--db", db, "E11.9", "--dos", "2026-02-01")
		if code != 0 || !strings.Contains(out, "warning CS010") || !strings.Contains(out, "FY2025") {
			t.Errorf("E11.9 in 2026: exit %d\n%s", code, out)
		}
		// One call for the four (each call loads the whole catalogue).
		code, out, _ = rcmRun(t, "", "codes", "validate", "--db", db, "E1.19", "E11..9", ".E119", "E11 9", "--dos", "2025-02-01")
		if code != 1 || strings.Count(out, "error CS009") != 4 {
			t.Errorf("E1.19 E11..9 .E119 \"E11 9\": exit %d, want 1 with CS009 for each\n%s", code, out)
		}
		code, _, errOut := rcmRun(t, "", "codes", "validate", "--db", db, "E11.9")
		if code != 2 || !strings.Contains(errOut, "--dos is required") {
			t.Errorf("no --dos: exit %d %s", code, errOut)
		}
	})

	t.Run("diff", func(t *testing.T) {
		code, out, errOut := rcmRun(t, "", "codes", "diff", "--db", db, "FY2022", "FY2025")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		first := strings.SplitN(out, "\n", 2)[0]
		if !strings.HasPrefix(first, "icd10cm FY2022 → FY2025: ") || !strings.Contains(out, "+ A41.54\t") {
			t.Errorf("diff: %s", first)
		}
	})
}

func TestCodesImportBadFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "rcm.db")
	good := "00001 I10     1 Essential (primary) hypertension                             Essential (primary) hypertension\n"
	bad := good + "00002 I1      9 broken\n"
	path := filepath.Join(dir, "icd10cm_order_2025.txt")
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := rcmRun(t, "", "codes", "import", "--db", db, path)
	if code != 1 || !strings.Contains(errOut, path+":2: ") || !strings.Contains(errOut, "nothing imported") {
		t.Fatalf("bad file: exit %d\n%s", code, errOut)
	}
	// Nothing was stored: the starter set still answers.
	_, out, _ := rcmRun(t, "", "codes", "releases", "--db", db)
	if strings.Contains(out, "FY2025") {
		t.Errorf("a failed import stored a release:\n%s", out)
	}
	code, out, errOut = rcmRun(t, "", "codes", "import", "--db", db, "--allow-errors", path)
	if code != 0 || !strings.Contains(out, "1 malformed lines skipped") || !strings.Contains(errOut, ":2: ") {
		t.Fatalf("--allow-errors: exit %d\n%s\n%s", code, out, errOut)
	}
	_, out, _ = rcmRun(t, "", "codes", "releases", "--db", db)
	fields := strings.Fields(strings.SplitN(out[strings.Index(out, "icd10cm"):], "\n", 2)[0])
	if diff := cmp.Diff([]string{"icd10cm", "FY2025", "2024-10-01", "1", "1", "0", "0"}, fields); diff != "" {
		t.Errorf("release row mismatch (-want +got):\n%s", diff)
	}
}

func TestCodesStarter(t *testing.T) {
	db := filepath.Join(t.TempDir(), "rcm.db")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"search lay term", []string{"search", "broken", "wrist"}, 0, "S62.109A"},
		{"search cpt number", []string{"search", "--system", "cpt", "99213"}, 0, "99213"},
		{"validate", []string{"validate", "I10", "99213", "--dos", "2025-01-02"}, 0, "I10\ticd10cm\tvalid"},
		{"unknown code", []string{"validate", "Q99.99", "--dos", "2025-01-02"}, 1, "CS001"},
		{"bad system", []string{"search", "--system", "loinc", "x"}, 2, ""},
		{"no subcommand", []string{}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"codes"}, tt.args...)
			if len(tt.args) > 0 {
				args = append(args, "--db", db)
			}
			code, out, errOut := rcmRun(t, "", args...)
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want %d; output lacks %q:\n%s%s", code, tt.code, tt.want, out, errOut)
			}
		})
	}
}
