package claim

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// testInstitutionalBundles are synthetic facility claims covering the
// 837I's loops: an ambulatory surgery center's outpatient bill with a
// revenue-code-only line and a non-covered charge, a hospital inpatient stay
// (admission, discharge hour, POA, ICD-10-PCS, occurrence, span, value and
// condition codes, DRG, operating physician) for a dependent, a
// replacement, and a secondary claim with the primary's 2320 and 2430.
func testInstitutionalBundles() []*Bundle {
	b := testBundles()
	addr := rcm.Address{Line1: "400 Harbor Way", City: "Springfield", State: "IL", ZIP: "627014105"}
	asc := &rcm.Practice{ID: 2, Name: "Harbor Surgery Center", NPI: "1234567893", TIN: "364815163", Taxonomy: "261QA1903X", Address: addr}
	fac := &rcm.Facility{ID: 2, Name: "Harbor Surgery Center", NPI: "1234567893", Taxonomy: "261QA1903X", Kind: rcm.FacilityASC, Address: addr}
	surgeon := &rcm.Provider{ID: 2, FirstName: "Lena", LastName: "Varga", NPI: "1245319599", Taxonomy: "208600000X"}
	dos := rcm.MustParseDate("2026-02-10")
	out := &rcm.Claim{ID: 11, ControlNumber: "HSC01001-11-1", Frequency: "1", DateOfService: dos, PlaceOfService: "24",
		Diagnoses: []rcm.Diagnosis{{Code: "H25.11"}, {Code: "E11.9"}},
		Lines: []rcm.ClaimLine{
			{ServiceLine: rcm.ServiceLine{Code: "66984", Modifiers: []string{"RT"}, Units: 1, Charge: 310000}},
			{ServiceLine: rcm.ServiceLine{Code: "", Units: 1, Charge: 45000}},
			{ServiceLine: rcm.ServiceLine{Code: "J3490", Units: 1, Charge: 2500}},
		},
		Institutional: &rcm.Institutional{TypeOfBill: "0831", StatementFrom: dos, StatementTo: dos, PatientStatus: "01", AttendingProviderID: 2,
			AdmissionType: "3", AdmissionSource: "1",
			ConditionCodes: []string{"A3"},
			Lines:          []rcm.RevenueLine{{RevenueCode: "0490"}, {RevenueCode: "0272"}, {RevenueCode: "0636", NonCovered: 2500}}},
	}
	admit := rcm.MustParseDate("2026-02-03")
	in := &rcm.Claim{ID: 12, ControlNumber: "HSC01002-12-1", Frequency: "1", DateOfService: admit, PlaceOfService: "21",
		Diagnoses: []rcm.Diagnosis{{Code: "K35.80"}, {Code: "E11.9"}, {Code: "I10"}},
		Lines: []rcm.ClaimLine{
			{ServiceLine: rcm.ServiceLine{Units: 3, Charge: 360000}},
			{ServiceLine: rcm.ServiceLine{Units: 1, Charge: 520000, DateOfService: rcm.MustParseDate("2026-02-04")}},
			{ServiceLine: rcm.ServiceLine{Code: "80053", Units: 1, Charge: 9000}},
		},
		Institutional: &rcm.Institutional{TypeOfBill: "0111", StatementFrom: admit, StatementTo: rcm.MustParseDate("2026-02-06"),
			AdmissionDate: admit, AdmissionHour: "14", AdmissionType: "1", AdmissionSource: "7", DischargeHour: "11", PatientStatus: "01",
			AttendingProviderID: 2, OperatingProviderID: 2,
			POA:                []string{"Y", "Y", "1"},
			AdmittingDiagnosis: "R10.31",
			Procedures:         []rcm.PCSProcedure{{Code: "0DTJ4ZZ", Date: rcm.MustParseDate("2026-02-04")}, {Code: "0DJD8ZZ", Date: rcm.MustParseDate("2026-02-04")}},
			DRG:                "343",
			Occurrences:        []rcm.Occurrence{{Code: "11", Date: rcm.MustParseDate("2026-02-02")}},
			OccurrenceSpans:    []rcm.OccurrenceSpan{{Code: "74", From: rcm.MustParseDate("2026-02-05"), To: rcm.MustParseDate("2026-02-05")}},
			Values:             []rcm.ValueCode{{Code: "80", Amount: 200}, {Code: "81", Amount: 100}},
			ConditionCodes:     []string{"39"},
			Lines:              []rcm.RevenueLine{{RevenueCode: "0120"}, {RevenueCode: "0360"}, {RevenueCode: "0300"}}},
	}
	repl := copyClaim(out)
	repl.ID, repl.ControlNumber, repl.Frequency, repl.PayerClaimNumber = 13, "HSC01001-11-1R", "7", "PCN998877"
	sec := copyClaim(out)
	sec.ID, sec.ControlNumber = 14, "HSC01001-11-2"
	sec.Prior = []rcm.PriorPayment{{CoverageID: 1, PayerID: 1, Paid: 200000, PatientResponsibility: 40000, AdjudicatedOn: rcm.MustParseDate("2026-02-24"),
		Lines: []rcm.PriorLine{
			{Line: 1, Code: "66984", Modifiers: []string{"RT"}, Units: 1, Paid: 180000, Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: 90000}, {Group: "PR", Reason: "2", Amount: 40000}}},
			{Line: 2, Code: "0272", Units: 1, Paid: 20000, Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: 25000}}},
			{Line: 3, Code: "J3490", Units: 1, Paid: 0, Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "96", Amount: 2500}}},
		}}}
	p1, p2 := b[0], b[1]
	return []*Bundle{
		{Claim: out, Practice: asc, Rendering: surgeon, Attending: surgeon, Facility: fac, Patient: p1.Patient, Coverage: p1.Coverage, Payer: p1.Payer,
			OtherCoverages: p1.OtherCoverages, OtherPayers: p1.OtherPayers},
		{Claim: in, Practice: asc, Rendering: surgeon, Attending: surgeon, Operating: surgeon, Patient: p2.Patient, Coverage: p2.Coverage, Payer: p2.Payer,
			OtherPayers: map[int64]*rcm.Payer{}},
		{Claim: repl, Practice: asc, Rendering: surgeon, Attending: surgeon, Facility: fac, Patient: p1.Patient, Coverage: p1.Coverage, Payer: p1.Payer,
			OtherPayers: map[int64]*rcm.Payer{}},
		{Claim: sec, Practice: asc, Rendering: surgeon, Attending: surgeon, Facility: fac, Patient: p1.Patient, Coverage: b[2].Coverage, Payer: b[2].Payer,
			OtherCoverages: b[2].OtherCoverages, OtherPayers: b[2].OtherPayers},
	}
}

