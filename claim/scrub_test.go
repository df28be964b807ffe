package claim

import (
	"slices"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/edit"
	"github.com/openrcm/openrcm/x12"
)

func ruleIDs(fs []edit.Finding) []string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.Rule)
	}
	return ids
}

// Each completeness and payer rule fires on the claim that breaks it, and
// only there.
func TestScrubRules(t *testing.T) {
	taxonomy := CatalogChecker{Catalog: codeset.NewCatalog([]*codeset.Release{{System: codeset.Taxonomy, Version: "25.1",
		Effective: rcm.MustParseDate("2025-07-01"), Codes: []codeset.Code{{Code: "207Q00000X", Billable: true}, {Code: "207R00000X", Billable: true}}}})}
	tests := []struct {
		name   string
		change func(b *Bundle)
		rules  []rcm.PayerRule
		want   []string
	}{
		{"clean", func(b *Bundle) {}, nil, nil},
		{"billing NPI", func(b *Bundle) { b.Practice.NPI = "1234567890" }, nil, []string{"CLM-NPI-BILLING"}},
		{"rendering NPI", func(b *Bundle) { b.Rendering.NPI = "1245319590" }, nil, []string{"CLM-NPI-RENDERING"}},
		{"TIN", func(b *Bundle) { b.Practice.TIN = "000000000" }, nil, []string{"CLM-TIN"}},
		{"taxonomy not in NUCC", func(b *Bundle) { b.Rendering.Taxonomy = "207ZZ0000X" }, nil, []string{"CLM-TAXONOMY"}},
		{"five-digit ZIP", func(b *Bundle) { b.Practice.Address.ZIP = "62701" }, nil, []string{"CLM-ZIP9"}},
		{"PO Box", func(b *Bundle) { b.Practice.Address.Line1 = "P.O. Box 123" }, nil, []string{"CLM-POBOX"}},
		{"dependent without subscriber", func(b *Bundle) { b.Coverage.Relationship = "19"; b.Coverage.Subscriber = nil }, nil, []string{"CLM-SUBSCRIBER"}},
		{"coverage ended", func(b *Bundle) { b.Coverage.EffectiveTo = rcm.MustParseDate("2025-12-31") }, nil, []string{"CLM-COVERAGE"}},
		{"future date", func(b *Bundle) { b.Claim.DateOfService = rcm.MustParseDate("2026-04-01") }, nil, []string{"CLM-DOS"}},
		{"before birth", func(b *Bundle) { b.Patient.BirthDate = rcm.MustParseDate("2026-03-01") }, nil, []string{"CLM-DOS"}},
		{"no diagnosis", func(b *Bundle) { b.Claim.Diagnoses = nil }, nil, []string{"CLM-DX", "CLM-POINTER", "CLM-POINTER", "CLM-POINTER"}},
		{"dangling pointer", func(b *Bundle) { b.Claim.Lines[1].Pointers = []int{3} }, nil, []string{"CLM-POINTER"}},
		{"replacement without payer number", func(b *Bundle) { b.Claim.Frequency = "7" }, nil, []string{"CLM-FREQUENCY"}},
		{"auto accident without state", func(b *Bundle) {
			b.Claim.AccidentCause, b.Claim.AccidentDate = "AA", rcm.MustParseDate("2026-02-20")
		}, nil, []string{"CLM-ACCIDENT"}},
		{"other accident without date", func(b *Bundle) { b.Claim.AccidentCause = "OA" }, nil, []string{"CLM-ACCIDENT"}},
		{"auto accident without state or date", func(b *Bundle) { b.Claim.AccidentCause = "AA" }, nil, []string{"CLM-ACCIDENT", "CLM-ACCIDENT"}},
		{"auto accident complete", func(b *Bundle) {
			b.Claim.AccidentCause, b.Claim.AccidentState, b.Claim.AccidentDate = "AA", "IL", rcm.MustParseDate("2026-02-20")
		}, nil, nil},
		{"employment accident needs neither", func(b *Bundle) { b.Claim.AccidentCause = "EM" }, nil, nil},
		{"Medicare as secondary without the MSP type", func(b *Bundle) { b.Coverage.Order = 2 }, nil, []string{"CLM-MSP"}},
		{"Medicare as secondary, working aged", func(b *Bundle) { b.Coverage.Order, b.Coverage.InsuranceType = 2, "12" }, nil, nil},
		{"zero charge is a warning", func(b *Bundle) { b.Claim.Lines[0].Charge = 0 }, nil, []string{"CLM-CHARGE"}},
		{"timely filing", func(b *Bundle) { b.Payer.TimelyFilingDays = 10 }, nil, []string{"PAYER-TIMELY"}},
		{"payer wants NDC on J-codes", func(b *Bundle) { b.Claim.Lines[1].NDC = "" },
			[]rcm.PayerRule{{Name: "NDC on drugs", Kind: RequireNDC, Codes: []string{"J"}}}, []string{"PAYER-RULE"}},
		{"payer wants prior auth", func(b *Bundle) { b.Claim.PriorAuth = "" },
			[]rcm.PayerRule{{Name: "PA for E/M", Kind: RequirePriorAuth, Codes: []string{"992"}}}, []string{"PAYER-RULE"}},
		// Issue 16: the latest 271 reaches the scrubber.
		{"271 says inactive, plan ended before the visit", func(b *Bundle) {
			b.Eligibility = &EligibilityAnswer{Status: "inactive", CheckedOn: rcm.MustParseDate("2026-01-20"), PlanEnd: b.Claim.DateOfService.AddDays(-1), Summary: "Inactive."}
		}, nil, []string{RuleEligibility}},
		{"271 says inactive without plan dates", func(b *Bundle) {
			b.Eligibility = &EligibilityAnswer{Status: "inactive", CheckedOn: rcm.MustParseDate("2026-01-20"), Summary: "Inactive."}
		}, nil, []string{RuleEligibility}},
		{"271 says inactive, plan ended after the visit", func(b *Bundle) {
			b.Eligibility = &EligibilityAnswer{Status: "inactive", PlanBegin: b.Claim.DateOfService.AddDays(-30), PlanEnd: b.Claim.DateOfService.AddDays(1)}
		}, nil, nil},
		{"271 says active, plan ended before the visit", func(b *Bundle) {
			b.Eligibility = &EligibilityAnswer{Status: "active", PlanEnd: b.Claim.DateOfService.AddDays(-1)}
		}, nil, []string{RuleEligibility}},
		{"271 says active", func(b *Bundle) { b.Eligibility = &EligibilityAnswer{Status: "active"} }, nil, nil},
		{"271 rejected the inquiry", func(b *Bundle) { b.Eligibility = &EligibilityAnswer{Status: "rejected"} }, nil, nil},
		{"payer wants a modifier", func(b *Bundle) {},
			[]rcm.PayerRule{{Name: "GT on telehealth", Kind: RequireModifier, Codes: []string{"99214"}, Modifier: "95"}}, []string{"PAYER-RULE"}},
	}
	for _, tt := range tests {
		b := testBundles()[0]
		tt.change(b)
		b.Payer.Rules = tt.rules
		s := &Scrubber{Today: rcm.MustParseDate("2026-03-02"), Taxonomy: taxonomy}
		fs := s.Scrub(b)
		if got := ruleIDs(fs); !slices.Equal(got, tt.want) {
			t.Errorf("%s: rules %v, want %v (%v)", tt.name, got, tt.want, fs)
		}
		for _, f := range fs {
			if f.Message == "" || f.Fix == "" {
				t.Errorf("%s: finding %s lacks a message or a fix", tt.name, f.Rule)
			}
		}
		wantErr := len(tt.want) > 0 && tt.want[0] != "CLM-CHARGE"
		if HasErrors(fs) != wantErr {
			t.Errorf("%s: HasErrors = %v", tt.name, HasErrors(fs))
		}
	}
}

func TestIsPOBox(t *testing.T) {
	for in, want := range map[string]bool{"PO Box 12": true, "P.O. BOX 9": true, "Post Office Box 1": true, "Box 44": true, "PMB 300": true,
		"400 Harbor Way": false, "Boxwood Ln": false, "1 Pobox Rd": false} {
		if got := x12.IsBoxAddress(in); got != want {
			t.Errorf("IsBoxAddress(%q) = %v, want %v", in, got, want)
		}
	}
}
