package ui

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/suggest"
)

// noteSegment is a piece of the note, marked when it is evidence for a
// suggestion; Codes names the suggestions it supports.
type noteSegment struct {
	Text  string
	Mark  bool
	Codes string
}

// suggestionItem is one suggestion as the workbench shows it: the
// suggestion, its evidence offsets for the decision forms, and the
// coder's decision once made.
type suggestionItem struct {
	suggest.Suggestion
	Spans    string
	Decision *rcm.SuggestionDecision
	// ReasonLabel is the rejection reason in words.
	ReasonLabel string
}

// suggestionsView is what the "Suggest" button shows: the note with every
// evidence span marked, the suggestions in rank order with their
// decisions, and the findings left out with why.
type suggestionsView struct {
	Note    []noteSegment
	Items   []suggestionItem
	LeftOut []suggest.LeftOut
	Reasons []rcm.RejectReason
}

// suggestFor runs the suggestions on the encounter's note (already read,
// and its read audited, by the workbench) and finds the decisions already
// made on them.
func (h *Handler) suggestFor(ctx context.Context, s *session, e *rcm.Encounter, age int, sex string) (*suggestionsView, error) {
	cat, err := h.catalog(ctx)
	if err != nil {
		return nil, err
	}
	res, err := (&suggest.Engine{Catalog: cat}).Suggest(suggest.Request{Note: e.Note, DOS: e.DateOfService, Age: age, AgeKnown: true,
		Sex: sex, Org: strconv.FormatInt(s.actor.OrgID, 10)})
	if err != nil {
		return nil, err
	}
	decided, err := h.store.FindSuggestionDecisions(ctx, rcm.SuggestionDecisionFilter{EncounterID: e.ID})
	if err != nil {
		return nil, err
	}
	last := map[string]*rcm.SuggestionDecision{}
	for _, d := range decided {
		last[d.System+" "+d.Code] = d
	}
	v := &suggestionsView{LeftOut: res.LeftOut, Reasons: rcm.RejectReasons}
	var spans []markSpan
	for _, sg := range res.Suggestions {
		it := suggestionItem{Suggestion: sg, Decision: last[sg.System+" "+sg.Code]}
		var offs []string
		for _, ev := range sg.Evidence {
			offs = append(offs, strconv.Itoa(ev.Start)+"-"+strconv.Itoa(ev.End))
			spans = append(spans, markSpan{ev.Start, ev.End, sg.Code})
		}
		it.Spans = strings.Join(offs, ",")
		if it.Decision != nil {
			it.ReasonLabel = rcm.RejectReasonLabel(it.Decision.Reason)
		}
		v.Items = append(v.Items, it)
	}
	v.Note = markNote(e.Note, spans)
	return v, nil
}

// markSpan is an evidence span (byte offsets into the note) and the code
// it supports.
type markSpan struct {
	start, end int
	code       string
}

