package payer

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/x12"
)

// inq is a test 270 inquiry; dep adds a dependent level.
type inq struct {
	payer, id, last, first, birth, date string
	types                               []string
	dep                                 *inq
}

// mk270 writes a valid 270 (005010X279A1) with one inquiry.
func mk270(t *testing.T, q inq) []byte {
	t.Helper()
	var b bytes.Buffer
	w := x12.NewWriter(&b, x12.DefaultDelimiters, true, &x12.Counter{N: 200})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	must(w.StartInterchange(x12.InterchangeHeader{SenderQual: "ZZ", Sender: "PROVSUB", ReceiverQual: "ZZ", Receiver: "SANDBOX", Time: now}))
	must(w.StartGroup(x12.GroupHeader{FunctionalID: "HS", Sender: "PROVSUB", Receiver: "SANDBOX", Time: now, Version: "005010X279A1"}))
	_, err := w.StartTransaction("270", "005010X279A1")
	must(err)
	s := func(id string, els ...string) { t.Helper(); must(w.Segment(id, els...)) }
	s("BHT", "0022", "13", "INQ1", "20260302", "0800")
	s("HL", "1", "", "20", "1")
	s("NM1", "PR", "2", "PAYER", "", "", "", "", "PI", orDefault(q.payer, "PAYA"))
	s("HL", "2", "1", "21", "1")
	s("NM1", "1P", "2", "TEST CLINIC", "", "", "", "", "XX", billingNPI)
	child := "0"
	if q.dep != nil {
		child = "1"
	}
	s("HL", "3", "2", "22", child)
	s("TRN", "1", "TRACE1", "9123456789")
	person := func(entity string, p inq, withID bool) {
		if withID && p.id != "" {
			s("NM1", entity, "1", p.last, p.first, "", "", "", "MI", p.id)
		} else {
			s("NM1", entity, "1", p.last, p.first)
		}
		if p.birth != "" {
			s("DMG", "D8", p.birth)
		}
		if p.date != "" {
			s("DTP", "291", "D8", p.date)
		}
		for _, st := range p.types {
			s("EQ", st)
		}
	}
	if q.dep != nil {
		person("IL", inq{id: q.id, last: q.last, first: q.first}, true)
		s("HL", "4", "3", "23", "0")
		person("03", *q.dep, false)
	} else {
		person("IL", q, true)
	}
	must(w.EndTransaction())
	must(w.EndGroup())
	must(w.EndInterchange())
	return b.Bytes()
}

// benefitLines returns the 271's NM1, AAA, DTP and EB segments, the part
// a reader of the answer acts on.
func benefitLines(data []byte) []string {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSuffix(strings.TrimSpace(l), "~")
		for _, p := range []string{"NM1*IL", "NM1*03", "AAA", "DTP", "EB", "DMG"} {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
			}
		}
	}
	return out
}