func copyClaim(c *rcm.Claim) *rcm.Claim {
	cp := *c
	cp.Lines = append([]rcm.ClaimLine(nil), c.Lines...)
	cp.Institutional = copyInstitutional(c.Institutional)
	return &cp
}

func testInstitutionalBatch() *Batch {
	return &Batch{
		Partner:   Partner{SubmitterName: "Harbor Surgery Center", SubmitterID: "HARBOR01", ContactName: "Billing Office", ContactPhone: "2175550141", ReceiverName: "OpenRCM Sandbox Clearinghouse", ReceiverID: "SANDBOXCH"},
		Reference: "B000101", Time: time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC), Bundles: testInstitutionalBundles(),
	}
}

// The 837I OpenRCM writes is clean in its own validator with the
// situational rules on, in pyx12 when PYX12_DIR names a checkout, and stays
// what the golden file holds.
func TestWrite837I(t *testing.T) {
	var buf bytes.Buffer
	if err := Write837I(&buf, testInstitutionalBatch(), &x12.Counter{N: 60}); err != nil {
		t.Fatal(err)
	}
	res := (&x12.Validator{Situational: true}).Validate(bytes.NewReader(buf.Bytes()))
	if !res.Valid() {
		for _, f := range res.Findings {
			t.Errorf("finding: %s", f)
		}
		t.Fatalf("837I is not valid (err %v):\n%s", res.Err, buf.String())
	}
	golden := filepath.Join("testdata", "batch.837i")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("837I differs from %s (run with -update and review the diff):\n%s", golden, buf.String())
	}
	out := buf.String()
	for _, want := range []string{"GS*HC*HARBOR01*SANDBOXCH*", "*005010X223A2~", "PRV*BI*PXC*261QA1903X~",
		"CLM*HSC01001-11-1*3575***83:A:1**A*Y*Y~", "DTP*434*RD8*20260210-20260210~", "CL1*3*1*01~", "HI*ABK:H2511~", "HI*ABF:E119~", "HI*BG:A3~",
		"NM1*71*1*VARGA*LENA****XX*1245319599~", "PRV*AT*PXC*208600000X~",
		"SV2*0490*HC:66984:RT*3100*UN*1~", "SV2*0272**450*UN*1~", "SV2*0636*HC:J3490*25*UN*1**25~",
		"CLM*HSC01002-12-1*8890***11:A:1**A*Y*Y~", "DTP*096*TM*1100~", "DTP*435*DT*202602031400~", "CL1*1*7*01~",
		"HI*ABK:K3580:::::::Y~", "HI*ABJ:R1031~", "HI*DR:343~", "HI*ABF:E119:::::::Y*ABF:I10~", "HI*BBR:0DTJ4ZZ:D8:20260204~", "HI*BBQ:0DJD8ZZ:D8:20260204~",
		"HI*BI:74:RD8:20260205-20260205~", "HI*BH:11:D8:20260202~", "HI*BE:80:::2*BE:81:::1~", "HI*BG:39~", "NM1*72*1*VARGA*LENA****XX*1245319599~",
		"CLM*HSC01001-11-1R*3575***83:A:7**A*Y*Y~", "REF*F8*PCN998877~",
		"AMT*D*2000~", "SVD*SBMCR*1800*HC:66984:RT*0490*1~", "SVD*SBMCR*200**0272*1~", "CAS*CO*96*25~"} {
		if !strings.Contains(out, want) {
			t.Errorf("837I lacks %q", want)
		}
	}
	judgeWithPyx12(t, buf.Bytes())
}

