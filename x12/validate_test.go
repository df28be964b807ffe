package x12

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// small837 is a valid synthetic 837P with two claims, one segment per
// line.
func small837() string { return string(synth837(2, 2, true)) }

func TestValidateSynthetic(t *testing.T) {
	for _, nl := range []bool{false, true} {
		res := Validate(bytes.NewReader(synth837(7, 3, nl)))
		if !res.Valid() {
			t.Fatalf("synthetic 837P (newline %v) has findings: %v", nl, res.Findings)
		}
		if n := len(res.Interchanges[0].Groups[0].Transactions); n != 3 {
			t.Errorf("transactions = %d, want 3", n)
		}
	}
}

// TestValidateEnvelopes breaks one envelope rule at a time and checks the
// finding's level, code, segment and element.
func TestValidateEnvelopes(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(string) string
		want   key
		level  Level
		reason string
	}{
		{"SE02 differs from ST02", func(s string) string { return strings.Replace(s, "SE*54*0001", "SE*25*0009", 1) },
			key{TxControlMismatch, "SE", "", 2}, LevelTransaction, "does not match ST02"},
		{"SE01 wrong count", func(s string) string { return strings.Replace(s, "SE*54*0001", "SE*53*0001", 1) },
			key{TxCountMismatch, "SE", "", 1}, LevelTransaction, "counting ST and SE"},
		{"GE02 differs from GS06", func(s string) string { return strings.Replace(s, "GE*1*1", "GE*1*2", 1) },
			key{GroupControlMismatch, "GE", "", 2}, LevelGroup, "GS06"},
		{"GE01 wrong count", func(s string) string { return strings.Replace(s, "GE*1*1", "GE*2*1", 1) },
			key{GroupCountMismatch, "GE", "", 1}, LevelGroup, "transaction sets"},
		{"IEA02 differs from ISA13", func(s string) string { return strings.Replace(s, "IEA*1*000000001", "IEA*1*000000002", 1) },
			key{TA1ControlMismatch, "IEA", "", 2}, LevelInterchange, "ISA13"},
		{"IEA01 wrong count", func(s string) string { return strings.Replace(s, "IEA*1*000000001", "IEA*3*000000001", 1) },
			key{TA1GroupCount, "IEA", "", 1}, LevelInterchange, "functional groups"},
		{"missing SE", func(s string) string { return strings.Replace(s, "SE*54*0001~\n", "", 1) },
			key{TxTrailerMissing, "SE", "", 0}, LevelTransaction, "no SE"},
		{"missing GE", func(s string) string { return strings.Replace(s, "GE*1*1~\n", "", 1) },
			key{GroupTrailerMissing, "GE", "", 0}, LevelGroup, "no GE"},
		{"missing IEA", func(s string) string { return strings.Replace(s, "IEA*1*000000001~\n", "", 1) },
			key{TA1EOF, "IEA", "", 0}, LevelInterchange, "no IEA"},
		{"ISA13 not numeric", func(s string) string { return strings.Replace(s, "*000000001*0*T*", "*00000000A*0*T*", 1) },
			key{TA1ControlNumber, "ISA", "", 13}, LevelInterchange, "9 digits"},
		{"ISA06 not padded", func(s string) string { return strings.Replace(s, "SUBMITTERID    *", "SUBMITTERID*", 1) },
			key{TA1Sender, "ISA", "", 6}, LevelInterchange, "exactly 15"},
		{"unknown guide", func(s string) string { return strings.ReplaceAll(s, "005010X222A1", "005010X999") },
			key{TxNotSupported, "ST", "", 3}, LevelTransaction, "not supported"},
		{"ST03 differs from GS08", func(s string) string {
			return strings.Replace(s, "ST*837*0001*005010X222A1", "ST*837*0001*005010X221A1", 1)
		},
			key{TxNotSupported, "ST", "", 3}, LevelTransaction, "not supported"},
		{"segment outside a transaction", func(s string) string { return strings.Replace(s, "GE*1*1~", "NTE*ADD*X~\nGE*1*1~", 1) },
			key{TA1Structure, "NTE", "", 0}, LevelInterchange, "outside a transaction"},
		{"wrong functional group for 837", func(s string) string { return strings.Replace(s, "GS*HC*", "GS*HP*", 1) },
			key{GroupNotSupported, "GS", "", 1}, LevelGroup, "GS01 HC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.edit(small837())
			if in == small837() {
				t.Fatal("edit changed nothing")
			}
			res := Validate(strings.NewReader(in))
			for _, f := range res.Findings {
				if (key{f.Code, f.SegmentID, f.Loop, f.Element}) == tt.want {
					if f.Level != tt.level {
						t.Errorf("level = %v, want %v", f.Level, tt.level)
					}
					if !strings.Contains(f.Message, tt.reason) {
						t.Errorf("message %q does not say %q", f.Message, tt.reason)
					}
					return
				}
			}
			t.Errorf("no finding %+v in %v", tt.want, res.Findings)
		})
	}
}

