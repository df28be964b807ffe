package x12

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleSeeds returns the sample files whose path contains match (all
// when match is ""), for fuzz seeds. A missing shared directory only
// means fewer seeds.
func sampleSeeds(f *testing.F, match string) [][]byte {
	d := sharedData()
	if d == "" {
		return nil
	}
	var out [][]byte
	filepath.WalkDir(filepath.Join(d, "x12-samples"), func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.Contains(p, match) {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			out = append(out, b)
		}
		return nil
	})
	return out
}

// FuzzReader: the reader never panics, its errors are sticky
// *ParseErrors and it never returns a segment longer than its limit.
func FuzzReader(f *testing.F) {
	f.Add([]byte(isaStar + "GS*HC*A*B~"))
	f.Add(synth837(1, 1, true))
	for _, b := range sampleSeeds(f, "") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader(bytes.NewReader(in))
		r.MaxSegmentSize = 4096
		for {
			s, err := r.Next()
			if err != nil {
				if _, again := r.Next(); again != err {
					t.Fatalf("error not sticky: %v then %v", err, again)
				}
				return
			}
			if len(s.Bytes()) > 4096 {
				t.Fatalf("segment of %d bytes over the 4096 limit", len(s.Bytes()))
			}
			for i := 0; i <= s.Len()+1; i++ {
				_ = s.Component(i, 2)
				_ = s.Repetition(i, 2)
			}
		}
	})
}

// fuzzGuide validates fuzzed input of one guide, with the situational
// rules: no panic, findings bounded, and every finding located.
func fuzzGuide(f *testing.F, dir string, seeds ...[]byte) {
	for _, seed := range seeds {
		f.Add(seed)
	}
	for _, b := range sampleSeeds(f, dir) {
		f.Add(b)
	}
	// A few external codes, so the code-list checks run on fuzzed input.
	var codes CodeSet
	codes.Add(CARC, "45", "1995-01-01", "")
	codes.Add(RARC, "MA02", "1997-01-01", "2030-01-01")
	codes.Add(ClaimStatusCategory, "A1", "", "")
	codes.Add(ClaimStatus, "20", "", "")
	codes.JudgeNumericUpTo(ClaimStatus)
	f.Fuzz(func(t *testing.T, in []byte) {
		v := Validator{MaxFindings: 200, MaxSegmentSize: 8192, Situational: true, Codes: &codes}
		res := v.Validate(bytes.NewReader(in))
		if len(res.Findings) > 200 {
			t.Fatalf("%d findings over the cap", len(res.Findings))
		}
		for _, fd := range res.Findings {
			if fd.Code == "" || fd.Message == "" {
				t.Fatalf("finding without code or message: %+v", fd)
			}
		}
		var ack bytes.Buffer
		if _, err := Acknowledge(&ack, res, AckOptions{Now: testTime}); err != nil {
			t.Fatalf("acknowledge: %v", err)
		}
		if ack.Len() > 0 {
			if ar := Validate(bytes.NewReader(ack.Bytes())); !ackClean(ar) {
				t.Fatalf("acknowledgement does not validate: %v\n%s", ar.Findings, ack.String())
			}
		}
	})
}

// ackClean reports whether an acknowledgement we wrote is valid; TA1-only
// interchanges have no groups and are checked by envelope alone.
func ackClean(r *Result) bool { return r.Valid() }

func FuzzValidate837P(f *testing.F) {
	// The second seed breaks situational rules whose 999 CTX names a
	// trigger segment (see TestAcknowledgeSituational).
	sit := strings.NewReplacer("11:B:1", "11:B:7", "SBR*P*18*", "SBR*P**", "***1~", "***1:3~").Replace(string(synth837(1, 1, true)))
	fuzzGuide(f, "837", synth837(1, 1, true), []byte(sit))
}

func FuzzValidate837I(f *testing.F) { fuzzGuide(f, "X223", []byte(sample837I)) }

func FuzzValidate835(f *testing.F) { fuzzGuide(f, "835", []byte(sample835)) }

func FuzzValidate270(f *testing.F) { fuzzGuide(f, "270", []byte(sample270)) }

func FuzzValidate271(f *testing.F) { fuzzGuide(f, "271", []byte(sample271)) }

func FuzzValidate276(f *testing.F) { fuzzGuide(f, "276", []byte(sample276)) }

func FuzzValidate277(f *testing.F) { fuzzGuide(f, "HN277", []byte(sample277)) }

func FuzzValidate277CA(f *testing.F) { fuzzGuide(f, "277CA", []byte(sample277CA)) }

func FuzzValidate999(f *testing.F) { fuzzGuide(f, "999", []byte(sample999)) }

// Small synthetic transactions of each guide, valid, written for the
// tests (seeds and TestSyntheticGuides).
const (
	env1 = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~\nGS*%s*SENDER*RECEIVER*20240101*1200*1*X*%s~\n"
	env2 = "GE*1*1~\nIEA*1*000000001~\n"
)

