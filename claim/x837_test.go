package claim

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testBundles are synthetic claims covering the 837P's situational loops:
// a self-insured patient with a secondary coverage (2320), a dependent
// (2000C), a replacement claim (REF*F8), a service facility (2310C), an NDC
// line (2410) and an accident (CLM11, DTP*439).
func testBundles() []*Bundle {
	addr := rcm.Address{Line1: "400 Harbor Way", City: "Springfield", State: "IL", ZIP: "627014105"}
	practice := &rcm.Practice{ID: 1, Name: "Lakeside Family Medicine", NPI: "1234567893", TIN: "364815162", Taxonomy: "207Q00000X", Address: addr}
	doc := &rcm.Provider{ID: 1, FirstName: "Maya", LastName: "Okafor", NPI: "1245319599", Taxonomy: "207Q00000X"}
	medicare := &rcm.Payer{ID: 1, Name: "Medicare Part B", PayerID: "SBMCR", FilingIndicator: "MB"}
	ppo := &rcm.Payer{ID: 2, Name: "Prairie PPO", PayerID: "SBPPO", FilingIndicator: "12"}
	pat1 := &rcm.Patient{ID: 1, AccountNumber: "LFM01001", FirstName: "Avery", LastName: "Ashgrove", BirthDate: rcm.MustParseDate("1950-03-04"), Sex: "F", Address: addr}
	pat2 := &rcm.Patient{ID: 2, AccountNumber: "LFM01002", FirstName: "Rowan", MiddleName: "J", LastName: "Birchfield", BirthDate: rcm.MustParseDate("2015-07-08"), Sex: "M", Address: addr}
	cov1 := &rcm.Coverage{ID: 1, PatientID: 1, PayerID: 1, Order: 1, MemberID: "1EG4TE5MK73", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
	cov1b := &rcm.Coverage{ID: 2, PatientID: 1, PayerID: 2, Order: 2, MemberID: "PPO0001", GroupNumber: "GRP2040", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
	cov2 := &rcm.Coverage{ID: 3, PatientID: 2, PayerID: 2, Order: 1, MemberID: "PPO0002", GroupNumber: "GRP2040", Relationship: "19",
		Subscriber:    &rcm.Subscriber{FirstName: "Casey", LastName: "Birchfield", BirthDate: rcm.MustParseDate("1985-01-02"), Sex: "F", Address: addr},
		EffectiveFrom: rcm.MustParseDate("2025-01-01")}
	dos := rcm.MustParseDate("2026-02-10")
	c1 := &rcm.Claim{ID: 1, ControlNumber: "LFM01001-1-1", Frequency: "1", DateOfService: dos, PlaceOfService: "11", PriorAuth: "PA7788",
		OnsetDate: rcm.MustParseDate("2026-02-01"),
		Diagnoses: []rcm.Diagnosis{{Code: "E11.9"}, {Code: "I10"}},
		Lines: []rcm.ClaimLine{
			{ServiceLine: rcm.ServiceLine{Code: "99214", Modifiers: []string{"25"}, Units: 1, Charge: 16500, Pointers: []int{1, 2}}},
			{ServiceLine: rcm.ServiceLine{Code: "J3420", Units: 1, Charge: 2550, Pointers: []int{1}, NDC: "00409477301"}},
		}}
	c2 := &rcm.Claim{ID: 2, ControlNumber: "LFM01002-2-1R", Frequency: "7", PayerClaimNumber: "PCN123456", DateOfService: dos, PlaceOfService: "22",
		AccidentCause: "AA", AccidentState: "IL", AccidentDate: rcm.MustParseDate("2026-02-09"),
		Diagnoses: []rcm.Diagnosis{{Code: "S52.501A"}},
		Lines:     []rcm.ClaimLine{{ServiceLine: rcm.ServiceLine{Code: "99283", Units: 1, Charge: 25000, Pointers: []int{1}}}}}
	facility := &rcm.Facility{ID: 1, Name: "Springfield Outpatient Center", NPI: "1679576722", Address: addr}
	// c3 goes to the PPO as secondary after Medicare paid part of it.
	c3 := &rcm.Claim{ID: 3, ControlNumber: "LFM01001-1-2", Frequency: "1", DateOfService: dos, PlaceOfService: "11",
		Diagnoses: []rcm.Diagnosis{{Code: "E11.9"}},
		Lines: []rcm.ClaimLine{
			{ServiceLine: rcm.ServiceLine{Code: "99213", Units: 1, Charge: 11000, Pointers: []int{1}}},
			{ServiceLine: rcm.ServiceLine{Code: "36415", Units: 1, Charge: 1200, Pointers: []int{1}}},
		},
		Prior: []rcm.PriorPayment{{CoverageID: 1, PayerID: 1, Paid: 6400, PatientResponsibility: 1600, AdjudicatedOn: rcm.MustParseDate("2026-02-24"),
			Lines: []rcm.PriorLine{
				{Line: 1, Code: "99213", Units: 1, Paid: 5600, Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: 4000}, {Group: "PR", Reason: "2", Amount: 1400}}},
				{Line: 2, Code: "36415", Units: 1, Paid: 800, Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: 200}, {Group: "PR", Reason: "2", Amount: 200}}},
			}}}}
	return []*Bundle{
		{Claim: c1, Practice: practice, Rendering: doc, Patient: pat1, Coverage: cov1, Payer: medicare,
			OtherCoverages: []*rcm.Coverage{cov1b}, OtherPayers: map[int64]*rcm.Payer{2: ppo}},
		{Claim: c2, Practice: practice, Rendering: doc, Facility: facility, Patient: pat2, Coverage: cov2, Payer: ppo},
		{Claim: c3, Practice: practice, Rendering: doc, Patient: pat1, Coverage: cov1b, Payer: ppo,
			OtherCoverages: []*rcm.Coverage{cov1}, OtherPayers: map[int64]*rcm.Payer{1: medicare}},
	}
}

