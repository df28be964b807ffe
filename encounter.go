package rcm

import (
	"context"
	"strings"
)

// Encounter limits from the 837P: HI holds up to 12 diagnoses, SV101 up to
// four modifiers, SV107 up to four diagnosis pointers; the 2400 loop repeats
// up to 50 times.
const (
	MaxDiagnoses = 12
	MaxModifiers = 4
	MaxPointers  = 4
	MaxLines     = 50
)

// Encounter statuses: a coder works an encounter until it is ready for
// billing; the biller turns a ready encounter into claims.
const (
	EncounterOpen   = "open"
	EncounterCoded  = "coded"
	EncounterBilled = "billed"
)

// Encounter is a visit: what was done for a patient on one date of service,
// by whom and where, with the codes that describe it.
type Encounter struct {
	ID                  int64  `json:"id"`
	OrgID               int64  `json:"-"`
	PatientID           int64  `json:"patient_id"`
	PracticeID          int64  `json:"practice_id"`
	RenderingProviderID int64  `json:"rendering_provider_id"`
	FacilityID          int64  `json:"facility_id,omitempty"`
	DateOfService       Date   `json:"date_of_service"`
	PlaceOfService      string `json:"place_of_service"`
	// Note is the clinical documentation the codes are drawn from.
	Note      string        `json:"note,omitempty"`
	Status    string        `json:"status"`
	Diagnoses []Diagnosis   `json:"diagnoses"`
	Lines     []ServiceLine `json:"lines"`
	// Institutional is set when a facility bills the encounter on the
	// 837I and UB-04 instead of the 837P.
	Institutional *Institutional `json:"institutional,omitempty"`
	// OnsetDate is the onset of the current illness or injury (837P
	// DTP*431, CMS-1500 box 14).
	OnsetDate Date `json:"onset_date,omitzero"`
	// AccidentDate, AccidentCause and AccidentState describe the accident
	// the visit follows, if any: the cause is AA auto, EM employment or OA
	// other (837P CLM11 and DTP*439, CMS-1500 box 10); an auto accident
	// needs the state it happened in.
	AccidentDate  Date   `json:"accident_date,omitzero"`
	AccidentCause string `json:"accident_cause,omitempty"`
	AccidentState string `json:"accident_state,omitempty"`
}

// Accident causes (837P CLM11-1, related causes code).
const (
	AccidentAuto       = "AA"
	AccidentEmployment = "EM"
	AccidentOther      = "OA"
)

// Diagnosis is an ICD-10-CM code in its claim order; the first is the
// principal (first-listed) diagnosis.
type Diagnosis struct {
	Code string `json:"code"`
}

// ServiceLine is one procedure or supply billed (837P loop 2400).
type ServiceLine struct {
	// Code is a CPT or HCPCS Level II code.
	Code      string   `json:"code"`
	Modifiers []string `json:"modifiers,omitempty"`
	Units     int      `json:"units"`
	Charge    Money    `json:"charge"`
	// Pointers are 1-based positions in the encounter's Diagnoses (SV107).
	Pointers []int `json:"pointers"`
	// NDC is the 11-digit National Drug Code for drugs billed (LIN03).
	NDC string `json:"ndc,omitempty"`
	// DateOfService is the line's date when it differs from the encounter's.
	DateOfService Date `json:"date_of_service,omitzero"`
}