// judgeWithPyx12 runs azoner/pyx12's x12valid on a file when PYX12_DIR
// names a checkout of it; the independent validator must call it OK.
func judgeWithPyx12(t *testing.T, data []byte) {
	t.Helper()
	dir := os.Getenv("PYX12_DIR")
	if dir == "" {
		t.Log("PYX12_DIR not set: the 837I was not judged by pyx12 (scripts/pyx12-check runs it)")
		return
	}
	if _, err := os.Stat(filepath.Join(dir, "pyx12")); err != nil {
		t.Fatalf("PYX12_DIR=%s holds no pyx12 package: %v", dir, err)
	}
	f := filepath.Join(t.TempDir(), "claim.837")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", "-m", "pyx12.scripts.x12valid", f)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+dir)
	out, _ := cmd.CombinedOutput()
	if !strings.HasSuffix(strings.TrimSpace(string(out)), ": OK") {
		t.Errorf("pyx12 does not accept the file:\n%s", out)
	}
}

// Bad input: a professional claim, a claim without an attending provider
// or with fewer revenue codes than lines is refused with a message naming
// the claim, never written.
func TestWrite837IRefuses(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(*Bundle)
		want   string
	}{
		{"professional claim", func(b *Bundle) { b.Claim.Institutional = nil }, "no institutional data"},
		{"no attending", func(b *Bundle) { b.Attending = nil }, "attending provider"},
		{"missing revenue code", func(b *Bundle) { b.Claim.Institutional.Lines = b.Claim.Institutional.Lines[:1] }, "revenue codes for 1 of its 3 lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := testInstitutionalBatch()
			tt.break_(b.Bundles[0])
			var buf bytes.Buffer
			err := Write837I(&buf, b, &x12.Counter{})
			if rcm.ErrorCode(err) != rcm.EINVALID || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "HSC01001-11-1") {
				t.Errorf("err = %v, want EINVALID naming the claim and %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes", buf.Len())
			}
		})
	}
}

// BenchmarkWrite837 writes 1,000 claims as an 837I and, in the same run, as
// an 837P (the writer it follows), so the two can be compared.
func BenchmarkWrite837(b *testing.B) {
	for _, kind := range []string{"837P", "837I"} {
		b.Run(kind, func(b *testing.B) {
			batch, write := testBatch(), Write837P
			if kind == "837I" {
				batch, write = testInstitutionalBatch(), Write837I
			}
			one := batch.Bundles
			batch.Bundles = nil
			for len(batch.Bundles) < 1000 {
				batch.Bundles = append(batch.Bundles, one...)
			}
			batch.Bundles = batch.Bundles[:1000]
			var buf bytes.Buffer
			if err := write(&buf, batch, &x12.Counter{N: 1}); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				buf.Reset()
				if err := write(&buf, batch, &x12.Counter{N: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Bad 837I files: cut off, with segments out of order, or with a bad code,
// the validator reports findings naming the segment (and the loop or
// element) and never panics; the writer's own file stays the control.
func TestBad837I(t *testing.T) {
	var buf bytes.Buffer
	if err := Write837I(&buf, testInstitutionalBatch(), &x12.Counter{N: 60}); err != nil {
		t.Fatal(err)
	}
	good := buf.String()
	swap := func(s, a, b string) string {
		i, j := strings.Index(s, a), strings.Index(s, b)
		if i < 0 || j < 0 || i > j {
			t.Fatalf("cannot swap %q and %q", a, b)
		}
		return s[:i] + b + s[i+len(a):j] + a + s[j+len(b):]
	}
	tests := []struct {
		name string
		data string
		seg  string // the segment a finding names, "" when the envelope fails
	}{
		{"cut after the first claim", good[:strings.Index(good, "CLM*HSC01002-12-1")], ""},
		{"CL1 before the statement dates", swap(good, "DTP*434*RD8*20260210-20260210~\n", "CL1*3*1*01~\n"), "DTP"},
		{"SV2 without its revenue code", strings.Replace(good, "SV2*0490*", "SV2**", 1), "SV2"},
		{"CLM without its facility code", strings.Replace(good, "*83:A:1*", "*:A:1*", 1), "CLM"},
		{"HI principal diagnosis qualifier", strings.Replace(good, "HI*ABK:H2511~", "HI*XXX:H2511~", 1), "HI"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := (&x12.Validator{Situational: true}).Validate(strings.NewReader(tt.data))
			if res.Valid() {
				t.Fatal("the bad file validated")
			}
			if tt.seg == "" {
				if res.Err == nil && len(res.Findings) == 0 {
					t.Fatal("no error and no finding")
				}
				return
			}
			found := false
			for _, f := range res.Findings {
				found = found || f.SegmentID == tt.seg && (f.Loop != "" || f.Element > 0) && f.Message != ""
			}
			if !found {
				t.Errorf("no finding names %s with its loop or element: %v", tt.seg, res.Findings)
			}
		})
	}
}
