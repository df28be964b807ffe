package remit

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

// TestWriteDenialsCSV writes a line denial and a whole-claim denial and
// reads them back: codes with their meanings, a payer name with a comma
// kept whole.
func TestWriteDenialsCSV(t *testing.T) {
	m := rcm.MustParseMoney
	ds := []*Denial{
		{ControlNumber: "LFM01-1", PayerName: "Acme Health, Inc.", Line: 2, Code: "36415", Amount: m("20"), Date: rcm.MustParseDate("2026-02-03"),
			Reasons: []Reason{{Group: "CO", Code: "97", Amount: m("20"), Meaning: "Bundled into another service."}},
			Remarks: []Reason{{Code: "M15", Meaning: "Separately billed services have been bundled."}}},
		{ControlNumber: "LFM01-2", PayerName: "Acme Health, Inc.", Amount: m("90"), Date: rcm.MustParseDate("2026-02-03"),
			Reasons: []Reason{{Group: "CO", Code: "27", Amount: m("60"), Meaning: "After coverage ended."}, {Group: "PR", Code: "1", Amount: m("30"), Meaning: "Deductible."}}},
	}
	var buf bytes.Buffer
	if err := WriteDenialsCSV(&buf, ds); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{DenialCSVHeader,
		{"LFM01-1", "Acme Health, Inc.", "2", "36415", "20.00", "2026-02-03", "CO-97 20.00 Bundled into another service.", "M15 Separately billed services have been bundled."},
		{"LFM01-2", "Acme Health, Inc.", "", "", "90.00", "2026-02-03", "CO-27 60.00 After coverage ended.; PR-1 30.00 Deductible.", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("denials CSV mismatch (-want +got):\n%s", diff)
	}
}
