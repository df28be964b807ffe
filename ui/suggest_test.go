package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

// setNote gives the fixture's encounter a note.
func setNote(t *testing.T, f *fixture, note string) {
	t.Helper()
	e, err := f.db.FindEncounterByID(f.ctx, f.encounter.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.Note = note
	if err := f.db.UpdateEncounter(f.ctx, e); err != nil {
		t.Fatal(err)
	}
}

var hiddenRE = func(name string) *regexp.Regexp {
	return regexp.MustCompile(`name="` + name + `" value="([^"]*)"`)
}

// suggestionForm returns the hidden fields of a suggestion's decision
// forms, read from the page the way a browser would send them.
func suggestionForm(t *testing.T, body, code string) url.Values {
	t.Helper()
	i := strings.Index(body, `<li data-code="`+code+`">`)
	if i < 0 {
		t.Fatalf("no suggestion %s on the page", code)
	}
	li := body[i:]
	li = li[:strings.Index(li, "</li>")]
	v := url.Values{}
	for _, n := range []string{"system", "code", "units", "evidence"} {
		m := hiddenRE(n).FindStringSubmatch(li)
		if m == nil {
			t.Fatalf("suggestion %s has no %s field", code, n)
		}
		v.Set(n, m[1])
	}
	return v
}

// TestWorkbenchSuggest: the "Suggest" button beside the note shows the
// suggestions with their evidence marked in the note (escaped, naming the
// codes it supports), their path and what was left out; Accept puts the
// diagnosis on the encounter and a drug on a service line with its units,
// Reject stores the reason, Change puts the other code on, and each
// decision is stored and shown.
func TestWorkbenchSuggest(t *testing.T) {
	f := newFixture(t)
	setNote(t, f, "Assessment: type 2 diabetes mellitus without complications. Hypertension. No fever. Ketorolac 30 mg IM given. "+`Said "<img src=x onerror=alert(1)>".`)
	b := f.browser(t)
	b.login("cora.coder")
	enc := fmt.Sprintf("/encounters/%d", f.encounter.ID)
	_, body, _ := b.get(enc)
	if !strings.Contains(body, `<input type="hidden" name="suggest" value="1"><button type="submit" class="small">Suggest</button>`) {
		t.Fatal("the workbench has no Suggest button beside the note")
	}
	if strings.Contains(body, `data-testid="suggestions"`) {
		t.Error("suggestions shown before the button was pressed")
	}
	_, body, _ = b.get(enc + "?suggest=1")
	if !strings.Contains(body, `data-testid="suggestions"`) {
		t.Fatalf("no suggestions list:\n%s", body)
	}
	if !regexp.MustCompile(`<mark data-codes="E11\.9" title="Evidence for E11\.9">[^<]*diabetes[^<]*</mark>`).MatchString(body) {
		t.Errorf("the evidence for diabetes is not marked in the note with its code")
	}
	if !strings.Contains(body, "Path: ") {
		t.Error("the suggestions show no path")
	}
	if strings.Contains(body, "<img src=x") {
		t.Error("the note's HTML reached the page unescaped")
	}
	if !regexp.MustCompile(`data-testid="left-out"><li><q>fever</q>: negated`).MatchString(body) {
		t.Error("the negated finding is not listed as left out")
	}
	if !strings.Contains(body, `<strong>J1885</strong> &times; 2 units`) {
		t.Error("the ketorolac line is not suggested as J1885 x 2")
	}

	accept := suggestionForm(t, body, "E11.9")
	accept.Set("decision", "accepted")
	if status, _, resp := b.action(enc+"/suggestions", accept); status != http.StatusSeeOther || resp.Header.Get("Location") != enc+"?suggest=1#suggestions" {
		t.Fatalf("accept: %d to %q", status, resp.Header.Get("Location"))
	}
	drug := suggestionForm(t, body, "J1885")
	drug.Set("decision", "accepted")
	b.action(enc+"/suggestions", drug)
	reject := suggestionForm(t, body, "I10")
	reject.Set("decision", "rejected")
	reject.Set("reason", "not-this-visit")
	reject.Set("replacement", "") // the change box beside it is empty
	b.action(enc+"/suggestions", reject)

	bad := suggestionForm(t, body, "I10")
	bad.Set("decision", "rejected")
	bad.Set("reason", "because")
	if status, page, _ := b.action(enc+"/suggestions", bad); status != http.StatusUnprocessableEntity || !strings.Contains(page, "Pick why the suggestion is rejected") {
		t.Errorf("reject with an unknown reason: %d, want 422 with the reasons named", status)
	}

	e, err := f.db.FindEncounterByID(f.ctx, f.encounter.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]rcm.Diagnosis{{Code: "E11.9"}}, e.Diagnoses); diff != "" {
		t.Errorf("diagnoses mismatch (-want +got):\n%s", diff)
	}
	if len(e.Lines) != 1 || e.Lines[0].Code != "J1885" || e.Lines[0].Units != 2 {
		t.Errorf("lines = %+v, want J1885 x 2", e.Lines)
	}
	ds, err := f.db.FindSuggestionDecisions(f.ctx, rcm.SuggestionDecisionFilter{EncounterID: f.encounter.ID})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		ev := ""
		for _, sp := range d.Evidence {
			ev += "[" + e.Note[sp.Start:sp.End] + "]"
		}
		got = append(got, fmt.Sprintf("%s %s x%d %s %s %s", d.System, d.Code, d.Units, d.Decision, d.Reason, ev))
	}
	want := []string{
		"icd10cm E11.9 x0 accepted  [type 2 diabetes mellitus without complications]",
		"hcpcs J1885 x2 accepted  [Ketorolac 30 mg IM]",
		"icd10cm I10 x0 rejected not-this-visit [Hypertension]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored decisions mismatch (-want +got):\n%s", diff)
	}

	_, body, _ = b.get(enc + "?suggest=1")
	for _, s := range []string{"Accepted (", "Rejected: Not relevant to this visit ("} {
		if !strings.Contains(body, s) {
			t.Errorf("the workbench does not show the decision %q", s)
		}
	}
	if strings.Contains(body, `aria-label="Accept E11.9"`) {
		t.Error("a decided suggestion still offers Accept")
	}

	_, body, _ = b.get("/codes/suggestions")
	for _, s := range []string{"1 encounters, 3 decisions: precision 0.667, recall proxy 1.000",
		"<tr><td>I10</td><td>1</td><td>0</td><td>1</td><td>0</td><td>0.000</td>", "Not relevant to this visit 1"} {
		if !strings.Contains(body, s) {
			t.Errorf("the accuracy page lacks %q:\n%s", s, body)
		}
	}
	if status, _, _ := b.get("/codes/suggestions?from=yesterday"); status != http.StatusBadRequest && status != http.StatusUnprocessableEntity {
		t.Errorf("a bad from date: %d", status)
	}
}

