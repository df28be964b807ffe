package claim

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/edit"
)

// InstitutionalRules are the scrubber's rules for institutional claims
// (837I 005010X223A2, UB-04): what the guide and the NUBC manual require of
// a facility's bill. Each finding names one of them.
var InstitutionalRules = []edit.Rule{
	{ID: "INST-TOB", Family: "institutional", Severity: edit.Error, Summary: "type of bill missing or malformed", Source: "837I 2300 CLM05-1/CLM05-3; UB-04 FL 4"},
	{ID: "INST-TOB-FACILITY", Family: "institutional", Severity: edit.Error, Summary: "type of bill not one the facility may send", Source: "NUBC FL 4 facility type and bill classification"},
	{ID: "INST-REVENUE", Family: "institutional", Severity: edit.Error, Summary: "service line without a revenue code, or one that does not exist", Source: "837I 2400 SV201; UB-04 FL 42"},
	{ID: "INST-HCPCS", Family: "institutional", Severity: edit.Error, Summary: "revenue code that requires a HCPCS code on an outpatient bill billed without one", Source: "837I 2400 SV202; Medicare Claims Processing Manual ch. 4 (OPPS HCPCS reporting)"},
	{ID: "INST-ADMISSION", Family: "institutional", Severity: edit.Error, Summary: "inpatient bill without its admission date, hour, type or source", Source: "837I 2300 DTP*435, CL101, CL102; UB-04 FL 12-15"},
	{ID: "INST-POA", Family: "institutional", Severity: edit.Error, Summary: "present-on-admission indicator missing on an inpatient bill", Source: "837I 2300 HI01-9; UB-04 FL 67 (POA)"},
	{ID: "INST-STATEMENT", Family: "institutional", Severity: edit.Error, Summary: "statement covers period does not cover the service lines", Source: "837I 2300 DTP*434, 2400 DTP*472; UB-04 FL 6, 45"},
	{ID: "INST-OCC-VALUE", Family: "institutional", Severity: edit.Error, Summary: "occurrence and value codes that do not agree", Source: "NUBC FL 31-41 (occurrence, span and value codes)"},
	{ID: "INST-ATTENDING", Family: "institutional", Severity: edit.Error, Summary: "attending provider missing or NPI failing the check digit", Source: "837I 2310A NM109; UB-04 FL 76"},
	{ID: "INST-PCS", Family: "institutional", Severity: edit.Warning, Summary: "ICD-10-PCS procedure on an outpatient bill, or checked by format only", Source: "837I 2300 HI*BBR/BBQ; UB-04 FL 74"},
	{ID: "INST-NCCI", Family: "institutional", Severity: edit.Error, Summary: "NCCI outpatient hospital MUE or PTP edit", Source: "CMS NCCI for outpatient hospital services (MUE; PTP)"},
}

// RevenueCodeList tells whether a revenue code exists; loaded is false when
// no list is at hand (the NUBC list is licensed: it is read from a file the
// user supplies, never shipped).
type RevenueCodeList interface {
	KnownRevenueCode(code string) (known, loaded bool)
}

// RevenueCodes is a revenue code list read from a CSV file.
type RevenueCodes map[string]string

// KnownRevenueCode implements RevenueCodeList.
func (rc RevenueCodes) KnownRevenueCode(code string) (bool, bool) {
	if len(rc) == 0 {
		return false, false
	}
	_, ok := rc[code]
	return ok, true
}

// ReadRevenueCodes reads a CSV of revenue codes: a header, then the
// four-digit code and its description on each row. A malformed row is an
// error naming its line.
func ReadRevenueCodes(r io.Reader) (RevenueCodes, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	out := RevenueCodes{}
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, rcm.Errorf(rcm.EINVALID, "Revenue code list: %v", err)
		}
		if line == 1 && len(rec) > 0 && !isDigits(rec[0]) {
			continue // the header
		}
		if len(rec) > 0 && len(rec[0]) == 4 && isDigits(rec[0][:3]) && rec[0][3] == 'X' {
			continue // a category heading such as 091X, not a code
		}
		if len(rec) < 1 || len(rec[0]) != 4 || !isDigits(rec[0]) {
			return nil, rcm.Errorf(rcm.EINVALID, "Revenue code list line %d: %q is not a four-digit revenue code.", line, strings.Join(rec, ","))
		}
		desc := ""
		if len(rec) > 1 {
			desc = rec[1]
		}
		out[rec[0]] = desc
	}
	if len(out) == 0 {
		return nil, rcm.Errorf(rcm.EINVALID, "Revenue code list: no codes.")
	}
	return out, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FacilityEdits runs the NCCI edits of the outpatient hospital setting over
// a facility claim's lines.
type FacilityEdits interface {
	CheckFacility(c *edit.Claim) []edit.Finding
}

// hcpcsRequired lists the revenue code prefixes whose outpatient lines
// must carry a HCPCS code (OPPS): laboratory, radiology, operating room,
// anesthesia, emergency room, ambulatory surgery, clinic, drugs billed by
// detailed code, and the rest where the service is identified by HCPCS.
var hcpcsRequired = []string{"030", "031", "032", "033", "034", "035", "036", "040", "045", "046", "048", "049", "051", "052", "061",
	"0636", "070", "073", "074", "075", "076", "077", "082", "083", "084", "085", "088", "090", "091", "092", "094", "096", "097", "098"}

