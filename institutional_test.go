package rcm_test

import (
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
)

func facilityEncounter() *rcm.Encounter {
	dos := rcm.MustParseDate("2026-02-10")
	return &rcm.Encounter{PatientID: 1, PracticeID: 1, RenderingProviderID: 1, DateOfService: dos, PlaceOfService: "24",
		Diagnoses: []rcm.Diagnosis{{Code: "K35.80"}},
		Lines:     []rcm.ServiceLine{{Code: "45378", Units: 1, Charge: 100}, {Units: 1, Charge: 100}},
		Institutional: &rcm.Institutional{TypeOfBill: "0831", StatementFrom: dos, StatementTo: dos, PatientStatus: "01", AttendingProviderID: 1,
			Lines: []rcm.RevenueLine{{RevenueCode: "0490"}, {RevenueCode: "0272"}}}}
}

// Bad institutional input is refused naming the field: missing type of
// bill, admission data on an inpatient bill, revenue codes, malformed
// codes. A line without HCPCS is fine on a facility claim, never on a
// professional one.
func TestInstitutionalValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(e *rcm.Encounter)
		field string
		msg   string
	}{
		{"valid outpatient", func(e *rcm.Encounter) {}, "", ""},
		{"no type of bill", func(e *rcm.Encounter) { e.Institutional.TypeOfBill = "" }, "institutional.type_of_bill", "type_of_bill is required"},
		{"type of bill letters", func(e *rcm.Encounter) { e.Institutional.TypeOfBill = "08X1" }, "institutional.type_of_bill", "four digits"},
		{"type of bill zero facility", func(e *rcm.Encounter) { e.Institutional.TypeOfBill = "0031" }, "institutional.type_of_bill", "four digits"},
		{"type of bill void on a new bill", func(e *rcm.Encounter) { e.Institutional.TypeOfBill = "138" }, "institutional.type_of_bill", "replacement or void"},
		{"type of bill reserved facility type", func(e *rcm.Encounter) { e.Institutional.TypeOfBill = "0971" }, "institutional.type_of_bill", "reserves"},
		{"type of bill retired frequency", func(e *rcm.Encounter) { e.Institutional.TypeOfBill = "0836" }, "institutional.type_of_bill", "retired"},
		{"type of bill replacement on a new bill", func(e *rcm.Encounter) { e.Institutional.TypeOfBill = "0837" }, "institutional.type_of_bill", "replacement or void"},
		{"no statement period", func(e *rcm.Encounter) { e.Institutional.StatementFrom = rcm.Date{} }, "institutional.statement_from", "statement covers period"},
		{"period backwards", func(e *rcm.Encounter) { e.Institutional.StatementTo = rcm.MustParseDate("2026-02-01") }, "institutional.statement_to", "before"},
		{"no patient status", func(e *rcm.Encounter) { e.Institutional.PatientStatus = "" }, "institutional.patient_status", "patient_status is required"},
		{"no attending", func(e *rcm.Encounter) { e.Institutional.AttendingProviderID = 0 }, "institutional.attending_provider_id", "attending"},
		{"inpatient without admission", func(e *rcm.Encounter) { e.Institutional.TypeOfBill = "0111" }, "institutional.admission_date", "inpatient bill (type 0111) needs admission_date"},
		{"inpatient without hour", func(e *rcm.Encounter) {
			e.Institutional.TypeOfBill, e.Institutional.AdmissionDate = "0111", e.DateOfService
		}, "institutional.admission_hour", "admission_hour"},
		{"inpatient complete", func(e *rcm.Encounter) {
			in := e.Institutional
			in.TypeOfBill, in.AdmissionDate, in.AdmissionHour, in.AdmissionType, in.AdmissionSource = "0111", e.DateOfService, "07", "1", "1"
		}, "", ""},
		{"hour 24", func(e *rcm.Encounter) { e.Institutional.DischargeHour = "24" }, "institutional.discharge_hour", "00 to 23"},
		{"revenue codes missing", func(e *rcm.Encounter) { e.Institutional.Lines = e.Institutional.Lines[:1] }, "institutional.lines", "each of the 2 service lines"},
		{"revenue code empty", func(e *rcm.Encounter) { e.Institutional.Lines[1].RevenueCode = "" }, "institutional.lines[1].revenue_code", "four digits"},
		{"revenue code letters", func(e *rcm.Encounter) { e.Institutional.Lines[0].RevenueCode = "04A0" }, "institutional.lines[0].revenue_code", "\"04A0\""},
		{"negative non-covered", func(e *rcm.Encounter) { e.Institutional.Lines[0].NonCovered = -1 }, "institutional.lines[0].non_covered", "negative"},
		{"poa count", func(e *rcm.Encounter) { e.Institutional.POA = []string{"Y", "N"} }, "institutional.poa", "one indicator per diagnosis"},
		{"poa value", func(e *rcm.Encounter) { e.Institutional.POA = []string{"X"} }, "institutional.poa[0]", "Y, N, U, W, 1"},
		{"pcs with O", func(e *rcm.Encounter) {
			e.Institutional.Procedures = []rcm.PCSProcedure{{Code: "0DTJ4ZO", Date: e.DateOfService}}
		}, "institutional.procedures[0].code", "ICD-10-PCS"},
		{"pcs without date", func(e *rcm.Encounter) { e.Institutional.Procedures = []rcm.PCSProcedure{{Code: "0DTJ4ZZ"}} }, "institutional.procedures[0].date", "needs its date"},
		{"occurrence without date", func(e *rcm.Encounter) { e.Institutional.Occurrences = []rcm.Occurrence{{Code: "11"}} }, "institutional.occurrences[0].date", "needs its date"},
		{"value code long", func(e *rcm.Encounter) { e.Institutional.Values = []rcm.ValueCode{{Code: "801"}} }, "institutional.values[0].code", "two characters"},
		{"drg", func(e *rcm.Encounter) { e.Institutional.DRG = "34" }, "institutional.drg", "three digits"},
		{"professional line without code", func(e *rcm.Encounter) {
			e.Institutional = nil
			for i := range e.Lines {
				e.Lines[i].Pointers = []int{1}
			}
		}, "lines[1].code", "not a CPT or HCPCS code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := facilityEncounter()
			tt.edit(e)
			err := e.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			if rcm.ErrorCode(err) != rcm.EINVALID || rcm.ErrorField(err) != tt.field || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Validate = %v (field %q), want field %q and %q", err, rcm.ErrorField(err), tt.field, tt.msg)
			}
		})
	}
}

func TestBillAllowed(t *testing.T) {
	tests := []struct {
		kind, tob string
		want      bool
	}{
		{rcm.FacilityASC, "0831", true},
		{rcm.FacilityASC, "0131", false},
		{rcm.FacilityHospital, "0111", true},
		{rcm.FacilityHospital, "0131", true},
		{rcm.FacilitySNF, "0131", false},
		{rcm.FacilityCriticalAcc, "0851", true},
		{"", "0831", false},
		{rcm.FacilityASC, "831", false},
	}
	for _, tt := range tests {
		if got := rcm.BillAllowed(tt.kind, tt.tob); got != tt.want {
			t.Errorf("BillAllowed(%q, %q) = %v, want %v", tt.kind, tt.tob, got, tt.want)
		}
	}
	for _, tob := range []string{"0111", "0121", "0181", "0211"} {
		if !rcm.InpatientBill(tob) {
			t.Errorf("%s should be inpatient", tob)
		}
	}
	for _, tob := range []string{"0131", "0831", "0731", ""} {
		if rcm.InpatientBill(tob) {
			t.Errorf("%s should not be inpatient", tob)
		}
	}
}
