package x12

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sitBase is small837 with the billing provider's nine-digit ZIP code,
// so that it validates clean with Validator.Situational.
func sitBase() string {
	return strings.Replace(small837(), "N4*MIAMI*FL*33111~", "N4*MIAMI*FL*331110001~", 1)
}

// recount rewrites SE01 of every transaction set after segments were
// added or removed.
func recount(s string) string {
	lines := strings.SplitAfter(s, "~\n")
	n := 0
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "ST*"):
			n = 1
		case strings.HasPrefix(l, "SE*"):
			n++
			ctl := strings.TrimSuffix(strings.SplitN(l, "*", 3)[2], "~\n")
			lines[i] = fmt.Sprintf("SE*%d*%s~\n", n, ctl)
		default:
			n++
		}
	}
	return strings.Join(lines, "")
}

// edit applies old, new pairs, each once, to the first claim.
func edit(t *testing.T, base string, pairs ...string) string {
	t.Helper()
	s := base
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("%q not in the sample", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return recount(s)
}

// sitKey is what a situational finding must say: its 999 code, where,
// and its trigger.
type sitKey struct {
	Code, SegmentID, Loop string
	Element, Component    int
	Trigger               Trigger
}

// dependent turns the first claim's subscriber into a dependent's: HL04 1,
// no SBR02, and a 2000C patient level, renumbering the HLs after it.
var dependent = []string{
	"HL*3*1*22*0", "HL*4*1*22*0",
	"HL*2*1*22*0~\nSBR*P*18*", "HL*2*1*22*1~\nSBR*P**",
	"NM1*PR*2*ALLIANCE HEALTH AND LIFE INSURANCE*****PI*741234~\n", "NM1*PR*2*ALLIANCE HEALTH AND LIFE INSURANCE*****PI*741234~\nHL*3*2*23*0~\nPAT*19~\nNM1*QC*1*SMITH*TOM~\nN3*236 N MAIN ST~\nN4*MIAMI*FL*33413~\nDMG*D8*20100501*M~\n",
}

// TestSituational837P breaks one situational rule of 005010X222A1 at a
// time (and keeps it in a variant): the valid file must pass and the
// broken one report exactly the expected findings, with their 999 codes
// and the trigger segment the 999's CTX names. Positions: HL 2000B is
// #12, CLM #19, HI #20 of the first claim.
func TestSituational837P(t *testing.T) {
	clm := "CLM*PAT00000000*100***11:B:1*Y*A*Y*I~\n"
	hlTrigger := Trigger{SegmentID: "HL", Position: 12, Loop: "2000B", Element: 4}
	tests := []struct {
		name  string
		edits []string
		want  []sitKey
	}{
		{"valid", nil, nil},
		{"replacement claim with REF*F8", []string{clm, "CLM*PAT00000000*100***11:B:7*Y*A*Y*I~\nREF*F8*PAYER123456~\n"}, nil},
		{"replacement claim without REF*F8", []string{clm, "CLM*PAT00000000*100***11:B:7*Y*A*Y*I~\n"},
			[]sitKey{{SegDependentMissing, "REF", "2300", 0, 0, Trigger{"CLM", 19, "2300", 5, 3}}}},
		{"void claim without REF*F8", []string{clm, "CLM*PAT00000000*100***11:B:8*Y*A*Y*I~\n"},
			[]sitKey{{SegDependentMissing, "REF", "2300", 0, 0, Trigger{"CLM", 19, "2300", 5, 3}}}},
		{"auto accident with state and date", []string{clm, "CLM*PAT00000000*100***11:B:1*Y*A*Y*I**AA:::FL~\nDTP*439*D8*20231001~\n"}, nil},
		{"auto accident without state", []string{clm, "CLM*PAT00000000*100***11:B:1*Y*A*Y*I**AA~\nDTP*439*D8*20231001~\n"},
			[]sitKey{{ElemDependentMissing, "CLM", "2300", 11, 4, Trigger{}}}},
		{"auto accident without accident date", []string{clm, "CLM*PAT00000000*100***11:B:1*Y*A*Y*I**AA:::FL~\n"},
			[]sitKey{{SegDependentMissing, "DTP", "2300", 0, 0, Trigger{"CLM", 19, "2300", 11, 1}}}},
		{"other accident in CLM11-2 without accident date", []string{clm, "CLM*PAT00000000*100***11:B:1*Y*A*Y*I**EM:OA~\n"},
			[]sitKey{{SegDependentMissing, "DTP", "2300", 0, 0, Trigger{"CLM", 19, "2300", 11, 2}}}},
		{"employment related needs no accident date", []string{clm, "CLM*PAT00000000*100***11:B:1*Y*A*Y*I**EM~\n"}, nil},
		{"PAT in 2000B for the patient", []string{"SBR*P*18*******CI~\n", "SBR*P*18*******CI~\nPAT*****D8*20231101~\n"}, nil},
		{"dependent with a patient level", dependent, nil},
		{"PAT in 2000B with a patient level", append(dependent[:len(dependent):len(dependent)], "SBR*P********CI~\n", "SBR*P********CI~\nPAT*****D8*20231101~\n"),
			[]sitKey{{SegDependentNotUsed, "PAT", "2000B", 0, 0, hlTrigger}}},
		{"SBR02 missing for the patient", []string{"SBR*P*18*", "SBR*P**"},
			[]sitKey{{ElemDependentMissing, "SBR", "2000B", 2, 0, hlTrigger}}},
		{"Medicare secondary with insurance type", []string{"SBR*P*18*******CI", "SBR*S*18***12****MB"}, nil},
		{"Medicare secondary without insurance type", []string{"SBR*P*18*******CI", "SBR*S*18*******MB"},
			[]sitKey{{ElemDependentMissing, "SBR", "2000B", 5, 0, Trigger{}}}},
		{"Medicare primary without insurance type", []string{"SBR*P*18*******CI", "SBR*P*18*******MB"}, nil},
		{"attachment by fax with control number", []string{clm, clm + "PWK*OB*FX***AC*ATT123~\n"}, nil},
		{"attachment on request", []string{clm, clm + "PWK*OB*AA~\n"}, nil},
		{"attachment by fax without control number", []string{clm, clm + "PWK*OB*FX~\n"},
			[]sitKey{{ElemDependentMissing, "PWK", "2300", 5, 0, Trigger{}}, {ElemDependentMissing, "PWK", "2300", 6, 0, Trigger{}}}},
		{"line attachment by mail without control number", []string{"DTP*472*D8*20231003~\n", "PWK*OB*BM~\nDTP*472*D8*20231003~\n"},
			[]sitKey{{ElemDependentMissing, "PWK", "2400", 5, 0, Trigger{}}, {ElemDependentMissing, "PWK", "2400", 6, 0, Trigger{}}}},
		{"diagnosis code with decimal point", []string{"HI*ABK:J0300*ABF:J320", "HI*ABK:J03.00*ABF:J320"},
			[]sitKey{{ElemPattern, "HI", "2300", 1, 2, Trigger{}}}},
		{"pointers to both diagnoses", []string{"SV1*HC:99213*40*UN*1***1", "SV1*HC:99213*40*UN*1***2:1"}, nil},
		{"pointer past the diagnoses", []string{"SV1*HC:99213*40*UN*1***1", "SV1*HC:99213*40*UN*1***1:3"},
			[]sitKey{{ElemPattern, "SV1", "2400", 7, 2, Trigger{"HI", 20, "2300", 0, 0}}}},
		{"pointer zero", []string{"SV1*HC:99213*40*UN*1***1", "SV1*HC:99213*40*UN*1***0"},
			[]sitKey{{ElemPattern, "SV1", "2400", 7, 1, Trigger{"HI", 20, "2300", 0, 0}}}},
		{"charges balance with cents", []string{"CLM*PAT00000000*100*", "CLM*PAT00000000*100.5*", "SV1*HC:99213*40*", "SV1*HC:99213*40.50*"}, nil},
		{"total charge not the sum of the lines", []string{"CLM*PAT00000000*100*", "CLM*PAT00000000*110*"},
			[]sitKey{{ElemPattern, "CLM", "2300", 2, 0, Trigger{}}}},
		{"billing provider five-digit ZIP", []string{"N4*MIAMI*FL*331110001~", "N4*MIAMI*FL*33111~"},
			[]sitKey{{ElemPattern, "N4", "2010AA", 3, 0, Trigger{}}}},
		{"billing provider outside the US", []string{"N4*MIAMI*FL*331110001~", "N4*TORONTO*ON*M5V2T6*CA~"}, nil},
		{"service facility five-digit ZIP", []string{"HI*ABK:J0300*ABF:J320~\n", "HI*ABK:J0300*ABF:J320~\nNM1*77*2*CLINIC*****XX*1234567893~\nN3*1 MAIN ST~\nN4*MIAMI*FL*33111~\n"},
			[]sitKey{{ElemPattern, "N4", "2310C", 3, 0, Trigger{}}}},
		{"billing provider PO box", []string{"N3*234 SEAWAY ST", "N3*P.O. Box 234"},
			[]sitKey{{ElemPattern, "N3", "2010AA", 1, 0, Trigger{}}}},
		{"billing provider street with suite", []string{"N3*234 SEAWAY ST", "N3*234 SEAWAY ST*SUITE 100"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := edit(t, sitBase(), tt.edits...)
			if res := Validate(strings.NewReader(in)); !res.Valid() {
				t.Fatalf("situational rule checked without Validator.Situational, or the edit broke the schema: %v", res.Findings)
			}
			v := Validator{Situational: true}
			var got []sitKey
			for _, f := range v.Validate(strings.NewReader(in)).Findings {
				got = append(got, sitKey{f.Code, f.SegmentID, f.Loop, f.Element, f.Component, f.Trigger})
				if f.Transaction != "0001" || f.Segment == 0 || f.Position == 0 || f.BusinessUnit == "" && f.Loop >= "2300" {
					t.Errorf("finding lacks its location: %+v", f)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCents(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"100", 10000, true}, {"100.5", 10050, true}, {"0.05", 5, true}, {".5", 50, true}, {"-12.34", -1234, true},
		{"1.234", 0, false}, {"1.", 0, false}, {"", 0, false}, {"1e3", 0, false}, {"-", 0, false},
	}
	for _, tt := range tests {
		if got, ok := cents([]byte(tt.in)); got != tt.want || ok != tt.ok {
			t.Errorf("cents(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestIsBox(t *testing.T) {
	for s, want := range map[string]bool{
		"PO BOX 12": true, "P.O. Box 12": true, "p o box 7": true, "POST OFFICE BOX 3": true, "Lockbox 9": true, "LOCK BOX 9": true,
		"234 SEAWAY ST": false, "POINT BOXWOOD RD": false, "1 POBOXIAN WAY": false, "": false,
	} {
		if got := isBox([]byte(s)); got != want {
			t.Errorf("isBox(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestTriggerString(t *testing.T) {
	f := Finding{Level: LevelSegment, Code: SegDependentMissing, TransactionSet: "837", Transaction: "0001", SegmentID: "REF", Loop: "2300", Message: "m",
		Trigger: Trigger{SegmentID: "CLM", Position: 19, Loop: "2300", Element: 5, Component: 3}}
	if got, want := f.String(), "transaction 837 0001 REF in loop 2300: m [segment I6; trigger CLM05-3 (#19 in loop 2300)]"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := (Trigger{SegmentID: "HI", Position: 20}).String(), "HI (#20)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
