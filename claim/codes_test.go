package claim

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
)

// The scrubber's code family reports code-set findings on the lines that
// carry the code, with a fix for each rule.
func TestCatalogChecker(t *testing.T) {
	eff := rcm.MustParseDate("2015-10-01")
	// The starter set plus a header (E11) and the places of service used.
	extra := []*codeset.Release{
		{System: codeset.POS, Version: "test", Effective: eff, Codes: []codeset.Code{{Code: "11", Billable: true, Short: "Office"}, {Code: "22", Billable: true, Short: "Outpatient hospital"}}},
	}
	rels := append(codeset.Starter(), extra...)
	for _, r := range rels {
		if r.System == codeset.ICD10CM {
			r.Codes = append(r.Codes, codeset.Code{Code: "E11", Billable: false, Short: "Type 2 diabetes mellitus"})
		}
	}
	cc := CatalogChecker{Catalog: codeset.NewCatalog(rels)}
	tests := []struct {
		name   string
		change func(b *Bundle)
		want   []string
	}{
		{"clean", func(b *Bundle) {}, nil},
		{"header diagnosis", func(b *Bundle) { b.Claim.Diagnoses[0].Code = "E11" }, []string{codeset.RuleHeader}},
		{"unknown procedure", func(b *Bundle) { b.Claim.Lines[0].Code = "0000T" }, []string{codeset.RuleNotFound}},
		{"unknown modifier", func(b *Bundle) { b.Claim.Lines[0].Modifiers = []string{"Q9"} }, []string{codeset.RuleNotFound}},
		{"unknown place of service", func(b *Bundle) { b.Claim.PlaceOfService = "98" }, []string{codeset.RuleNotFound}},
	}
	for _, tt := range tests {
		b := testBundles()[0]
		tt.change(b)
		fs := cc.CheckCodes(b)
		var got []string
		for _, f := range fs {
			got = append(got, f.Rule)
			if f.Fix == "" || f.Message == "" {
				t.Errorf("%s: finding %s lacks a message or fix", tt.name, f.Rule)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: rules %v, want %v (%v)", tt.name, got, tt.want, fs)
		}
	}
	b := testBundles()[0]
	b.Claim.Diagnoses[1].Code = "I1"
	for _, f := range cc.CheckCodes(b) {
		if !slices.Equal(f.Lines, []int{1}) {
			t.Errorf("finding on diagnosis 2 names lines %v, want [1] (the line pointing at it)", f.Lines)
		}
	}
}

// The scrubber says what validation says of a code it cannot be sure of:
// a date of service after the newest imported ICD-10-CM release's year is
// a warning (CS010) on each diagnosis, and a malformed diagnosis is an
// error (CS009), never read as the code it resembles (issue 14).
func TestCatalogCheckerStaleAndMalformed(t *testing.T) {
	rels := []*codeset.Release{{System: codeset.ICD10CM, Version: "FY2025", Effective: rcm.MustParseDate("2024-10-01"), Codes: []codeset.Code{
		{Code: "E11", Short: "Type 2 diabetes mellitus"},
		{Code: "E119", Billable: true, Short: "Type 2 diabetes mellitus without complications"},
		{Code: "I10", Billable: true, Short: "Essential (primary) hypertension"},
	}}}
	for _, r := range codeset.Starter() {
		if r.System != codeset.ICD10CM {
			rels = append(rels, r)
		}
	}
	cc := CatalogChecker{Catalog: codeset.NewCatalog(rels)}
	for _, tc := range []struct {
		name, dos, dx2 string
		want           map[string]codeset.Severity
	}{
		{"in the release's year", "2025-09-30", "I10", map[string]codeset.Severity{}},
		{"after the release's year", "2026-02-01", "I10", map[string]codeset.Severity{"CS010": codeset.SeverityWarning}},
		{"malformed", "2025-03-01", "E1.19", map[string]codeset.Severity{"CS009": codeset.SeverityError}},
		{"space inside", "2025-03-01", "E11 9", map[string]codeset.Severity{"CS009": codeset.SeverityError}},
		{"lower case, no dot", "2025-03-01", "e119", map[string]codeset.Severity{}},
	} {
		b := testBundles()[0]
		b.Claim.DateOfService = rcm.MustParseDate(tc.dos)
		b.Claim.Diagnoses[1].Code = tc.dx2
		got := map[string]codeset.Severity{}
		for _, f := range cc.CheckCodes(b) {
			if f.Rule == codeset.RuleStale || f.Rule == codeset.RuleMalformed {
				got[f.Rule] = codeset.Severity(f.Severity)
				if f.Fix == "" {
					t.Errorf("%s: %s has no fix", tc.name, f.Rule)
				}
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: findings mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
}
