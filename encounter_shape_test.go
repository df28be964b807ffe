package rcm

import "testing"

// TestCodeShape is the table of the one shape check every door uses: the
// encounter's diagnoses (the workbench, the API, HL7 and FHIR imports) and
// codeset validation (the validate route, the scrubber, the CLI) refuse a
// malformed code instead of normalising it into a real one; lower case and
// a missing dot pass.
func TestCodeShape(t *testing.T) {
	for _, tc := range []struct {
		in     string
		dotted bool
		want   string // ParseICD10's answer when dotted; "" when refused
		norm   string // NormalizeICD10
	}{
		{"E11.9", true, "E11.9", "E11.9"},
		{"e11.9", true, "E11.9", "E11.9"},
		{"E119", true, "E11.9", "E11.9"},
		{"e119", true, "E11.9", "E11.9"},
		{" E11.9 ", true, "E11.9", "E11.9"},
		{"I10", true, "I10", "I10"},
		{"T36.0X1A", true, "T36.0X1A", "T36.0X1A"},
		{"t360x1a", true, "T36.0X1A", "T36.0X1A"},
		{"E1.19", true, "", "E1.19"},
		{"E11..9", true, "", "E11..9"},
		{".E119", true, "", ".E119"},
		{"E11 9", true, "", "E11 9"},
		{"E11.", true, "", "E11."},
		{"E119.", true, "", "E119."},
		{"E11-9", true, "", "E11-9"},
		{"E11.9\x00", true, "", "E11.9\x00"},
		{"", true, "", ""},
		{"E1", true, "", "E1"},
		{"123.4", true, "", "123.4"},
		{"E11.9ABCD", true, "", "E11.9ABCD"},
		{"99213", false, "", ""},
		{"j1885", false, "", ""},
		{"992.13", false, "", ""},
		{"J18 85", false, "", ""},
	} {
		err := CheckCodeShape(tc.in, tc.dotted)
		if !tc.dotted {
			if good := tc.in == "99213" || tc.in == "j1885"; (err == nil) != good {
				t.Errorf("CheckCodeShape(%q, false) = %v, want good=%v", tc.in, err, good)
			}
			continue
		}
		got, perr := ParseICD10(tc.in)
		if got != tc.want || (perr == nil) != (tc.want != "") {
			t.Errorf("ParseICD10(%q) = %q, %v; want %q", tc.in, got, perr, tc.want)
		}
		if perr != nil && ErrorCode(perr) != EINVALID {
			t.Errorf("ParseICD10(%q): error code %s, want %s", tc.in, ErrorCode(perr), EINVALID)
		}
		if n := NormalizeICD10(tc.in); n != tc.norm {
			t.Errorf("NormalizeICD10(%q) = %q, want %q", tc.in, n, tc.norm)
		}
	}
}
