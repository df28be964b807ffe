package ui

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMarkNote: marks fall on whole characters even when an offset lands
// inside one, overlapping spans merge and name every code, and the
// segments put together are the note unchanged.
func TestMarkNote(t *testing.T) {
	note := "naïve: 糖尿病 diabetes; no fever"
	at := func(s string) int { return strings.Index(note, s) }
	for _, tc := range []struct {
		name  string
		spans []markSpan
		want  []noteSegment
	}{
		{"whole words", []markSpan{{at("diabetes"), at("diabetes") + len("diabetes"), "E11.9"}},
			[]noteSegment{{Text: "naïve: 糖尿病 "}, {Text: "diabetes", Mark: true, Codes: "E11.9"}, {Text: "; no fever"}}},
		{"offsets inside a character", []markSpan{{at("糖") + 1, at("病") + 1, "X"}},
			[]noteSegment{{Text: "naïve: "}, {Text: "糖尿病", Mark: true, Codes: "X"}, {Text: " diabetes; no fever"}}},
		{"overlap merges", []markSpan{{at("糖"), at(" diabetes"), "A"}, {at("病"), at(";"), "B"}, {at("diabetes"), at(";"), "A"}},
			[]noteSegment{{Text: "naïve: "}, {Text: "糖尿病 diabetes", Mark: true, Codes: "A B"}, {Text: "; no fever"}}},
		{"out of range", []markSpan{{-5, 3, "A"}, {at("fever"), 9999, "B"}},
			[]noteSegment{{Text: "naï", Mark: true, Codes: "A"}, {Text: "ve: 糖尿病 diabetes; no "}, {Text: "fever", Mark: true, Codes: "B"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := markNote(note, tc.spans)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			var b strings.Builder
			for _, s := range got {
				b.WriteString(s.Text)
			}
			if b.String() != note {
				t.Errorf("segments rebuild %q", b.String())
			}
		})
	}
}
