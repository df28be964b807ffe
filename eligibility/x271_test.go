package eligibility_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/eligibility/eligibilitytest"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/x12"
)

// answer builds the 270 for in and the synthetic 271 a payer answers it
// with, checks that the 271 validates, and reads it back.
func answer(t *testing.T, in *eligibility.Inquiry, rs *eligibilitytest.Responder) []eligibility.Result {
	t.Helper()
	// The X12 writer refuses the repetition separator in data, so repeated
	// elements (EB03 1^33^35) go through it as composites and are turned
	// back into repetitions in the output.
	var repeated []string
	if ans := rs.Answer; ans != nil {
		rs.Answer = func(q eligibilitytest.Question) [][]string {
			var out [][]string
			for _, s := range ans(q) {
				s = append([]string(nil), s...)
				for i, e := range s {
					if strings.Contains(e, "^") {
						repeated = append(repeated, e)
						s[i] = strings.ReplaceAll(e, "^", ":")
					}
				}
				out = append(out, s)
			}
			return out
		}
	}
	var buf bytes.Buffer
	if err := rs.Respond(&buf, build(t, in)); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	for _, e := range repeated {
		out = bytes.ReplaceAll(out, []byte(strings.ReplaceAll(e, "^", ":")), []byte(e))
	}
	requireValid271(t, out)
	res, err := eligibility.Read271(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("Read271: %v\n%s", err, out)
	}
	return res
}

func requireValid271(t *testing.T, data []byte) {
	t.Helper()
	res := x12.Validate(bytes.NewReader(data))
	if !res.Valid() {
		t.Fatalf("synthetic 271 not valid: err=%v findings=%v\n%s", res.Err, res.Findings, data)
	}
}

func segs(ss ...[]string) func(eligibilitytest.Question) [][]string {
	return func(eligibilitytest.Question) [][]string { return ss }
}

func d(s string) rcm.Date { return rcm.MustParseDate(s) }

