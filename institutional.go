package rcm

import (
	"slices"
	"strings"
)

// Facility kinds: what sort of institution bills on the 837I and UB-04.
// The kind decides which types of bill (FL 4) the facility may send.
const (
	FacilityHospital    = "hospital"
	FacilityCriticalAcc = "critical_access"
	FacilitySNF         = "snf"
	FacilityHomeHealth  = "home_health"
	FacilityRHC         = "rhc"
	FacilityFQHC        = "fqhc"
	FacilityASC         = "asc"
	FacilityHospice     = "hospice"
	FacilityESRD        = "esrd"
	FacilityCMHC        = "cmhc"
)

// facilityBills lists, for each facility kind, the first two digits of the
// types of bill (NUBC FL 4, after the leading zero) it may send: the
// facility type digit and the bill classification digit.
var facilityBills = map[string][]string{
	FacilityHospital:    {"11", "12", "13", "14", "18"},
	FacilityCriticalAcc: {"11", "12", "13", "14", "18", "85"},
	FacilitySNF:         {"21", "22", "23", "28"},
	FacilityHomeHealth:  {"32", "33", "34"},
	FacilityRHC:         {"71"},
	FacilityFQHC:        {"77"},
	FacilityASC:         {"83"},
	FacilityHospice:     {"81", "82"},
	FacilityESRD:        {"72"},
	FacilityCMHC:        {"76"},
}

