package rcm

import "testing"

// TestDiagnosisShapeStrict: the encounter's diagnoses (the workbench, the
// API, HL7 and FHIR imports) refuse a malformed code instead of
// normalising it into a real one; lower case and a missing dot pass.
func TestDiagnosisShapeStrict(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"E11.9", "E11.9", true},
		{"e11.9", "E11.9", true},
		{"E119", "E11.9", true},
		{"e119", "E11.9", true},
		{" E11.9 ", "E11.9", true},
		{"I10", "I10", true},
		{"E1.19", "E1.19", false},
		{"E11..9", "E11..9", false},
		{".E119", ".E119", false},
		{"E11 9", "E11. 9", false},
		{"E11.", "E11.", false},
	} {
		got := NormalizeICD10(tc.in)
		if got != tc.want || looksLikeICD10(got) != tc.ok {
			t.Errorf("%q: NormalizeICD10 = %q (shape ok %v), want %q (%v)", tc.in, got, looksLikeICD10(got), tc.want, tc.ok)
		}
	}
}
