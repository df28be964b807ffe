package payer

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/x12"
)

// mk837I writes an 837I with OpenRCM's writer: an ASC outpatient bill and a
// hospital inpatient stay for member A100 of PAYA.
func mk837I(t testing.TB) []byte {
	t.Helper()
	m := rcm.MustParseMoney
	addr := rcm.Address{Line1: "1 MAIN ST", City: "SPRINGFIELD", State: "IL", ZIP: "627011234"}
	pr := &rcm.Practice{ID: 1, Name: "HARBOR HOSPITAL", NPI: "1234567893", TIN: "364815163", Address: addr}
	doc := &rcm.Provider{ID: 1, FirstName: "ANN", LastName: "SURGEON", NPI: "1245319599"}
	pat := &rcm.Patient{ID: 1, FirstName: "JANE", LastName: "DOE", BirthDate: rcm.MustParseDate("1980-01-02"), Sex: "F", Address: addr}
	cov := &rcm.Coverage{ID: 1, PayerID: 1, Order: 1, MemberID: "A100", Relationship: "18"}
	payer := &rcm.Payer{ID: 1, Name: "PAYER A PPO", PayerID: "PAYA", FilingIndicator: "12"}
	dos := rcm.MustParseDate("2026-02-10")
	out := &rcm.Claim{ControlNumber: "I1", Frequency: "1", DateOfService: dos, Diagnoses: []rcm.Diagnosis{{Code: "Z12.11"}},
		Lines: []rcm.ClaimLine{{ServiceLine: rcm.ServiceLine{Code: "45378", Units: 1, Charge: m("1450")}},
			{ServiceLine: rcm.ServiceLine{Units: 1, Charge: m("180")}}, {ServiceLine: rcm.ServiceLine{Units: 1, Charge: m("350")}}},
		Institutional: &rcm.Institutional{TypeOfBill: "0831", StatementFrom: dos, StatementTo: dos, PatientStatus: "01", AttendingProviderID: 1,
			Lines: []rcm.RevenueLine{{RevenueCode: "0490"}, {RevenueCode: "0272"}, {RevenueCode: "0370"}}}}
	admit := rcm.MustParseDate("2026-02-03")
	in := &rcm.Claim{ControlNumber: "I2", Frequency: "1", DateOfService: admit, Diagnoses: []rcm.Diagnosis{{Code: "K35.80"}},
		Lines: []rcm.ClaimLine{{ServiceLine: rcm.ServiceLine{Units: 3, Charge: m("3600")}}, {ServiceLine: rcm.ServiceLine{Units: 1, Charge: m("5200")}}},
		Institutional: &rcm.Institutional{TypeOfBill: "0111", StatementFrom: admit, StatementTo: rcm.MustParseDate("2026-02-06"),
			AdmissionDate: admit, AdmissionHour: "10", AdmissionType: "1", AdmissionSource: "7", DischargeHour: "12", PatientStatus: "01",
			AttendingProviderID: 1, POA: []string{"Y"}, DRG: "343",
			Lines: []rcm.RevenueLine{{RevenueCode: "0120"}, {RevenueCode: "0360"}}}}
	var bundles []*Bundle
	for _, c := range []*rcm.Claim{out, in} {
		bundles = append(bundles, &claim.Bundle{Claim: c, Practice: pr, Rendering: doc, Attending: doc, Patient: pat, Coverage: cov, Payer: payer,
			OtherPayers: map[int64]*rcm.Payer{}})
	}
	var b bytes.Buffer
	batch := &claim.Batch{Partner: claim.Partner{SubmitterName: "HARBOR", SubmitterID: "HARBOR01", ContactName: "BILLING", ContactPhone: "2175550100",
		ReceiverName: "SANDBOX", ReceiverID: "SANDBOX"}, Reference: "R1", Time: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC), Bundles: bundles}
	if err := claim.Write837I(&b, batch, &x12.Counter{N: 500}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Bundle is the claim package's, named here for the test's table.
type Bundle = claim.Bundle

// The sandbox adjudicates 837I claims under the payer's institutional
// contract: HCPCS fees on outpatient lines, revenue-code fees, a per-diem for
// inpatient accommodation days, CO-96 for what the contract does not price,
// the member's deductible and coinsurance; the 835 says CLP08 facility code,
// CLP11 DRG, MIA covered days, SVC01 NU for revenue-code lines and SVC04 the
// revenue code of a HCPCS line, and validates and balances.
func TestAdjudicate837I(t *testing.T) {
	m := rcm.MustParseMoney
	cfg := testConfig()
	cfg.Payers[0].Contract.Institutional = &InstitutionalContract{PerDiem: m("1000"), HCPCSFees: map[string]rcm.Money{"45378": m("900")},
		RevenueFees: map[string]rcm.Money{"0272": m("50")}}
	e := newEngine(cfg)
	files := runFiles(t, e, mk837I(t))
	if len(e.Payments) != 2 {
		t.Fatalf("payments = %d, want 2", len(e.Payments))
	}
	type line struct {
		code    string
		allowed rcm.Money
		denied  string
	}
	want := map[string][]line{
		"I1": {{"45378", m("900"), ""}, {"0272", m("50"), ""}, {"0370", 0, "CO-96"}},
		"I2": {{"0120", m("3000"), ""}, {"0360", 0, "CO-96"}},
	}
	for _, cp := range e.Payments {
		if !cp.Institutional {
			t.Errorf("%s not read as institutional", cp.ClaimID)
		}
		w := want[cp.ClaimID]
		if len(cp.Lines) != len(w) {
			t.Fatalf("%s lines = %d, want %d", cp.ClaimID, len(cp.Lines), len(w))
		}
		for i, l := range cp.Lines {
			got := line{l.Code, l.Allowed, ""}
			for _, a := range l.Adjustments {
				if a.Reason == "96" {
					got.denied = a.Group + "-" + a.Reason
				}
			}
			if got != w[i] {
				t.Errorf("%s line %d = %+v, want %+v", cp.ClaimID, i+1, got, w[i])
			}
		}
	}
	var era string
	for _, f := range files {
		if strings.HasSuffix(f.Name, ".835") {
			era = string(f.Data)
		}
	}
	for _, want := range []string{"CLP*I1*1*1980*800*150*12*", "*83*1~", "CLP*I2*1*8800*3000*0*", "*11*1**343~", "MIA*3~", "SVC*HC:45378*1450*", "*0490*1~",
		"SVC*NU:0272*180*", "SVC*NU:0120*3600*", "CAS*PR*1*100**2*50~"} {
		if !strings.Contains(era, want) {
			t.Errorf("835 lacks %q:\n%s", want, era)
		}
	}
}
