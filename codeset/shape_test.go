package codeset

import (
	"testing"

	"github.com/openrcm/openrcm"
)

func TestValidateStrictShape(t *testing.T) {
	c := testCatalog()
	dos := rcm.MustParseDate("2025-03-01")
	for _, tc := range []struct {
		in       string
		sys      System
		wantRule string // "" when E11.9 is found with no finding
	}{
		{"E11.9", ICD10CM, ""},
		{"e11.9", ICD10CM, ""},
		{"E119", ICD10CM, ""},
		{"e119", ICD10CM, ""},
		{" E11.9 ", ICD10CM, ""},
		{"E1.19", ICD10CM, RuleMalformed},
		{"E11..9", ICD10CM, RuleMalformed},
		{".E119", ICD10CM, RuleMalformed},
		{"E11 9", ICD10CM, RuleMalformed},
		{"E119.", ICD10CM, RuleMalformed},
		{"E11.", ICD10CM, RuleMalformed},
		{"E11-9", ICD10CM, RuleMalformed},
		{"E1.19", "", RuleMalformed},
		{"E11 9", "", RuleMalformed},
	} {
		v, err := c.Validate([]string{tc.in}, tc.sys, "", dos, Patient{})
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		r := v.Codes[0]
		var got string
		if len(r.Findings) > 0 {
			got = r.Findings[0].Rule
		}
		if got != tc.wantRule {
			t.Errorf("%q: rule %q, want %q (%v)", tc.in, got, tc.wantRule, r.Findings)
		}
		if tc.wantRule == "" && (!r.Exists || r.Code != "E11.9") {
			t.Errorf("%q: got %+v, want E11.9 found", tc.in, r)
		}
		if tc.wantRule == RuleMalformed && (r.Exists || r.Billable || v.OK()) {
			t.Errorf("%q: malformed input accepted: %+v", tc.in, r)
		}
		if _, ok := c.Lookup(ICD10CM, "", tc.in, dos); ok != (tc.wantRule == "") {
			t.Errorf("Lookup(%q) = %v", tc.in, ok)
		}
	}
}

func TestCheckShapeOtherSystems(t *testing.T) {
	for _, tc := range []struct {
		sys  System
		in   string
		good bool
	}{
		{CPT, "99213", true},
		{CPT, "992.13", false},
		{HCPCS, "j1885", true},
		{HCPCS, "J18 85", false},
		{Modifier, "25", true},
		{ICD10CM, "", false},
		{ICD10CM, "T36.0X1A", true},
		{ICD10CM, "T36.0X1A\x00", false},
	} {
		if err := CheckShape(tc.sys, tc.in); (err == nil) != tc.good {
			t.Errorf("CheckShape(%s, %q) = %v, want good=%v", tc.sys, tc.in, err, tc.good)
		}
	}
}

func TestValidateStaleRelease(t *testing.T) {
	c := testCatalog() // newest ICD-10-CM release: FY2025, ends 2025-09-30
	for _, tc := range []struct {
		dos   string
		stale bool
	}{
		{"2025-09-30", false},
		{"2025-10-01", true},
		{"2026-06-15", true},
		{"2024-01-10", false},
	} {
		v, err := c.Validate([]string{"E11.9"}, ICD10CM, "", rcm.MustParseDate(tc.dos), Patient{})
		if err != nil {
			t.Fatal(err)
		}
		var got bool
		for _, f := range v.Codes[0].Findings {
			if f.Rule == RuleStale {
				got = true
				if f.Severity != SeverityWarning || f.Code != "E11.9" {
					t.Errorf("%s: finding %+v", tc.dos, f)
				}
			}
		}
		if got != tc.stale {
			t.Errorf("%s: stale warning %v, want %v (%v)", tc.dos, got, tc.stale, v.Codes[0].Findings)
		}
	}
}

func TestPeriodEnd(t *testing.T) {
	for _, tc := range []struct {
		sys       System
		eff, want string
	}{
		{ICD10CM, "2024-10-01", "2025-09-30"},
		{ICD10CM, "2025-04-01", "2025-09-30"},
		{CPT, "2025-01-01", "2025-12-31"},
		{HCPCS, "2025-04-01", "2025-06-30"},
		{HCPCS, "2025-10-01", "2025-12-31"},
	} {
		got, ok := periodEnd(tc.sys, rcm.MustParseDate(tc.eff))
		if !ok || got.String() != tc.want {
			t.Errorf("periodEnd(%s, %s) = %s, want %s", tc.sys, tc.eff, got, tc.want)
		}
	}
}
