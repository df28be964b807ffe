package codeset

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDiff(t *testing.T) {
	old := &Release{System: ICD10CM, Version: "FY2024", Codes: []Code{
		{Code: "R51", Billable: true, Long: "Headache"},
		{Code: "U099", Billable: true, Long: "Post COVID-19 condition"},
		{Code: "I10", Billable: true, Long: "Essential hypertension"},
	}}
	new := &Release{System: ICD10CM, Version: "FY2025", Codes: []Code{
		{Code: "R51", Long: "Headache"},
		{Code: "R519", Billable: true, Long: "Headache, unspecified"},
		{Code: "I10", Billable: true, Long: "Essential (primary) hypertension"},
	}}
	got := Diff(old, new)
	want := &Changes{System: ICD10CM, Old: "FY2024", New: "FY2025",
		Added:   []Hit{{System: ICD10CM, Code: "R51.9", Description: "Headache, unspecified", Billable: true}},
		Deleted: []Hit{{System: ICD10CM, Code: "U09.9", Description: "Post COVID-19 condition", Billable: true}},
		Revised: []Revision{
			{Code: "I10", OldDesc: "Essential hypertension", NewDesc: "Essential (primary) hypertension", OldBillable: true, NewBillable: true},
			{Code: "R51", OldDesc: "Headache", NewDesc: "Headache", OldBillable: true},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
