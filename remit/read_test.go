package remit_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/remit"
)

const samples = "x12-samples/stupidedi-005010/X221A1_HP835/pass"

// TestReadSamples reads every shared 835 sample and checks that each
// balances by the guide's rules.
func TestReadSamples(t *testing.T) {
	dir := filepath.Dir(shareddata.Path(t, samples+"/era-sample.edi"))
	files, _ := filepath.Glob(filepath.Join(dir, "*.edi"))
	if len(files) < 5 {
		t.Fatalf("found %d samples in %s", len(files), dir)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rems, err := remit.Read835(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rems {
				if err := r.Balance(); err != nil {
					t.Error(err)
				}
				if len(r.Claims) == 0 || r.Trace == "" {
					t.Errorf("trace %q with %d claims", r.Trace, len(r.Claims))
				}
			}
		})
	}
}

func TestReadSecondaryPayments(t *testing.T) {
	b, err := os.ReadFile(shareddata.Path(t, samples+"/secondary-payments.edi"))
	if err != nil {
		t.Fatal(err)
	}
	rems, err := remit.Read835(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	m := rcm.MustParseMoney
	r := rems[0]
	if r.Trace != "0012524965" || r.TraceOriginator != "1559123456" || r.Method != "CHK" || r.Amount != m("1222") ||
		r.PaidOn != rcm.MustParseDate("2005-04-12") || r.PayerName != "YOUR TAX DOLLARS AT WORK" {
		t.Errorf("header: %+v", r)
	}
	c := r.Claims[1]
	want := &remit.ClaimPayment{Segment: c.Segment, ControlNumber: "0001000053", Status: "2", Charge: m("751.50"), Paid: m("310"),
		PatientResponsibility: m("220"), FilingIndicator: "12", PayerClaimNumber: "50630626430",
		StatementFrom: rcm.MustParseDate("2005-01-06"), StatementTo: rcm.MustParseDate("2005-01-06"),
		Lines: []*remit.LinePayment{
			{Segment: c.Lines[0].Segment, Qualifier: "HC", Code: "12345", Modifiers: []string{"26"}, Charge: m("166.50"), Paid: m("30"), Units: 1,
				DateOfService: rcm.MustParseDate("2005-01-06"), Allowed: m("150"), HasAllowed: true,
				Adjustments: []rcm.Adjustment{{Group: "OA", Reason: "23", Amount: m("136.50")}}},
			{Segment: c.Lines[1].Segment, Qualifier: "HC", Code: "66543", Modifiers: []string{"26"}, Charge: m("585"), Paid: m("280"), Units: 1,
				DateOfService: rcm.MustParseDate("2005-01-06"), Allowed: m("500"), HasAllowed: true,
				Adjustments: []rcm.Adjustment{{Group: "PR", Reason: "1", Amount: m("150")}, {Group: "PR", Reason: "2", Amount: m("70")},
					{Group: "CO", Reason: "42", Amount: m("85")}}},
		}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("claim mismatch (-want +got):\n%s", diff)
	}
}
