package x12

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// findingKeys lists code, segment, element and loop of each finding.
func findingKeys(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		el := ""
		if f.Element > 0 {
			el = string(rune('0'+f.Element/10)) + string(rune('0'+f.Element%10))
			if f.Component > 0 {
				el += "-" + string(rune('0'+f.Component))
			}
		}
		out = append(out, f.Code+" "+f.SegmentID+el+" "+f.Loop)
	}
	return out
}

// Code lists the guides name and the package keeps as data: each bad
// value is refused with IK403 7 on the element (issue 17: an 837P with
// place of service XX or 00 passed).
func TestCodeLists(t *testing.T) {
	tests := []struct {
		name  string
		pairs []string
		want  []string
	}{
		{"place of service XX", []string{"*11:B:1*", "*XX:B:1*"}, []string{"7 CLM05-1 2300"}},
		{"place of service 00", []string{"*11:B:1*", "*00:B:1*"}, []string{"7 CLM05-1 2300"}},
		{"unassigned place of service 30", []string{"*11:B:1*", "*30:B:1*"}, []string{"7 CLM05-1 2300"}},
		{"place of service 66 (PACE)", []string{"*11:B:1*", "*66:B:1*"}, nil},
		{"line place of service 00", []string{"SV1*HC:99213*40*UN*1***1", "SV1*HC:99213*40*UN*1*00**1"}, []string{"7 SV105 2400"}},
		{"line place of service 23", []string{"SV1*HC:99213*40*UN*1***1", "SV1*HC:99213*40*UN*1*23**1"}, nil},
		{"claim frequency W", []string{"*11:B:1*", "*11:B:W*"}, []string{"7 CLM05-3 2300"}},
		{"state XX", []string{"N4*MIAMI*FL*331110001~", "N4*MIAMI*XX*331110001~"}, []string{"7 N402 2010AA"}},
		{"Canadian province", []string{"N4*MIAMI*FL*331110001~", "N4*TORONTO*ON*M5V2T6*CA~"}, nil},
		{"country ZZ", []string{"N4*MIAMI*FL*331110001~", "N4*MIAMI*FL*331110001*ZZ~"}, []string{"7 N404 2010AA"}},
		{"lower-case state", []string{"N4*MIAMI*FL*331110001~", "N4*MIAMI*fl*331110001~"}, []string{"7 N402 2010AA"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Validator{Situational: true}
			res := v.Validate(strings.NewReader(edit(t, sitBase(), tt.pairs...)))
			if diff := cmp.Diff(tt.want, findingKeys(res.Findings)); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s\n%v", diff, res.Findings)
			}
		})
	}
}

// The 999 names the element that failed: IK3 on CLM, IK4 with the
// component position 5:1, IK403 7 and the bad value.
func TestCodeListAck(t *testing.T) {
	v := Validator{Situational: true}
	res := v.Validate(strings.NewReader(edit(t, sitBase(), "*11:B:1*", "*XX:B:1*")))
	var b strings.Builder
	if _, err := Acknowledge(&b, res, AckOptions{Now: testTime, Seq: &Counter{N: 1}, Newline: true}); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"IK3*CLM*", "*2300*8~", "IK4*5:1**7*XX~", "IK5*R*5~"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("999 lacks %q:\n%s", w, b.String())
		}
	}
}

