package x12

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func ack(t *testing.T, in string) (string, *Result) {
	t.Helper()
	res := Validate(strings.NewReader(in))
	var b bytes.Buffer
	ok, err := Acknowledge(&b, res, AckOptions{Now: testTime, Seq: &Counter{N: 100}, Newline: true})
	if err != nil {
		t.Fatal(err)
	}
	if !ok && b.Len() > 0 {
		t.Fatal("Acknowledge wrote output but returned false")
	}
	return b.String(), res
}

func TestAcknowledge(t *testing.T) {
	base := small837()
	tests := []struct {
		name string
		in   string
		// want are substrings the acknowledgement must hold.
		want []string
	}{
		{"accepted", base, []string{"AK2*837*0001*005010X222A1~\nIK5*A~", "AK9*A*1*1*1~"}},
		{"element error", strings.Replace(base, "DTP*472*D8*20231003", "DTP*472*D8*20231303", 1),
			[]string{"IK3*DTP*23*2400*8~\nCTX*CLM01:PAT00000000~\nIK4*3**8*20231303~", "IK5*R*5~", "AK9*R*1*1*0~"}},
		{"missing segment", strings.Replace(base, "N3*234 SEAWAY ST~\n", "", 1),
			[]string{"IK3*N3*9*2010*3~", "IK5*R*4*5~"}},
		{"count mismatch", strings.Replace(base, "SE*54*0001", "SE*50*0001", 1),
			[]string{"IK5*R*4~", "AK9*R*1*1*0~"}},
		{"group count mismatch", strings.Replace(base, "GE*1*1", "GE*3*1", 1),
			[]string{"IK5*A~", "AK9*R*3*1*1*5~"}},
		{"interchange control mismatch", strings.Replace(base, "IEA*1*000000001", "IEA*1*000000007", 1),
			[]string{"TA1*000000001*240101*1200*E*001~", "AK9*A*1*1*1~"}},
		{"truncated", base[:len(base)-60], []string{"TA1*000000001*240101*1200*R*023~\nIEA*0*000000101~"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := ack(t, tt.in)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("acknowledgement lacks %q:\n%s", w, got)
				}
			}
			if res := Validate(strings.NewReader(got)); !res.Valid() {
				t.Errorf("acknowledgement does not validate against 005010X231A1: %v\n%s", res.Findings, got)
			}
		})
	}
}

// TestAcknowledgePartial checks AK9 P when some transactions fail.
func TestAcknowledgePartial(t *testing.T) {
	in := string(synth837(4, 2, true))
	in = strings.Replace(in, "N4*MIAMI*FL*33413", "N4*MIAMI*FLA*33413", 1)
	got, _ := ack(t, in)
	for _, w := range []string{"IK5*R*5~", "IK5*A~", "AK9*P*2*2*1~", "IK4*2**5*FLA~"} {
		if !strings.Contains(got, w) {
			t.Errorf("acknowledgement lacks %q:\n%s", w, got)
		}
	}
}

func TestAcknowledgeNoISA(t *testing.T) {
	got, res := ack(t, "GS*HC*A*B~")
	if got != "" || res.Err == nil {
		t.Errorf("want no acknowledgement and a fatal error, got %q, %v", got, res.Err)
	}
}

// TestAcknowledgeSamples writes the 999 for the imsweb files with
// deliberate errors and compares them with reviewed golden files; each
// must validate clean against the 999 guide.
func TestAcknowledgeSamples(t *testing.T) {
	dir := filepath.Join(needSamples(t), "imsweb-x12-parser", "837_5010")
	for _, name := range []string{"x12_segment_errors", "x12_bad_valid_code", "x12_missing_elements", "x12_loop_errors1_exceeds_max_1_parent", "x12_bad_first_line"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := ack(t, string(b))
			if res := Validate(strings.NewReader(got)); !res.Valid() {
				t.Errorf("999 does not validate: %v", res.Findings)
			}
			golden(t, name+".999", []byte(got))
		})
	}
}