// FacilityKinds are the kinds a facility may be.
func FacilityKinds() []string {
	out := make([]string, 0, len(facilityBills))
	for k := range facilityBills {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// BillAllowed reports whether a facility of a kind may send a type of
// bill (four digits, leading zero). An unknown kind allows nothing.
func BillAllowed(kind, typeOfBill string) bool {
	if len(typeOfBill) != 4 {
		return false
	}
	return slices.Contains(facilityBills[kind], typeOfBill[1:3])
}

// InpatientBill reports whether a type of bill is an inpatient (or
// swing-bed) stay, for which admission data and present-on-admission
// indicators are required: hospital and SNF inpatient (11x, 12x, 18x, 21x,
// 22x, 28x), and religious non-medical and CAH inpatient share the codes.
func InpatientBill(typeOfBill string) bool {
	if len(typeOfBill) != 4 {
		return false
	}
	switch typeOfBill[1:3] {
	case "11", "12", "18", "21", "22", "28", "41", "65", "66", "86":
		return true
	}
	return false
}

// Institutional is what a facility's bill (837I, UB-04) says beyond a
// professional claim: the type of bill, the stay, the NUBC condition,
// occurrence and value codes, present-on-admission indicators, ICD-10-PCS
// procedures, and each line's revenue code. It rides on an encounter and is
// copied onto each claim built from it.
type Institutional struct {
	// TypeOfBill is FL 4: a leading zero, the facility type, the bill
	// classification and the frequency (0831 ASC outpatient, original).
	TypeOfBill    string `json:"type_of_bill"`
	StatementFrom Date   `json:"statement_from"` // FL 6, 837I DTP*434
	StatementTo   Date   `json:"statement_to"`
	// Admission (FL 12-15, 837I DTP*435 and CL101/CL102) is required on
	// inpatient bills; AdmissionHour is two digits (00-23).
	AdmissionDate   Date   `json:"admission_date,omitzero"`
	AdmissionHour   string `json:"admission_hour,omitempty"`
	AdmissionType   string `json:"admission_type,omitempty"`
	AdmissionSource string `json:"admission_source,omitempty"`
	DischargeHour   string `json:"discharge_hour,omitempty"` // FL 16, DTP*096
	// PatientStatus is FL 17, CL103: the discharge status (01 home).
	PatientStatus string `json:"patient_status"`
	// Providers of FL 76-79 (837I 2310A-C); the attending is required.
	AttendingProviderID int64            `json:"attending_provider_id"`
	OperatingProviderID int64            `json:"operating_provider_id,omitempty"`
	OtherProviderID     int64            `json:"other_provider_id,omitempty"`
	ConditionCodes      []string         `json:"condition_codes,omitempty"`  // FL 18-28, HI*BG
	Occurrences         []Occurrence     `json:"occurrences,omitempty"`      // FL 31-34, HI*BH
	OccurrenceSpans     []OccurrenceSpan `json:"occurrence_spans,omitempty"` // FL 35-36, HI*BI
	Values              []ValueCode      `json:"values,omitempty"`           // FL 39-41, HI*BE
	// POA holds the present-on-admission indicator of each diagnosis in
	// order (Y, N, U, W or 1), required on inpatient bills.
	POA                []string `json:"poa,omitempty"`
	AdmittingDiagnosis string   `json:"admitting_diagnosis,omitempty"` // FL 69, HI*ABJ
	// Procedures are ICD-10-PCS codes (FL 74), the first the principal.
	Procedures []PCSProcedure `json:"procedures,omitempty"`
	DRG        string         `json:"drg,omitempty"` // HI*DR
	// Lines gives each service line of the encounter, in order, its
	// revenue code (FL 42) and non-covered charge (FL 48).
	Lines []RevenueLine `json:"lines"`
}

// Occurrence is an occurrence code and its date (FL 31-34).
type Occurrence struct {
	Code string `json:"code"`
	Date Date   `json:"date"`
}

// OccurrenceSpan is an occurrence span code with its dates (FL 35-36).
type OccurrenceSpan struct {
	Code string `json:"code"`
	From Date   `json:"from"`
	To   Date   `json:"to"`
}

// ValueCode is a value code and its amount (FL 39-41).
type ValueCode struct {
	Code   string `json:"code"`
	Amount Money  `json:"amount"`
}

// PCSProcedure is an ICD-10-PCS procedure and the day it was done.
type PCSProcedure struct {
	Code string `json:"code"`
	Date Date   `json:"date"`
}

// RevenueLine is the institutional part of a service line.
type RevenueLine struct {
	RevenueCode string `json:"revenue_code"`
	NonCovered  Money  `json:"non_covered,omitempty"`
}

// Inpatient reports whether the bill is for an inpatient stay.
func (in *Institutional) Inpatient() bool { return InpatientBill(in.TypeOfBill) }

// FacilityCode is CLM05-1 and 835 CLP08: the type of bill's facility type
// and classification digits.
func (in *Institutional) FacilityCode() string {
	if len(in.TypeOfBill) != 4 {
		return ""
	}
	return in.TypeOfBill[1:3]
}

// RevenueCodeOf returns the revenue code of line i (0-based), or "".
func (in *Institutional) RevenueCodeOf(i int) string {
	if in == nil || i < 0 || i >= len(in.Lines) {
		return ""
	}
	return in.Lines[i].RevenueCode
}

// NormalizeTypeOfBill adds the leading zero NUBC prints and X12 drops.
func NormalizeTypeOfBill(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 3 {
		return "0" + s
	}
	return s
}

// LooksLikePCS reports whether a code has the shape of an ICD-10-PCS code:
// seven characters, digits and letters other than I and O. The PCS code set
// itself is not loaded, so this is the only check a PCS code gets.
func LooksLikePCS(code string) bool {
	if len(code) != 7 {
		return false
	}
	for i := 0; i < 7; i++ {
		c := code[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') || c == 'I' || c == 'O' {
			return false
		}
	}
	return true
}

// validate checks the institutional data's shape against the encounter's
// diagnoses and lines; lines is the number of service lines.
func (in *Institutional) validate(v *validator, lines, diagnoses int) {
	in.TypeOfBill = NormalizeTypeOfBill(in.TypeOfBill)
	t := in.TypeOfBill
	v.check(t != "", "institutional.type_of_bill", "type_of_bill is required on a facility claim (four digits such as 0831).")
	v.check(t == "" || len(t) == 4 && allDigits(t) && t[0] == '0' && t[1] != '0' && t[2] != '0', "institutional.type_of_bill",
		"type_of_bill %q must be four digits: 0, the facility type, the bill classification and the frequency (such as 0831).", t)
	// A replacement (7) or void (8) is a correction of a claim the payer
	// already has: it needs the payer's claim number (REF*F8), so it is made
	// by correcting that claim, never entered on a new visit's bill.
	if len(t) == 4 && allDigits(t) {
		// NUBC: the facility type is 1-4 or 6-8 (5 and 9 are reserved), and
		// a bill's frequency is 0-5 or 9 (6 is retired).
		v.check(t[1] != '5' && t[1] != '9', "institutional.type_of_bill",
			"type_of_bill %q names facility type %c, which NUBC reserves: the second digit is 1-4 or 6-8 (such as 0831, hospital outpatient).", t, t[1])
		v.check(t[3] != '6', "institutional.type_of_bill",
			"type_of_bill %q ends in 6, a frequency NUBC retired: a new bill ends in 0 to 5 or 9 (such as 0831).", t)
	}
	if len(t) == 4 && (t[3] == '7' || t[3] == '8') {
		v.check(false, "institutional.type_of_bill",
			"type_of_bill %q ends in %c (a replacement or void): correct or void the claim the payer has instead; a new bill ends in 1 to 4 (such as 0831).", t, t[3])
	}
	v.check(!in.StatementFrom.IsZero() && !in.StatementTo.IsZero(), "institutional.statement_from", "statement_from and statement_to (the statement covers period) are required.")
	v.check(in.StatementTo.IsZero() || !in.StatementTo.Before(in.StatementFrom), "institutional.statement_to", "statement_to may not be before statement_from.")
	hour := func(h, field string) {
		v.check(h == "" || len(h) == 2 && allDigits(h) && h <= "23", field, "%s %q must be an hour 00 to 23.", field, h)
	}
	hour(in.AdmissionHour, "institutional.admission_hour")
	hour(in.DischargeHour, "institutional.discharge_hour")
	v.check(in.AdmissionType == "" || len(in.AdmissionType) == 1 && allDigits(in.AdmissionType), "institutional.admission_type", "admission_type must be one digit (NUBC FL 14, such as 3 elective).")
	v.check(in.AdmissionSource == "" || len(in.AdmissionSource) == 1 && printableNoDelims(in.AdmissionSource), "institutional.admission_source", "admission_source must be one character (NUBC FL 15, such as 1).")
	v.check(len(in.PatientStatus) == 2 && allDigits(in.PatientStatus), "institutional.patient_status", "patient_status is required: two digits (NUBC FL 17, such as 01 discharged home).")
	v.check(in.AttendingProviderID > 0, "institutional.attending_provider_id", "attending_provider_id is required on a facility claim (FL 76).")
	if in.Inpatient() {
		v.check(!in.AdmissionDate.IsZero(), "institutional.admission_date", "An inpatient bill (type %s) needs admission_date.", t)
		v.check(in.AdmissionHour != "", "institutional.admission_hour", "An inpatient bill (type %s) needs admission_hour.", t)
		v.check(in.AdmissionType != "", "institutional.admission_type", "An inpatient bill (type %s) needs admission_type.", t)
		v.check(in.AdmissionSource != "", "institutional.admission_source", "An inpatient bill (type %s) needs admission_source.", t)
	}
	v.check(len(in.ConditionCodes) <= 24, "institutional.condition_codes", "at most 24 condition codes.")
	for i, c := range in.ConditionCodes {
		in.ConditionCodes[i] = strings.ToUpper(strings.TrimSpace(c))
		v.check(len(in.ConditionCodes[i]) == 2 && printableNoDelims(c), "institutional.condition_codes["+itoa(i)+"]", "condition code %q must be two characters.", c)
	}
	v.check(len(in.Occurrences) <= 24, "institutional.occurrences", "at most 24 occurrence codes.")
	for i, o := range in.Occurrences {
		f := "institutional.occurrences[" + itoa(i) + "]"
		v.check(len(o.Code) == 2 && printableNoDelims(o.Code), f+".code", "occurrence code %q must be two characters.", o.Code)
		v.check(!o.Date.IsZero(), f+".date", "occurrence code %s needs its date.", o.Code)
	}
	v.check(len(in.OccurrenceSpans) <= 24, "institutional.occurrence_spans", "at most 24 occurrence spans.")
	for i, o := range in.OccurrenceSpans {
		f := "institutional.occurrence_spans[" + itoa(i) + "]"
		v.check(len(o.Code) == 2 && printableNoDelims(o.Code), f+".code", "occurrence span code %q must be two characters.", o.Code)
		v.check(!o.From.IsZero() && !o.To.IsZero() && !o.To.Before(o.From), f+".from", "occurrence span %s needs from and to dates, in order.", o.Code)
	}
	v.check(len(in.Values) <= 24, "institutional.values", "at most 24 value codes.")
	for i, o := range in.Values {
		f := "institutional.values[" + itoa(i) + "]"
		v.check(len(o.Code) == 2 && printableNoDelims(o.Code), f+".code", "value code %q must be two characters.", o.Code)
	}
	v.check(len(in.POA) == 0 || len(in.POA) == diagnoses, "institutional.poa", "poa gives one indicator per diagnosis: %d for %d diagnoses.", len(in.POA), diagnoses)
	for i, p := range in.POA {
		in.POA[i] = strings.ToUpper(strings.TrimSpace(p))
		v.check(slices.Contains([]string{"Y", "N", "U", "W", "1", ""}, in.POA[i]), "institutional.poa["+itoa(i)+"]", "present-on-admission indicator %q must be Y, N, U, W, 1 or blank.", p)
	}
	if in.AdmittingDiagnosis != "" {
		in.AdmittingDiagnosis = NormalizeICD10(in.AdmittingDiagnosis)
		_, err := ParseICD10(in.AdmittingDiagnosis)
		v.check(err == nil, "institutional.admitting_diagnosis", "%q is not shaped like an ICD-10-CM code.", in.AdmittingDiagnosis)
	}
	v.check(len(in.Procedures) <= 25, "institutional.procedures", "at most 25 ICD-10-PCS procedures.")
	for i := range in.Procedures {
		p := &in.Procedures[i]
		f := "institutional.procedures[" + itoa(i) + "]"
		p.Code = strings.ToUpper(strings.TrimSpace(p.Code))
		v.check(LooksLikePCS(p.Code), f+".code", "%q is not shaped like an ICD-10-PCS code (seven letters and digits, no I or O).", p.Code)
		v.check(!p.Date.IsZero(), f+".date", "procedure %s needs its date.", p.Code)
	}
	v.check(in.DRG == "" || len(in.DRG) == 3 && allDigits(in.DRG), "institutional.drg", "drg must be three digits (MS-DRG).")
	v.check(len(in.Lines) == lines, "institutional.lines", "institutional.lines gives each of the %d service lines its revenue code; it has %d.", lines, len(in.Lines))
	for i := range in.Lines {
		l := &in.Lines[i]
		f := "institutional.lines[" + itoa(i) + "]"
		l.RevenueCode = strings.TrimSpace(l.RevenueCode)
		if len(l.RevenueCode) == 3 {
			l.RevenueCode = "0" + l.RevenueCode
		}
		v.check(len(l.RevenueCode) == 4 && allDigits(l.RevenueCode), f+".revenue_code", "revenue code %q must be four digits (NUBC FL 42, such as 0360).", l.RevenueCode)
		v.check(l.NonCovered >= 0, f+".non_covered", "non_covered may not be negative.")
	}
}