// Validate checks the encounter's structure: references, counts, code
// shapes and pointers. Whether codes are valid on the date of service is the
// code-set validator's job.
func (e *Encounter) Validate() error {
	v := &validator{}
	v.check(e.PatientID > 0, "patient_id", "patient_id is required.")
	v.check(e.PracticeID > 0, "practice_id", "practice_id is required.")
	v.check(e.RenderingProviderID > 0, "rendering_provider_id", "rendering_provider_id is required.")
	v.check(!e.DateOfService.IsZero(), "date_of_service", "date_of_service is required (YYYY-MM-DD).")
	v.check(len(e.PlaceOfService) == 2 && allDigits(e.PlaceOfService), "place_of_service", "place_of_service must be a two-digit CMS Place of Service code such as 11.")
	v.check(len(e.Note) <= 100000, "note", "note must be at most 100,000 characters.")
	switch e.Status {
	case "":
		e.Status = EncounterOpen
	case EncounterOpen, EncounterCoded, EncounterBilled:
	default:
		v.check(false, "status", "status must be open, coded or billed.")
	}
	v.check(len(e.Diagnoses) <= MaxDiagnoses, "diagnoses", "at most %d diagnoses fit on a claim.", MaxDiagnoses)
	seen := map[string]bool{}
	for i := range e.Diagnoses {
		d := &e.Diagnoses[i]
		d.Code = NormalizeICD10(d.Code)
		field := "diagnoses[" + itoa(i) + "].code"
		_, err := ParseICD10(d.Code)
		v.check(err == nil, field, "%q is not shaped like an ICD-10-CM code (a letter, two characters, then up to four more).", d.Code)
		v.check(!seen[d.Code], field, "%s is listed twice.", d.Code)
		seen[d.Code] = true
	}
	e.AccidentCause, e.AccidentState = strings.ToUpper(strings.TrimSpace(e.AccidentCause)), strings.ToUpper(strings.TrimSpace(e.AccidentState))
	switch e.AccidentCause {
	case "":
		v.check(e.AccidentDate.IsZero() && e.AccidentState == "", "accident_cause", "Give the accident's cause (AA auto, EM employment, OA other) with its date or state.")
	case AccidentAuto, AccidentEmployment, AccidentOther:
		v.check(e.AccidentCause != AccidentAuto || e.AccidentState != "", "accident_state", "An auto accident needs the state it happened in (two letters).")
		v.check(e.AccidentCause == AccidentEmployment || !e.AccidentDate.IsZero(), "accident_date", "An auto or other accident needs its date.")
	default:
		v.check(false, "accident_cause", "accident_cause must be AA (auto), EM (employment) or OA (other).")
	}
	v.check(e.AccidentState == "" || len(e.AccidentState) == 2 && allLetters(e.AccidentState), "accident_state", "accident_state must be a two-letter state code.")
	v.check(e.AccidentDate.IsZero() || !e.DateOfService.Before(e.AccidentDate), "accident_date", "The accident (%s) is after the date of service.", e.AccidentDate)
	v.check(e.OnsetDate.IsZero() || !e.DateOfService.Before(e.OnsetDate), "onset_date", "The onset (%s) is after the date of service.", e.OnsetDate)
	v.check(len(e.Lines) <= MaxLines, "lines", "at most %d service lines fit on a claim.", MaxLines)
	for i := range e.Lines {
		l := &e.Lines[i]
		p := "lines[" + itoa(i) + "]"
		l.Code = strings.ToUpper(strings.TrimSpace(l.Code))
		// A facility line may carry only its revenue code (room and
		// board, supplies); HCPCS is then optional.
		revenueOnly := e.Institutional != nil && l.Code == ""
		v.check(revenueOnly || looksLikeProcedure(l.Code), p+".code", "%q is not a CPT or HCPCS code (five characters, such as 99213 or J1100).", l.Code)
		v.check(len(l.Modifiers) <= MaxModifiers, p+".modifiers", "at most %d modifiers per line.", MaxModifiers)
		for j, m := range l.Modifiers {
			l.Modifiers[j] = strings.ToUpper(m)
			v.check(len(m) == 2 && printableNoDelims(m), p+".modifiers", "modifier %q must be two characters.", m)
		}
		v.check(l.Units >= 1 && l.Units <= 9999, p+".units", "units must be between 1 and 9999.")
		v.check(l.Charge >= 0, p+".charge", "charge may not be negative.")
		v.check(len(l.Pointers) >= 1 || len(e.Diagnoses) == 0 || e.Institutional != nil, p+".pointers", "each line needs at least one diagnosis pointer.")
		v.check(len(l.Pointers) <= MaxPointers, p+".pointers", "at most %d diagnosis pointers per line.", MaxPointers)
		for _, ptr := range l.Pointers {
			v.check(ptr >= 1 && ptr <= len(e.Diagnoses), p+".pointers", "pointer %d does not point at one of the %d diagnoses.", ptr, len(e.Diagnoses))
		}
		v.check(l.NDC == "" || (len(l.NDC) == 11 && allDigits(l.NDC)), p+".ndc", "ndc must be 11 digits (5-4-2 without hyphens).")
	}
	if e.Institutional != nil {
		e.Institutional.validate(v, len(e.Lines), len(e.Diagnoses))
	}
	return v.result()
}

// TotalCharge is the sum of the line charges (CLM02).
func (e *Encounter) TotalCharge() Money {
	var t Money
	for _, l := range e.Lines {
		t += l.Charge
	}
	return t
}

func looksLikeProcedure(code string) bool {
	if len(code) != 5 {
		return false
	}
	for i := 0; i < 5; i++ {
		if !(code[i] >= '0' && code[i] <= '9' || code[i] >= 'A' && code[i] <= 'Z') {
			return false
		}
	}
	return true
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// EncounterFilter narrows FindEncounters.
type EncounterFilter struct {
	PatientID int64
	Status    string
	// After, when set, starts the list after this encounter in its order
	// (date of service newest first, then id): keyset paging.
	After *Encounter
	// IDs, when given, limits the list to these encounters: a screen of
	// claims reads their encounters in one audited list read.
	IDs    []int64
	Limit  int
	Offset int
}

// EncounterService manages encounters. An encounter is patient data, so
// implementations audit every read and change.
type EncounterService interface {
	CreateEncounter(ctx context.Context, e *Encounter) error
	FindEncounterByID(ctx context.Context, id int64) (*Encounter, error)
	FindEncounters(ctx context.Context, f EncounterFilter) ([]*Encounter, error)
	UpdateEncounter(ctx context.Context, e *Encounter) error
}

func allLetters(s string) bool {
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
