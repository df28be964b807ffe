package rcm

import "testing"

// An uploaded file's name is kept as a base name only: no path a user
// sends reaches the server's disk (issue 15).
func TestCleanFileName(t *testing.T) {
	for in, want := range map[string]string{
		"icd10cm_order_2025.txt":           "icd10cm_order_2025.txt",
		"../../etc/passwd":                 "passwd",
		`C:\Users\me\ptp_practitioner.zip`: "ptp_practitioner.zip",
		" FY2025.zip ":                     "FY2025.zip",
		"":                                 "",
		"..":                               "",
		"dir/":                             "",
		"bad\x00name":                      "",
		"new\nline.txt":                    "",
	} {
		got, err := CleanFileName(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("CleanFileName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
