package remit_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/remit"
)

// manyClaims is a remittance of n claims of two lines, each with a
// claim-level and a line-level adjustment, that balances.
func manyClaims(trace string, n int) *remit.Remittance {
	m := rcm.MustParseMoney
	rem := sampleRemittance()
	rem.Trace, rem.Claims, rem.ProviderAdjustments, rem.Amount = trace, nil, nil, 0
	for i := range n {
		cp := &remit.ClaimPayment{ControlNumber: fmt.Sprintf("C%05d-1", i), Status: "1", Charge: m("200"), Paid: m("150"),
			PatientResponsibility: m("10"), FilingIndicator: "12", PayerClaimNumber: fmt.Sprintf("P%05d", i)}
		for _, code := range []string{"99213", "36415"} {
			cp.Lines = append(cp.Lines, &remit.LinePayment{Code: code, Charge: m("100"), Paid: m("75"), Units: 1,
				DateOfService: rcm.MustParseDate("2026-01-02"), Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("20")},
					{Group: "PR", Reason: "2", Amount: m("5")}}})
		}
		rem.Claims = append(rem.Claims, cp)
		rem.Amount += cp.Paid
	}
	return rem
}

// A file read as a stream gives what the same file read whole gives:
// headers, PLBs, count of claims, fingerprint, balancing result, and the
// claims themselves, batch by batch in file order.
func TestReadFileStream(t *testing.T) {
	files := map[string][]byte{
		"sample":                 write(t, sampleRemittance()),
		"1,203 claims in 2 sets": write(t, manyClaims("T1", 1200), manyClaims("T2", 3)),
		"no claims, only the PLB": write(t, func() *remit.Remittance {
			r := sampleRemittance()
			r.Claims, r.Amount = nil, -r.ProviderAdjustments[0].Amount
			return r
		}()),
	}
	dir := filepath.Dir(shareddata.Path(t, samples+"/era-sample.edi"))
	paths, _ := filepath.Glob(filepath.Join(dir, "*.edi"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if v := remit.Validator(); v.Validate(bytes.NewReader(b)).Valid() {
			files[filepath.Base(p)] = b
		}
	}
	if len(files) < 6 {
		t.Fatalf("only %d files", len(files))
	}
	for name, b := range files {
		t.Run(name, func(t *testing.T) {
			whole, err := remit.ReadFile(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			streamed, err := remit.ReadFileStream(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if len(streamed) != len(whole) {
				t.Fatalf("%d remittances streamed, %d read whole", len(streamed), len(whole))
			}
			for i, w := range whole {
				s := streamed[i]
				if diff := cmp.Diff(w, s, cmpopts.IgnoreFields(remit.Remittance{}, "Claims", "Stream")); diff != "" {
					t.Errorf("header mismatch (-whole +streamed):\n%s", diff)
				}
				if s.Claims != nil || s.ClaimCount() != len(w.Claims) {
					t.Errorf("streamed remittance holds %d claims and counts %d; the file has %d", len(s.Claims), s.ClaimCount(), len(w.Claims))
				}
				if s.Fingerprint() != w.Fingerprint() {
					t.Errorf("fingerprint %s streamed, %s whole", s.Fingerprint(), w.Fingerprint())
				}
				if fmt.Sprint(s.Balance()) != fmt.Sprint(w.Balance()) {
					t.Errorf("balance: %v streamed, %v whole", s.Balance(), w.Balance())
				}
				var got []*remit.ClaimPayment
				err := s.ClaimBatches(7, func(first int, claims []*remit.ClaimPayment) error {
					if first != len(got) || len(claims) == 0 || len(claims) > 7 {
						return fmt.Errorf("batch of %d at %d after %d claims", len(claims), first, len(got))
					}
					got = append(got, claims...)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(w.Claims, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("claims mismatch (-whole +streamed):\n%s", diff)
				}
			}
		})
	}
}

// An 835 whose amounts do not add up is refused by the validator before
// anything is read (issue 17: the 835 guide's balancing rules), and the
// findings name the line, the claim and the total that disagree.
func TestReadFileStreamUnbalanced(t *testing.T) {
	unbalanced := manyClaims("T3", 40)
	unbalanced.Claims[17].Lines[1].Paid += 1
	unbalanced.Claims[33].Paid += 2
	b := write(t, unbalanced)
	rems, err := remit.ReadFileStream(bytes.NewReader(b))
	var inv *remit.InvalidFileError
	if rems != nil || !errors.As(err, &inv) {
		t.Fatalf("got %v, %v; want an *remit.InvalidFileError", rems, err)
	}
	var got []string
	for _, f := range inv.Findings {
		got = append(got, fmt.Sprintf("%s%02d %s %s", f.SegmentID, f.Element, f.BusinessUnit, f.Code))
	}
	want := []string{
		"SVC03 CLP01:C00017-1 I12", // line 2 of claim 18 pays a cent more than charge less adjustments
		"CLP04 CLP01:C00017-1 I12", // so claim 18's payment is not its lines' payments
		"CLP04 CLP01:C00033-1 I12", // claim 34 pays 2 cents more than charge less adjustments
		"BPR02  I12",               // and the total is not the claims' payments
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings mismatch (-want +got):\n%s\n%v", diff, inv.Findings)
	}
}

// A file that changes between the first passes and the posting's read of
// its claims fails the posting instead of posting other claims than the
// ones checked; a file that is not valid is refused before any pass.
func TestReadFileStreamChanged(t *testing.T) {
	b := write(t, manyClaims("T1", 30))
	rems, err := remit.ReadFileStream(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// The reader reads b again: change the payment of claim 21 and of one
	// of its lines by the same amount, so the claim still reads.
	at := bytes.Index(b, []byte("CLP*C00020-1*1*200*150"))
	copy(b[at:], "CLP*C00020-1*1*200*151")
	err = rems[0].ClaimBatches(10, func(int, []*remit.ClaimPayment) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "changed while it was being posted") {
		t.Fatalf("got %v, want the change found", err)
	}
	if _, err := remit.ReadFileStream(bytes.NewReader([]byte("ISA*garbage~"))); rcm.ErrorCode(err) != rcm.EINVALID {
		t.Fatalf("garbage: got %v, want EINVALID", err)
	}
}