func TestValidateNPI(t *testing.T) {
	tests := []struct {
		npi  string
		want bool
	}{
		{"1234567893", true}, {"1811901945", true}, {"1234567890", false}, {"123456789", false}, {"12345678AB", false},
	}
	for _, tt := range tests {
		if got := validNPI([]byte(tt.npi)); got != tt.want {
			t.Errorf("validNPI(%s) = %v, want %v", tt.npi, got, tt.want)
		}
	}
	in := strings.Replace(small837(), "XX*9876543210", "XX*1234567890", 1)
	if res := Validate(strings.NewReader(in)); !res.Valid() {
		t.Fatalf("NPI checked without CheckNPI: %v", res.Findings)
	}
	v := Validator{CheckNPI: true}
	got := keysOf(v.Validate(strings.NewReader(in)).Findings)
	if got[key{ElemPattern, "NM1", "2010AA", 9}] != 1 {
		t.Errorf("want one NM109 NPI finding, got %v", got)
	}
	in = strings.Replace(small837(), "XX*9876543210", "XX*1234567893", 1)
	if res := v.Validate(strings.NewReader(in)); !res.Valid() {
		t.Errorf("valid NPI rejected: %v", res.Findings)
	}
}

func TestValidateTA1(t *testing.T) {
	tests := []struct {
		ta1  string
		want int // element with a finding, 0 for none
	}{
		{"TA1*000000001*240101*1200*A*000", 0},
		{"TA1*00000001*240101*1200*A*000", 1},
		{"TA1*000000001*241301*1200*A*000", 2},
		{"TA1*000000001*240101*2500*A*000", 3},
		{"TA1*000000001*240101*1200*X*000", 4},
		{"TA1*000000001*240101*1200*R*22", 5},
	}
	for _, tt := range tests {
		res := Validate(strings.NewReader(isaStar + tt.ta1 + "~IEA*0*000000001~"))
		got := 0
		for _, f := range res.Findings {
			if f.SegmentID == "TA1" {
				got = f.Element
			}
		}
		if got != tt.want || tt.want == 0 && !res.Valid() {
			t.Errorf("%s: finding on element %d, want %d (%v)", tt.ta1, got, tt.want, res.Findings)
		}
	}
}

