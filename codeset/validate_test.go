package codeset

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

// testCatalog has two ICD-10-CM fiscal years: FY2024 has R51 (billable)
// and FY2025 subdivides it (R51.0, R51.9) and adds U07.2; the notes come
// from a small tabular sample.
func testCatalog() *Catalog {
	fy24 := &Release{System: ICD10CM, Version: "FY2024", Effective: rcm.MustParseDate("2023-10-01"), Codes: []Code{
		{Code: "R51", Billable: true, Long: "Headache"},
		{Code: "E11", Long: "Type 2 diabetes mellitus"},
		{Code: "E119", Billable: true, Long: "Type 2 diabetes mellitus without complications"},
	}}
	fy25 := &Release{System: ICD10CM, Version: "FY2025", Effective: rcm.MustParseDate("2024-10-01"), Codes: []Code{
		{Code: "R51", Long: "Headache"},
		{Code: "R510", Billable: true, Long: "Headache with orthostatic component, not elsewhere classified"},
		{Code: "R519", Billable: true, Long: "Headache, unspecified"},
		{Code: "U072", Billable: true, Long: "COVID-19, virus not identified"},
		{Code: "E11", Long: "Type 2 diabetes mellitus"},
		{Code: "E114", Long: "Type 2 diabetes mellitus with neurological complications"},
		{Code: "E1140", Billable: true, Long: "Type 2 diabetes mellitus with diabetic neuropathy, unspecified"},
		{Code: "E119", Billable: true, Long: "Type 2 diabetes mellitus without complications"},
		{Code: "G63", Billable: true, Long: "Polyneuropathy in diseases classified elsewhere"},
		{Code: "T36", Long: "Poisoning by systemic antibiotics"},
		{Code: "T360", Long: "Poisoning by penicillins"},
		{Code: "T360X", Long: "Poisoning by penicillins"},
		{Code: "T360X1", Long: "Poisoning by penicillins, accidental (unintentional)"},
		{Code: "T360X1A", Billable: true, Long: "Poisoning by penicillins, accidental (unintentional), initial encounter"},
		{Code: "T360X1D", Billable: true, Long: "Poisoning by penicillins, accidental (unintentional), subsequent encounter"},
		{Code: "O80", Billable: true, Long: "Encounter for full-term uncomplicated delivery"},
		{Code: "N401", Billable: true, Long: "Benign prostatic hyperplasia with lower urinary tract symptoms"},
		{Code: "P073", Billable: true, Long: "Preterm newborn"},
		{Code: "C00", Long: "Malignant neoplasm of lip"},
		{Code: "C000", Billable: true, Long: "Malignant neoplasm of external upper lip"},
		{Code: "C430", Billable: true, Long: "Malignant melanoma of lip"},
		{Code: "C46", Long: "Kaposi's sarcoma"},
		{Code: "C460", Billable: true, Long: "Kaposi's sarcoma of skin"},
		{Code: "B20", Billable: true, Long: "Human immunodeficiency virus [HIV] disease"},
		{Code: "Z87891", Billable: true, Long: "Personal history of nicotine dependence"},
	}, Notes: []Note{
		{Code: "C00", Kind: NoteExcludes1, Text: "malignant melanoma of lip (C43.0)"},
		{Code: "C00", Kind: NoteUseAdditional, Text: "history of tobacco dependence (Z87.891)"},
		{Code: "C46", Kind: NoteCodeFirst, Text: "any human immunodeficiency virus [HIV] disease (B20)"},
	}}
	return NewCatalog([]*Release{fy24, fy25})
}

func rules(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule+" "+string(f.Severity))
	}
	return out
}

func TestValidateCode(t *testing.T) {
	c := testCatalog()
	age := func(n int) *int { return &n }
	tests := []struct {
		name     string
		code     string
		dos      string
		patient  Patient
		billable bool
		want     []string
	}{
		{"billable", "E11.9", "2025-01-15", Patient{}, true, nil},
		{"header with children", "E11.4", "2025-01-15", Patient{}, false, []string{RuleHeader + " error"}},
		{"deleted by subdivision", "R51", "2025-01-15", Patient{}, false, []string{RuleHeader + " error"}},
		{"valid before subdivision", "R51", "2024-09-30", Patient{}, true, nil},
		{"not yet effective", "U07.2", "2024-09-30", Patient{}, false, []string{RuleNotYet + " error"}},
		{"unknown", "Q99.99", "2025-01-15", Patient{}, false, []string{RuleNotFound + " error"}},
		{"missing 7th character", "T36.0X1", "2025-01-15", Patient{}, false, []string{RuleSeventh + " error"}},
		{"missing placeholder X", "T36.01A", "2025-01-15", Patient{}, false, []string{RulePlaceholder + " error"}},
		{"maternity code for a male", "O80", "2025-01-15", Patient{Sex: "M", Age: age(30)}, true, []string{RuleSex + " error"}},
		{"maternity code at 70", "O80", "2025-01-15", Patient{Sex: "F", Age: age(70)}, true, []string{RuleAge + " error"}},
		{"prostate code for a female", "N40.1", "2025-01-15", Patient{Sex: "F"}, true, []string{RuleSex + " error"}},
		{"newborn code for an adult", "P07.3", "2025-01-15", Patient{Age: age(40)}, true, []string{RuleAge + " error"}},
		{"newborn code for a newborn", "P07.3", "2025-01-15", Patient{Age: age(0)}, true, nil},
		{"no release yet", "E11.9", "2015-01-01", Patient{}, false, []string{RuleNoRelease + " error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := c.Validate([]string{tt.code}, ICD10CM, "", rcm.MustParseDate(tt.dos), tt.patient)
			if err != nil {
				t.Fatal(err)
			}
			got := v.Codes[0]
			if got.Billable != tt.billable {
				t.Errorf("billable = %v, want %v (%+v)", got.Billable, tt.billable, got)
			}
			if diff := cmp.Diff(tt.want, rules(got.Findings)); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s\n%+v", diff, got.Findings)
			}
		})
	}
}

