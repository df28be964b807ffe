package ui_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestBrowserWorkbenchKeyboard codes an encounter without the mouse, by
// the shortcuts the workbench lists: "/" and the arrow keys to search and
// add a diagnosis, "d" to type one, Shift+Tab to its ↑ to reorder, "p" and
// Tab to add a line with its pointers, "r" to mark it ready (issue 16).
func TestBrowserWorkbenchKeyboard(t *testing.T) {
	ctx := newBrowser(t)
	f := newFixture(t)
	base := f.srv.URL
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	// focused wants the element with the keyboard focus to match sel.
	focused := func(step, sel string) {
		t.Helper()
		var ok bool
		run(step, into(&ok, chromedp.Evaluate[bool](fmt.Sprintf(`document.activeElement && document.activeElement.matches(%q)`, sel))))
		if !ok {
			var got string
			run(step, into(&got, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : ""`)))
			t.Fatalf("%s: focus on %s, want %s", step, got, sel)
		}
	}
	// coded waits until the encounter's codes are as want.
	coded := func(step string, want func(*rcm.Encounter) bool) *rcm.Encounter {
		t.Helper()
		var e *rcm.Encounter
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			var err error
			if e, err = f.db.FindEncounterByID(f.ctx, f.encounter.ID); err != nil {
				t.Fatal(err)
			}
			if want(e) {
				return e
			}
		}
		var page string
		run(step, into(&page, chromedp.Evaluate[string](`location.href + " " + document.querySelector("main").innerText.slice(0, 1500)`)))
		t.Fatalf("%s: the encounter never got there: diagnoses %v, lines %d, status %s; page %s", step, e.Diagnoses, len(e.Lines), e.Status, page)
		return nil
	}
	// shortcut presses a key as Chrome does for a real keyboard: the
	// keydown carries the text, so the page's preventDefault keeps the
	// key out of the field it focuses. (chromedp.KeyEvent types the text
	// in a separate char event, which no keydown handler can stop; the
	// option drops that event by marking it with a modifier bit no key
	// has.)
	shortcut := func(key string) chromedp.Action[chromedp.Void] {
		return chromedp.KeyEvent(key, func(k *input.DispatchKeyEventParams) {
			switch k.Type {
			case kb.KeyDown:
				k.Text, k.UnmodifiedText = key, key
			case kb.KeyChar:
				k.Modifiers = 1 << 8
			}
		})
	}
	dx := func(e *rcm.Encounter) []string {
		var codes []string
		for _, d := range e.Diagnoses {
			codes = append(codes, d.Code)
		}
		return codes
	}
	run("sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), "cora.coder"),
		chromedp.SendKeys(chromedp.CSS(`#password`), sqldbtest.TestPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=who]`)),
		chromedp.Navigate(fmt.Sprintf("%s/encounters/%d", base, f.encounter.ID)),
		chromedp.WaitVisible(chromedp.CSS(`#code-q`)),
		// Nothing has the focus: the shortcuts work from the page.
		chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`),
	)

	run("/ to search", shortcut("/"))
	focused("/ to search", `#code-q`)
	run("search and arrow down", chromedp.KeyEvent("E11.9"), chromedp.WaitVisible(chromedp.CSS(`#code-results[data-query="E11.9"] button`)),
		chromedp.KeyEvent(kb.ArrowDown))
	focused("arrow down", `#code-results button`)
	run("enter adds", chromedp.KeyEvent(kb.Enter))
	coded("search and add", func(e *rcm.Encounter) bool { return slices.Equal(dx(e), []string{"E11.9"}) })

	run("d to type a diagnosis", chromedp.WaitVisible(chromedp.CSS(`button[aria-label="Remove E11.9"]`)), shortcut("d"))
	focused("d", `#dx-code`)
	run("type I10", chromedp.KeyEvent("I10"+kb.Enter))
	coded("type a diagnosis", func(e *rcm.Encounter) bool { return slices.Equal(dx(e), []string{"E11.9", "I10"}) })

	// From the diagnosis field, back over I10's Remove to its ↑.
	run("reorder", chromedp.WaitVisible(chromedp.CSS(`button[aria-label="Move I10 up"]`)), shortcut("d"),
		chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)), chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))
	focused("shift+tab twice", `button[aria-label="Move I10 up"]`)
	run("enter moves up", chromedp.KeyEvent(kb.Enter))
	coded("reorder", func(e *rcm.Encounter) bool { return slices.Equal(dx(e), []string{"I10", "E11.9"}) })

	run("p to add a line", chromedp.WaitVisible(chromedp.CSS(`button[aria-label="Remove E11.9"]`)), shortcut("p"))
	focused("p", `#line-code`)
	run("line with pointers", chromedp.KeyEvent("99213"+kb.Tab+kb.Tab+kb.Tab))
	focused("tab to the pointers", `#line-ptrs`)
	run("pointers", chromedp.KeyEvent("2,1"+kb.Enter))
	e := coded("add a line", func(e *rcm.Encounter) bool { return len(e.Lines) == 1 })
	if l := e.Lines[0]; l.Code != "99213" || !slices.Equal(l.Pointers, []int{2, 1}) {
		t.Fatalf("line %s pointers %v, want 99213 pointing at E11.9 then I10", l.Code, l.Pointers)
	}

	run("r for ready", chromedp.WaitVisible(chromedp.CSS(`input[aria-label="Diagnosis pointers of line 1"]`)), shortcut("r"))
	focused("r", `button[data-key="r"]`)
	run("enter marks ready", chromedp.KeyEvent(kb.Enter))
	coded("ready", func(e *rcm.Encounter) bool { return e.Status == rcm.EncounterCoded })
}
