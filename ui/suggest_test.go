package ui_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestWorkbenchSuggest: the "Suggest" button beside the note shows the
// suggestions with their evidence marked in the note and their path, and
// "Add" puts the suggested diagnosis on the encounter.
func TestWorkbenchSuggest(t *testing.T) {
	f := newFixture(t)
	e, err := f.db.FindEncounterByID(f.ctx, f.encounter.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.Note = "Assessment: type 2 diabetes mellitus without complications. Hypertension. No fever. " + `Said "<img src=x onerror=alert(1)>".`
	if err := f.db.UpdateEncounter(f.ctx, e); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.login(f.admin)
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
	mark := regexp.MustCompile(`(?i)<mark>[^<]*diabetes[^<]*</mark>`)
	if !mark.MatchString(body) {
		t.Errorf("the evidence for diabetes is not marked in the note")
	}
	if !strings.Contains(body, "Path: ") {
		t.Error("the suggestions show no path")
	}
	if strings.Contains(body, "<img src=x") {
		t.Error("the note's HTML reached the page unescaped")
	}
	add := regexp.MustCompile(`aria-label="Add suggested diagnosis ([A-Z0-9.]+)"`).FindStringSubmatch(body)
	if add == nil {
		t.Fatalf("no Add button on a suggestion:\n%s", body)
	}
	if !strings.HasPrefix(add[1], "E11") {
		t.Errorf("first suggestion %s, want a type 2 diabetes code", add[1])
	}
	b.action(enc+"/diagnoses", url.Values{"code": {add[1]}})
	e, err = f.db.FindEncounterByID(f.ctx, f.encounter.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range e.Diagnoses {
		found = found || d.Code == add[1]
	}
	if !found {
		t.Errorf("diagnosis %s not added: %+v", add[1], e.Diagnoses)
	}
}
