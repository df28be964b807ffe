package ui_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/ui"
)

// TestBrowserListsSearchAndPaging signs in as a biller and works the
// patients and claims lists in the browser: pages of two follow one another
// by keyset until every patient and claim was shown exactly once, the
// count says whether it counts a page or all, and the search box finds a
// patient by account number and name and a claim by its number or its
// patient's account.
func TestBrowserListsSearchAndPaging(t *testing.T) {
	ctx := newBrowser(t)
	f := newFixture(t)
	defer ui.SetPageSizes(2, 2)()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	enc, err := f.db.FindEncounterByID(f.ctx, f.encounter.ID)
	must(err)
	var claimNumbers []string
	for i, last := range []string{"Lindqvist", "Marchetti", "Okonkwo", "Petrov"} {
		p := &rcm.Patient{AccountNumber: fmt.Sprintf("ACC%d", 1002+i), FirstName: "Sam", LastName: last, BirthDate: rcm.MustParseDate("1980-01-15"),
			Sex: rcm.SexMale, Address: rcm.Address{Line1: "1 Oak St", City: "Springfield", State: "IL", ZIP: "62702"}}
		must(f.db.CreatePatient(f.ctx, p))
		must(f.db.CreateCoverage(f.ctx, &rcm.Coverage{PatientID: p.ID, PayerID: f.payer.ID, Order: 1, MemberID: fmt.Sprintf("PPO2000000%d", i),
			Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}))
		e := &rcm.Encounter{PatientID: p.ID, PracticeID: enc.PracticeID, RenderingProviderID: enc.RenderingProviderID,
			DateOfService: rcm.MustParseDate("2026-01-02"), PlaceOfService: "11", Note: "Follow-up.", Status: rcm.EncounterCoded,
			Diagnoses: []rcm.Diagnosis{{Code: "E11.9"}}, Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Pointers: []int{1}}}}
		must(f.db.CreateEncounter(f.ctx, e))
		c, err := claim.Build(f.ctx, f.db, e.ID, 1)
		must(err)
		must(f.db.CreateClaim(f.ctx, c))
		claimNumbers = append(claimNumbers, c.ControlNumber)
	}
	base := f.srv.URL
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	run("sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), "bill.biller"),
		chromedp.SendKeys(chromedp.CSS(`#password`), sqldbtest.TestPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=who]`)),
	)
	// submitted submits the form of a field and waits until the browser
	// has loaded the answer (the address carries the search), so the next
	// read is of the new page, not the old one.
	submitted := func(field, q string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(c context.Context, _ *chromedp.Target) error {
			var href string
			if err := chromedp.Do(c, into(&href, chromedp.Evaluate[string](`location.href`)), chromedp.SendKeys(chromedp.CSS(field), q),
				chromedp.Submit(chromedp.CSS(field))); err != nil {
				return err
			}
			return loaded(c, href)
		})
	}
	// firstCells reads the first cell of each row of the page's list.
	firstCells := func(sel string) []string {
		t.Helper()
		var cells []string
		run("read "+sel, into(&cells, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll(`+"`"+sel+` tbody tr td:first-child`+"`"+`)).map(td => td.textContent.trim())`)))
		return cells
	}
	hasNext := func() bool {
		var n int
		run("next link", into(&n, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid=next-page]').length`)))
		return n == 1
	}
	// walk follows the next-page links from the current page and returns
	// every first cell seen, with the rows per page.
	walk := func(sel string) (all []string, perPage []int) {
		t.Helper()
		for range 10 {
			cells := firstCells(sel)
			all, perPage = append(all, cells...), append(perPage, len(cells))
			if !hasNext() {
				return all, perPage
			}
			run("next page", chromedp.Func(func(c context.Context, _ *chromedp.Target) error {
				var href string
				if err := chromedp.Do(c, into(&href, chromedp.Evaluate[string](`location.href`)), chromedp.Click(chromedp.CSS(`[data-testid=next-page]`))); err != nil {
					return err
				}
				return loaded(c, href)
			}))
		}
		t.Fatalf("%s: more than 10 pages", sel)
		return nil, nil
	}

	run("patients", chromedp.Navigate(base+"/patients"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=patients-count]`)))
	accounts, pages := walk(`table.list`)
	slices.Sort(accounts)
	if want := []string{"ACC1001", "ACC1002", "ACC1003", "ACC1004", "ACC1005"}; !slices.Equal(accounts, want) || !slices.Equal(pages, []int{2, 2, 1}) {
		t.Errorf("patient pages showed %q in pages of %v; want each of %q once, in pages of 2, 2, 1", accounts, pages, want)
	}
	var count string
	run("patient search by account",
		chromedp.Navigate(base+"/patients"),
		submitted(`#pq`, "ACC1004"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=patients-count]`)),
		into(&count, chromedp.Text(chromedp.CSS(`[data-testid=patients-count]`))),
	)
	if got := firstCells(`table.list`); !slices.Equal(got, []string{"ACC1004"}) || !strings.Contains(count, "found by account number") {
		t.Errorf("search ACC1004: rows %q, count %q", got, count)
	}
	run("patient search by name",
		chromedp.Navigate(base+"/patients"),
		submitted(`#pq`, "Marchetti"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=patients-count]`)),
		into(&count, chromedp.Text(chromedp.CSS(`[data-testid=patients-count]`))),
	)
	if got := firstCells(`table.list`); !slices.Equal(got, []string{"ACC1003"}) || !strings.Contains(count, "found by name") {
		t.Errorf("search Marchetti: rows %q, count %q", got, count)
	}

	var total string
	run("claims", chromedp.Navigate(base+"/claims"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=claims-total]`)),
		into(&total, chromedp.Text(chromedp.CSS(`[data-testid=claims-total]`))))
	if !strings.Contains(total, "4 claims match (2 on this page); $500.00 billed on 4") {
		t.Errorf("first claims page total %q; want 4 claims matching, 2 on this page, $500.00 billed on all 4", total)
	}
	numbers, pages := walk(`[data-testid=claims]`)
	slices.Sort(numbers)
	want := slices.Sorted(slices.Values(claimNumbers))
	if !slices.Equal(numbers, want) || !slices.Equal(pages, []int{2, 2}) {
		t.Errorf("claim pages showed %q in pages of %v; want each of %q once, in pages of 2, 2", numbers, pages, want)
	}
	run("claim search by account",
		chromedp.Navigate(base+"/claims"),
		submitted(`#f-q`, "ACC1005"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=claims-total]`)),
		into(&total, chromedp.Text(chromedp.CSS(`[data-testid=claims-total]`))),
	)
	if got := firstCells(`[data-testid=claims]`); len(got) != 1 || !strings.HasPrefix(got[0], "ACC1005-") || !strings.Contains(total, "1 claim matches; $125.00 billed on 1") {
		t.Errorf("claim search ACC1005: rows %q, total %q", got, total)
	}
	run("claim search by number",
		chromedp.Navigate(base+"/claims"),
		submitted(`#f-q`, strings.ToLower(claimNumbers[1])),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=claims-total]`)),
	)
	if got := firstCells(`[data-testid=claims]`); !slices.Equal(got, []string{claimNumbers[1]}) {
		t.Errorf("claim search %s: rows %q", claimNumbers[1], got)
	}
}

// loaded waits until the page is no longer prev and the new one has
// finished loading.
func loaded(ctx context.Context, prev string) error {
	for {
		var done bool
		if err := chromedp.Do(ctx, into(&done, chromedp.Evaluate[bool](`location.href !== `+strconv.Quote(prev)+` && document.readyState === "complete"`))); err != nil {
			return err
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