func sharedERA(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join(needSamples(t), "stupidedi-005010/X221A1_HP835/pass/dollars-and-data-sent-together.edi"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The 835 guide's balancing rules, each imbalance named on the amount that
// disagrees (issue 17: an 835 whose BPR02 was not the claim payments less
// the PLB passed).
func TestBalance835(t *testing.T) {
	base := sharedERA(t)
	tests := []struct {
		name  string
		pairs []string
		want  []string
	}{
		{"balanced", nil, nil},
		{"BPR02 a cent more", []string{"BPR*C*150000*", "BPR*C*150000.01*"}, []string{"I12 BPR02 "}},
		{"PLB amount changed", []string{"CV:CP*-1.27", "CV:CP*-1.28"}, []string{"I12 BPR02 "}},
		{"CLP04 changed", []string{"*211366.97*138018.4*", "*211366.97*138018.41*"}, []string{"I12 CLP04 2100", "I12 BPR02 "}},
		{"claim CAS changed", []string{"CAS*CO*45*3019.67", "CAS*CO*45*3019.66"}, []string{"I12 CLP04 2100"}},
		{"debit with the amount negated", []string{"BPR*C*150000*C*", "BPR*C*150000*D*"}, []string{"I12 BPR02 "}},
		{"unreadable amount is the element check's", []string{"BPR*C*150000*", "BPR*C*15O000*"}, []string{"6 BPR02 "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			for i := 0; i+1 < len(tt.pairs); i += 2 {
				if !strings.Contains(s, tt.pairs[i]) {
					t.Fatalf("%q not in the sample", tt.pairs[i])
				}
				s = strings.Replace(s, tt.pairs[i], tt.pairs[i+1], 1)
			}
			v := Validator{Situational: true}
			res := v.Validate(strings.NewReader(s))
			if diff := cmp.Diff(tt.want, findingKeys(res.Findings)); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s\n%v", diff, res.Findings)
			}
			if off := Validate(strings.NewReader(s)); len(tt.want) > 0 && tt.want[0][:3] == "I12" && !off.Valid() {
				t.Errorf("balancing is a situational rule, but the validator with them off refuses the file: %v", off.Findings)
			}
		})
	}
}

// Service line balancing: SVC02 less the line's CAS is SVC03, and the
// claim's CLP04 is the sum of the SVC03 less the claim-level CAS.
func TestBalance835Lines(t *testing.T) {
	// Claim 777777 gets two service lines that balance: 10000 - 2000 =
	// 8000 and 5000 - 1000 = 4000; its claim-level CAS becomes 19.67 so
	// 15000 - 19.67 - 3000 = 11980.33 = 8000 + 4000 - 19.67.
	base := strings.Replace(sharedERA(t), "CAS*CO*45*3019.67", "CAS*CO*45*19.67", 1)
	at := strings.Index(base, "DTM*232*20020512~") + len("DTM*232*20020512~")
	base = base[:at] + "SVC*HC:99213*10000*8000~CAS*CO*45*2000~SVC*HC:99214*5000*4000~CAS*PR*2*1000~" + base[at:]
	base = strings.Replace(base, "SE*29*", "SE*33*", 1)
	tests := []struct {
		name  string
		pairs []string
		want  []string
	}{
		{"balanced", nil, nil},
		{"SVC03 off", []string{"SVC*HC:99214*5000*4000~", "SVC*HC:99214*5000*4001~"}, []string{"I12 SVC03 2110", "I12 CLP04 2100"}},
		{"line CAS off", []string{"CAS*PR*2*1000~", "CAS*PR*2*999~"}, []string{"I12 SVC03 2110", "I12 CLP04 2100"}},
		{"lines do not add up to the claim", []string{"SVC*HC:99214*5000*4000~CAS*PR*2*1000~", "SVC*HC:99214*5001*4000~CAS*PR*2*1001~"}, []string{"I12 CLP04 2100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			for i := 0; i+1 < len(tt.pairs); i += 2 {
				if !strings.Contains(s, tt.pairs[i]) {
					t.Fatalf("%q not in the sample", tt.pairs[i])
				}
				s = strings.Replace(s, tt.pairs[i], tt.pairs[i+1], 1)
			}
			v := Validator{Situational: true}
			res := v.Validate(strings.NewReader(s))
			if diff := cmp.Diff(tt.want, findingKeys(res.Findings)); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s\n%v", diff, res.Findings)
			}
		})
	}
}

// External lists by date: CARC in CAS and RARC in MOA, judged on the
// 835's production date (DTM*405 20020916).
func TestExternalCodes(t *testing.T) {
	base := sharedERA(t)
	set := func(carcStop string) *CodeSet {
		var c CodeSet
		c.Add(CARC, "45", "1995-01-01", carcStop)
		c.Add(RARC, "MA02", "1997-01-01", "")
		return &c
	}
	tests := []struct {
		name  string
		codes *CodeSet
		pairs []string
		want  []string
	}{
		{"known codes", set(""), nil, nil},
		{"CARC stopped before the 835's date", set("2002-09-01"), nil, []string{"7 CAS02 2100", "7 CAS02 2100"}},
		{"CARC stopped after the 835's date", set("2002-09-17"), nil, nil},
		{"unknown CARC", set(""), []string{"CAS*CO*45*3019.67", "CAS*CO*Z9*3019.67"}, []string{"7 CAS02 2100"}},
		{"unknown RARC", set(""), []string{"MOA***MA02", "MOA***MA99"}, []string{"7 MOA03 2100"}},
		{"no lists loaded", &CodeSet{}, []string{"CAS*CO*45*3019.67", "CAS*CO*Z9*3019.67"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			for i := 0; i+1 < len(tt.pairs); i += 2 {
				s = strings.Replace(s, tt.pairs[i], tt.pairs[i+1], 1)
			}
			v := Validator{Situational: true, Codes: tt.codes}
			res := v.Validate(strings.NewReader(s))
			if diff := cmp.Diff(tt.want, findingKeys(res.Findings)); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s\n%v", diff, res.Findings)
			}
		})
	}
}

