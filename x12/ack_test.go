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

// TestAcknowledgeSituational writes the 999 for an 837P that breaks
// situational rules whose triggers are other segments: the replacement
// claim's missing REF*F8 (segment context after IK3, trigger CLM05-3),
// SBR02 missing for the subscriber who is the patient (element context
// after IK4, trigger 2000B HL04) and a diagnosis pointer past the HI
// (trigger HI). Loop ids are cut to the four characters IK303 and CTX04
// hold. The 999 must validate clean against 005010X231A1.
func TestAcknowledgeSituational(t *testing.T) {
	in := edit(t, sitBase(),
		"CLM*PAT00000000*100***11:B:1", "CLM*PAT00000000*100***11:B:7",
		"SBR*P*18*", "SBR*P**",
		"SV1*HC:99213*40*UN*1***1", "SV1*HC:99213*40*UN*1***1:3")
	v := Validator{Situational: true}
	res := v.Validate(strings.NewReader(in))
	var b bytes.Buffer
	if _, err := Acknowledge(&b, res, AckOptions{Now: testTime, Seq: &Counter{N: 100}, Newline: true}); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, w := range []string{
		"IK3*REF*33*2300*I6~\nCTX*CLM01:PAT00000000~\nCTX*SITUATIONAL TRIGGER*CLM*19*2300*5:3~",
		"IK3*SBR*13*2000*8~\nIK4*2**I9~\nCTX*SITUATIONAL TRIGGER*HL*12*2000*4~",
		"IK4*7:2**I12*3~\nCTX*SITUATIONAL TRIGGER*HI*20*2300~",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("999 lacks %q:\n%s", w, got)
		}
	}
	if res := Validate(strings.NewReader(got)); !res.Valid() {
		t.Errorf("999 does not validate against 005010X231A1: %v\n%s", res.Findings, got)
	}
	// The guide gives both 2100 CTX segments one position: the other
	// order is valid too.
	swapped := strings.Replace(got, "CTX*CLM01:PAT00000000~\nCTX*SITUATIONAL TRIGGER*CLM*19*2300*5:3~", "CTX*SITUATIONAL TRIGGER*CLM*19*2300*5:3~\nCTX*CLM01:PAT00000000~", 1)
	if swapped == got {
		t.Fatal("no segment context to swap")
	}
	if res := Validate(strings.NewReader(swapped)); !res.Valid() {
		t.Errorf("999 with the segment context first does not validate: %v", res.Findings)
	}
	golden(t, "situational.999", b.Bytes())
}
