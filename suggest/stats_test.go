package suggest

import (
	"os"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset/codesettest"
)

// TestMeasure: precision counts what the coder decided, the recall proxy
// what ended on the encounters; a changed suggestion is a miss for both.
func TestMeasure(t *testing.T) {
	ds := []*rcm.SuggestionDecision{
		{EncounterID: 1, Code: "E11.42", Decision: rcm.SuggestionAccepted},
		{EncounterID: 1, Code: "I10", Decision: rcm.SuggestionAccepted},
		{EncounterID: 1, Code: "R50.9", Decision: rcm.SuggestionRejected, Reason: "negated"},
		{EncounterID: 2, Code: "E11.9", Decision: rcm.SuggestionChanged, Replacement: "E11.65"},
		{EncounterID: 2, Code: "J1885", System: "hcpcs", Units: 1, Decision: rcm.SuggestionAccepted},
		{EncounterID: 2, Code: "I10", Decision: rcm.SuggestionRejected, Reason: "not-documented"},
	}
	final := map[int64][]string{
		1: {"E11.42", "I10", "Z79.84", "99214"},
		2: {"E11.65", "99213", "J1885"},
		3: {"I10"}, // no decision: not measured
	}
	got := Measure(ds, final, ByCategory)
	fam := func(f string, dec, acc, rej, chg int, p float64, coded, found int, r float64, reasons map[string]int) FamilyStats {
		if reasons == nil {
			reasons = map[string]int{}
		}
		return FamilyStats{Family: f, Decided: dec, Accepted: acc, Rejected: rej, Changed: chg, Precision: p, Coded: coded, Found: found, RecallProxy: r, Reasons: reasons}
	}
	want := Stats{By: ByCategory, Encounters: 2,
		Total: fam("all", 6, 3, 2, 1, 0.5, 5, 3, 0.6, map[string]int{"negated": 1, "not-documented": 1}),
		Families: []FamilyStats{
			fam("E11", 2, 1, 0, 1, 0.5, 2, 1, 0.5, nil),
			fam("HCPCS J", 1, 1, 0, 0, 1, 1, 1, 1, nil),
			fam("I10", 2, 1, 1, 0, 0.5, 1, 1, 1, map[string]int{"not-documented": 1}),
			fam("R50", 1, 0, 1, 0, 0, 0, 0, 0, map[string]int{"negated": 1}),
			fam("Z79", 0, 0, 0, 0, 0, 1, 0, 0, nil),
		}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Measure mismatch (-want +got):\n%s", diff)
	}
	ch := Measure(ds, final, ByChapter)
	var names []string
	for _, f := range ch.Families {
		names = append(names, f.Family)
	}
	if diff := cmp.Diff([]string{"HCPCS J", "ICD-10-CM chapter 18 R00-R99", "ICD-10-CM chapter 21 Z00-Z99", "ICD-10-CM chapter 4 E00-E89", "ICD-10-CM chapter 9 I00-I99"}, names); diff != "" {
		t.Errorf("chapter families mismatch (-want +got):\n%s", diff)
	}
}

// TestChaptersMatchTabular: the chapter ranges are the official ones.
func TestChaptersMatchTabular(t *testing.T) {
	p, ok := codesettest.Has("icd10cm/ICD10CM_2025_chapters.csv")
	if !ok {
		t.Skip("shared data icd10cm/ICD10CM_2025_chapters.csv not present")
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var want [][2]string
	for _, m := range regexp.MustCompile(`\(([A-Z0-9]{3})-([A-Z0-9]{3})\)`).FindAllStringSubmatch(string(data), -1) {
		want = append(want, [2]string{m[1], m[2]})
	}
	var got [][2]string
	for _, c := range chapters {
		got = append(got, [2]string{c.lo, c.hi})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("chapter ranges mismatch (-official +ours):\n%s", diff)
	}
}
