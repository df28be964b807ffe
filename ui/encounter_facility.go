package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
)

// facilityForm is the facility bill form as the coder types it: the
// lists are space- or comma-separated, "CODE DATE" pairs one to a line.
type facilityForm struct {
	On                                                     bool
	TypeOfBill, StatementFrom, StatementTo                 string
	AdmissionDate, AdmissionHour, AdmissionType, AdmSource string
	DischargeHour, PatientStatus                           string
	Attending, Operating                                   int64
	Conditions, Occurrences, Spans, Values, POA            string
	Procedures, DRG, RevenueCodes, NonCovered              string
}

func dateText(d rcm.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// facilityFormOf fills the form from an encounter's institutional data.
func facilityFormOf(e *rcm.Encounter) facilityForm {
	in := e.Institutional
	if in == nil {
		return facilityForm{}
	}
	f := facilityForm{On: true, TypeOfBill: in.TypeOfBill, StatementFrom: dateText(in.StatementFrom), StatementTo: dateText(in.StatementTo),
		AdmissionDate: dateText(in.AdmissionDate), AdmissionHour: in.AdmissionHour, AdmissionType: in.AdmissionType, AdmSource: in.AdmissionSource,
		DischargeHour: in.DischargeHour, PatientStatus: in.PatientStatus, Attending: in.AttendingProviderID, Operating: in.OperatingProviderID,
		Conditions: strings.Join(in.ConditionCodes, " "), POA: strings.Join(in.POA, " "), DRG: in.DRG}
	var occ, spans, vals, procs, revs, nc []string
	for _, o := range in.Occurrences {
		occ = append(occ, o.Code+" "+o.Date.String())
	}
	for _, o := range in.OccurrenceSpans {
		spans = append(spans, o.Code+" "+o.From.String()+" "+o.To.String())
	}
	for _, v := range in.Values {
		vals = append(vals, v.Code+" "+v.Amount.String())
	}
	for _, p := range in.Procedures {
		procs = append(procs, p.Code+" "+p.Date.String())
	}
	for _, l := range in.Lines {
		revs = append(revs, l.RevenueCode)
		nc = append(nc, l.NonCovered.String())
	}
	f.Occurrences, f.Spans, f.Values, f.Procedures = strings.Join(occ, "\n"), strings.Join(spans, "\n"), strings.Join(vals, "\n"), strings.Join(procs, "\n")
	f.RevenueCodes, f.NonCovered = strings.Join(revs, " "), strings.Join(nc, " ")
	return f
}

// saveFacility sets, or with an empty type of bill removes, the facility
// bill data of an encounter. The form's text is only split here: what the
// values must be is the encounter's own validation, the same the API runs.
func (h *Handler) saveFacility(w http.ResponseWriter, r *http.Request, s *session) error {
	return h.editEncounter(w, r, s, "facility", func(e *rcm.Encounter) error {
		if strings.TrimSpace(r.PostFormValue("type_of_bill")) == "" {
			e.Institutional = nil
			return nil
		}
		in, err := parseFacilityForm(r, len(e.Lines))
		if err != nil {
			return err
		}
		e.Institutional = in
		return nil
	})
}

func facilityFields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\r' || r == '\n' })
}

func facilityRows(s string) [][]string {
	var out [][]string
	for _, line := range strings.Split(s, "\n") {
		if f := facilityFields(line); len(f) > 0 {
			out = append(out, f)
		}
	}
	return out
}

func facilityDate(field, s string) (rcm.Date, error) {
	if strings.TrimSpace(s) == "" {
		return rcm.Date{}, nil
	}
	d, err := rcm.ParseDate(strings.TrimSpace(s))
	if err != nil {
		return d, rcm.FieldErrorf(rcm.EINVALID, field, "%s %q is not a date (YYYY-MM-DD).", strings.ReplaceAll(field, "_", " "), s)
	}
	return d, nil
}

