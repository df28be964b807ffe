package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm/x12"
)

// write837 writes a valid two-claim 837P with the x12 Writer into dir.
func write837(t *testing.T, dir, name string, edit func(string) string) string {
	t.Helper()
	var b bytes.Buffer
	w := x12.NewWriter(&b, x12.DefaultDelimiters, false, &x12.Counter{})
	now := time.Date(2024, 1, 2, 3, 4, 0, 0, time.UTC)
	steps := []func() error{
		func() error {
			return w.StartInterchange(x12.InterchangeHeader{SenderQual: "ZZ", Sender: "SUBMITTER", ReceiverQual: "ZZ", Receiver: "PAYER", Time: now})
		},
		func() error {
			return w.StartGroup(x12.GroupHeader{FunctionalID: "HC", Sender: "SUBMITTER", Receiver: "PAYER", Time: now, Version: "005010X222A1"})
		},
		func() error { _, err := w.StartTransaction("837", "005010X222A1"); return err },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
	segs := []string{
		"BHT*0019*00*1*20240102*0304*CH", "NM1*41*2*BILLING CO*****46*B1", "PER*IC*ANN*TE*5555551212",
		"NM1*40*2*PAYER*****46*P1", "HL*1**20*1", "NM1*85*2*CLINIC*****XX*1234567893", "N3*1 MAIN ST",
		"N4*TOWN*FL*331110001", "REF*EI*123456789", "HL*2*1*22*0", "SBR*P*18*******CI",
		"NM1*IL*1*DOE*JANE****MI*M123", "N3*2 ELM ST", "N4*TOWN*FL*33111", "DMG*D8*19800101*F", "NM1*PR*2*PAYER*****PI*P1", "CLM*C1*50***11:B:1*Y*A*Y*I",
		"HI*ABK:J020", "LX*1", "SV1*HC:99213*50*UN*1***1", "DTP*472*D8*20231201",
	}
	for _, s := range segs {
		f := strings.Split(s, "*")
		if err := w.Segment(f[0], f[1:]...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.EndTransaction(); err != nil {
		t.Fatal(err)
	}
	if err := w.EndGroup(); err != nil {
		t.Fatal(err)
	}
	if err := w.EndInterchange(); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	if edit != nil {
		text = edit(text)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func TestX12Validate(t *testing.T) {
	dir := t.TempDir()
	good := write837(t, dir, "good.x12", nil)
	bad := write837(t, dir, "bad.x12", func(s string) string { return strings.Replace(s, "NM1*85*2", "NM1*86*2", 1) })
	noAddr := write837(t, dir, "noaddr.x12", func(s string) string {
		s = strings.Replace(s, "N3*2 ELM ST~N4*TOWN*FL*33111~", "", 1)
		return strings.Replace(s, "SE*23*", "SE*21*", 1)
	})
	badNPI := write837(t, dir, "npi.x12", func(s string) string { return strings.Replace(s, "1234567893", "1234567890", 1) })
	badPOS := write837(t, dir, "pos.x12", func(s string) string { return strings.Replace(s, "*11:B:1*", "*XX:B:1*", 1) })
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"valid file", []string{"x12", "validate", good}, 0, "good.x12: valid"},
		{"invalid file", []string{"x12", "validate", good, bad}, 1, `NM101 "86" is not a code the guide allows here`},
		{"finding location", []string{"x12", "validate", bad}, 1, "segment 9 (#7 in transaction) NM101 in loop 2010AA"},
		{"NPI check digit on request", []string{"x12", "validate", "--npi", good}, 0, "good.x12: valid"},
		{"NPI not checked by default", []string{"x12", "validate", badNPI}, 0, "npi.x12: valid"},
		{"bad NPI check digit", []string{"x12", "validate", "--npi", badNPI}, 1, `NM109 "1234567890" is not a valid NPI`},
		{"situational rule", []string{"x12", "validate", noAddr}, 1, "N3 is required in loop 2010BA because the subscriber is the patient"},
		{"situational rules off", []string{"x12", "validate", "--situational=false", noAddr}, 0, "noaddr.x12: valid"},
		{"missing file", []string{"x12", "validate", filepath.Join(dir, "nope.x12")}, 1, "no such file"},
		{"no files", []string{"x12", "validate"}, 2, ""},
		{"no subcommand", []string{"x12"}, 2, ""},
		{"unknown subcommand", []string{"x12", "frobnicate"}, 2, ""},
		{"bad flag", []string{"x12", "validate", "--nope", good}, 2, ""},
		{"ack dir missing", []string{"x12", "validate", "--ack", filepath.Join(dir, "none"), good}, 2, ""},
		// Issue 17: flags after the file names, as the other commands take them.
		{"flag after the files", []string{"x12", "validate", good, badNPI, "--npi"}, 1, `NM109 "1234567890" is not a valid NPI`},
		{"flag between the files", []string{"x12", "validate", noAddr, "--situational=false", good}, 0, "noaddr.x12: valid"},
		{"json after the file", []string{"x12", "validate", good, "--json"}, 0, `"valid": true`},
		{"files after --", []string{"x12", "validate", "--", good}, 0, "good.x12: valid"},
		{"bad flag after the files", []string{"x12", "validate", good, "--nope"}, 2, ""},
		// Issue 17: place of service is checked against the CMS code set.
		{"place of service XX", []string{"x12", "validate", badPOS}, 1, `CLM05-1 "XX" is not a valid place of service code`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			if !strings.Contains(out, tt.out) {
				t.Errorf("stdout lacks %q:\n%s", tt.out, out)
			}
		})
	}
}

func TestX12ValidateJSONAndAck(t *testing.T) {
	dir := t.TempDir()
	acks := filepath.Join(dir, "acks")
	if err := os.Mkdir(acks, 0o755); err != nil {
		t.Fatal(err)
	}
	good := write837(t, dir, "good.x12", nil)
	bad := write837(t, dir, "bad.x12", func(s string) string { return strings.Replace(s, "DTP*472*D8*20231201", "DTP*472*D8*20231232", 1) })
	code, out, errOut := run("x12", "validate", "--json", "--ack", acks, good, bad)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errOut)
	}
	var reps []struct {
		File     string        `json:"file"`
		Valid    bool          `json:"valid"`
		Findings []x12.Finding `json:"findings"`
		Ack      string        `json:"ack"`
	}
	if err := json.Unmarshal([]byte(out), &reps); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	if len(reps) != 2 || !reps[0].Valid || reps[1].Valid {
		t.Fatalf("reports = %+v", reps)
	}
	f := reps[1].Findings[0]
	if f.Code != x12.ElemInvalidDate || f.SegmentID != "DTP" || f.Loop != "2400" || f.Element != 3 || f.BusinessUnit != "CLM01:C1" {
		t.Errorf("finding = %+v", f)
	}
	ack, err := os.ReadFile(filepath.Join(acks, "bad.999"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"IK3*DTP*22*2400*8~", "IK4*3**8*20231232~", "IK5*R*5~", "AK9*R*1*1*0~"} {
		if !strings.Contains(string(ack), w) {
			t.Errorf("999 lacks %q:\n%s", w, ack)
		}
	}
	// The acknowledgements the command writes validate clean.
	if code, out, _ := run("x12", "validate", filepath.Join(acks, "bad.999"), filepath.Join(acks, "good.999")); code != 0 {
		t.Errorf("written 999s do not validate:\n%s", out)
	}
}

func TestX12JSONAndFmt(t *testing.T) {
	dir := t.TempDir()
	good := write837(t, dir, "good.x12", nil)
	code, out, errOut := run("x12", "json", good)
	if code != 0 {
		t.Fatalf("json exit %d: %s", code, errOut)
	}
	var txs []struct {
		TransactionSet string `json:"transaction_set"`
		Guide          string `json:"guide"`
		Body           struct {
			Loops []struct {
				Loop  string            `json:"loop"`
				Loops []json.RawMessage `json:"loops"`
			} `json:"loops"`
		} `json:"body"`
	}
	if err := json.Unmarshal([]byte(out), &txs); err != nil {
		t.Fatalf("bad JSON: %v", err)
	}
	if len(txs) != 1 || txs[0].TransactionSet != "837" || txs[0].Guide == "" {
		t.Fatalf("transactions = %+v", txs)
	}
	var ids []string
	for _, l := range txs[0].Body.Loops {
		ids = append(ids, l.Loop)
	}
	if strings.Join(ids, ",") != "1000A,1000B,2000A" {
		t.Errorf("top loops = %v, want 1000A,1000B,2000A", ids)
	}

	code, out, errOut = run("x12", "fmt", good)
	if code != 0 {
		t.Fatalf("fmt exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 27 || !strings.HasPrefix(lines[0], "ISA*") || lines[26] != "IEA*1*000000001~" {
		t.Errorf("fmt gave %d lines:\n%s", len(lines), out)
	}
	if code, _, _ := run("x12", "fmt"); code != 2 {
		t.Errorf("fmt without a file: exit %d, want 2", code)
	}
}