func TestValidateMessages(t *testing.T) {
	c := testCatalog()
	dos := rcm.MustParseDate("2025-01-15")
	tests := []struct {
		code, want string
	}{
		{"T36.01A", "T36.01A is missing the placeholder X: the code is T36.0X1A"},
		{"U07.2", ""},
		{"T36.0X1", "T36.0X1 needs a 7th character: T36.0X1A (initial encounter), T36.0X1D (subsequent encounter)"},
	}
	for _, tt := range tests {
		v, err := c.Validate([]string{tt.code}, ICD10CM, "", dos, Patient{})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if fs := v.Codes[0].Findings; len(fs) > 0 {
			got = fs[0].Message
		}
		if got != tt.want {
			t.Errorf("%s: message %q, want %q", tt.code, got, tt.want)
		}
	}
	// Deleted: a code that is in FY2024 only.
	fy23 := &Release{System: ICD10CM, Version: "FY2023", Effective: rcm.MustParseDate("2022-10-01"), Codes: []Code{{Code: "U099", Billable: true, Long: "Post COVID-19 condition"}, {Code: "Z000", Billable: true, Long: "x"}}}
	fy24 := &Release{System: ICD10CM, Version: "FY2024", Effective: rcm.MustParseDate("2023-10-01"), Codes: []Code{{Code: "U0990", Billable: true, Long: "Post COVID-19 condition, unspecified"}, {Code: "Z000", Billable: true, Long: "x"}}}
	cat := NewCatalog([]*Release{fy23, fy24})
	v, err := cat.Validate([]string{"U09.9"}, ICD10CM, "", rcm.MustParseDate("2024-03-01"), Patient{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Finding{{Rule: RuleDeleted, Severity: SeverityError, Code: "U09.9",
		Message: "U09.9 was deleted in release FY2024 (effective 2023-10-01); it was last valid in FY2023; it was expanded to U09.90 Post COVID-19 condition, unspecified"}}
	if diff := cmp.Diff(want, v.Codes[0].Findings); diff != "" {
		t.Errorf("deleted mismatch (-want +got):\n%s", diff)
	}
}

func TestValidateClaim(t *testing.T) {
	c := testCatalog()
	dos := rcm.MustParseDate("2025-01-15")
	tests := []struct {
		name  string
		codes []string
		want  []string
	}{
		{"excludes1 pair", []string{"C00.0", "C43.0", "Z87.891"}, []string{RuleExcludes1 + " error"}},
		{"use additional code reminder", []string{"C00.0"}, []string{RuleUseAdditional + " warning"}},
		{"code first missing", []string{"C46.0"}, []string{RuleCodeFirst + " warning"}},
		{"code first listed after", []string{"C46.0", "B20"}, []string{RuleCodeFirst + " warning"}},
		{"code first satisfied", []string{"B20", "C46.0"}, nil},
		{"manifestation first-listed", []string{"G63", "E11.40"}, []string{RuleManifestation + " error"}},
		{"manifestation after etiology", []string{"E11.40", "G63"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := c.Validate(tt.codes, "", "", dos, Patient{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, rules(v.Claim)); diff != "" {
				t.Errorf("claim findings mismatch (-want +got):\n%s\n%+v", diff, v.Claim)
			}
		})
	}
	if _, err := c.Validate([]string{"E11.9"}, ICD10CM, "", rcm.Date{}, Patient{}); rcm.ErrorCode(err) != rcm.EINVALID {
		t.Errorf("no DOS: err = %v, want invalid", err)
	}
}

// TestValidateShared checks the rules against the official files: S72.001
// needs a 7th character, C00.0 with C43.0 breaks the Excludes1 note of the
// FY2025 tabular chapter 2.
func TestValidateShared(t *testing.T) {
	c := loadShared(t)
	dos := rcm.MustParseDate("2022-03-01")
	v, err := c.Validate([]string{"C00.0", "C43.0", "S72.001", "E11.9", "E11"}, ICD10CM, "", dos, Patient{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range v.Codes {
		got = append(got, r.Code+" "+join(rules(r.Findings)))
	}
	want := []string{"C00.0 ", "C43.0 ", "S72.001 " + RuleSeventh + " error", "E11.9 ", "E11 " + RuleHeader + " error"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	var ex1 []string
	for _, f := range v.Claim {
		if f.Rule == RuleExcludes1 {
			ex1 = append(ex1, f.Code+" "+join(f.Related))
		}
	}
	if diff := cmp.Diff([]string{"C00.0 C43.0"}, ex1); diff != "" {
		t.Errorf("Excludes1 findings mismatch (-want +got):\n%s", diff)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}