// TestValidateGuideRules breaks one implementation-guide rule at a time.
func TestValidateGuideRules(t *testing.T) {
	tests := []struct {
		name string
		old  string
		new  string
		want key
	}{
		{"NM101 wrong entity code", "NM1*85*2*BEN", "NM1*86*2*BEN", key{ElemInvalidCode, "NM1", "2010AA", 1}},
		{"required element missing", "CLM*PAT00000000*100***11:B:1*Y*A*Y*I", "CLM*PAT00000000*100***11:B:1**A*Y*I", key{ElemRequiredMissing, "CLM", "2300", 6}},
		{"required component missing", "CLM*PAT00000000*100***11:B:1", "CLM*PAT00000000*100***11::1", key{ElemRequiredMissing, "CLM", "2300", 5}},
		{"element too long", "N4*MIAMI*FL*33413", "N4*MIAMI*FLA*33413", key{ElemTooLong, "N4", "2010BA", 2}},
		{"invalid date", "DMG*D8*19430501*M", "DMG*D8*19431301*M", key{ElemInvalidDate, "DMG", "2010BA", 2}},
		{"invalid date range", "DTP*472*D8*20231003", "DTP*472*RD8*20231003", key{ElemInvalidDate, "DTP", "2400", 3}},
		{"numeric with letters", "SV1*HC:99213*40*UN", "SV1*HC:99213*4O*UN", key{ElemInvalidChar, "SV1", "2400", 2}},
		{"not used element present", "HL*1**20*1", "HL*1*9*20*1", key{ElemNotUsed, "HL", "2000A", 2}},
		{"too many components", "SV1*HC:99213*40", "SV1*HC:99213:::::::X:Y*40", key{ElemTooManyComponents, "SV1", "2400", 1}},
		{"too many elements", "N3*236 N MAIN ST", "N3*236 N MAIN ST*APT 1*EXTRA", key{ElemTooMany, "N3", "2010BA", 3}},
		{"paired elements", "NM1*85*2*BEN KILDARE SERVICE*****XX*9876543210", "NM1*85*2*BEN KILDARE SERVICE*****XX", key{ElemConditionalMissing, "NM1", "2010AA", 9}},
		{"required segment missing", "N3*234 SEAWAY ST~\n", "", key{SegRequiredMissing, "N3", "2010AA", 0}},
		{"required loop missing", "NM1*PR*2*ALLIANCE HEALTH AND LIFE INSURANCE*****PI*741234~\n", "", key{SegRequiredMissing, "NM1", "2010BB", 0}},
		{"segment repeated too often", "REF*EI*587654321~\n", "REF*EI*587654321~\nREF*EI*587654321~\n", key{SegOverMax, "REF", "2010AA", 0}},
		{"segment not in the transaction set", "DMG*D8*19430501*M~\n", "DMG*D8*19430501*M~\nBPR*C*1*C*CHK~\n", key{SegNotInSet, "BPR", "2010BA", 0}},
		{"unrecognized segment id", "DMG*D8*19430501*M~\n", "DMG*D8*19430501*M~\nzz9*1~\n", key{SegUnrecognized, "zz9", "2010BA", 0}},
		{"segment out of order", "N4*MIAMI*FL*33413~\nDMG*D8*19430501*M~\n", "N4*MIAMI*FL*33413~\nDMG*D8*19430501*M~\nN3*X~\n", key{SegOutOfOrder, "N3", "2010BA", 0}},
		{"HL parent wrong", "HL*2*1*22*0", "HL*2*5*22*0", key{ElemPattern, "HL", "2000B", 2}},
		{"HL numbering", "HL*2*1*22*0", "HL*7*1*22*0", key{ElemPattern, "HL", "2000B", 1}},
		{"control character", "N3*236 N MAIN ST", "N3*236 N \x01MAIN ST", key{ElemInvalidChar, "N3", "2010BA", 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := small837()
			in := strings.Replace(base, tt.old, tt.new, 1)
			if in == base {
				t.Fatalf("%q not in the sample", tt.old)
			}
			res := Validate(strings.NewReader(in))
			got := keysOf(res.Findings)
			if got[tt.want] == 0 {
				t.Errorf("no finding %+v; got %v", tt.want, res.Findings)
			}
			for _, f := range res.Findings {
				if (key{f.Code, f.SegmentID, f.Loop, f.Element}) == tt.want && (f.Transaction != "0001" || f.Segment == 0 || f.Position == 0) {
					t.Errorf("finding lacks its location: %+v", f)
				}
			}
		})
	}
}

// TestSubscriberIsPatient checks the 837 rules that hang on 2000B HL04.
func TestSubscriberIsPatient(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           key
	}{
		{"SBR02 missing for the patient", "SBR*P*18*", "SBR*P**", key{ElemDependentMissing, "SBR", "2000B", 2}},
		{"SBR02 sent with a patient level", "HL*2*1*22*0~\nSBR*P*18*", "HL*2*1*22*1~\nSBR*P*18*", key{ElemDependentNotUsed, "SBR", "2000B", 2}},
		{"subscriber address missing", "N3*236 N MAIN ST~\n", "", key{SegDependentMissing, "N3", "2010BA", 0}},
		{"subscriber demographics missing", "DMG*D8*19430501*M~\n", "", key{SegDependentMissing, "DMG", "2010BA", 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Replace(small837(), tt.old, tt.new, 1)
			if in == small837() {
				t.Fatalf("%q not in the sample", tt.old)
			}
			if got := keysOf(Validate(strings.NewReader(in)).Findings); got[tt.want] > 0 {
				t.Errorf("situational rule checked without Validator.Situational: %v", got)
			}
			v := Validator{Situational: true}
			if got := keysOf(v.Validate(strings.NewReader(in)).Findings); got[tt.want] == 0 {
				t.Errorf("no finding %+v, got %v", tt.want, got)
			}
		})
	}
}