func TestCodeSetCheck(t *testing.T) {
	var c CodeSet
	c.Add(ClaimStatus, "20", "1995-01-01", "")
	c.Add(ClaimStatus, "700", "2010-01-01", "2012-03-01")
	c.JudgeNumericUpTo(ClaimStatus)
	tests := []struct {
		code, date string
		want       CodeVerdict
	}{
		{"20", "20240101", CodeValid},
		{"700", "20120229", CodeValid},
		{"700", "20120301", CodeInactive},
		{"700", "20091231", CodeInactive},
		{"21", "20240101", CodeUnknown},
		{"800", "20240101", CodeNotChecked}, // newer than the list
		{"A9", "20240101", CodeUnknown},
	}
	for _, tt := range tests {
		if got := c.Check(ClaimStatus, tt.code, tt.date); got != tt.want {
			t.Errorf("Check(%s, %s) = %d, want %d", tt.code, tt.date, got, tt.want)
		}
	}
	if got := c.Check(CARC, "45", ""); got != CodeNotChecked {
		t.Errorf("a list not loaded judged a code: %d", got)
	}
}

// 837I situational rules a file alone decides (issue 17: an 837I whose
// billing provider ZIP had five digits passed).
func TestSituational837I(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(needSamples(t), "stupidedi-005010/X223A2_HC837/pass/ppo-repriced-claim.edi"))
	if err != nil {
		t.Fatal(err)
	}
	base := string(b)
	tests := []struct {
		name  string
		pairs []string
		want  []string
	}{
		{"clean", nil, nil},
		{"billing provider ZIP of five digits", []string{"N4*EDGEWOOD*AZ*860015590", "N4*EDGEWOOD*AZ*86001"}, []string{"I12 N403 2010AA"}},
		{"billing provider PO box", []string{"N3*", "N3*PO BOX 12*"}, []string{"I12 N301 2010AA"}},
		{"replacement without REF*F8", []string{":A:1*", ":A:7*"}, []string{"I6 REF 2300"}},
		{"facility type 55", []string{"*13:A:1*", "*55:A:1*"}, []string{"7 CLM05-1 2300"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			for i := 0; i+1 < len(tt.pairs); i += 2 {
				if !strings.Contains(s, tt.pairs[i]) {
					t.Fatalf("%q not in the sample", tt.pairs[i])
				}
				s = strings.Replace(s, tt.pairs[i], tt.pairs[i+1], 1)
			}
			v := Validator{Situational: true}
			res := v.Validate(strings.NewReader(s))
			if diff := cmp.Diff(tt.want, findingKeys(res.Findings)); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s\n%v", diff, res.Findings)
			}
		})
	}
}

// HCP (pricing and repricing) elements have the X12 dictionary's types:
// HCP08 and HCP10 product/service IDs (AN 1-48), HCP09 their qualifier,
// HCP11 the unit basis (DA or UN), HCP12 the quantity and HCP13 the
// reject reason. A repriced 837I line with a HCPCS code and units was
// refused before (HCP09 read as the product code, HCP11 and HCP12 shifted by one).
func TestHCPTypes(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(needSamples(t), "stupidedi-005010/X223A2_HC837/pass/ppo-repriced-claim.edi"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	const line = "HCP*03*137.06*40.94~"
	if !strings.Contains(s, line) {
		t.Fatal("line HCP not in the sample")
	}
	for _, tt := range []struct {
		hcp  string
		want []string
	}{
		{"HCP*03*137.06*40.94*RPO12345*****HC*92557*UN*1*T1~", nil},
		{"HCP*03*137.06*40.94*RPO12345*****HC*92557*XX*1~", []string{"7 HCP11 2400"}},
		{"HCP*03*137.06*40.94*RPO12345*****HC*92557*UN*1*T9~", []string{"7 HCP13 2400"}},
	} {
		in := strings.Replace(s, line, tt.hcp, 1)
		res := (&Validator{Situational: true}).Validate(strings.NewReader(in))
		if diff := cmp.Diff(tt.want, findingKeys(res.Findings)); diff != "" {
			t.Errorf("%s: findings mismatch (-want +got):\n%s\n%v", tt.hcp, diff, res.Findings)
		}
	}
}
