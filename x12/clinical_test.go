package x12

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeCatalog judges codes as a catalogue would: releases loaded from
// 2015-10-01 (ICD-10-CM's first day) on, U071 in use from 2020-04-01, J45
// a header, Q9999 and 99999 unknown. It records each question.
type fakeCatalog struct {
	mu    sync.Mutex
	asked []string
}

func (f *fakeCatalog) CheckCode(src CodeSource, code, date string) (CodeVerdict, string) {
	f.mu.Lock()
	f.asked = append(f.asked, map[CodeSource]string{ICD10CM: "dx", HCPCS: "px"}[src]+" "+code+" "+date)
	f.mu.Unlock()
	switch {
	case date < "20151001":
		return CodeNotChecked, ""
	case code == "J45":
		return CodeNotBillable, "a code below it is needed: J45.20, J45.21"
	case code == "Q9999" || code == "99999":
		return CodeUnknown, "no loaded release has it"
	case code == "U071" && date < "20200401":
		return CodeInactive, "it is not yet effective: it starts with release 2020-04 on 2020-04-01"
	}
	return CodeValid, ""
}

// ICD-10-CM codes in HI and HCPCS/CPT codes in SV1 judged on the date of
// service (issue 17, --codes): each bad code an IK403 7 on its element.
// The 837P's claim has no date of its own: diagnoses are judged on the
// earliest line date (20231003), each procedure on its line's.
func TestValidateClinicalCodes837P(t *testing.T) {
	hi := "HI*ABK:J0300*ABF:J320~"
	tests := []struct {
		name  string
		pairs []string
		want  []string
		msg   string // in the first finding's message
		asked []string
	}{
		{"valid", nil, nil, "", []string{"px 99213 20231003", "px 87070 20231003", "px 99214 20231010", "px 86663 20231010", "dx J0300 20231003", "dx J320 20231003"}},
		{"non-billable header", []string{hi, "HI*ABK:J45*ABF:J320~"}, []string{"7 HI01-2 2300"},
			"HI01-2 J45 is not a billable ICD-10-CM code on 2023-10-03: a code below it is needed: J45.20, J45.21", nil},
		{"unknown diagnosis", []string{hi, "HI*ABK:J0300*ABF:Q9999~"}, []string{"7 HI02-2 2300"}, "HI02-2 Q9999 is not a known ICD-10-CM code on 2023-10-03: no loaded release has it", nil},
		{"unknown procedure", []string{"SV1*HC:87070*", "SV1*HC:99999*"}, []string{"7 SV101-2 2400"}, "SV101-2 99999 is not a known HCPCS or CPT code on 2023-10-03", nil},
		{"wrong date", []string{hi, "HI*ABK:U071*ABF:J320~", "DTP*472*D8*20231003", "DTP*472*D8*20191203"}, []string{"7 HI01-2 2300"},
			"HI01-2 U071 is not a valid ICD-10-CM code on 2019-12-03: it is not yet effective", nil},
		{"valid on its date", []string{hi, "HI*ABK:U071*ABF:J320~", "DTP*472*D8*20231003", "DTP*472*D8*20200401"}, nil, "", nil},
		{"no release for the date", []string{hi, "HI*ABK:Q9999*ABF:J320~", "DTP*472*D8*20231003", "DTP*472*D8*20140101", "DTP*472*D8*20231003", "DTP*472*D8*20140101"}, nil, "", nil},
		{"range of dates", []string{"DTP*472*D8*20231003", "DTP*472*RD8*20140101-20140105", "DTP*472*D8*20231003", "DTP*472*D8*20140101", "SV1*HC:99213*", "SV1*HC:99999*"}, nil, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := &fakeCatalog{}
			v := Validator{Situational: true, Catalog: cat}
			res := v.Validate(strings.NewReader(edit(t, sitBase(), tt.pairs...)))
			if diff := cmp.Diff(tt.want, findingKeys(res.Findings)); diff != "" {
				t.Fatalf("findings mismatch (-want +got):\n%s\n%v", diff, res.Findings)
			}
			if tt.msg != "" && !strings.Contains(res.Findings[0].Message, tt.msg) {
				t.Errorf("message %q lacks %q", res.Findings[0].Message, tt.msg)
			}
			if len(res.Findings) > 0 && res.Findings[0].BusinessUnit != "CLM01:PAT00000000" {
				t.Errorf("business unit %q, want the first claim's", res.Findings[0].BusinessUnit)
			}
			if tt.asked != nil {
				// The first claim's questions; the second claim asks the same.
				if diff := cmp.Diff(tt.asked, cat.asked[:len(tt.asked)]); diff != "" {
					t.Errorf("questions mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// Without a catalogue no code is judged.
func TestValidateClinicalCodesOff(t *testing.T) {
	in := edit(t, sitBase(), "HI*ABK:J0300*ABF:J320~", "HI*ABK:J45*ABF:Q9999~")
	if res := (&Validator{Situational: true}).Validate(strings.NewReader(in)); !res.Valid() {
		t.Errorf("findings without a catalogue: %v", res.Findings)
	}
}

// The 999 says which element failed: IK3 on the HI, IK4 at HI01-2 with
// IK403 7 and the code.
func TestValidateClinicalCodesAck(t *testing.T) {
	v := Validator{Situational: true, Catalog: &fakeCatalog{}}
	res := v.Validate(strings.NewReader(edit(t, sitBase(), "HI*ABK:J0300*", "HI*ABK:J45*")))
	var b strings.Builder
	if _, err := Acknowledge(&b, res, AckOptions{Now: testTime, Seq: &Counter{N: 1}, Newline: true}); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"IK3*HI*20*2300*8~", "CTX*CLM01:PAT00000000~", "IK4*1:2**7*J45~", "IK5*R*5~"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("999 lacks %q:\n%s", w, b.String())
		}
	}
}

// The 837I: diagnoses (ABK, ABJ, ABF; not the ICD-9-CM BK) on the
// statement period's first day, or its last on an inpatient bill;
// procedures (SV2-02-2 HC) on the line's date.
func TestValidateClinicalCodes837I(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(needSamples(t), "stupidedi-005010/X223A2_HC837/pass/ppo-repriced-claim.edi"))
	if err != nil {
		t.Fatal(err)
	}
	base := strings.NewReplacer("DTP*434*RD8*20050706-20050706", "DTP*434*RD8*20231001-20231004",
		"DTP*472*D8*20050706", "DTP*472*D8*20231002", "DTP*435*DT*200507060800", "DTP*435*DT*202310010800").Replace(string(b))
	tests := []struct {
		name  string
		pairs []string
		asked []string
	}{
		{"outpatient", []string{"HI*BK:38181", "HI*ABK:J45*ABJ:R0602", "HI*BF:38900", "HI*ABF:J320"},
			[]string{"px 92557 20231002", "px 92567 20231002", "dx J45 20231001", "dx R0602 20231001", "dx J320 20231001"}},
		{"inpatient", []string{"*13:A:1*", "*11:A:1*", "HI*BK:38181", "HI*ABK:J45"},
			[]string{"px 92557 20231002", "px 92567 20231002", "dx J45 20231004"}},
		{"line without a date", []string{"DTP*472*D8*20231002~", "", "HI*BK:38181", "HI*ABK:J0300"},
			[]string{"px 92557 20231001", "px 92567 20231002", "dx J0300 20231001"}},
		{"ICD-9-CM", nil, []string{"px 92557 20231002", "px 92567 20231002"}},
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
			cat := &fakeCatalog{}
			res := (&Validator{Catalog: cat}).Validate(strings.NewReader(s))
			if diff := cmp.Diff(tt.asked, cat.asked); diff != "" {
				t.Errorf("questions mismatch (-want +got):\n%s", diff)
			}
			var got []string
			for _, f := range res.Findings {
				if f.Code == ElemInvalidCode {
					got = append(got, f.Message)
				}
			}
			var want []string
			if strings.Contains(strings.Join(tt.asked, " "), "J45") {
				want = []string{"HI01-2 J45 is not a billable ICD-10-CM code on " + map[bool]string{true: "2023-10-04", false: "2023-10-01"}[tt.name == "inpatient"] +
					": a code below it is needed: J45.20, J45.21"}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
