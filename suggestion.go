package rcm

import (
	"context"
	"slices"
	"strings"
	"time"
)

// A coder's decisions on a computer-assisted coding suggestion.
const (
	SuggestionAccepted = "accepted"
	SuggestionRejected = "rejected"
	SuggestionChanged  = "changed"
)

// Suggestion code systems: a diagnosis (ICD-10-CM) or a service line
// (HCPCS Level II drug or supply).
const (
	SuggestionICD10CM = "icd10cm"
	SuggestionHCPCS   = "hcpcs"
)

// RejectReason is one of the reasons a coder gives for rejecting a
// suggestion. The list is short on purpose: it is what the measures are
// broken down by, and a free-text reason could not be counted.
type RejectReason struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// RejectReasons is the list a rejection picks from, in the order a coder
// sees it.
var RejectReasons = []RejectReason{
	{"not-documented", "Not documented"},
	{"negated", "Negated or ruled out"},
	{"specificity", "Wrong specificity"},
	{"laterality", "Wrong laterality"},
	{"not-this-visit", "Not relevant to this visit"},
	{"other", "Other"},
}

// RejectReasonLabel returns the words of a reason code ("" when unknown).
func RejectReasonLabel(code string) string {
	for _, r := range RejectReasons {
		if r.Code == code {
			return r.Label
		}
	}
	return ""
}

// EvidenceSpan is a stretch of the note that supports a suggestion: byte
// offsets into the note as stored (UTF-8), start inclusive, end exclusive.
// The words themselves are PHI and stay in the sealed note; the offsets
// find them again.
type EvidenceSpan struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// SuggestionDecision is a coder's decision on one suggestion for an
// encounter: accepted (the code goes on the encounter), rejected (with a
// reason from RejectReasons) or changed (another code goes on instead).
// Decisions are kept, never edited, so that the suggestions' precision can
// be measured on real use and audits can read what the coder was offered.
type SuggestionDecision struct {
	ID          int64 `json:"id"`
	OrgID       int64 `json:"-"`
	EncounterID int64 `json:"encounter_id"`
	PatientID   int64 `json:"patient_id"`
	// System is SuggestionICD10CM or SuggestionHCPCS; Code is the code
	// suggested (with the ICD-10-CM dot), Units the units suggested for a
	// service line.
	System   string         `json:"system"`
	Code     string         `json:"code"`
	Units    int            `json:"units,omitempty"`
	Evidence []EvidenceSpan `json:"evidence"`
	Decision string         `json:"decision"`
	// Reason is a RejectReasons code, for a rejection only.
	Reason string `json:"reason,omitempty"`
	// Replacement is the code the coder chose instead, for a change only.
	Replacement string    `json:"replacement,omitempty"`
	UserID      int64     `json:"user_id"`
	At          time.Time `json:"at"`
}

// Normalize puts the codes in their stored form: upper case, the
// ICD-10-CM dot in place.
func (d *SuggestionDecision) Normalize() {
	d.System = strings.ToLower(strings.TrimSpace(d.System))
	if d.System == "" {
		d.System = SuggestionICD10CM
	}
	d.Decision = strings.ToLower(strings.TrimSpace(d.Decision))
	d.Reason = strings.ToLower(strings.TrimSpace(d.Reason))
	if d.System == SuggestionICD10CM {
		d.Code, d.Replacement = NormalizeICD10(d.Code), NormalizeICD10(d.Replacement)
	} else {
		d.Code, d.Replacement = strings.ToUpper(strings.TrimSpace(d.Code)), strings.ToUpper(strings.TrimSpace(d.Replacement))
	}
}