func TestRead271(t *testing.T) {
	m := rcm.MustParseMoney
	tests := []struct {
		name    string
		answer  [][]string
		status  eligibility.Status
		check   func(t *testing.T, r eligibility.Result)
		summary string
	}{
		{
			name:    "typical commercial plan",
			answer:  eligibilitytest.Benefits(eligibilitytest.Question{}),
			status:  eligibility.Active,
			summary: "Active. Plan GOLD PPO 01/01/2026 to 12/31/2026. Office visit copay $25.00 per visit. Deductible $1,500.00, $1,125.00 remaining. Coinsurance 20% after deductible. Out-of-pocket maximum $5,000.00, $4,000.00 remaining.",
			check: func(t *testing.T, r eligibility.Result) {
				want := eligibility.Benefit{Code: "B", CoverageLevel: "IND", ServiceTypes: []string{"98"}, InsuranceType: "PR", Period: "27", Amount: m("25"), HasAmount: true, Network: "Y"}
				if diff := cmp.Diff(want, r.Benefits[1], cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("copay mismatch (-want +got):\n%s", diff)
				}
				if r.Benefits[4].Percent != 2000 || !r.Benefits[4].HasPercent {
					t.Errorf("coinsurance = %d bp", r.Benefits[4].Percent)
				}
				if r.PlanBegin != d("2026-01-01") || r.PlanEnd != d("2026-12-31") || r.PlanName != "GOLD PPO" {
					t.Errorf("plan %v %v %q", r.PlanBegin, r.PlanEnd, r.PlanName)
				}
			},
		},
		{
			name:    "inactive",
			answer:  [][]string{{"DTP", "347", "D8", "20251231"}, {"EB", "6", "", "30"}},
			status:  eligibility.Inactive,
			summary: "Inactive. Coverage ended 12/31/2025.",
		},
		{
			name:    "inactive pending eligibility update",
			answer:  [][]string{{"EB", "7", "", "30"}},
			status:  eligibility.Inactive,
			summary: "Inactive.",
		},
		{
			name:    "active pending investigation with plan range in 2110C",
			answer:  [][]string{{"EB", "5", "IND", "30", "HM", "SILVER HMO"}, {"DTP", "291", "RD8", "20260101-20261231"}},
			status:  eligibility.Active,
			summary: "Active. Plan SILVER HMO 01/01/2026 to 12/31/2026.",
		},
		{
			name: "family deductible, year to date met, group",
			answer: [][]string{
				{"REF", "6P", "G100", "ACME EMPLOYEES"},
				{"EB", "1", "FAM", "30"},
				{"EB", "C", "FAM", "30", "", "", "23", "3000", "", "", "", "", "W"},
				{"EB", "C", "FAM", "30", "", "", "24", "500", "", "", "", "", "W"},
			},
			status:  eligibility.Active,
			summary: "Active. Family deductible $3,000.00, $2,500.00 remaining.",
			check: func(t *testing.T, r eligibility.Result) {
				if r.GroupNumber != "G100" || r.GroupName != "ACME EMPLOYEES" {
					t.Errorf("group %q %q", r.GroupNumber, r.GroupName)
				}
			},
		},
		{
			name: "in and out of network",
			answer: [][]string{
				{"EB", "1", "IND", "30"},
				{"EB", "C", "IND", "30", "", "", "23", "1000", "", "", "", "", "Y"},
				{"EB", "C", "IND", "30", "", "", "23", "3000", "", "", "", "", "N"},
				{"EB", "A", "IND", "30", "", "", "", "", ".1", "", "", "", "Y"},
				{"EB", "A", "IND", "30", "", "", "", "", "0.4", "", "", "", "N"},
			},
			status:  eligibility.Active,
			summary: "Active. Deductible $1,000.00. Coinsurance 10% after deductible.",
		},
		{
			name: "only out of network",
			answer: [][]string{
				{"EB", "1", "IND", "30"},
				{"EB", "B", "IND", "UC", "", "", "", "75", "", "", "", "", "N"},
			},
			status:  eligibility.Active,
			summary: "Active. Urgent care copay $75.00, out of network.",
		},
		{
			name: "copay for several services, zero coinsurance",
			answer: [][]string{
				{"EB", "1", "IND", "30"},
				{"EB", "B", "IND", "1^33^35^47^86", "", "", "", "10"},
				{"EB", "A", "IND", "98", "", "", "", "", "0"},
			},
			status:  eligibility.Active,
			summary: "Active. Copay $10.00 (medical care, chiropractic, dental care and 2 more). Office visit coinsurance none.",
		},
		{
			name: "out of pocket remaining only, limitations",
			answer: [][]string{
				{"EB", "1", "IND", "30"},
				{"EB", "G", "IND", "30", "", "", "29", "750.5"},
				{"EB", "F", "IND", "PT", "", "", "23", "", "", "VS", "20"},
				{"EB", "F", "IND", "PT", "", "", "29", "", "", "VS", "12"},
				{"EB", "F", "IND", "AL", "", "", "", ""},
				{"HSD", "VS", "1", "", "", "22"},
			},
			status:  eligibility.Active,
			summary: "Active. Out-of-pocket maximum: $750.50 remaining. Physical therapy limited to 20 visits per calendar year. Physical therapy: 12 visits remaining. Vision (optometry) limited to 1 visits per service year.",
		},
		{
			name: "non-covered, other payer, primary care provider",
			answer: [][]string{
				{"EB", "1", "IND", "30"},
				{"EB", "I", "", "AL"},
				{"EB", "R", "", "30", "MB"},
				{"LS", "2120"},
				{"NM1", "PRP", "2", "FEDERAL MEDICARE", "", "", "", "", "PI", "MCR01"},
				{"LE", "2120"},
				{"EB", "L"},
				{"MSG", "CALL PCP FOR REFERRALS"},
				{"LS", "2120"},
				{"NM1", "P3", "1", "JONES", "MARCUS", "", "", "", "XX", "1245319599"},
				{"LE", "2120"},
				{"EB", "B", "", "98", "", "", "", "20"},
			},
			status:  eligibility.Active,
			summary: "Active. Office visit copay $20.00. Not covered: vision (optometry). Another payer is on file (FEDERAL MEDICARE); check which one is primary.",
			check: func(t *testing.T, r eligibility.Result) {
				want := []eligibility.Entity{{Role: "P3", Name: "MARCUS JONES", ID: "1245319599"}}
				if diff := cmp.Diff(want, r.Benefits[3].Entities); diff != "" {
					t.Errorf("PCP mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]string{"CALL PCP FOR REFERRALS"}, r.Benefits[3].Messages); diff != "" {
					t.Errorf("MSG mismatch (-want +got):\n%s", diff)
				}
				if len(r.Benefits) != 5 || r.Benefits[4].Code != "B" || len(r.Benefits[4].Entities) != 0 {
					t.Errorf("the EB after LE is not a benefit of its own: %+v", r.Benefits)
				}
			},
		},
		{
			name:    "AAA 72 invalid member ID",
			answer:  [][]string{{"AAA", "Y", "", "72", "C"}},
			status:  eligibility.Rejected,
			summary: "Not verified: The payer does not recognize the member ID (reject reason 72). Check the member ID on the insurance card, correct the coverage and check again. Payer: Correct the information and check again.",
			check: func(t *testing.T, r eligibility.Result) {
				want := []eligibility.Rejection{{Loop: "2100C", Valid: true, Reason: "72", FollowUp: "C"}}
				if diff := cmp.Diff(want, r.Rejections); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
			},
		},
		{
			name:    "AAA 75 subscriber not found",
			answer:  [][]string{{"AAA", "Y", "", "75", "C"}},
			status:  eligibility.Rejected,
			summary: "Not verified: The payer cannot find the subscriber (reject reason 75). Check the subscriber's name, birth date and member ID against the card, or ask the patient for current insurance. Payer: Correct the information and check again.",
		},
		{
			name:    "AAA 71 birth date mismatch",
			answer:  [][]string{{"AAA", "Y", "", "71", "C"}},
			status:  eligibility.Rejected,
			summary: "Not verified: The patient's birth date does not match the payer's records (reject reason 71). Confirm the birth date with the patient (and the card), correct it and check again. Payer: Correct the information and check again.",
		},
		{
			name:    "AAA 42 unable to respond now",
			answer:  [][]string{{"AAA", "Y", "", "42", "R"}},
			status:  eligibility.Rejected,
			summary: "Not verified: The payer cannot answer right now (reject reason 42). Check again later. Payer: You may check again.",
		},
		{
			name:    "AAA in 2110C leaves the coverage active",
			answer:  [][]string{{"EB", "1", "IND", "30"}, {"EB", "1", "IND", "A6"}, {"AAA", "Y", "", "53", "N"}},
			status:  eligibility.Active,
			summary: "Active. One benefit was not answered: The benefit asked about does not fit the provider's type (reject reason 53). Ask about another service type. Payer: The payer will not accept this inquiry again.",
		},
		{
			name:    "no status",
			answer:  [][]string{{"EB", "D", "", "30"}},
			status:  eligibility.Unknown,
			summary: "No coverage status in the payer's answer; call the payer.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := answer(t, inquiry(selfRequest("0000000007")), &eligibilitytest.Responder{Answer: segs(tt.answer...)})
			if len(res) != 1 {
				t.Fatalf("%d results, want 1", len(res))
			}
			r := res[0]
			if r.Trace != "0000000007" || r.Originator != "9000000001" || r.Reference != "000000001" || r.MemberID != "XYZ123456" || r.PayerID != "ACME1" {
				t.Errorf("match fields: trace %q originator %q reference %q member %q payer %q", r.Trace, r.Originator, r.Reference, r.MemberID, r.PayerID)
			}
			if r.Status != tt.status {
				t.Errorf("status %q, want %q", r.Status, tt.status)
			}
			if got := r.Summary(); got != tt.summary {
				t.Errorf("summary mismatch (-want +got):\n%s", cmp.Diff(tt.summary, got))
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestRead271Dependent(t *testing.T) {
	res := answer(t, inquiry(selfRequest("T1"), childRequest("T2")), &eligibilitytest.Responder{Answer: func(q eligibilitytest.Question) [][]string {
		if q.Dependent {
			return [][]string{{"INS", "N", "19", "001", "25"}, {"EB", "1", "IND", "30", "", "GOLD PPO"}, {"EB", "B", "IND", "98", "", "", "", "15"}}
		}
		return [][]string{{"EB", "6", "IND", "30"}}
	}})
	if len(res) != 2 {
		t.Fatalf("%d results, want 2", len(res))
	}
	if res[0].Trace != "T1" || res[0].Status != eligibility.Inactive || res[0].Dependent {
		t.Errorf("subscriber result %+v", res[0])
	}
	if res[1].Trace != "T2" || res[1].Status != eligibility.Active || !res[1].Dependent || res[1].MemberID != "XYZ123456" {
		t.Errorf("dependent result %+v", res[1])
	}
	if got, want := res[1].Summary(), "Active. Plan GOLD PPO. Office visit copay $15.00."; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}

func TestRead271ReceiverRejected(t *testing.T) {
	res := answer(t, inquiry(selfRequest("T1"), childRequest("T2")), &eligibilitytest.Responder{ReceiverReject: []string{"Y", "", "43", "C"}})
	if len(res) != 1 || res[0].Trace != "" || res[0].Reference != "000000001" || res[0].Status != eligibility.Rejected {
		t.Fatalf("results %+v", res)
	}
	if want := []eligibility.Rejection{{Loop: "2100B", Valid: true, Reason: "43", FollowUp: "C"}}; !cmp.Equal(want, res[0].Rejections) {
		t.Errorf("rejections %+v", res[0].Rejections)
	}
	if !strings.HasPrefix(res[0].Summary(), "Not verified: The payer does not recognize the provider's identifier") {
		t.Errorf("summary %q", res[0].Summary())
	}
}

// TestRead271Samples reads the shared public sample 271s.
func TestRead271Samples(t *testing.T) {
	tests := []struct {
		path    string
		want    []eligibility.Status
		trace   string
		summary string
	}{
		{"x12-samples/stupidedi-005010/X279A1_HB271/pass/error-response-from-payer-to-clinic-not-eligible-for-inquiries-with-payer.edi",
			[]eligibility.Status{eligibility.Rejected}, "", "Not verified: The provider may not make eligibility inquiries with this payer (reject reason 50)."},
		{"x12-samples/stupidedi-005010/X279_HB271/pass/response-to-generic-request-by-clinic-for-patient-(subscriber)-eligibility.edi",
			[]eligibility.Status{eligibility.Active}, "93175-012547", "Active. Plan GOLD 123 PLAN since 01/01/2006. Copay $10.00 (medical care, chiropractic, dental care and 7 more) per visit."},
		{"x12-samples/stupidedi-005010/X279_HB271/pass/response-to-generic-request-by-physician-for-patient-(dependent)-eligibility.edi",
			[]eligibility.Status{eligibility.Active}, "93175-012547", "Active. Plan GOLD 123 PLAN since 01/01/2006. Copay $10.00"},
		{"x12-samples/imsweb-x12-parser/x270_271/x271.txt",
			[]eligibility.Status{eligibility.Active}, "93175-012547", "Active. Plan GOLD 123 PLAN since 01/01/2006."},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			f, err := os.Open(shareddata.Path(t, tt.path))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			res, err := eligibility.Read271(f)
			if err != nil {
				t.Fatal(err)
			}
			var got []eligibility.Status
			for _, r := range res {
				got = append(got, r.Status)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("statuses mismatch (-want +got):\n%s", diff)
			}
			if res[0].Trace != tt.trace || res[0].PayerID != "842610001" {
				t.Errorf("trace %q payer %q", res[0].Trace, res[0].PayerID)
			}
			if s := res[0].Summary(); !strings.HasPrefix(s, tt.summary) {
				t.Errorf("summary %q, want it to start %q", s, tt.summary)
			}
		})
	}
}

func TestRead271Errors(t *testing.T) {
	self := build(t, inquiry(selfRequest("T1")))
	good := func(ans ...[]string) string {
		var b bytes.Buffer
		if err := (&eligibilitytest.Responder{Answer: segs(ans...)}).Respond(&b, self); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	tests := []struct {
		name, in string
		is       error
		want     string
	}{
		{"garbage", "hello, this is not X12", x12.ErrNoISA, "does not start with an ISA"},
		{"empty", "", eligibility.ErrNot271, "no ST"},
		{"a 270", string(self), eligibility.ErrNot271, `transaction set "270"`},
		{"truncated", good()[:200], x12.ErrTruncated, "segment"},
		{"bad amount", good([]string{"EB", "B", "", "98", "", "", "", "12.345"}), eligibility.ErrBadValue, `EB07 "12.345"`},
		{"bad percent", good([]string{"EB", "A", "", "98", "", "", "", "", "20%"}), eligibility.ErrBadValue, "EB08"},
		{"bad date", good([]string{"DTP", "346", "D8", "20261399"}), eligibility.ErrBadValue, "DTP03"},
		{"bad range", good([]string{"EB", "1"}, []string{"DTP", "291", "RD8", "20260101"}), eligibility.ErrBadValue, "range"},
		{"bad date format", good([]string{"DTP", "346", "XX", "1"}), eligibility.ErrBadValue, "DTP02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := eligibility.Read271(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("no error; results %+v", res)
			}
			var pe *eligibility.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v; want a *ParseError wrapping %v mentioning %q", err, tt.is, tt.want)
			}
			if res != nil {
				t.Errorf("results returned with the error: %+v", res)
			}
		})
	}
}

func TestPercentReading(t *testing.T) {
	for in, want := range map[string]int{".2": 2000, "0.125": 1250, "1": 10000, "0": 0, ".05": 500, "12.5": 125000} {
		res := answer(t, inquiry(selfRequest("T1")), &eligibilitytest.Responder{Answer: segs([]string{"EB", "A", "", "30", "", "", "", "", in})})
		if got := res[0].Benefits[0].Percent; got != want {
			t.Errorf("EB08 %q = %d bp, want %d", in, got, want)
		}
	}
}

func TestBenefitString(t *testing.T) {
	m := rcm.MustParseMoney
	tests := []struct {
		b    eligibility.Benefit
		want string
	}{
		{eligibility.Benefit{Code: "B", ServiceTypes: []string{"98"}, Amount: m("25"), HasAmount: true, Period: "27", Network: "Y"}, "Co-payment: office visit, $25.00 per visit, in network"},
		{eligibility.Benefit{Code: "A", ServiceTypes: []string{"30"}, Percent: 2000, HasPercent: true, Network: "N"}, "Co-insurance: 20%, out of network"},
		{eligibility.Benefit{Code: "C", CoverageLevel: "FAM", Amount: m("3000"), HasAmount: true, Period: "23"}, "Deductible: family, $3,000.00 per calendar year"},
		{eligibility.Benefit{Code: "F", ServiceTypes: []string{"PT"}, Quantity: "20", Unit: "VS", Period: "29", AuthRequired: "Y"}, "Limitations: physical therapy, 20 visits remaining, authorization required"},
		{eligibility.Benefit{Code: "L", Entities: []eligibility.Entity{{Role: "P3", Name: "MARCUS JONES"}}}, "Primary care provider: primary care provider MARCUS JONES"},
		{eligibility.Benefit{Code: "1", Plan: "GOLD", Begin: d("2026-01-01"), End: d("2026-12-31")}, "Active coverage: GOLD, 01/01/2026 to 12/31/2026"},
		{eligibility.Benefit{Code: "ZZ"}, "Benefit ZZ"},
	}
	for _, tt := range tests {
		if got := tt.b.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
