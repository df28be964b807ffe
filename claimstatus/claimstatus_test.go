package claimstatus

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/x12"
)

func request(trace, cn string) *Request {
	return &Request{Trace: trace,
		Payer:    &rcm.Payer{Name: "Prairie PPO", PayerID: "SBPPO"},
		Practice: &rcm.Practice{Name: "Lakeside Family Medicine", NPI: "1234567893"},
		Patient:  &rcm.Patient{FirstName: "Avery", LastName: "Ashgrove", BirthDate: rcm.MustParseDate("1970-04-05"), Sex: rcm.SexFemale},
		Coverage: &rcm.Coverage{MemberID: "PPO123", Relationship: "18"},
		Claim: &rcm.Claim{ControlNumber: cn, PayerClaimNumber: "SB-77", DateOfService: rcm.MustParseDate("2026-02-20"),
			Lines: []rcm.ClaimLine{{ServiceLine: rcm.ServiceLine{Code: "99213", Charge: 11000}},
				{ServiceLine: rcm.ServiceLine{Code: "36415", Charge: 1200, DateOfService: rcm.MustParseDate("2026-02-21")}}}}}
}

func build(t *testing.T, reqs ...*Request) ([]byte, error) {
	t.Helper()
	var b bytes.Buffer
	in := &Inquiry{Partner: eligibility.Partner{SenderID: "LAKESIDE01", ReceiverID: "SANDBOXCH"}, Reference: "000000022",
		Time: time.Date(2026, 3, 2, 8, 12, 0, 0, time.UTC), Requests: reqs}
	err := Build276(&b, in, &x12.Counter{N: 21})
	return b.Bytes(), err
}

// TestBuild276: a subscriber and a dependent claim in one file, both
// valid 005010X212 with the claim's facts where the guide puts them.
func TestBuild276(t *testing.T) {
	dep := request("T2", "LFM2-1")
	dep.Coverage = &rcm.Coverage{MemberID: "PPO123", Relationship: "19", Subscriber: &rcm.Subscriber{FirstName: "Sam", LastName: "Ashgrove"}}
	dep.Patient = &rcm.Patient{FirstName: "Kim", LastName: "Ashgrove", BirthDate: rcm.MustParseDate("2015-01-01")}
	data, err := build(t, request("T1", "LFM1-1"), dep)
	if err != nil {
		t.Fatal(err)
	}
	if res := x12.Validate(bytes.NewReader(data)); !res.Valid() {
		t.Fatalf("276 does not validate: %v %v\n%s", res.Err, res.Findings, data)
	}
	for _, want := range []string{"GS*HR*LAKESIDE01*SANDBOXCH", "BHT*0010*13*000000022*20260302*0812~", "NM1*PR*2*PRAIRIE PPO*****PI*SBPPO~",
		"NM1*1P*2*LAKESIDE FAMILY MEDICINE*****XX*1234567893~", "DMG*D8*19700405*F~\nNM1*IL*1*ASHGROVE*AVERY****MI*PPO123~\nTRN*1*T1~\nREF*1K*SB-77~\nREF*EJ*LFM1-1~\nAMT*T3*122~\nDTP*472*RD8*20260220-20260221~",
		"HL*6*5*23~\nDMG*D8*20150101~\nNM1*QC*1*ASHGROVE*KIM~\nTRN*1*T2~"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("276 lacks %q:\n%s", want, data)
		}
	}
}

// TestBuild276Refuses: what the 276 cannot go out without is refused
// with a message naming it, and nothing is written.
func TestBuild276Refuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(r *Request)
		want string
	}{
		{"no trace", func(r *Request) { r.Trace = "" }, "trace number"},
		{"bad NPI", func(r *Request) { r.Practice.NPI = "1234567890" }, "NPI"},
		{"no member ID", func(r *Request) { r.Coverage.MemberID = "" }, "member ID"},
		{"no claim number", func(r *Request) { r.Claim.ControlNumber = "" }, "patient control number"},
		{"dependent without subscriber", func(r *Request) { r.Coverage.Relationship = "19" }, "names no subscriber"},
		{"no date of service", func(r *Request) { r.Claim.DateOfService = rcm.Date{}; r.Claim.Lines = r.Claim.Lines[:1] }, "no date of service"},
	} {
		r := request("T1", "C1")
		tc.edit(r)
		data, err := build(t, r)
		if rcm.ErrorCode(err) != rcm.EINVALID || !strings.Contains(err.Error(), tc.want) || len(data) != 0 {
			t.Errorf("%s: %v (%d bytes written), want %q", tc.name, err, len(data), tc.want)
		}
	}
	if _, err := build(t, request("T1", "C1"), request("T1", "C2")); err == nil || !strings.Contains(err.Error(), "used twice") {
		t.Errorf("two requests with one trace: %v", err)
	}
}