// markNote splits the note at the spans' offsets. The offsets are bytes of
// the UTF-8 note; an offset inside a character (which the reader never
// gives, but a stored offset might after an edit) is moved to the
// character's edge, so a mark never splits one. Overlapping spans merge,
// and the merged mark names every code it supports. The segments are
// escaped by the template, never here.
func markNote(note string, spans []markSpan) []noteSegment {
	for i := range spans {
		sp := &spans[i]
		sp.start, sp.end = max(0, min(sp.start, len(note))), max(0, min(sp.end, len(note)))
		for sp.start > 0 && sp.start < len(note) && !utf8.RuneStart(note[sp.start]) {
			sp.start--
		}
		for sp.end < len(note) && !utf8.RuneStart(note[sp.end]) {
			sp.end++
		}
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var out []noteSegment
	at := 0
	for i := 0; i < len(spans); i++ {
		start, end := max(spans[i].start, at), spans[i].end
		codes := []string{spans[i].code}
		for i+1 < len(spans) && spans[i+1].start < end {
			i++
			end = max(end, spans[i].end)
			codes = append(codes, spans[i].code)
		}
		if start >= end {
			continue
		}
		if start > at {
			out = append(out, noteSegment{Text: note[at:start]})
		}
		out = append(out, noteSegment{Text: note[start:end], Mark: true, Codes: strings.Join(uniq(codes), " ")})
		at = end
	}
	if at < len(note) {
		out = append(out, noteSegment{Text: note[at:]})
	}
	return out
}

func uniq(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// decideSuggestion stores the coder's decision on one suggestion: accept
// (the code goes on the encounter), reject with a reason, or change to
// another code (which goes on instead). The store applies it to the
// encounter and audits it in one transaction.
func (h *Handler) decideSuggestion(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d := &rcm.SuggestionDecision{EncounterID: id, System: r.PostFormValue("system"), Code: r.PostFormValue("code"),
		Decision: r.PostFormValue("decision"), Reason: r.PostFormValue("reason"), Replacement: r.PostFormValue("replacement")}
	if d.Decision != rcm.SuggestionRejected {
		d.Reason = "" // the reason list sits beside every suggestion
	}
	if d.Decision != rcm.SuggestionChanged {
		d.Replacement = ""
	}
	if u := strings.TrimSpace(r.PostFormValue("units")); u != "" {
		if d.Units, err = strconv.Atoi(u); err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, "units", "Units must be a whole number.")
		}
	}
	if d.Evidence, err = parseEvidence(r.PostFormValue("evidence")); err != nil {
		return err
	}
	if _, err := h.store.DecideSuggestion(r.Context(), d); err != nil {
		switch rcm.ErrorCode(err) {
		case rcm.EINVALID, rcm.ECONFLICT:
			wd, lerr := h.workbench(r.Context(), s, id)
			if lerr != nil {
				return lerr
			}
			wd.FormError = rcm.ErrorMessage(err)
			if wd.Suggested, lerr = h.suggestFor(r.Context(), s, wd.Encounter, wd.Age, wd.Patient.Sex); lerr != nil {
				return lerr
			}
			v := &view{Title: "Code encounter " + strconv.FormatInt(id, 10), Nav: "encounters", Data: wd}
			v.User, v.Org, v.CSRF = s.user, s.org, s.row.CSRF
			h.render(w, r, http.StatusUnprocessableEntity, "workbench", v)
			return nil
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/encounters/%d?suggest=1#suggestions", id), http.StatusSeeOther)
	return nil
}

// parseEvidence reads the "start-end,start-end" offsets a decision form
// carries.
func parseEvidence(s string) ([]rcm.EvidenceSpan, error) {
	var out []rcm.EvidenceSpan
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		a, b, ok := strings.Cut(p, "-")
		start, err1 := strconv.Atoi(a)
		end, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || len(out) >= 50 {
			return nil, rcm.FieldErrorf(rcm.EINVALID, "evidence", "Evidence must be note offsets such as 12-27.")
		}
		out = append(out, rcm.EvidenceSpan{Start: start, End: end})
	}
	return out, nil
}

// suggestionStatsData is the suggestions' measure on real use.
type suggestionStatsData struct {
	Stats    suggest.Stats
	Rows     []statsRow
	By       string
	From, To string
}

// statsRow is a family's measure with its rejection reasons in words.
type statsRow struct {
	suggest.FamilyStats
	ReasonText string
}

// showSuggestionStats shows how often coders take the suggestions, per
// code family, over a period: precision from the decisions, recall proxy
// from the codes the encounters ended with.
func (h *Handler) showSuggestionStats(w http.ResponseWriter, r *http.Request, s *session) error {
	q := r.URL.Query()
	d := &suggestionStatsData{By: q.Get("by"), From: q.Get("from"), To: q.Get("to")}
	if d.By != suggest.ByChapter {
		d.By = suggest.ByCategory
	}
	f := rcm.SuggestionDecisionFilter{}
	var err error
	for _, p := range []struct {
		name string
		v    string
		to   *rcm.Date
	}{{"from", d.From, &f.From}, {"to", d.To, &f.To}} {
		if p.v == "" {
			continue
		}
		if *p.to, err = rcm.ParseDate(p.v); err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, p.name, "The %s date must be a date such as 2026-01-31.", p.name)
		}
	}
	ds, err := h.store.FindSuggestionDecisions(r.Context(), f)
	if err != nil {
		return err
	}
	final, err := h.store.FindDecidedEncounterCodes(r.Context(), f)
	if err != nil {
		return err
	}
	d.Stats = suggest.Measure(ds, final, d.By)
	for _, f := range d.Stats.Families {
		var rs []string
		for _, r := range rcm.RejectReasons {
			if n := f.Reasons[r.Code]; n > 0 {
				rs = append(rs, fmt.Sprintf("%s %d", r.Label, n))
			}
		}
		d.Rows = append(d.Rows, statsRow{f, strings.Join(rs, "; ")})
	}
	h.renderPage(w, r, s, "suggestion_stats", &view{Title: "Suggestion accuracy", Nav: "encounters", Data: d})
	return nil
}