// parseFacilityForm reads the form into institutional data; lines is the
// encounter's number of service lines.
func parseFacilityForm(r *http.Request, lines int) (*rcm.Institutional, error) {
	v := r.PostFormValue
	in := &rcm.Institutional{TypeOfBill: strings.TrimSpace(v("type_of_bill")), AdmissionHour: strings.TrimSpace(v("admission_hour")),
		AdmissionType: strings.TrimSpace(v("admission_type")), AdmissionSource: strings.TrimSpace(v("admission_source")),
		DischargeHour: strings.TrimSpace(v("discharge_hour")), PatientStatus: strings.TrimSpace(v("patient_status")),
		ConditionCodes: facilityFields(v("condition_codes")), POA: facilityFields(v("poa")), DRG: strings.TrimSpace(v("drg"))}
	var err error
	for _, d := range []struct {
		field string
		dst   *rcm.Date
	}{{"statement_from", &in.StatementFrom}, {"statement_to", &in.StatementTo}, {"admission_date", &in.AdmissionDate}} {
		if *d.dst, err = facilityDate(d.field, v(d.field)); err != nil {
			return nil, err
		}
	}
	for _, p := range []struct {
		field string
		dst   *int64
	}{{"attending", &in.AttendingProviderID}, {"operating", &in.OperatingProviderID}} {
		if s := strings.TrimSpace(v(p.field)); s != "" {
			if *p.dst, err = strconv.ParseInt(s, 10, 64); err != nil {
				return nil, rcm.FieldErrorf(rcm.EINVALID, p.field, "Pick the %s provider from the list.", p.field)
			}
		}
	}
	for i, row := range facilityRows(v("occurrences")) {
		if len(row) != 2 {
			return nil, rcm.FieldErrorf(rcm.EINVALID, "occurrences", "Occurrence line %d: write the code and its date, such as 11 2026-02-02.", i+1)
		}
		d, err := facilityDate("occurrences", row[1])
		if err != nil {
			return nil, err
		}
		in.Occurrences = append(in.Occurrences, rcm.Occurrence{Code: strings.ToUpper(row[0]), Date: d})
	}
	for i, row := range facilityRows(v("spans")) {
		if len(row) != 3 {
			return nil, rcm.FieldErrorf(rcm.EINVALID, "spans", "Occurrence span line %d: write the code, from and through dates, such as 74 2026-02-05 2026-02-05.", i+1)
		}
		from, err := facilityDate("spans", row[1])
		if err != nil {
			return nil, err
		}
		to, err := facilityDate("spans", row[2])
		if err != nil {
			return nil, err
		}
		in.OccurrenceSpans = append(in.OccurrenceSpans, rcm.OccurrenceSpan{Code: strings.ToUpper(row[0]), From: from, To: to})
	}
	for i, row := range facilityRows(v("values")) {
		if len(row) != 2 {
			return nil, rcm.FieldErrorf(rcm.EINVALID, "values", "Value code line %d: write the code and the amount, such as 80 3.", i+1)
		}
		amt, err := rcm.ParseMoney(row[1])
		if err != nil {
			return nil, rcm.FieldErrorf(rcm.EINVALID, "values", "Value code line %d: %q is not an amount.", i+1, row[1])
		}
		in.Values = append(in.Values, rcm.ValueCode{Code: strings.ToUpper(row[0]), Amount: amt})
	}
	for i, row := range facilityRows(v("procedures")) {
		if len(row) != 2 {
			return nil, rcm.FieldErrorf(rcm.EINVALID, "procedures", "Procedure line %d: write the ICD-10-PCS code and its date, such as 0DTJ4ZZ 2026-02-04.", i+1)
		}
		d, err := facilityDate("procedures", row[1])
		if err != nil {
			return nil, err
		}
		in.Procedures = append(in.Procedures, rcm.PCSProcedure{Code: row[0], Date: d})
	}
	revs, nc := facilityFields(v("revenue_codes")), facilityFields(v("non_covered"))
	if len(revs) != lines {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "revenue_codes", "Give each of the %d service lines its revenue code, in line order; %d given.", lines, len(revs))
	}
	if len(nc) > lines {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "non_covered", "%d non-covered amounts for %d lines.", len(nc), lines)
	}
	for i, rc := range revs {
		l := rcm.RevenueLine{RevenueCode: rc}
		if i < len(nc) {
			if l.NonCovered, err = rcm.ParseMoney(nc[i]); err != nil {
				return nil, rcm.FieldErrorf(rcm.EINVALID, "non_covered", "Non-covered amount %q of line %d is not an amount.", nc[i], i+1)
			}
		}
		in.Lines = append(in.Lines, l)
	}
	return in, nil
}