// TestValidateBusinessUnit checks that claim-level findings carry CLM01
// for the 999's CTX.
func TestValidateBusinessUnit(t *testing.T) {
	in := strings.Replace(small837(), "DTP*472*D8*20231003", "DTP*472*D8*20231303", 1)
	res := Validate(strings.NewReader(in))
	if len(res.Findings) != 1 || res.Findings[0].BusinessUnit != "CLM01:PAT00000000" {
		t.Fatalf("findings = %+v, want one with CLM01:PAT00000000", res.Findings)
	}
}

// TestValidateDeepHL sends 100,000 HL levels each naming the previous as
// parent: validation must finish with bounded findings and a bounded
// loop stack.
func TestValidateDeepHL(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(isaStar + "\nGS*HC*A*B*20240101*1200*1*X*005010X222A1~\nST*837*0001*005010X222A1~\n")
	b.WriteString("BHT*0019*00*1*20240101*1200*CH~\nNM1*41*2*A*****46*1~\nPER*IC*A*TE*1~\nNM1*40*2*B*****46*2~\n")
	b.WriteString("HL*1**20*1~\nNM1*85*2*C*****XX*1234567893~\nN3*A~\nN4*B*FL*33111~\nREF*EI*1~\n")
	const n = 100000
	for i := 2; i <= n; i++ {
		fmt.Fprintf(&b, "HL*%d*%d*22*1~\n", i, i-1)
	}
	fmt.Fprintf(&b, "SE*%d*0001~\nGE*1*1~\nIEA*1*000000001~\n", n+11)
	v := Validator{MaxFindings: 500}
	res := v.Validate(&b)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if len(res.Findings) != 500 || res.Dropped == 0 {
		t.Errorf("findings = %d (dropped %d), want capped at 500 with more dropped", len(res.Findings), res.Dropped)
	}
	if len(v.st.stack) > 0 || cap(v.st.stack) > 16 {
		t.Errorf("loop stack grew to %d", cap(v.st.stack))
	}
	got := keysOf(res.Findings)
	if got[key{ElemPattern, "HL", "2000B", 2}] == 0 {
		t.Errorf("want HL02 parent findings, got %v", res.Findings[:3])
	}
}

// TestValidateTruncated cuts a valid file at many points: never a panic,
// always a finding.
func TestValidateTruncated(t *testing.T) {
	full := synth837(2, 1, false)
	for cut := 1; cut < len(full)-1; cut += 7 {
		res := Validate(bytes.NewReader(full[:cut]))
		if res.Valid() {
			t.Fatalf("file cut at %d of %d validated clean", cut, len(full))
		}
		if cut > 120 && res.Err != nil && !errors.Is(res.Err, ErrTruncated) {
			t.Fatalf("cut at %d: err %v, want ErrTruncated", cut, res.Err)
		}
	}
}

// TestSchemas checks the compiled guides: every loop starts with a
// segment and every schema is registered under its ST01/version.
func TestSchemas(t *testing.T) {
	want := []string{"837/005010X222A1", "837/005010X223A2", "835/005010X221A1", "270/005010X279A1", "271/005010X279A1", "276/005010X212", "277/005010X212", "277/005010X214", "999/005010X231A1"}
	for _, k := range want {
		txSet, ver, _ := strings.Cut(k, "/")
		sc := Lookup(txSet, ver)
		if sc == nil {
			t.Errorf("no schema %s", k)
			continue
		}
		var walk func(l *Loop)
		walk = func(l *Loop) {
			if len(l.Items) == 0 || l.Items[0].Segment == nil {
				t.Errorf("%s loop %s does not start with a segment", k, l.ID)
				return
			}
			for _, it := range l.Items {
				if it.Loop != nil {
					walk(it.Loop)
				}
			}
		}
		walk(sc.Body)
	}
	if len(Schemas()) != len(want) {
		t.Errorf("%d schemas registered, want %d", len(Schemas()), len(want))
	}
}

// Issue 11: rcm x12 validate called an empty file, or one of blank lines,
// valid.
func TestValidateNoInterchange(t *testing.T) {
	for _, in := range []string{"", "\n\n\r\n", "   \t \n", "\xEF\xBB\xBF"} {
		res := Validate(strings.NewReader(in))
		if res.Valid() || len(res.Findings) != 1 || res.Findings[0].Code != TA1Structure || !strings.Contains(res.Findings[0].Message, "no ISA interchange") {
			t.Errorf("Validate(%q): valid %v, findings %v; want one finding of no interchange", in, res.Valid(), res.Findings)
		}
	}
}