var (
	sample837I = env("HC", "005010X223A2", `ST*837*0001*005010X223A2~
BHT*0019*00*0123*20240105*1200*CH~
NM1*41*2*BILLING SERVICE*****46*B1~
PER*IC*ANN*TE*5555551212~
NM1*40*2*PAYER*****46*P1~
HL*1**20*1~
PRV*BI*PXC*282N00000X~
NM1*85*2*GENERAL HOSPITAL*****XX*1234567893~
N3*1 MAIN ST~
N4*TOWN*FL*33111~
REF*EI*123456789~
HL*2*1*22*0~
SBR*P*18*******MA~
NM1*IL*1*DOE*JANE****MI*123456789A~
N3*2 ELM ST~
N4*TOWN*FL*33111~
DMG*D8*19400101*F~
NM1*PR*2*MEDICARE*****PI*00435~
CLM*PAT1*500***11:A:1**A*Y*Y~
DTP*434*RD8*20240101-20240103~
CL1*1*7*01~
HI*ABK:J189~
HI*ABF:E119*ABF:I10~
LX*1~
SV2*0450*HC:99284*500*UN*1~
DTP*472*D8*20240101~
SE*27*0001~
`)
	sample835 = env("HP", "005010X221A1", `ST*835*0001~
BPR*I*100*C*CHK************20240105~
TRN*1*12345*1512345678~
N1*PR*INSURANCE CO~
N3*1 MAIN ST~
N4*TOWN*FL*33111~
PER*BL*CLAIMS*TE*8005551212~
N1*PE*CLINIC*XX*1234567893~
LX*1~
CLP*PAT1*1*150*100*20*12*CLAIM1*11*1~
CAS*CO*45*30~
NM1*QC*1*DOE*JANE****MI*123~
SVC*HC:99213*150*100**1~
DTM*472*20240101~
CAS*PR*2*20~
SE*16*0001~
`)
	sample270 = env("HS", "005010X279A1", `ST*270*0001*005010X279A1~
BHT*0022*13*10001234*20240101*1200~
HL*1**20*1~
NM1*PR*2*INSURANCE CO*****PI*12345~
HL*2*1*21*1~
NM1*1P*2*CLINIC*****XX*1234567893~
HL*3*2*22*0~
TRN*1*93175-012547*9877281234~
NM1*IL*1*DOE*JANE****MI*123456789~
DMG*D8*19800101~
DTP*291*D8*20240101~
EQ*30~
SE*13*0001~
`)
	sample271 = env("HB", "005010X279A1", `ST*271*0001*005010X279A1~
BHT*0022*11*10001234*20240101*1200~
HL*1**20*1~
NM1*PR*2*INSURANCE CO*****PI*12345~
HL*2*1*21*1~
NM1*1P*2*CLINIC*****XX*1234567893~
HL*3*2*22*0~
TRN*2*93175-012547*9877281234~
NM1*IL*1*DOE*JANE****MI*123456789~
DMG*D8*19800101*F~
DTP*346*D8*20240101~
EB*1**30**GOLD PLAN~
LS*2120~
NM1*P3*1*JONES*MARCUS****XX*1234567893~
LE*2120~
SE*16*0001~
`)
	sample276 = env("HR", "005010X212", `ST*276*0001*005010X212~
BHT*0010*13*ABC276*20240101*1200~
HL*1**20*1~
NM1*PR*2*INSURANCE CO*****PI*12345~
HL*2*1*21*1~
NM1*41*2*BILLING SERVICE*****46*X67E~
HL*3*2*19*1~
NM1*1P*2*CLINIC*****XX*1234567893~
HL*4*3*22*0~
DMG*D8*19301210*M~
NM1*IL*1*SMITH*FRED****MI*123456789A~
TRN*1*ABCXYZ1~
REF*EJ*SM123456~
AMT*T3*85.13~
DTP*472*RD8*20240101-20240102~
SE*16*0001~
`)
	sample277 = env("HN", "005010X212", `ST*277*0001*005010X212~
BHT*0010*08*ABC277*20240101*1200*DG~
HL*1**20*1~
NM1*PR*2*INSURANCE CO*****PI*12345~
HL*2*1*21*1~
NM1*41*2*BILLING SERVICE*****46*X67E~
HL*3*2*19*1~
NM1*1P*2*CLINIC*****XX*1234567893~
HL*4*3*22*0~
NM1*IL*1*SMITH*FRED****MI*123456789A~
TRN*2*ABCXYZ1~
STC*A1:20*20240101**85.13~
REF*1K*2024001~
DTP*472*RD8*20240101-20240102~
SE*15*0001~
`)
	sample277CA = env("HN", "005010X214", `ST*277*0001*005010X214~
BHT*0085*08*0001*20240101*1200*TH~
HL*1**20*1~
NM1*PR*2*INSURANCE CO*****PI*12345~
TRN*1*0001~
DTP*050*D8*20240101~
DTP*009*D8*20240101~
HL*2*1*21*1~
NM1*41*2*BILLING SERVICE*****46*X67E~
TRN*2*0001~
STC*A1:20*20240101*WQ*100~
QTY*90*1~
AMT*YU*100~
HL*3*2*19*1~
NM1*85*2*CLINIC*****XX*1234567893~
TRN*1*0001~
HL*4*3*PT~
NM1*QC*1*DOE*JANE****MI*123~
TRN*2*PAT1~
STC*A2:20*20240101*WQ*100~
REF*1K*2024001~
DTP*472*D8*20240101~
SE*23*0001~
`)
	sample999 = env("FA", "005010X231A1", `ST*999*0001*005010X231A1~
AK1*HC*17456*005010X222A1~
AK2*837*0001*005010X222A1~
IK3*CLM*22*2300*8~
CTX*CLM01:123456789~
IK4*2*782*1~
IK5*R*5~
AK9*R*1*1*0~
SE*9*0001~
`)
)

func env(fid, version, body string) string {
	return strings.Replace(strings.Replace(env1, "%s", fid, 1), "%s", version, 1) + body + env2
}

func TestSyntheticGuides(t *testing.T) {
	for name, s := range map[string]string{"837I": sample837I, "835": sample835, "270": sample270, "271": sample271, "276": sample276, "277": sample277, "277CA": sample277CA, "999": sample999} {
		t.Run(name, func(t *testing.T) {
			res := Validate(strings.NewReader(s))
			if !res.Valid() {
				t.Errorf("findings: %v", res.Findings)
			}
		})
	}
}