// Validate checks a decision before it is stored: a known decision, a
// reason from the list for a rejection and only then, a replacement code
// different from the suggestion for a change and only then.
func (d *SuggestionDecision) Validate() error {
	switch {
	case d.EncounterID <= 0:
		return FieldErrorf(EINVALID, "encounter_id", "Name the encounter the suggestion was made for.")
	case d.System != SuggestionICD10CM && d.System != SuggestionHCPCS:
		return FieldErrorf(EINVALID, "system", "A suggestion is an ICD-10-CM diagnosis (icd10cm) or an HCPCS service line (hcpcs), not %q.", d.System)
	case d.Code == "":
		return FieldErrorf(EINVALID, "code", "Name the code that was suggested.")
	case d.Units < 0 || d.Units > 9999:
		return FieldErrorf(EINVALID, "units", "Units must be 0 to 9999.")
	}
	for _, sp := range d.Evidence {
		if sp.Start < 0 || sp.End < sp.Start {
			return FieldErrorf(EINVALID, "evidence", "Evidence offsets %d-%d are not a span of the note.", sp.Start, sp.End)
		}
	}
	switch d.Decision {
	case SuggestionAccepted:
		if d.Reason != "" || d.Replacement != "" {
			return FieldErrorf(EINVALID, "decision", "An accepted suggestion has no reason and no replacement code.")
		}
	case SuggestionRejected:
		if RejectReasonLabel(d.Reason) == "" {
			return FieldErrorf(EINVALID, "reason", "Pick why the suggestion is rejected: %s.", reasonList())
		}
		if d.Replacement != "" {
			return FieldErrorf(EINVALID, "replacement", "A rejected suggestion has no replacement code; change it instead.")
		}
	case SuggestionChanged:
		if d.Replacement == "" {
			return FieldErrorf(EINVALID, "replacement", "Give the code to use instead of %s.", d.Code)
		}
		if d.Replacement == d.Code {
			return FieldErrorf(EINVALID, "replacement", "The replacement is the code suggested; accept it instead.")
		}
		if d.Reason != "" {
			return FieldErrorf(EINVALID, "reason", "A changed suggestion takes no reason; the replacement says it.")
		}
	default:
		return FieldErrorf(EINVALID, "decision", "Decide accepted, rejected or changed, not %q.", d.Decision)
	}
	return nil
}

func reasonList() string {
	var s []string
	for _, r := range RejectReasons {
		s = append(s, r.Code+" ("+r.Label+")")
	}
	return strings.Join(s, ", ")
}

// Apply changes an encounter the way the decision says: an accepted
// diagnosis, or the replacement of a changed one, is added after the
// diagnoses already coded (once: a code already there is not repeated); an
// accepted HCPCS suggestion becomes a service line with its units,
// pointing at the first diagnosis. A rejection changes nothing. It reports
// whether the encounter changed.
func (d *SuggestionDecision) Apply(e *Encounter) bool {
	code := d.Code
	switch d.Decision {
	case SuggestionRejected:
		return false
	case SuggestionChanged:
		code = d.Replacement
	}
	if d.System == SuggestionHCPCS {
		for _, l := range e.Lines {
			if l.Code == code {
				return false
			}
		}
		l := ServiceLine{Code: code, Units: max(d.Units, 1)}
		if len(e.Diagnoses) > 0 {
			l.Pointers = []int{1}
		}
		e.Lines = append(e.Lines, l)
		return true
	}
	if slices.ContainsFunc(e.Diagnoses, func(x Diagnosis) bool { return x.Code == code }) {
		return false
	}
	e.Diagnoses = append(e.Diagnoses, Diagnosis{Code: code})
	// Lines coded before any diagnosis point at the one now added, as the
	// workbench's own "Add" does.
	for i := range e.Lines {
		if len(e.Lines[i].Pointers) == 0 {
			e.Lines[i].Pointers = []int{len(e.Diagnoses)}
		}
	}
	return true
}

// SuggestionDecisionFilter narrows FindSuggestionDecisions. Zero fields do
// not filter; From and To bound the decision's day (inclusive).
type SuggestionDecisionFilter struct {
	EncounterID int64
	UserID      int64
	From, To    Date
	Limit       int
}

// SuggestionDecisionService stores coders' decisions on suggestions. It is
// what the suggestion measures, the coding audit and practice mode read.
type SuggestionDecisionService interface {
	// DecideSuggestion stores a decision (ID, OrgID, PatientID, UserID
	// and At are set from the encounter, the actor and the clock) and, in
	// the same transaction, applies it to the encounter (Apply), which goes
	// back to open when its codes change. The decision is audited as a
	// change of the encounter. It returns the encounter as saved.
	DecideSuggestion(ctx context.Context, d *SuggestionDecision) (*Encounter, error)
	// FindSuggestionDecisions lists decisions, oldest first; the read is
	// audited with the patients it names.
	FindSuggestionDecisions(ctx context.Context, f SuggestionDecisionFilter) ([]*SuggestionDecision, error)
	// FindDecidedEncounterCodes returns, for each encounter with a decision
	// the filter selects, the codes coded on it now (its diagnoses, then
	// its service lines' codes): what the coder finally chose, against
	// which the suggestions' recall is estimated.
	FindDecidedEncounterCodes(ctx context.Context, f SuggestionDecisionFilter) (map[int64][]string, error)
}
