package x12

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"
)

// synth837 writes a synthetic 837P of the same shape as the peer
// benchmark's generator: about 460 bytes and 23 segments per claim.
func synth837(claims, perST int, nl bool) []byte {
	var b bytes.Buffer
	term := "~"
	if nl {
		term = "~\n"
	}
	seg := func(s string) { b.WriteString(s); b.WriteString(term) }
	seg("ISA*00*          *00*          *ZZ*SUBMITTERID    *ZZ*RECEIVERID     *240101*1200*^*00501*000000001*0*T*:")
	seg("GS*HC*SUBMITTERID*RECEIVERID*20240101*1200*1*X*005010X222A1")
	nST := 0
	for c := 0; c < claims; {
		nST++
		n := min(perST, claims-c)
		cnt := 0
		s := func(x string) { seg(x); cnt++ }
		s(fmt.Sprintf("ST*837*%04d*005010X222A1", nST))
		s(fmt.Sprintf("BHT*0019*00*%010d*20240101*1200*CH", nST))
		s("NM1*41*2*PREMIER BILLING SERVICE*****46*TGJ23")
		s("PER*IC*JERRY*TE*3055552222*EX*231")
		s("NM1*40*2*KEY INSURANCE COMPANY*****46*66783JJT")
		s("HL*1**20*1")
		s("PRV*BI*PXC*203BF0100Y")
		s("NM1*85*2*BEN KILDARE SERVICE*****XX*9876543210")
		s("N3*234 SEAWAY ST")
		s("N4*MIAMI*FL*33111")
		s("REF*EI*587654321")
		hl := 1
		for i := 0; i < n; i++ {
			hl++
			k := c + i
			s(fmt.Sprintf("HL*%d*1*22*0", hl))
			s("SBR*P*18*******CI")
			s(fmt.Sprintf("NM1*IL*1*SMITH*TED****MI*%09d", k))
			s("N3*236 N MAIN ST")
			s("N4*MIAMI*FL*33413")
			s("DMG*D8*19430501*M")
			s("NM1*PR*2*ALLIANCE HEALTH AND LIFE INSURANCE*****PI*741234")
			s(fmt.Sprintf("CLM*PAT%08d*100***11:B:1*Y*A*Y*I", k))
			s("HI*ABK:J0300*ABF:J320")
			s("LX*1")
			s("SV1*HC:99213*40*UN*1***1")
			s("DTP*472*D8*20231003")
			s("LX*2")
			s("SV1*HC:87070*15*UN*1***1")
			s("DTP*472*D8*20231003")
			s("LX*3")
			s("SV1*HC:99214*35*UN*1***2")
			s("DTP*472*D8*20231010")
			s("LX*4")
			s("SV1*HC:86663*10*UN*1***2")
			s("DTP*472*D8*20231010")
		}
		cnt++
		seg(fmt.Sprintf("SE*%d*%04d", cnt, nST))
		c += n
	}
	seg(fmt.Sprintf("GE*%d*1", nST))
	seg("IEA*1*000000001")
	return b.Bytes()
}

func BenchmarkTokenize(b *testing.B) {
	data := synth837(10000, 1000, true)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var segs int64
	for b.Loop() {
		r := NewReader(bytes.NewReader(data))
		segs = 0
		for {
			s, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			segs += int64(s.Len())
		}
	}
	b.ReportMetric(float64(segs), "elements")
}

func BenchmarkValidate837P(b *testing.B) {
	data := synth837(10000, 1000, true)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var v Validator
	for b.Loop() {
		res := v.Validate(bytes.NewReader(data))
		if !res.Valid() {
			b.Fatalf("synthetic 837P is not valid: %v", res.Findings[0])
		}
	}
}

// benchFile loads the file named by X12_BENCH_FILE (the peer benchmark's
// generated 837P) so this engine is timed on the same bytes as the peers.
func benchFile(b *testing.B) []byte {
	p := os.Getenv("X12_BENCH_FILE")
	if p == "" {
		b.Skip("set X12_BENCH_FILE to the peer benchmark's 837P file")
	}
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkFileTokenize(b *testing.B) {
	data := benchFile(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(data))
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkFileValidate(b *testing.B) {
	data := benchFile(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var v Validator
	for b.Loop() {
		if res := v.Validate(bytes.NewReader(data)); !res.Valid() {
			b.Fatalf("peer file is not valid: %v", res.Findings[:1])
		}
	}
}

// BenchmarkFileValidateSituational is BenchmarkFileValidate with
// Validator.Situational on, as rcm x12 validate runs it. The peer file's
// billing provider ZIP code is made nine digits first (005010X222A1
// 2010AA N403), so the file stays valid and the timing is of the checks,
// not of writing findings.
func BenchmarkFileValidateSituational(b *testing.B) {
	data := bytes.ReplaceAll(benchFile(b), []byte("N4*MIAMI*FL*33111~"), []byte("N4*MIAMI*FL*331110001~"))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	v := Validator{Situational: true}
	for b.Loop() {
		if res := v.Validate(bytes.NewReader(data)); !res.Valid() {
			b.Fatalf("peer file is not valid: %v", res.Findings[:1])
		}
	}
}
