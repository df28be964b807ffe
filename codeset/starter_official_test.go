package codeset

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/openrcm/openrcm/codeset/codesettest"
)

var updateStarter = flag.Bool("update-starter", false, "rewrite the starter ICD-10-CM and HCPCS descriptions from the official files")

// officialDescriptions reads the official descriptions the starter set
// carries: ICD-10-CM from the FY2025 code list (the FY2022 order file for
// 7th-character codes, which the list leaves out), HCPCS Level II codes and
// modifiers from the October 2025 file.
func officialDescriptions(t *testing.T) (icd, level2 map[string]string) {
	t.Helper()
	read := func(rel string) []byte {
		data, err := os.ReadFile(codesettest.File(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	icd = map[string]string{}
	order, bad, err := ParseOrderFile(bytes.NewReader(read("icd10cm/icd10cm_order_2022.txt")), "order")
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	for _, c := range order {
		if len(c.Code) == 7 {
			icd[c.Code] = c.Description()
		}
	}
	list, bad, err := ParseCodeList(bytes.NewReader(read("icd10cm/ICD10CM_2025_codes.csv")), "list")
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	for _, c := range list {
		icd[c.Code] = c.Description()
	}
	hc, mods, bad, err := ParseLevel2(bytes.NewReader(read("hcpcs/hcpcs_2025_oct_long_desc.csv")), "hcpcs")
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	level2 = map[string]string{}
	for _, c := range append(hc, mods...) {
		level2[c.Code] = c.Description()
	}
	return icd, level2
}

// TestStarterDescriptionsAreOfficial: the public-domain part of the starter
// set (ICD-10-CM, HCPCS Level II) carries the official descriptions, so a
// coder's words ("hypertension") find what an imported release would find
// (issue 16). CPT modifiers and CPT codes keep OpenRCM's own labels. Run
// with -update-starter to rewrite the files from the official ones.
func TestStarterDescriptionsAreOfficial(t *testing.T) {
	icd, level2 := officialDescriptions(t)
	for _, f := range []struct {
		name string
		desc map[string]string
	}{{"starter/icd10cm.tsv", icd}, {"starter/hcpcs.tsv", level2}} {
		data, err := starterFS.ReadFile(f.name)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		listed := map[string]bool{}
		for _, line := range lines {
			code, _, _ := strings.Cut(line, "\t")
			listed[code] = true
		}
		for n, line := range lines {
			code, label, ok := strings.Cut(line, "\t")
			if !ok || strings.HasPrefix(line, "#") {
				out.WriteString(line + "\n")
				continue
			}
			label, header := strings.CutSuffix(label, "\theader")
			if header {
				if want := icd[Normalize(code)]; label != want {
					t.Errorf("%s:%d: header %s is %q, the official description is %q", f.name, n+1, code, label, want)
				}
				out.WriteString(line + "\n")
				continue
			}
			// A 7th-character code comes after its parent, as a header:
			// search reaches the encounter codes through it.
			if parent := strings.TrimRight(code[:len(code)-1], "X"); f.name == "starter/icd10cm.tsv" && len(code) == 8 && isEncounterCode(icd[Normalize(code)]) && !listed[parent] {
				if !*updateStarter {
					t.Errorf("%s:%d: %s comes without its parent %s", f.name, n+1, code, parent)
				}
				fmt.Fprintf(&out, "%s\t%s\theader\n", parent, icd[Normalize(parent)])
				listed[parent] = true
			}
			want, official := f.desc[Normalize(code)]
			if !official {
				// A CPT modifier (25, 59...): not in the public files.
				if !isDigit(code[0]) {
					t.Errorf("%s:%d: %s is in no official file", f.name, n+1, code)
				}
				want = label
			}
			if label != want && !*updateStarter {
				t.Errorf("%s:%d: %s is %q, the official description is %q", f.name, n+1, code, label, want)
			}
			fmt.Fprintf(&out, "%s\t%s\n", code, want)
		}
		if *updateStarter {
			if err := os.WriteFile(f.name, []byte(out.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func isEncounterCode(desc string) bool {
	return strings.Contains(desc, "encounter") || strings.HasSuffix(desc, "sequela")
}
