package remit_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/x12"
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

func sampleRemittance() *remit.Remittance {
	m := rcm.MustParseMoney
	return &remit.Remittance{Handling: "I", Amount: m("150.50"), CreditDebit: "C", Method: "ACH", PaidOn: rcm.MustParseDate("2026-02-03"),
		Trace: "EFT0001", TraceOriginator: "1999999999", PayerName: "ACME HEALTH", PayerIdentifier: "ACME1",
		PayeeName: "LAKESIDE FAMILY MEDICINE", PayeeID: "1234567893",
		Claims: []*remit.ClaimPayment{{ControlNumber: "A1001-1-1", Status: "1", Charge: m("205.50"), Paid: m("152.00"),
			PatientResponsibility: m("20"), FilingIndicator: "12", PayerClaimNumber: "PCN1",
			Lines: []*remit.LinePayment{
				{Qualifier: "HC", Code: "99214", Modifiers: []string{"25"}, Charge: m("150"), Paid: m("100"), Units: 1,
					DateOfService: rcm.MustParseDate("2026-01-02"), Allowed: m("120"), HasAllowed: true, ControlNumber: "L1",
					Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("30")}, {Group: "PR", Reason: "2", Amount: m("20")}}},
				{Qualifier: "HC", Code: "83036", Charge: m("55.50"), Paid: m("52"), Units: 2, OriginalCode: "83037", OriginalUnits: 2,
					DateOfService: rcm.MustParseDate("2026-01-02"), Remarks: []string{"N130"},
					Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("3.50"), Quantity: 1}}},
			}}},
		ProviderAdjustments: []remit.ProviderAdjustment{{Provider: "1234567893", FiscalPeriod: rcm.MustParseDate("2026-12-31"), Reason: "L6", Reference: "INT", Amount: m("1.50")}},
	}
}

func write(t testing.TB, rems ...*remit.Remittance) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := remit.Write835(&b, remit.Envelope{Sender: "ACME1", Receiver: "LAKESIDE", Time: time.Date(2026, 2, 3, 8, 0, 0, 0, time.UTC)}, rems...); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestWriteRead checks that what Write835 writes validates clean against
// the 835 guide and reads back to the same remittance.
func TestWriteRead(t *testing.T) {
	want := sampleRemittance()
	b := write(t, want)
	if res := x12.Validate(bytes.NewReader(b)); !res.Valid() {
		t.Fatalf("written 835 does not validate: %v %+v\n%s", res.Err, res.Findings, b)
	}
	got, err := remit.Read835(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := got[0].Balance(); err != nil {
		t.Error(err)
	}
	diff := cmp.Diff([]*remit.Remittance{want}, got, cmpopts.IgnoreFields(remit.Remittance{}, "Control", "Interchange"),
		cmpopts.IgnoreFields(remit.ClaimPayment{}, "Segment"), cmpopts.IgnoreFields(remit.LinePayment{}, "Segment"))
	if diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestReadBadInput(t *testing.T) {
	good := string(write(t, sampleRemittance()))
	for _, tc := range []struct {
		name, in, want string
	}{
		{"garbage", "hello, world", "invalid 835"},
		{"empty", "", "no 835 transaction set"},
		{"amount", strings.Replace(good, "CLP*A1001-1-1*1*205.5", "CLP*A1001-1-1*1*2O5.5", 1), "CLP03"},
		{"status", strings.Replace(good, "CLP*A1001-1-1*1*", "CLP*A1001-1-1*9*", 1), "CLP02"},
		{"group", strings.Replace(good, "CAS*CO*45*30", "CAS*XX*45*30", 1), "CAS01"},
		{"no trace", strings.Replace(good, "TRN*1*EFT0001*1999999999", "TRN*1", 1), "TRN02"},
		{"no BPR", strings.Replace(good, "BPR*", "BPX*", 1), "BPR"},
		{"fraction units", strings.Replace(good, "*2*HC:83037", "*2.5*HC:83037", 1), "SVC05"},
		{"three decimals", strings.Replace(good, "SVC*HC:99214:25*150*", "SVC*HC:99214:25*150.001*", 1), "SVC02"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := remit.Read835(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error naming %q", err, tc.want)
			}
		})
	}
}

func TestBalance(t *testing.T) {
	m := rcm.MustParseMoney
	for _, tc := range []struct {
		name   string
		change func(*remit.Remittance)
		want   string
	}{
		{"line", func(r *remit.Remittance) { r.Claims[0].Lines[0].Paid += 1 }, "line 1"},
		{"claim", func(r *remit.Remittance) { r.Claims[0].Paid += 1; r.Amount += 1 }, "CLP04"},
		{"total", func(r *remit.Remittance) { r.Amount = m("150") }, "BPR02"},
		{"plb", func(r *remit.Remittance) { r.ProviderAdjustments[0].Amount = 0 }, "BPR02"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sampleRemittance()
			if err := r.Balance(); err != nil {
				t.Fatalf("sample does not balance: %v", err)
			}
			tc.change(r)
			err := r.Balance()
			if !errors.Is(err, remit.ErrUnbalanced) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want ErrUnbalanced naming %q", err, tc.want)
			}
		})
	}
}

func TestSecondaryControlNumber(t *testing.T) {
	for in, want := range map[string]string{"A1-7-1": "A1-7-2", "CLM100": "CLM100-2", strings.Repeat("X", 38): strings.Repeat("X", 36) + "-2"} {
		if got := remit.SecondaryControlNumber(in, 2); got != want {
			t.Errorf("SecondaryControlNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzRead835 reads arbitrary input: it must never panic, and whatever it
// reads must write and read back to the same remittances.
func FuzzRead835(f *testing.F) {
	f.Add(write(f, sampleRemittance()))
	f.Add([]byte("ISA*00*          *00*          *ZZ*A              *ZZ*B              *260101*0000*^*00501*000000001*0*T*:~GS*HP*A*B*20260101*0000*1*X*005010X221A1~ST*835*0001~BPR*I*0*C*NON************20260101~TRN*1*T~N1*PR*P~LX*1~CLP*X*4*10*0~SE*6*0001~GE*1*1~IEA*1*000000001~"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rems, err := remit.Read835(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, r := range rems {
			r.Balance()
			r.CreditDebit = ""
		}
		var buf bytes.Buffer
		if err := remit.Write835(&buf, remit.Envelope{Sender: "S", Receiver: "R", Time: time.Unix(0, 0).UTC()}, rems...); err != nil {
			return // a value with a delimiter in it cannot be written back
		}
		again, err := remit.Read835(&buf)
		if err != nil {
			t.Fatalf("re-read of written 835: %v", err)
		}
		if len(again) != len(rems) {
			t.Fatalf("%d remittances became %d", len(rems), len(again))
		}
		for i := range rems {
			if again[i].Amount != rems[i].Amount || len(again[i].Claims) != len(rems[i].Claims) || again[i].Trace != rems[i].Trace {
				t.Fatalf("remittance %d changed in the round trip", i)
			}
		}
	})
}
