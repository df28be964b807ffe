package codeset

import (
	"bytes"
	"os"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset/codesettest"
)

// TestStarterAgainstOfficialFiles checks every starter ICD-10-CM code
// against the FY2022 order file and the FY2025 code list (billable in both),
// and every HCPCS code and modifier against the October 2025 HCPCS file.
func TestStarterAgainstOfficialFiles(t *testing.T) {
	rels := Starter()
	read := func(rel string) []byte {
		data, err := os.ReadFile(codesettest.File(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	order, bad, err := ParseOrderFile(bytes.NewReader(read("icd10cm/icd10cm_order_2022.txt")), "order")
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	list, bad, err := ParseCodeList(bytes.NewReader(read("icd10cm/ICD10CM_2025_codes.csv")), "list")
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	fy22 := map[string]bool{}
	for _, c := range order {
		fy22[c.Code] = c.Billable
	}
	fy25 := map[string]bool{}
	for _, c := range list {
		fy25[c.Code] = c.Billable
	}
	hc, mods, bad, err := ParseLevel2(bytes.NewReader(read("hcpcs/hcpcs_2025_oct_long_desc.csv")), "hcpcs")
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	level2 := map[string]bool{}
	for _, c := range append(hc, mods...) {
		level2[c.Code] = true
	}
	places, bad, err := ParsePOS(bytes.NewReader(read("codesets/tuva-2022/place_of_service.csv")), "pos")
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	pos := map[string]bool{}
	for _, c := range places {
		pos[c.Code] = true
	}
	for _, r := range rels {
		for _, c := range r.Codes {
			switch r.System {
			case ICD10CM:
				// The FY2025 list has no 7th-character codes: check their base.
				base := c.Code
				if len(base) == 7 {
					base = trimX(base[:6])
				}
				if billable, ok := fy22[c.Code]; !ok || billable != c.Billable {
					t.Errorf("starter %s (billable %v) is not so in the FY2022 order file", Display(ICD10CM, c.Code), c.Billable)
				}
				// The list flattens away the 7th characters, so a header of
				// them is billable there: check only that it exists.
				if _, ok := fy25[base]; !ok || (len(c.Code) < 7 && c.Billable && !fy25[base]) {
					t.Errorf("starter %s is not billable in the FY2025 code list", Display(ICD10CM, c.Code))
				}
			case POS:
				if !pos[c.Code] {
					t.Errorf("starter place of service %s is not in the CMS list", c.Code)
				}
			case HCPCS, Modifier:
				// CPT modifiers (such as 95) are not in the HCPCS file.
				if !level2[c.Code] && !(r.System == Modifier && isDigit(c.Code[0])) {
					t.Errorf("starter %s %s is not in the HCPCS October 2025 file", r.System, c.Code)
				}
			}
		}
	}
}

func trimX(s string) string {
	for len(s) > 3 && s[len(s)-1] == 'X' {
		s = s[:len(s)-1]
	}
	return s
}

// TestStarterCatalog: the starter set alone answers search and validation.
func TestStarterCatalog(t *testing.T) {
	c := NewCatalog(Starter())
	counts := map[System]int{}
	for _, r := range Starter() {
		counts[r.System] += len(r.Codes)
	}
	if counts[ICD10CM] < 200 || counts[HCPCS] < 20 || counts[CPT] < 50 {
		t.Errorf("starter sizes %v, want a few hundred codes", counts)
	}
	hits := c.Search(Query{Text: "broken wrist"})
	if len(hits) == 0 || hits[0].Code != "S62.109A" && hits[0].Code != "S52.501A" {
		t.Errorf("broken wrist: %+v", hits)
	}
	hits = c.Search(Query{Text: "99213"})
	if len(hits) == 0 || hits[0].Code != "99213" || hits[0].System != CPT {
		t.Errorf("99213: %+v", hits)
	}
	v, err := c.Validate([]string{"I10", "99213", "Q99.99"}, "", "", rcm.MustParseDate("2025-06-01"), Patient{})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Codes[0].Billable || !v.Codes[1].Billable || v.Codes[1].System != CPT || v.Codes[2].Exists {
		t.Errorf("validate: %+v", v.Codes)
	}
}

// The NUCC taxonomy CSV imports as its own code system, dated by its
// version (v25.1 is in force from 1 July 2025).
func TestImportNUCCTaxonomy(t *testing.T) {
	path := codesettest.File(t, "codesets/nucc/nucc_taxonomy_251.csv")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ims, err := ImportFile(path, data, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ims) != 1 || ims[0].Kind != KindTaxonomy || len(ims[0].Releases) != 1 {
		t.Fatalf("imported %+v", ims)
	}
	r := ims[0].Releases[0]
	if r.System != Taxonomy || r.Version != "25.1" || r.Effective != (rcm.Date{Year: 2025, Month: 7, Day: 1}) || len(r.Codes) != 883 {
		t.Errorf("release %s %s %s with %d codes", r.System, r.Version, r.Effective, len(r.Codes))
	}
	cat := NewCatalog([]*Release{r})
	if c, ok := cat.Lookup(Taxonomy, "", "207Q00000X", rcm.Date{Year: 2026, Month: 1, Day: 2}); !ok || c.Long != "Allopathic & Osteopathic Physicians / Family Medicine" {
		t.Errorf("207Q00000X = %+v, %v", c, ok)
	}
	if _, ok := cat.Release(Taxonomy, "", rcm.Date{Year: 2025, Month: 6, Day: 30}); ok {
		t.Error("v25.1 in force before 1 July 2025")
	}
	bad := []byte("Code,Grouping,Classification,Specialization\n207Q0000X,a,b,c\n")
	ims, err = ImportFile("nucc_taxonomy_251.csv", bad, ImportOptions{})
	if err != nil || len(ims[0].Errors) != 1 || ims[0].Releases != nil {
		t.Errorf("bad taxonomy file: %+v, %v; want one error and nothing to import", ims, err)
	}
}