func needsHCPCS(rev string) bool {
	for _, p := range hcpcsRequired {
		if strings.HasPrefix(rev, p) {
			return true
		}
	}
	return false
}

// scrubInstitutional returns the findings of the institutional rules.
func (s *Scrubber) scrubInstitutional(b *Bundle) []edit.Finding {
	c, in := b.Claim, b.Claim.Institutional
	var fs []edit.Finding
	add := func(rule string, lines []int, fix, format string, args ...any) {
		sev := edit.Error
		for _, r := range InstitutionalRules {
			if r.ID == rule {
				sev = r.Severity
			}
		}
		fs = append(fs, edit.Finding{Rule: rule, Severity: sev, Lines: lines, DateOfService: c.DateOfService,
			Message: fmt.Sprintf(format, args...), Fix: fix})
	}
	tob := in.TypeOfBill
	switch {
	case tob == "":
		add("INST-TOB", nil, "Enter the four-digit type of bill: 0, facility type, bill classification, frequency (0831 for an ASC's original bill).",
			"Claim %s has no type of bill (CLM05, UB-04 FL 4).", c.ControlNumber)
	case len(tob) != 4 || !isDigits(tob) || tob[0] != '0':
		add("INST-TOB", nil, "Enter the four-digit type of bill: 0, facility type, bill classification, frequency (0831 for an ASC's original bill).",
			"Type of bill %q is not four digits starting with 0 (CLM05, UB-04 FL 4).", tob)
	case b.Facility != nil && b.Facility.Kind != "" && !rcm.BillAllowed(b.Facility.Kind, tob):
		add("INST-TOB-FACILITY", nil, "Use a type of bill the facility's kind may send, or correct the facility's kind.",
			"Type of bill %s (facility type %c, classification %c) is not one a %s may send.", tob, tob[1], tob[2], strings.ReplaceAll(b.Facility.Kind, "_", " "))
	}
	for i, rl := range in.Lines {
		n := i + 1
		code := ""
		if i < len(c.Lines) {
			code = c.Lines[i].Code
		}
		if rl.RevenueCode == "" {
			add("INST-REVENUE", []int{n}, "Give the line the revenue code of the department that rendered it (FL 42).", "Line %d (%s) has no revenue code (SV201).", n, orNone(code))
			continue
		}
		if s.RevenueCodes != nil {
			if known, loaded := s.RevenueCodes.KnownRevenueCode(rl.RevenueCode); loaded && !known {
				add("INST-REVENUE", []int{n}, "Use a revenue code from the NUBC list in force.", "Line %d: revenue code %s does not exist in the revenue code list.", n, rl.RevenueCode)
			}
		}
		if !in.Inpatient() && code == "" && needsHCPCS(rl.RevenueCode) {
			add("INST-HCPCS", []int{n}, "Add the HCPCS/CPT code of the service (SV202) to the line.",
				"Line %d: revenue code %s requires a HCPCS code on an outpatient bill (type %s).", n, rl.RevenueCode, tob)
		}
	}
	if len(in.Lines) != len(c.Lines) {
		add("INST-REVENUE", nil, "Give every service line its revenue code.", "Claim %s gives revenue codes for %d of its %d lines.", c.ControlNumber, len(in.Lines), len(c.Lines))
	}
	if in.Inpatient() {
		var missing []string
		if in.AdmissionDate.IsZero() {
			missing = append(missing, "admission date (FL 12)")
		}
		if in.AdmissionHour == "" {
			missing = append(missing, "admission hour (FL 13)")
		}
		if in.AdmissionType == "" {
			missing = append(missing, "admission type (FL 14)")
		}
		if in.AdmissionSource == "" {
			missing = append(missing, "point of origin (FL 15)")
		}
		if len(missing) > 0 {
			add("INST-ADMISSION", nil, "Enter the admission data from the inpatient record.", "Inpatient bill (type %s) without its %s.", tob, strings.Join(missing, ", "))
		}
		if !in.AdmissionDate.IsZero() && in.AdmissionDate.After(in.StatementFrom) {
			add("INST-ADMISSION", nil, "Correct the admission date or the statement period.", "Admission date %s is after the statement period starts (%s).", in.AdmissionDate, in.StatementFrom)
		}
		for i := range c.Diagnoses {
			if i >= len(in.POA) || in.POA[i] == "" {
				add("INST-POA", nil, "Enter Y, N, U or W for the diagnosis, or 1 where it is exempt from POA reporting.",
					"Diagnosis %s has no present-on-admission indicator on an inpatient bill (HI01-9).", c.Diagnoses[i].Code)
			}
		}
	}
	if in.StatementTo.Before(in.StatementFrom) {
		add("INST-STATEMENT", nil, "Correct the statement covers period (FL 6).", "The statement period ends (%s) before it starts (%s).", in.StatementTo, in.StatementFrom)
	}
	for i, l := range c.Lines {
		d := l.DateOfService
		if d.IsZero() {
			d = c.DateOfService
		}
		if d.Before(in.StatementFrom) || d.After(in.StatementTo) {
			add("INST-STATEMENT", []int{i + 1}, "Widen the statement period to the stay, or correct the line's date.",
				"Line %d is dated %s, outside the statement period %s to %s.", i+1, d, in.StatementFrom, in.StatementTo)
		}
	}
	s.occurrenceValuePairs(b, add)
	if b.Attending == nil {
		add("INST-ATTENDING", nil, "Name the attending provider (FL 76).", "Claim %s has no attending provider.", c.ControlNumber)
	} else if !rcm.ValidNPI(b.Attending.NPI) {
		add("INST-ATTENDING", nil, "Correct the provider's NPI from NPPES.", "Attending provider %s %s has NPI %s, which fails the check digit.", b.Attending.FirstName, b.Attending.LastName, b.Attending.NPI)
	}
	if len(in.Procedures) > 0 {
		if !in.Inpatient() {
			add("INST-PCS", nil, "Report outpatient procedures by HCPCS/CPT on the lines; ICD-10-PCS is for inpatient bills.",
				"ICD-10-PCS procedure %s on an outpatient bill (type %s).", in.Procedures[0].Code, tob)
		} else {
			add("INST-PCS", nil, "Check the codes against the ICD-10-PCS tables in force; the PCS code set is not loaded here.",
				"ICD-10-PCS procedures %s are checked by format only: the PCS code set is not loaded.", pcsList(in.Procedures))
		}
	}
	if s.FacilityNCCI != nil && !in.Inpatient() {
		lines := make([]rcm.ServiceLine, 0, len(c.Lines))
		for _, l := range c.Lines {
			lines = append(lines, l.ServiceLine)
		}
		for _, f := range s.FacilityNCCI.CheckFacility(&edit.Claim{DateOfService: c.DateOfService, Lines: lines}) {
			f.Message = f.Rule + ": " + f.Message
			f.Rule = "INST-NCCI"
			fs = append(fs, f)
		}
	}
	return fs
}

