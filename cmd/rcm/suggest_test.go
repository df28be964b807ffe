package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestCodesSuggest is the CLI door: a note on standard input, JSON out in
// rank order with evidence offsets into the note; a negated finding is left
// out; an over-limit note is refused.
func TestCodesSuggest(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	note := "Assessment: otitis media. No fever."
	code, out, errs := rcmRun(t, note, "codes", "suggest", "--db", db, "--json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res struct {
		Suggestions []struct {
			Code     string `json:"code"`
			Evidence []struct {
				Start, End int
				Text       string
			} `json:"evidence"`
			Path []string `json:"path"`
		} `json:"suggestions"`
		LeftOut []struct {
			Context string `json:"context"`
		} `json:"left_out"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, s := range res.Suggestions {
		if strings.HasPrefix(s.Code, "R50") {
			t.Errorf("negated fever suggested: %s", s.Code)
		}
		for _, ev := range s.Evidence {
			if note[ev.Start:ev.End] != ev.Text {
				t.Errorf("evidence %d:%d is %q, note has %q", ev.Start, ev.End, ev.Text, note[ev.Start:ev.End])
			}
		}
	}
	neg := false
	for _, l := range res.LeftOut {
		neg = neg || l.Context == "negated"
	}
	if !neg {
		t.Errorf("no negated finding left out: %s", out)
	}
	if code, _, errs := rcmRun(t, strings.Repeat("x", 1<<20+1), "codes", "suggest", "--db", db, "-"); code == 0 || !strings.Contains(errs, "over the limit") {
		t.Errorf("over-limit note: exit %d, %q", code, errs)
	}
}
