package ui_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ui"
)

// TestCodingListSearchAndPages: the coding list finds a patient's
// encounters by account number, member ID or name, says when the words
// name no one, and pages by keyset (newest date of service first) with no
// encounter shown twice, the status kept on the next page (issue 16).
func TestCodingListSearchAndPages(t *testing.T) {
	f := newFixture(t)
	defer ui.SetEncounterPage(2)()
	other := &rcm.Patient{AccountNumber: "ENC2002", FirstName: "Uma", LastName: "Quillfeather", BirthDate: rcm.MustParseDate("1960-03-03"),
		Sex: "F", Address: f.patient.Address}
	if err := f.db.CreatePatient(f.ctx, other); err != nil {
		t.Fatal(err)
	}
	want := map[int64]bool{f.encounter.ID: true}
	for i, dos := range []string{"2026-01-10", "2026-01-10", "2026-01-12"} {
		e := &rcm.Encounter{PatientID: other.ID, PracticeID: f.encounter.PracticeID, RenderingProviderID: f.encounter.RenderingProviderID,
			DateOfService: rcm.MustParseDate(dos), PlaceOfService: "11", Note: fmt.Sprintf("visit %d", i)}
		if err := f.db.CreateEncounter(f.ctx, e); err != nil {
			t.Fatal(err)
		}
		want[e.ID] = true
	}
	b := f.browser(t)
	b.login("cora.coder")
	link := regexp.MustCompile(`href="/encounters/(\d+)"`)
	walk := func(start string) (ids []string, pages int) {
		t.Helper()
		for next := start; next != ""; pages++ {
			if pages > 4 {
				t.Fatal("paging does not end")
			}
			status, body, _ := b.get(next)
			if status != 200 {
				t.Fatalf("%s: %d", next, status)
			}
			for _, m := range link.FindAllStringSubmatch(body, -1) {
				ids = append(ids, m[1])
			}
			next = ""
			if m := regexp.MustCompile(`href="(/encounters\?[^"]+)" rel="next"`).FindStringSubmatch(body); m != nil {
				next = strings.ReplaceAll(m[1], "&amp;", "&")
				if !strings.Contains(next, "status=open") {
					t.Errorf("the next page %q loses the status", next)
				}
			}
		}
		return ids, pages
	}
	ids, pages := walk("/encounters")
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("encounter %s shown twice", id)
		}
		seen[id] = true
	}
	if pages != 2 || len(seen) != len(want) {
		t.Errorf("%d pages, encounters %v; want 2 pages and all %d", pages, ids, len(want))
	}
	for _, q := range []string{"ENC2002", "quillfeather", "Uma Quillfeather"} {
		ids, _ := walk("/encounters?status=open&q=" + url.QueryEscape(q))
		if len(ids) != 3 {
			t.Errorf("%q: encounters %v; want Uma's 3", q, ids)
		}
	}
	ids, _ = walk("/encounters?q=" + url.QueryEscape("ppo-1234-5678"))
	if !cmp.Equal(ids, []string{fmt.Sprint(f.encounter.ID)}) {
		t.Errorf("by member ID: %v; want the fixture's encounter", ids)
	}
	_, body, _ := b.get("/encounters?q=nobody-by-this-name")
	if !strings.Contains(body, `id="eq-error"`) || link.MatchString(body) {
		t.Errorf("an unknown patient: no message, or encounters listed:\n%s", body)
	}
}