// occurrenceValuePairs checks the occurrence and value codes that must
// come together or agree: the no-fault and workers' compensation amounts
// (value codes 14, 15) with their accident occurrence (01/02, 04); covered
// days (value code 80) with the statement period on an inpatient bill;
// occurrence dates not after the statement period.
func (s *Scrubber) occurrenceValuePairs(b *Bundle, add func(rule string, lines []int, fix, format string, args ...any)) {
	in := b.Claim.Institutional
	occ := map[string]bool{}
	for _, o := range in.Occurrences {
		occ[o.Code] = true
		if o.Date.After(in.StatementTo) {
			add("INST-OCC-VALUE", nil, "Correct the occurrence date; an occurrence cannot follow the bill's period.",
				"Occurrence code %s is dated %s, after the statement period ends (%s).", o.Code, o.Date, in.StatementTo)
		}
	}
	for _, v := range in.Values {
		switch v.Code {
		case "14":
			if !occ["01"] && !occ["02"] {
				add("INST-OCC-VALUE", nil, "Add occurrence code 01 (auto accident) or 02 (no-fault insurance involved) with its date.",
					"Value code 14 (no-fault amount) needs occurrence code 01 or 02.")
			}
		case "15":
			if !occ["04"] {
				add("INST-OCC-VALUE", nil, "Add occurrence code 04 (accident, employment related) with its date.",
					"Value code 15 (workers' compensation amount) needs occurrence code 04.")
			}
		case "80":
			if in.Inpatient() {
				// Covered (80) and non-covered (81) days make up the stay;
				// the day of discharge does not count.
				var non rcm.Money
				for _, w := range in.Values {
					if w.Code == "81" {
						non += w.Amount
					}
				}
				days := in.StatementTo.DaysSince(in.StatementFrom)
				if int64(days)*100 != int64(v.Amount+non) {
					add("INST-OCC-VALUE", nil, "Report the stay's covered days in value code 80 and its non-covered days in value code 81; together they are the days from admission to discharge, the day of discharge not counted.",
						"Value code 80 says %s covered days and value code 81 %s non-covered; the statement period %s to %s has %d days.", v.Amount.String(), non.String(), in.StatementFrom, in.StatementTo, days)
				}
			}
		}
	}
	for _, sp := range in.OccurrenceSpans {
		if sp.Code == "74" && !slices.ContainsFunc(in.Values, func(v rcm.ValueCode) bool { return v.Code == "81" }) && in.Inpatient() {
			add("INST-OCC-VALUE", nil, "Report the non-covered days of the leave of absence in value code 81.",
				"Occurrence span 74 (non-covered level of care or leave of absence) on an inpatient bill needs value code 81 (non-covered days).")
		}
	}
}

func orNone(code string) string {
	if code == "" {
		return "no HCPCS"
	}
	return code
}

func pcsList(ps []rcm.PCSProcedure) string {
	codes := make([]string, len(ps))
	for i, p := range ps {
		codes[i] = p.Code
	}
	return strings.Join(codes, ", ")
}
