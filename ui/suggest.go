package ui

import (
	"context"
	"sort"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/suggest"
)

// noteSegment is a piece of the note, marked when it is evidence for a
// suggestion.
type noteSegment struct {
	Text string
	Mark bool
}

// suggestionsView is what the "Suggest" button shows: the note with every
// evidence span marked, and the suggestions in rank order.
type suggestionsView struct {
	Note        []noteSegment
	Suggestions []suggest.Suggestion
}

// suggestFor runs the suggestions on the encounter's note (already read,
// and its read audited, by the workbench).
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
	var spans []suggest.Span
	for _, sg := range res.Suggestions {
		spans = append(spans, sg.Evidence...)
	}
	return &suggestionsView{Note: markNote(e.Note, spans), Suggestions: res.Suggestions}, nil
}

// markNote splits the note at the spans' offsets; overlapping spans merge.
func markNote(note string, spans []suggest.Span) []noteSegment {
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	var out []noteSegment
	at := 0
	for _, sp := range spans {
		start, end := max(sp.Start, at), min(sp.End, len(note))
		if start >= end {
			continue
		}
		if start > at {
			out = append(out, noteSegment{Text: note[at:start]})
		}
		out = append(out, noteSegment{Text: note[start:end], Mark: true})
		at = end
	}
	if at < len(note) {
		out = append(out, noteSegment{Text: note[at:]})
	}
	return out
}
