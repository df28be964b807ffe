package x12_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm/x12"
)

func TestWriteSingle(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 0, 0, time.UTC)
	env := x12.Single{
		Interchange: x12.InterchangeHeader{SenderQual: "ZZ", Sender: "S", ReceiverQual: "ZZ", Receiver: "R", Time: at},
		Group:       x12.GroupHeader{FunctionalID: "HR", Sender: "S", Receiver: "R", Time: at, Version: "005010X212"},
		SetID:       "276",
	}
	var b bytes.Buffer
	err := x12.NewWriter(&b, x12.DefaultDelimiters, false, &x12.Counter{}).WriteSingle(env, func(s *x12.SegmentRun) {
		s.Put("BHT", "0010", "13", "REF1", "20260304", "0506")
	})
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"GS*HR*S*R*20260304*0506*2*X*005010X212~ST*276*0003*005010X212~BHT*0010*13*REF1*20260304*0506~SE*3*0003~GE*1*2~IEA*1*000000001~"} {
		if !strings.Contains(out, want) {
			t.Errorf("file lacks %q:\n%s", want, out)
		}
	}

	// The first error stops the run: later segments are not written and
	// the envelope is not closed.
	b.Reset()
	err = x12.NewWriter(&b, x12.DefaultDelimiters, false, &x12.Counter{}).WriteSingle(env, func(s *x12.SegmentRun) {
		s.Put("NM1", "bad*value")
		s.Put("REF", "EJ", "1")
	})
	if err == nil {
		t.Fatalf("a delimiter inside an element: err = %v, want an error", err)
	}
	if strings.Contains(b.String(), "REF") || strings.Contains(b.String(), "IEA") {
		t.Errorf("segments written after the error:\n%s", b.String())
	}
}

func TestNameElementAndPlainText(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{" Ada Lovelace ", 60, "ADA LOVELACE"},
		{"Abcdef ghi", 7, "ABCDEF"},
		{"", 5, ""},
	} {
		if got := x12.NameElement(c.in, c.max); got != c.want {
			t.Errorf("NameElement(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
	for s, want := range map[string]bool{"CLM-1 A": true, "": true, "A*B": false, "A~": false, "A:B": false, "A^B": false, "tab\t": false, "é": false} {
		if got := x12.PlainText(s); got != want {
			t.Errorf("PlainText(%q) = %v, want %v", s, got, want)
		}
	}
}