// TestWorkbenchSuggestChange: Change puts the coder's code on the
// encounter instead of the one suggested.
func TestWorkbenchSuggestChange(t *testing.T) {
	f := newFixture(t)
	setNote(t, f, "Assessment: type 2 diabetes mellitus without complications.")
	b := f.browser(t)
	b.login("cora.coder")
	enc := fmt.Sprintf("/encounters/%d", f.encounter.ID)
	_, body, _ := b.get(enc + "?suggest=1")
	ch := suggestionForm(t, body, "E11.9")
	ch.Set("decision", "changed")
	ch.Set("reason", "not-documented") // the reason list beside it is ignored
	ch.Set("replacement", "e11.65")
	if status, page, _ := b.action(enc+"/suggestions", ch); status != http.StatusSeeOther {
		t.Fatalf("change: %d\n%s", status, page)
	}
	e, err := f.db.FindEncounterByID(f.ctx, f.encounter.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]rcm.Diagnosis{{Code: "E11.65"}}, e.Diagnoses); diff != "" {
		t.Errorf("diagnoses mismatch (-want +got):\n%s", diff)
	}
	_, body, _ = b.get(enc + "?suggest=1")
	if !strings.Contains(body, "Changed to E11.65") {
		t.Error("the change is not shown")
	}
	// A biller may read but not code: no decision forms, and a post is refused.
	bb := f.browser(t)
	bb.login("bill.biller")
	_, body, _ = bb.get(enc + "?suggest=1")
	if strings.Contains(body, `action="`+enc+`/suggestions"`) {
		t.Error("a biller is offered the decision forms")
	}
	if status, _, _ := bb.action(enc+"/suggestions", ch); status != http.StatusForbidden {
		t.Errorf("a biller's decision: %d, want 403", status)
	}
}

// TestWorkbenchSuggestMultibyte: a note in several scripts keeps its marks
// on whole characters and on the words the evidence names, and the page
// stays valid UTF-8.
func TestWorkbenchSuggestMultibyte(t *testing.T) {
	f := newFixture(t)
	note := "Évaluation — patiënte naïve, 日本語のメモ. Assessment: type 2 diabetes mellitus without complications; hypertension. Ω"
	setNote(t, f, note)
	b := f.browser(t)
	b.login("cora.coder")
	_, body, _ := b.get(fmt.Sprintf("/encounters/%d?suggest=1", f.encounter.ID))
	if !utf8.ValidString(body) {
		t.Fatal("the page is not valid UTF-8")
	}
	marks := regexp.MustCompile(`<mark data-codes="([^"]+)"[^>]*>([^<]*)</mark>`).FindAllStringSubmatch(body, -1)
	var got []string
	for _, m := range marks {
		got = append(got, m[1]+"="+m[2])
	}
	want := []string{"E11.9=type 2 diabetes mellitus without complications", "I10=hypertension"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("marks mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(body, "Évaluation — patiënte naïve, 日本語のメモ. Assessment: ") {
		t.Error("the note's text before the first mark is not shown whole")
	}
}
