package eligibility_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/eligibility/eligibilitytest"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/x12"
)

// FuzzRead271: the reader never panics; it returns results or a
// *ParseError, never both; every result has a status, and its summary is a
// non-empty sentence.
func FuzzRead271(f *testing.F) {
	self := func() []byte {
		var b bytes.Buffer
		if err := eligibility.Build270(&b, inquiry(selfRequest("T1"), childRequest("T2")), &x12.Counter{}); err != nil {
			f.Fatal(err)
		}
		return b.Bytes()
	}()
	for _, rs := range []*eligibilitytest.Responder{
		{Answer: eligibilitytest.Benefits},
		{Answer: segs([]string{"AAA", "Y", "", "72", "C"})},
		{ReceiverReject: []string{"N", "", "43", "C"}},
	} {
		var b bytes.Buffer
		if err := rs.Respond(&b, self); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	if d := shareddata.Dir(); d != "" {
		for _, dir := range []string{"stupidedi-005010/X279A1_HB271/pass", "stupidedi-005010/X279_HB271/pass", "imsweb-x12-parser/x270_271"} {
			files, _ := filepath.Glob(filepath.Join(d, "x12-samples", dir, "*"))
			for _, p := range files {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(b)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		res, err := eligibility.Read271(bytes.NewReader(in))
		if err != nil {
			var pe *eligibility.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *ParseError", err, err)
			}
			if res != nil {
				t.Fatalf("results with an error")
			}
			return
		}
		for _, r := range res {
			switch r.Status {
			case eligibility.Active, eligibility.Inactive, eligibility.Rejected, eligibility.Unknown:
			default:
				t.Fatalf("status %q", r.Status)
			}
			if s := r.Summary(); s == "" || !strings.HasSuffix(s, ".") {
				t.Fatalf("summary %q", s)
			}
		}
	})
}