func TestEligibility(t *testing.T) {
	tests := []struct {
		name string
		q    inq
		// prior claims adjudicated before the inquiry move the accumulators.
		prior []tc
		want  []string
	}{
		{"active with deductible, coinsurance, OOP remaining and copay",
			inq{id: "A100", last: "DOE", first: "JANE", birth: "19800102", date: "20260301", types: []string{"30"}},
			[]tc{{lines: []tl{{code: "11042", charge: "200"}}}}, // 100 deductible and 4 coinsurance
			[]string{"NM1*IL*1*DOE*JANE****MI*A100", "DMG*D8*19800102*F", "DTP*346*D8*20250101",
				"EB*1*IND*30**PAYER A PPO", "EB*C*IND*30***23*100", "EB*C*IND*30***29*0", "EB*A*IND*30***27**0.2",
				"EB*G*IND*30***23*150", "EB*G*IND*30***29*46", "EB*B*IND*98***27*20"}},
		{"office visit service type gets its copay",
			inq{id: "A100", last: "DOE", first: "JANE", types: []string{"98"}},
			nil,
			[]string{"NM1*IL*1*DOE*JANE****MI*A100", "DMG*D8*19800102*F", "DTP*346*D8*20250101",
				"EB*1*IND*98**PAYER A PPO", "EB*B*IND*98***27*20"}},
		{"coverage ended on the date asked", inq{id: "A200", last: "ROE", date: "20260302"}, nil,
			[]string{"NM1*IL*1*ROE*RICH****MI*A200", "DMG*D8*19700506*M", "DTP*346*D8*20260201", "DTP*347*D8*20260228", "EB*6*IND*30**PAYER A PPO"}},
		{"unknown member AAA 75", inq{id: "NOPE", last: "DOE"}, nil,
			[]string{"NM1*IL*1*DOE*****MI*NOPE", "AAA*Y**75*C"}},
		{"missing member ID AAA 72", inq{last: "DOE", first: "JANE"}, nil,
			[]string{"NM1*IL*1*DOE*JANE", "AAA*Y**72*C"}},
		{"birth date does not match AAA 71", inq{id: "A100", last: "DOE", birth: "19800103"}, nil,
			[]string{"NM1*IL*1*DOE*****MI*A100", "AAA*Y**71*C"}},
		{"name does not match AAA 73", inq{id: "A100", last: "SMITH", birth: "19800102"}, nil,
			[]string{"NM1*IL*1*SMITH*****MI*A100", "AAA*Y**73*C"}},
		{"dependent found by subscriber ID, name and birth date",
			inq{id: "A400", last: "LOE", first: "LEE", dep: &inq{last: "LOE", first: "KIM", birth: "20150101", types: []string{"98"}}}, nil,
			[]string{"NM1*IL*1*LOE*LEE****MI*A400", "DMG*D8*19900101*M", "DTP*346*D8*20250101", "EB*1*IND*30**PAYER A PPO",
				"NM1*03*1*LOE*KIM", "DMG*D8*20150101*F", "DTP*346*D8*20250101", "EB*1*IND*98**PAYER A PPO", "EB*A*IND*98***27**0.1"}},
		{"dependent without birth date AAA 58",
			inq{id: "A400", last: "LOE", first: "LEE", dep: &inq{last: "LOE", first: "KIM"}}, nil,
			[]string{"NM1*IL*1*LOE*LEE****MI*A400", "DMG*D8*19900101*M", "DTP*346*D8*20250101", "EB*1*IND*30**PAYER A PPO",
				"NM1*03*1*LOE*KIM", "AAA*Y**58*C"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(testConfig())
			for _, c := range tt.prior {
				runFiles(t, e, mk837(t, c))
			}
			files, err := e.Process("q.270", mk270(t, tt.q))
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != 1 || files[0].Name != "q.270.271" {
				t.Fatalf("files = %v, want only the 271", names(files))
			}
			checkValid(t, files[0])
			if diff := cmp.Diff(tt.want, benefitLines(files[0].Data)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEligibilityUnknownPayer(t *testing.T) {
	e := newEngine(testConfig())
	files, err := e.Process("q.270", mk270(t, inq{payer: "ZZZ", id: "A100", last: "DOE"}))
	if err != nil {
		t.Fatal(err)
	}
	checkValid(t, files[0])
	if !bytes.Contains(files[0].Data, []byte("AAA*Y**79*C~")) || bytes.Contains(files[0].Data, []byte("HL*2")) {
		t.Errorf("271 for an unknown payer should stop at 2000A with AAA 79:\n%s", files[0].Data)
	}
}

// TestEligibilitySharedSamples answers the shared 270 samples; their
// payers are unknown to the sandbox, so every answer is a valid 271 that
// rejects at the source level.
func TestEligibilitySharedSamples(t *testing.T) {
	dir := shareddata.Path(t, "x12-samples/stupidedi-005010/X279A1_HS270")
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	if len(paths) == 0 {
		t.Skip("no 270 samples")
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		e := newEngine(testConfig())
		files, err := e.Process(filepath.Base(p), data)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, f := range files {
			checkValid(t, f)
		}
	}
}

func names(files []File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}
