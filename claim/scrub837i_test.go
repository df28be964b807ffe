package claim

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/edit"
	"github.com/openrcm/openrcm/edit/ncci"
	"github.com/openrcm/openrcm/internal/shareddata"
)

func ruleFindings(fs []edit.Finding, prefix string) []edit.Finding {
	var out []edit.Finding
	for _, f := range fs {
		if strings.HasPrefix(f.Rule, prefix) {
			out = append(out, f)
		}
	}
	return out
}

// Each institutional rule fires on the defect it is for, names what is
// wrong and says how to fix it; the clean claims of the writer test fire
// none.
func TestScrubInstitutional(t *testing.T) {
	s := &Scrubber{Today: rcm.MustParseDate("2026-03-02")}
	for _, b := range testInstitutionalBundles() {
		if fs := ruleFindings(s.Scrub(b), "INST-"); len(fs) != 0 && !(len(fs) == 1 && fs[0].Rule == "INST-PCS") {
			t.Errorf("clean claim %s: %v", b.Claim.ControlNumber, fs)
		}
	}
	tests := []struct {
		name   string
		bundle int // 0 outpatient ASC claim, 1 inpatient stay
		edit   func(b *Bundle)
		rule   string
		msg    string
	}{
		{"no type of bill", 0, func(b *Bundle) { b.Claim.Institutional.TypeOfBill = "" }, "INST-TOB", "has no type of bill"},
		{"malformed type of bill", 0, func(b *Bundle) { b.Claim.Institutional.TypeOfBill = "831" }, "INST-TOB", "\"831\" is not four digits"},
		{"hospital bill from an ASC", 0, func(b *Bundle) { b.Claim.Institutional.TypeOfBill = "0131" }, "INST-TOB-FACILITY", "not one a asc may send"},
		{"no revenue code", 0, func(b *Bundle) { b.Claim.Institutional.Lines[1].RevenueCode = "" }, "INST-REVENUE", "Line 2 (no HCPCS) has no revenue code"},
		{"revenue codes short", 0, func(b *Bundle) { b.Claim.Institutional.Lines = b.Claim.Institutional.Lines[:2] }, "INST-REVENUE", "revenue codes for 2 of its 3 lines"},
		{"OR without HCPCS", 0, func(b *Bundle) { b.Claim.Institutional.Lines[1].RevenueCode = "0360" }, "INST-HCPCS", "revenue code 0360 requires a HCPCS code"},
		{"inpatient without admission hour", 1, func(b *Bundle) { b.Claim.Institutional.AdmissionHour = "" }, "INST-ADMISSION", "without its admission hour (FL 13)"},
		{"admitted after the period starts", 1, func(b *Bundle) { b.Claim.Institutional.AdmissionDate = rcm.MustParseDate("2026-02-04") }, "INST-ADMISSION", "after the statement period starts"},
		{"POA missing", 1, func(b *Bundle) { b.Claim.Institutional.POA = []string{"Y", "", "1"} }, "INST-POA", "Diagnosis E11.9 has no present-on-admission"},
		{"line outside the period", 1, func(b *Bundle) {
			b.Claim.Lines[2].DateOfService = rcm.MustParseDate("2026-02-09")
		}, "INST-STATEMENT", "Line 3 is dated 2026-02-09, outside the statement period"},
		{"covered days disagree", 1, func(b *Bundle) { b.Claim.Institutional.Values[0].Amount = 500 }, "INST-OCC-VALUE", "Value code 80 says 5.00 covered days and value code 81 1.00 non-covered; the statement period 2026-02-03 to 2026-02-06 has 3 days"},
		{"no-fault without accident", 0, func(b *Bundle) {
			b.Claim.Institutional.Values = []rcm.ValueCode{{Code: "14", Amount: 10000}}
		}, "INST-OCC-VALUE", "Value code 14 (no-fault amount) needs occurrence code 01 or 02"},
		{"workers comp without occurrence 04", 0, func(b *Bundle) {
			b.Claim.Institutional.Values = []rcm.ValueCode{{Code: "15", Amount: 10000}}
		}, "INST-OCC-VALUE", "needs occurrence code 04"},
		{"occurrence after the period", 0, func(b *Bundle) {
			b.Claim.Institutional.Occurrences = []rcm.Occurrence{{Code: "11", Date: rcm.MustParseDate("2026-02-12")}}
		}, "INST-OCC-VALUE", "after the statement period ends"},
		{"leave of absence without non-covered days", 1, func(b *Bundle) { b.Claim.Institutional.Values = b.Claim.Institutional.Values[:1] }, "INST-OCC-VALUE", "needs value code 81"},
		{"no attending", 0, func(b *Bundle) { b.Attending = nil }, "INST-ATTENDING", "has no attending provider"},
		{"attending NPI", 0, func(b *Bundle) { a := *b.Attending; a.NPI = "1234567890"; b.Attending = &a }, "INST-ATTENDING", "fails the check digit"},
		{"PCS on outpatient", 0, func(b *Bundle) {
			b.Claim.Institutional.Procedures = []rcm.PCSProcedure{{Code: "0DTJ4ZZ", Date: b.Claim.DateOfService}}
		}, "INST-PCS", "on an outpatient bill"},
		{"PCS by format only", 1, func(b *Bundle) {}, "INST-PCS", "checked by format only: the PCS code set is not loaded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := testInstitutionalBundles()[tt.bundle]
			tt.edit(b)
			fs := ruleFindings(s.Scrub(b), tt.rule)
			i := slices.IndexFunc(fs, func(f edit.Finding) bool { return f.Rule == tt.rule && strings.Contains(f.Message, tt.msg) })
			if i < 0 {
				t.Fatalf("no %s finding with %q: %v", tt.rule, tt.msg, fs)
			}
			if fs[i].Fix == "" {
				t.Errorf("%s has no fix", tt.rule)
			}
		})
	}
	// Diagnosis pointers are a professional claim's: facility lines have
	// none and are not held for it.
	if fs := ruleFindings(s.Scrub(testInstitutionalBundles()[0]), "CLM-POINTER"); len(fs) != 0 {
		t.Errorf("pointer findings on a facility claim: %v", fs)
	}
}

