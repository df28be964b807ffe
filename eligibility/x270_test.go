package eligibility_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/eligibility/eligibilitytest"
	"github.com/openrcm/openrcm/x12"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

var when = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func inquiry(reqs ...*eligibility.Request) *eligibility.Inquiry {
	return &eligibility.Inquiry{
		Partner:   eligibility.Partner{SenderID: "LAKESIDE01", ReceiverID: "SANDBOXCH"},
		Reference: "000000001", Originator: "9000000001", Time: when, Requests: reqs,
	}
}

func selfRequest(trace string) *eligibility.Request {
	return &eligibility.Request{Trace: trace, Payer: eligibilitytest.Payer(), Practice: eligibilitytest.Practice(),
		Patient: eligibilitytest.Patient(), Coverage: eligibilitytest.SelfCoverage(), DateOfService: rcm.MustParseDate("2026-01-05")}
}

func childRequest(trace string) *eligibility.Request {
	return &eligibility.Request{Trace: trace, Payer: eligibilitytest.Payer(), Practice: eligibilitytest.Practice(),
		Patient: eligibilitytest.Child(), Coverage: eligibilitytest.ChildCoverage(), DateOfService: rcm.MustParseDate("2026-01-05"),
		ServiceTypes: []string{"30", "98"}}
}

func build(t *testing.T, in *eligibility.Inquiry) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := eligibility.Build270(&buf, in, &x12.Counter{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// requireValid fails unless data validates clean against its guide.
func requireValid(t *testing.T, data []byte) {
	t.Helper()
	res := x12.Validate(bytes.NewReader(data))
	if !res.Valid() {
		t.Fatalf("not valid: err=%v findings=%v\n%s", res.Err, res.Findings, data)
	}
	if got := res.Interchanges[0].Groups[0].Transactions[0].Version; got != eligibility.Version {
		t.Fatalf("version %q", got)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestBuild270(t *testing.T) {
	tests := []struct {
		name   string
		in     *eligibility.Inquiry
		golden string
		want   []string // segments that must appear, in order
	}{
		{"self-insured subscriber", inquiry(selfRequest("0000000001")), "self.270", []string{
			"HL*1**20*1~", "NM1*PR*2*ACME HEALTH PLAN*****PI*ACME1~", "HL*2*1*21*1~",
			"NM1*1P*2*LAKESIDE FAMILY MEDICINE*****XX*1234567893~", "HL*3*2*22*0~", "TRN*1*0000000001*9000000001~",
			"NM1*IL*1*TESTPERSON*ADA****MI*XYZ123456~", "DMG*D8*19800203*F~", "DTP*291*D8*20260105~", "EQ*30~",
		}},
		{"dependent", inquiry(childRequest("0000000002")), "dependent.270", []string{
			"HL*3*2*22*1~", "NM1*IL*1*TESTPERSON*ADA****MI*XYZ123456~", "DMG*D8*19800203*F~",
			"HL*4*3*23*0~", "TRN*1*0000000002*9000000001~", "NM1*03*1*TESTPERSON*BEN~", "DMG*D8*20150607*M~",
			"DTP*291*D8*20260105~", "EQ*30~", "EQ*98~",
		}},
		{"two patients, one payer and practice", inquiry(selfRequest("0000000003"), childRequest("0000000004")), "batch.270", []string{
			"HL*1**20*1~", "HL*2*1*21*1~", "HL*3*2*22*0~", "TRN*1*0000000003*", "HL*4*2*22*1~", "HL*5*4*23*0~", "TRN*1*0000000004*",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := build(t, tt.in)
			requireValid(t, out)
			rest := string(out)
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("missing %q in order:\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			golden(t, tt.golden, out)
		})
	}
}

func TestBuild270TwoPayers(t *testing.T) {
	other := selfRequest("T2")
	other.Payer = &rcm.Payer{Name: "Other Health", PayerID: "OTH01", FilingIndicator: "CI"}
	out := build(t, inquiry(selfRequest("T1"), other))
	requireValid(t, out)
	for _, w := range []string{"HL*1**20*1~", "PI*ACME1~", "HL*4**20*1~", "PI*OTH01~", "HL*5*4*21*1~", "HL*6*5*22*0~"} {
		if !bytes.Contains(out, []byte(w)) {
			t.Errorf("missing %q:\n%s", w, out)
		}
	}
}

func TestBuild270Errors(t *testing.T) {
	tests := []struct {
		name string
		edit func(in *eligibility.Inquiry)
		want string
	}{
		{"no requests", func(in *eligibility.Inquiry) { in.Requests = nil }, "at least one"},
		{"duplicate trace", func(in *eligibility.Inquiry) { in.Requests = append(in.Requests, selfRequest("0000000001")) }, "used twice"},
		{"empty trace", func(in *eligibility.Inquiry) { in.Requests[0].Trace = "" }, "trace number"},
		{"delimiter in trace", func(in *eligibility.Inquiry) { in.Requests[0].Trace = "A*B" }, "trace number"},
		{"bad originator", func(in *eligibility.Inquiry) { in.Originator = "123" }, "originator"},
		{"bad NPI", func(in *eligibility.Inquiry) { in.Requests[0].Practice.NPI = "1234567890" }, "NPI"},
		{"unknown service type", func(in *eligibility.Inquiry) { in.Requests[0].ServiceTypes = []string{"ZZ"} }, "service type"},
		{"dependent without subscriber", func(in *eligibility.Inquiry) { in.Requests[0].Coverage.Relationship = "19" }, "subscriber"},
		{"no member ID", func(in *eligibility.Inquiry) { in.Requests[0].Coverage.MemberID = "" }, "member ID"},
		{"delimiter in name", func(in *eligibility.Inquiry) { in.Requests[0].Patient.LastName = "O*BRIEN" }, "delimiter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := inquiry(selfRequest("0000000001"))
			tt.edit(in)
			var buf bytes.Buffer
			err := eligibility.Build270(&buf, in, &x12.Counter{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}
