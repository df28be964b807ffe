package ui_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestBrowserSuggestDecisions: a coder opens an encounter with a note,
// presses Suggest, sees the evidence highlighted in the note, accepts one
// suggestion (it appears in the diagnoses) and rejects another with a
// reason; the decisions are then read back from the store.
func TestBrowserSuggestDecisions(t *testing.T) {
	ctx := newBrowser(t)
	f := newFixture(t)
	setNote(t, f, "Chief complaint: follow-up. Assessment: type 2 diabetes mellitus without complications. Hypertension. Denies chest pain.")
	base := f.srv.URL
	enc := fmt.Sprintf("/encounters/%d", f.encounter.ID)
	dir := os.Getenv(envScreenshots)
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	// clicked clicks a button and waits for the page it loads.
	clicked := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(c context.Context, _ *chromedp.Target) error {
			var href string
			if err := chromedp.Do(c, into(&href, chromedp.Evaluate[string](`location.href`)), chromedp.Click(chromedp.CSS(sel))); err != nil {
				return err
			}
			return loaded(c, href)
		})
	}
	run("sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), "cora.coder"),
		chromedp.SendKeys(chromedp.CSS(`#password`), sqldbtest.TestPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=who]`)),
	)
	var marks []string
	run("suggest",
		chromedp.Navigate(base+enc),
		chromedp.WaitVisible(chromedp.CSS(`form[action="`+enc+`"] button`)),
		clicked(`form[action="`+enc+`"] button`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=suggestions]`)),
		into(&marks, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid=note-marked] mark')].map(m => m.dataset.codes + '=' + m.textContent)`)),
		shot(dir, "suggest"),
	)
	if diff := cmp.Diff([]string{"E11.9=type 2 diabetes mellitus without complications", "I10=Hypertension"}, marks); diff != "" {
		t.Errorf("highlighted evidence mismatch (-want +got):\n%s", diff)
	}
	var diagnoses, decided string
	run("accept E11.9",
		clicked(`button[aria-label="Accept E11.9"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=diagnoses]`)),
		into(&diagnoses, chromedp.Text(chromedp.CSS(`[data-testid=diagnoses]`))),
	)
	if !strings.Contains(diagnoses, "E11.9") {
		t.Errorf("the accepted diagnosis is not in the diagnoses: %q", diagnoses)
	}
	run("reject I10 as not relevant to this visit",
		chromedp.WaitVisible(chromedp.CSS(`li[data-code="I10"] select`)),
		chromedp.SetValue(chromedp.CSS(`li[data-code="I10"] select`), "not-this-visit"),
		// the answer is the same address (the suggestions again), so wait
		// for the decision to show rather than for a new address
		chromedp.Click(chromedp.CSS(`button[aria-label="Reject I10"]`)),
		chromedp.WaitVisible(chromedp.CSS(`li[data-code="I10"] [data-testid=decision]`)),
		into(&decided, chromedp.Text(chromedp.CSS(`li[data-code="I10"] [data-testid=decision]`))),
		shot(dir, "decided"),
	)
	if !strings.HasPrefix(decided, "Rejected: Not relevant to this visit") {
		t.Errorf("the rejection shows %q", decided)
	}

	ds, err := f.db.FindSuggestionDecisions(f.ctx, rcm.SuggestionDecisionFilter{EncounterID: f.encounter.ID})
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.db.FindEncounterByID(f.ctx, f.encounter.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		u, err := f.db.FindUserByID(f.ctx, d.UserID)
		if err != nil {
			t.Fatal(err)
		}
		ev := ""
		for _, sp := range d.Evidence {
			ev += "[" + e.Note[sp.Start:sp.End] + "]"
		}
		got = append(got, fmt.Sprintf("%s %s %s %s %s", u.Username, d.Code, d.Decision, d.Reason, ev))
	}
	want := []string{
		"cora.coder E11.9 accepted  [type 2 diabetes mellitus without complications]",
		"cora.coder I10 rejected not-this-visit [Hypertension]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored decisions mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]rcm.Diagnosis{{Code: "E11.9"}}, e.Diagnoses); diff != "" {
		t.Errorf("encounter diagnoses mismatch (-want +got):\n%s", diff)
	}
}