func testBatch() *Batch {
	return &Batch{
		Partner:   Partner{SubmitterName: "Lakeside Family Medicine", SubmitterID: "LAKESIDE01", ContactName: "Billing Office", ContactPhone: "2175550140", ReceiverName: "OpenRCM Sandbox Clearinghouse", ReceiverID: "SANDBOXCH"},
		Reference: "B000001", Time: time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC), Bundles: testBundles(),
	}
}

// The 837P OpenRCM writes validates clean against its own 005010X222A1
// guide, and stays byte-for-byte what the golden file holds.
func TestWrite837P(t *testing.T) {
	var buf bytes.Buffer
	if err := Write837P(&buf, testBatch(), &x12.Counter{N: 41}); err != nil {
		t.Fatal(err)
	}
	res := x12.Validate(bytes.NewReader(buf.Bytes()))
	if !res.Valid() {
		for _, f := range res.Findings {
			t.Errorf("finding: %s", f)
		}
		t.Fatalf("837P is not valid (err %v):\n%s", res.Err, buf.String())
	}
	golden := filepath.Join("testdata", "batch.837")
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
		t.Errorf("837P differs from %s (run with -update and review the diff):\n%s", golden, buf.String())
	}
	for _, want := range []string{"ISA*00*", "*000000042*", "HL*3*1*22*1~", "PAT*19~", "REF*F8*PCN123456~", "LIN**N4*00409477301~",
		"HI*ABK:E119*ABF:I10~", "SBR*S*18*GRP2040******12~", "AMT*D*64~", "AMT*EAF*16~", "SVD*SBMCR*56*HC:99213**1~", "CAS*CO*45*40~", "CAS*PR*2*14~", "DTP*573*D8*20260224~", "CLM*LFM01002-2-1R*250***22:B:7*Y*A*Y*Y**AA:::IL~"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("837P lacks %q", want)
		}
	}
}

func TestWrite837PRejectsDelimitersInData(t *testing.T) {
	b := testBatch()
	b.Bundles[0].Patient.LastName = "O*Brien"
	var buf bytes.Buffer
	if err := Write837P(&buf, b, &x12.Counter{}); err == nil {
		t.Error("a name holding the element separator was written")
	}
	if err := Write837P(&buf, &Batch{}, &x12.Counter{}); rcm.ErrorCode(err) != rcm.EINVALID {
		t.Errorf("empty batch: %v", err)
	}
}

// PartnerOf carries every envelope setting, the production flag included.
func TestPartnerOf(t *testing.T) {
	ch := &rcm.Clearinghouse{SubmitterID: "S1", SubmitterName: "Sub", ContactName: "C", ContactPhone: "2175550140",
		ReceiverID: "R1", ReceiverName: "Recv", Production: true, Transport: "dir:/x"}
	want := Partner{SubmitterName: "Sub", SubmitterID: "S1", ContactName: "C", ContactPhone: "2175550140", ReceiverName: "Recv", ReceiverID: "R1", Production: true}
	if got := PartnerOf(ch); got != want {
		t.Errorf("PartnerOf = %+v, want %+v", got, want)
	}
}