// With the shared revenue code list loaded, a code that does not exist is
// named; the NCCI outpatient hospital MUE file and a practitioner PTP table
// standing in for the facility's are applied, and the finding says so.
func TestScrubInstitutionalCodeLists(t *testing.T) {
	f, err := os.Open(shareddata.Path(t, "codesets/tuva-2022/revenue_center_code.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rc, err := ReadRevenueCodes(f)
	if err != nil {
		t.Fatal(err)
	}
	mue, err := ncci.ReadFile(shareddata.Path(t, "ncci/mue_outpatient_hospital_2024q3.csv"), ncci.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// One row of the practitioner PTP table as CMS publishes it (the whole
	// file is read by the ncci package's own tests).
	ptp, err := ncci.Read("ptp_practitioner.csv", strings.NewReader(`"column_1","column_2","deletion_date","modifier_indicator","ptp_edit_rationale"
"45378","45330","*",0,"More extensive procedure"
`), ncci.ReadOptions{Setting: ncci.Practitioner})
	if err != nil {
		t.Fatal(err)
	}
	s := &Scrubber{RevenueCodes: rc, FacilityNCCI: &ncci.FacilityChecker{Edits: ncci.Build(append(mue, ptp)...)}}
	b := testInstitutionalBundles()[0]
	b.Claim.DateOfService = rcm.MustParseDate("2024-08-01")
	in := b.Claim.Institutional
	in.StatementFrom, in.StatementTo = b.Claim.DateOfService, b.Claim.DateOfService
	b.Claim.Lines[0].Code, b.Claim.Lines[0].Modifiers, b.Claim.Lines[0].Units = "45378", nil, 2
	b.Claim.Lines[2].Code = "45330"
	in.Lines[1].RevenueCode = "0205"
	if known, loaded := rc.KnownRevenueCode("0205"); known || !loaded {
		t.Fatalf("0205 known=%v loaded=%v; the test needs a code missing from the list", known, loaded)
	}
	fs := s.Scrub(b)
	want := []struct{ rule, msg string }{
		{"INST-REVENUE", "Line 2: revenue code 0205 does not exist"},
		{"INST-NCCI", "NCCI-MUE"},
		{"INST-NCCI", "practitioner PTP table stands in"},
	}
	for _, w := range want {
		if !slices.ContainsFunc(fs, func(f edit.Finding) bool { return f.Rule == w.rule && strings.Contains(f.Message, w.msg) }) {
			t.Errorf("no %s finding with %q: %v", w.rule, w.msg, fs)
		}
	}
	if _, err := ReadRevenueCodes(strings.NewReader("code,description\n0490,ASC\n49X,bad\n")); rcm.ErrorCode(err) != rcm.EINVALID || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("bad list: %v", err)
	}
}