// TestRead277 reads the sandbox's answers kept in testdata: pending, paid
// with check, denied and not found, with their words.
func TestRead277(t *testing.T) {
	data, err := os.ReadFile("testdata/answers.277")
	if err != nil {
		t.Fatal(err)
	}
	if res := x12.Validate(bytes.NewReader(data)); !res.Valid() {
		t.Fatalf("testdata does not validate: %v", res.Findings)
	}
	as, err := Read277(bytes.NewReader(data))
	if err != nil || len(as) != 3 {
		t.Fatalf("Read277 = %d answers, %v", len(as), err)
	}
	codes := Starter()
	want := []struct {
		trace, cn, pcn string
		outcome        Outcome
		words          string
		paid           rcm.Money
		check          string
	}{
		{"T1", "PAID1", "PAYA2603034300001", OutcomePaid, "Finalized: paid (F1:65 claim or line paid)", 6000, "0335500001"},
		{"T2", "DENY1", "PAYA2603034300002", OutcomeDenied, "Finalized: denied (F2:1 see the remittance advice for details)", 0, "0335500001"},
		{"T3", "LOST1", "", OutcomeNotFound, "Not found: the payer cannot find the claim (A4:35 claim not found)", 0, ""},
	}
	for i, w := range want {
		a := as[i]
		if a.Trace != w.trace || a.ControlNumber != w.cn || a.PayerClaim != w.pcn || a.Outcome() != w.outcome || codes.Words(a.Statuses[0]) != w.words ||
			a.Statuses[0].Paid != w.paid || a.Statuses[0].CheckNumber != w.check || a.PayerID != "PAYA" || a.Reference != "REF1" {
			t.Errorf("answer %d: %+v, words %q", i, a, codes.Words(a.Statuses[0]))
		}
	}
	if as[0].Statuses[0].CheckDate != rcm.MustParseDate("2026-03-03") || as[0].ServiceFrom != rcm.MustParseDate("2026-02-20") {
		t.Errorf("dates: %+v", as[0])
	}
}

// TestRead277Refuses: what cannot be read is refused naming where.
func TestRead277Refuses(t *testing.T) {
	data, err := os.ReadFile("testdata/answers.277")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"bad check date", "*20260303*0335500001~\nREF*1K*PAYA2603034300001", "*2026033*0335500001~\nREF*1K*PAYA2603034300001", "segment 12 (STC) element STC08"},
		{"bad amount", "STC*F1:65*20260303**90*60", "STC*F1:65*20260303**90*6X", "element STC05"},
		{"no status code", "STC*F1:65*", "STC*F1*", "element STC01"},
		{"a 277CA", "005010X212", "005010X214", "not an X12 277 claim status response"},
	} {
		bad := strings.ReplaceAll(string(data), tc.from, tc.to)
		if bad == string(data) {
			t.Fatalf("%s: the edit did not apply", tc.name)
		}
		_, err := Read277(strings.NewReader(bad))
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestStarterCodes: every starter meaning is for a code of the published
// lists (claim status category codes, source 507; claim status codes,
// 508) that is still in use.
func TestStarterCodes(t *testing.T) {
	for _, tc := range []struct {
		file    string
		starter map[string]string
	}{
		{"x12codes/claim_status_category_codes_hippo.csv", starterCategories},
		{"x12codes/claim_status_codes_hippo.csv", starterStatuses},
	} {
		f, err := os.Open(shareddata.Path(t, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		list, err := ParseCodes(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(list) < 20 {
			t.Errorf("%s: only %d codes in use", tc.file, len(list))
		}
		for code := range tc.starter {
			if _, ok := list[code]; !ok {
				t.Errorf("starter code %s is not in use in %s", code, tc.file)
			}
		}
	}
	if _, err := ParseCodes(strings.NewReader("code,description\nA1,ok\n,missing\n")); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("a row without a code: %v", err)
	}
}

func FuzzRead277(f *testing.F) {
	if data, err := os.ReadFile("testdata/answers.277"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("ISA*00*          *00*          *ZZ*A              *ZZ*B              *260302*1000*^*00501*000000001*0*T*:~GS*HN*A*B*20260302*1000*1*X*005010X212~ST*277*1*005010X212~HL*1**22*0~TRN*2*X~STC*A4~SE*4*1~GE*1*1~IEA*1*000000001~"))
	f.Fuzz(func(t *testing.T, data []byte) {
		as, err := Read277(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, a := range as {
			if a.Trace == "" || len(a.Statuses) == 0 {
				t.Fatalf("answer without trace or status: %+v", a)
			}
			for _, s := range a.Statuses {
				if s.Category == "" || s.Code == "" {
					t.Fatalf("status without category or code: %+v", s)
				}
				_ = OutcomeOf(s)
			}
		}
	})
}