// TestWrite837PMedicareSecondary: a claim to Medicare after another payer
// carries the coverage's Medicare Secondary Payer type in SBR05, which the
// 837P guide's situational rule requires; to any other payer SBR05 stays
// empty.
func TestWrite837PMedicareSecondary(t *testing.T) {
	tests := []struct {
		name          string
		insuranceType string
		filing        string
		wantSBR       string
		wantFinding   bool
	}{
		{"Medicare secondary, working aged", "12", "MB", "SBR*S*18***12****MB~", false},
		{"Medicare secondary without the type", "", "MB", "SBR*S*18*******MB~", true},
		{"commercial secondary: no SBR05", "12", "CI", "SBR*S*18*******CI~", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := testBatch()
			b.Bundles = b.Bundles[:1]
			bd := b.Bundles[0]
			bd.Coverage.Order, bd.Coverage.InsuranceType = 2, tt.insuranceType
			bd.OtherCoverages[0].Order = 1
			bd.Payer.FilingIndicator = tt.filing
			var buf bytes.Buffer
			if err := Write837P(&buf, b, &x12.Counter{N: 1}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), tt.wantSBR) {
				t.Errorf("837P lacks %q:\n%s", tt.wantSBR, buf.String())
			}
			res := (&x12.Validator{Situational: true}).Validate(bytes.NewReader(buf.Bytes()))
			found := false
			for _, f := range res.Findings {
				found = found || strings.Contains(f.Message, "SBR05")
			}
			if found != tt.wantFinding {
				t.Errorf("SBR05 finding %v, want %v: %v", found, tt.wantFinding, res.Findings)
			}
		})
	}
}

// TestWrite837PTertiary: a claim to the third payer carries one 2320 (with
// its SBR01, AMT*D and CAS) per earlier payer and, on each line, one 2430
// per earlier payer, and validates clean with the situational rules on.
func TestWrite837PTertiary(t *testing.T) {
	b := testBatch()
	bd := b.Bundles[2] // the PPO's secondary claim after Medicare
	third := &rcm.Payer{ID: 3, Name: "Third Health", PayerID: "THR33", FilingIndicator: "CI"}
	cov3 := &rcm.Coverage{ID: 9, PatientID: 1, PayerID: 3, Order: 3, MemberID: "T3", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
	secondary := bd.Coverage
	bd.OtherCoverages = append(bd.OtherCoverages, secondary)
	bd.OtherPayers[secondary.PayerID] = bd.Payer
	bd.Coverage, bd.Payer = cov3, third
	bd.Claim.ControlNumber = "LFM01001-1-3"
	bd.Claim.Prior = append(bd.Claim.Prior, rcm.PriorPayment{CoverageID: secondary.ID, PayerID: secondary.PayerID, Paid: 1000, PatientResponsibility: 600,
		AdjudicatedOn: rcm.MustParseDate("2026-03-05"), Lines: []rcm.PriorLine{
			{Line: 1, Code: "99213", Units: 1, Paid: 900, Adjustments: []rcm.Adjustment{{Group: "OA", Reason: "23", Amount: 9600}, {Group: "PR", Reason: "2", Amount: 500}}},
			{Line: 2, Code: "36415", Units: 1, Paid: 100, Adjustments: []rcm.Adjustment{{Group: "OA", Reason: "23", Amount: 1000}, {Group: "PR", Reason: "2", Amount: 100}}},
		}})
	b.Bundles = []*Bundle{bd}
	var buf bytes.Buffer
	if err := Write837P(&buf, b, &x12.Counter{N: 7}); err != nil {
		t.Fatal(err)
	}
	res := (&x12.Validator{Situational: true}).Validate(bytes.NewReader(buf.Bytes()))
	if !res.Valid() {
		t.Fatalf("tertiary 837P invalid: %v\n%s", res.Findings, buf.String())
	}
	out := buf.String()
	for _, want := range []string{"SBR*T*18", "SBR*P*18*******MB~", "AMT*D*64~", "SBR*S*18*GRP2040******12~", "AMT*D*10~", "AMT*EAF*6~",
		"SVD*SBMCR*56*HC:99213**1~", "SVD*SBPPO*9*HC:99213**1~", "SVD*SBMCR*8*HC:36415**1~", "SVD*SBPPO*1*HC:36415**1~", "NM1*PR*2*THIRD HEALTH*****PI*THR33~"} {
		if !strings.Contains(out, want) {
			t.Errorf("tertiary 837P lacks %q", want)
		}
	}
	if strings.Index(out, "SBR*P*18") > strings.Index(out, "SBR*S*18") {
		t.Error("the primary's 2320 should come before the secondary's")
	}
}
