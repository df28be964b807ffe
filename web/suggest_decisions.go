package web

import (
	"net/http"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/suggest"
)

// decisionBody is the body of POST /api/v1/codes/suggest/decisions: the
// suggestion decided (as POST /api/v1/codes/suggest returned it: code,
// system, units, evidence offsets) and the decision.
type decisionBody struct {
	EncounterID int64              `json:"encounter_id"`
	System      string             `json:"system"`
	Code        string             `json:"code"`
	Units       int                `json:"units"`
	Evidence    []rcm.EvidenceSpan `json:"evidence"`
	// Decision is accepted, rejected or changed; Reason one of the codes
	// of rcm.RejectReasons for a rejection; Replacement the code used
	// instead for a change.
	Decision    string `json:"decision"`
	Reason      string `json:"reason"`
	Replacement string `json:"replacement"`
}

// decisionResult answers a decision: the decision as stored and the
// encounter as it now stands.
type decisionResult struct {
	Decision  *rcm.SuggestionDecision `json:"decision"`
	Encounter *rcm.Encounter          `json:"encounter"`
}

// RouteSuggestionDecisions registers the coder's decisions on suggestions
// and the suggestions' measure on real use:
//
//	POST /api/v1/codes/suggest/decisions   accept, reject or change one
//	GET  /api/v1/codes/suggest/decisions   list them (audited)
//	GET  /api/v1/codes/suggest/stats       precision and recall proxy per family
func (s *Server) RouteSuggestionDecisions(svc rcm.SuggestionDecisionService) {
	s.mux.Handle("POST /api/v1/codes/suggest/decisions", s.api(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := parseQuery(r); err != nil {
			return err
		}
		var b decisionBody
		if err := decodeJSON(w, r, &b); err != nil {
			return err
		}
		d := &rcm.SuggestionDecision{EncounterID: b.EncounterID, System: b.System, Code: b.Code, Units: b.Units, Evidence: b.Evidence,
			Decision: b.Decision, Reason: b.Reason, Replacement: b.Replacement}
		if d.Evidence == nil {
			d.Evidence = []rcm.EvidenceSpan{}
		}
		e, err := svc.DecideSuggestion(r.Context(), d)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, decisionResult{Decision: d, Encounter: e})
		return nil
	}))
	s.mux.Handle("GET /api/v1/codes/suggest/decisions", s.api(func(w http.ResponseWriter, r *http.Request) error {
		f, _, err := decisionFilter(r, "encounter_id", "user_id", "from", "to", "limit")
		if err != nil {
			return err
		}
		list, err := svc.FindSuggestionDecisions(r.Context(), f)
		if err != nil {
			return err
		}
		writeList(w, "decisions", list)
		return nil
	}))
	s.mux.Handle("GET /api/v1/codes/suggest/stats", s.api(func(w http.ResponseWriter, r *http.Request) error {
		f, q, err := decisionFilter(r, "user_id", "from", "to", "by")
		if err != nil {
			return err
		}
		by := q.v.Get("by")
		switch by {
		case "", suggest.ByCategory, suggest.ByChapter:
		default:
			return rcm.FieldErrorf(rcm.EINVALID, "by", "Break the measure down by category or chapter, not %q.", by)
		}
		ds, err := svc.FindSuggestionDecisions(r.Context(), f)
		if err != nil {
			return err
		}
		final, err := svc.FindDecidedEncounterCodes(r.Context(), f)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, suggest.Measure(ds, final, by))
		return nil
	}))
	s.Describe("POST /api/v1/codes/suggest/decisions", Operation{Tag: "codes", Summary: "Decide on a suggestion: accepted (the code goes on the encounter; an HCPCS drug as a service line with its units), rejected with a reason (not-documented, negated, specificity, laterality, not-this-visit, other) or changed to another code. Evidence offsets are bytes of the UTF-8 note. Audited as a change of the encounter.",
		Body: decisionBody{}, Status: http.StatusCreated, Response: decisionResult{}})
	s.Describe("GET /api/v1/codes/suggest/decisions", Operation{Tag: "codes", Summary: "Coders' decisions on suggestions, oldest first (audited).",
		Query: []string{"encounter_id", "user_id", "from", "to", "limit"}, Response: rcm.SuggestionDecision{}, List: "decisions"})
	s.Describe("GET /api/v1/codes/suggest/stats", Operation{Tag: "codes", Summary: "The suggestions' precision (accepted / decided) and recall proxy (codes finally on the decided encounters that were suggested and accepted) per code family (by=category or chapter).",
		Query: []string{"user_id", "from", "to", "by"}, Response: suggest.Stats{}})
}

// decisionFilter reads a decisions filter from the query.
func decisionFilter(r *http.Request, allowed ...string) (rcm.SuggestionDecisionFilter, query, error) {
	var f rcm.SuggestionDecisionFilter
	q, err := parseQuery(r, allowed...)
	if err != nil {
		return f, q, err
	}
	if f.EncounterID, err = q.id("encounter_id"); err != nil {
		return f, q, err
	}
	if f.UserID, err = q.id("user_id"); err != nil {
		return f, q, err
	}
	if f.From, err = q.date("from"); err != nil {
		return f, q, err
	}
	if f.To, err = q.date("to"); err != nil {
		return f, q, err
	}
	if f.Limit, err = q.int("limit", 1000, 1, 10000); err != nil {
		return f, q, err
	}
	return f, q, nil
}
