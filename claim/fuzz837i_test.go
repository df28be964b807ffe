package claim

import (
	"bytes"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// FuzzWrite837I: any institutional data the domain's validation accepts
// is written as an 837I that validates clean with the situational rules
// on; what it refuses is never written.
func FuzzWrite837I(f *testing.F) {
	f.Add("0831", "0490", "45378", "RT", int64(310000), int64(0), "Y", "A3", "11", "80", int64(300), "0DTJ4ZZ", "343", "14", "3", "1", "01")
	f.Add("0111", "0120", "", "", int64(360000), int64(2500), "1", "39", "BH", "81", int64(100), "", "", "", "1", "7", "20")
	f.Add("131", "272", "J3490", "JW", int64(1), int64(1), "", "", "", "", int64(0), "0DJD8ZZ", "", "", "", "", "01")
	base := testInstitutionalBatch()
	f.Fuzz(func(t *testing.T, tob, rev, code, mod string, charge, nonCovered int64, poa, cond, occ, val string, amount int64, pcs, drg, hour, admType, admSrc, status string) {
		dos := rcm.MustParseDate("2026-02-10")
		e := &rcm.Encounter{PatientID: 1, PracticeID: 1, RenderingProviderID: 1, DateOfService: dos, PlaceOfService: "24",
			Diagnoses: []rcm.Diagnosis{{Code: "K35.80"}},
			Lines:     []rcm.ServiceLine{{Code: code, Units: 1, Charge: rcm.Money(charge)}},
			Institutional: &rcm.Institutional{TypeOfBill: tob, StatementFrom: dos, StatementTo: dos, PatientStatus: status, AttendingProviderID: 1,
				AdmissionDate: dos, AdmissionHour: hour, AdmissionType: admType, AdmissionSource: admSrc, DRG: drg,
				Lines: []rcm.RevenueLine{{RevenueCode: rev, NonCovered: rcm.Money(nonCovered)}}}}
		if mod != "" {
			e.Lines[0].Modifiers = []string{mod}
		}
		in := e.Institutional
		if poa != "" {
			in.POA = []string{poa}
		}
		if cond != "" {
			in.ConditionCodes = []string{cond}
		}
		if occ != "" {
			in.Occurrences = []rcm.Occurrence{{Code: occ, Date: dos}}
		}
		if val != "" {
			in.Values = []rcm.ValueCode{{Code: val, Amount: rcm.Money(amount)}}
		}
		if pcs != "" {
			in.Procedures = []rcm.PCSProcedure{{Code: pcs, Date: dos}}
		}
		if e.Validate() != nil {
			return
		}
		c := *base.Bundles[0].Claim
		c.Diagnoses, c.Lines, c.Institutional = e.Diagnoses, []rcm.ClaimLine{{ServiceLine: e.Lines[0]}}, in
		bd := *base.Bundles[0]
		bd.Claim = &c
		b := *base
		b.Bundles = []*Bundle{&bd}
		var buf bytes.Buffer
		if err := Write837I(&buf, &b, &x12.Counter{N: 1}); err != nil {
			// The writer refuses only what X12 cannot carry (a delimiter in
			// a value); the domain lets none of it through for codes.
			if rcm.ErrorCode(err) == rcm.EINVALID || strings.Contains(err.Error(), "delimiter") || strings.Contains(err.Error(), "separator") {
				return
			}
			t.Fatalf("Write837I: %v", err)
		}
		res := (&x12.Validator{Situational: true}).Validate(bytes.NewReader(buf.Bytes()))
		if !res.Valid() {
			t.Fatalf("837I of accepted data is invalid: %v %v\n%s", res.Err, res.Findings, buf.String())
		}
	})
}

// FuzzReadRevenueCodes: the revenue code list reader never panics, and
// what it accepts holds only four-digit codes it then knows.
func FuzzReadRevenueCodes(f *testing.F) {
	f.Add("revenue_center_code,description\n0001,Total Charges\n091X,Reserved\n0490,Ambulatory surgical care\n")
	f.Add("0272,\"Supplies, sterile\"\n")
	f.Add("code\n49X,bad\n")
	f.Fuzz(func(t *testing.T, data string) {
		rc, err := ReadRevenueCodes(strings.NewReader(data))
		if err != nil {
			if rcm.ErrorCode(err) != rcm.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		for code := range rc {
			if len(code) != 4 || !isDigits(code) {
				t.Fatalf("accepted %q", code)
			}
			if known, loaded := rc.KnownRevenueCode(code); !known || !loaded {
				t.Fatalf("%s read but not known", code)
			}
		}
	})
}
