package ui_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// Browser tests drive Debian's Chromium through chromedp. They skip with a
// reason when Chromium is missing, except in CI (CI=true), where a missing
// browser is a failure. RCM_CHROMIUM names another binary;
// RCM_SCREENSHOTS names a folder that keeps the screenshots (the README's
// come from there); otherwise they go to the test's temporary folder.
const (
	envChromium    = "RCM_CHROMIUM"
	envScreenshots = "RCM_SCREENSHOTS"
)

func chromiumPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv(envChromium)
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium not found at %s: CI must run the browser tests (apt-get install chromium)", path)
		}
		t.Skipf("browser tests skipped: no Chromium at %s (apt-get install chromium, or set %s)", path, envChromium)
	}
	return path
}

// newBrowser starts a headless Chromium with a fresh profile at a
// 1280×800 window and returns its context.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// shot saves a full-page PNG screenshot of the current page as name.png.
func shot(dir, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	})
}

// into runs an action that returns a value and stores it in *dst, so a
// value can be read in the middle of a sequence of steps.
func into[T any](dst *T, a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		v, err := chromedp.Run(ctx, a)
		*dst = v
		return err
	})
}

// TestBrowserCodeScrubSubmit signs in, codes the encounter with the
// type-ahead search, sees a validation error and fixes it, marks the
// encounter ready, builds the claim, scrubs and submits it, and sees the
// claim's state change on its page and on the dashboard.
func TestBrowserCodeScrubSubmit(t *testing.T) {
	ctx := newBrowser(t)
	f := newFixture(t)
	dir := os.Getenv(envScreenshots)
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	base := f.srv.URL
	enc := fmt.Sprintf("%s/encounters/%d", base, f.encounter.ID)
	var who, findings, hits, state, history, charges string

	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}

	run("sign in",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		shot(dir, "login"),
		chromedp.SendKeys(chromedp.CSS(`#username`), f.admin),
		chromedp.SendKeys(chromedp.CSS(`#password`), sqldbtest.TestPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=who]`)),
		into(&who, chromedp.Text(chromedp.CSS(`[data-testid=who]`))),
	)
	if !strings.Contains(who, f.admin) || !strings.Contains(who, "Test Clinic") {
		t.Fatalf("header shows %q, want the user and the organization", who)
	}

	// A code typed by hand that is not billable: the finding appears
	// inline and "ready for billing" is disabled.
	run("add an invalid code",
		chromedp.Navigate(enc),
		chromedp.WaitVisible(chromedp.CSS(`#dx-code`)),
		chromedp.SendKeys(chromedp.CSS(`#dx-code`), "E11"),
		chromedp.Submit(chromedp.CSS(`#dx-code`)),
		chromedp.WaitVisible(chromedp.CSS(`button[aria-label="Remove E11"]`)),
		into(&findings, chromedp.Text(chromedp.CSS(`[data-testid=findings]`))),
	)
	if !strings.Contains(findings, "E11") || !strings.Contains(findings, "Fix:") {
		t.Fatalf("findings %q, want the rule and the fix for E11", findings)
	}
	var disabled bool
	run("ready is disabled", into(&disabled, chromedp.Evaluate[bool](`document.querySelector("form[action$='/ready'] button").disabled`)))
	if !disabled {
		t.Fatal("ready for billing is enabled with an error finding")
	}

	// Remove it, then find the right code by typing words.
	run("search as you type",
		chromedp.Click(chromedp.CSS(`button[aria-label="Remove E11"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`button[aria-label="Remove E11"]`)),
		chromedp.SendKeys(chromedp.CSS(`#code-q`), "type 2 diabetes"),
		chromedp.WaitVisible(chromedp.CSS(`button[aria-label="Add diagnosis E11.9"]`)),
		into(&hits, chromedp.Text(chromedp.CSS(`[data-testid=hits]`))),
		shot(dir, "workbench-search"),
		chromedp.Click(chromedp.CSS(`button[aria-label="Add diagnosis E11.9"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[aria-label="Remove E11.9"]`)),
		chromedp.SendKeys(chromedp.CSS(`#line-code`), "99213"),
		chromedp.SendKeys(chromedp.CSS(`#line-ptrs`), "1"),
		chromedp.Submit(chromedp.CSS(`#line-code`)),
		chromedp.WaitVisible(chromedp.CSS(`input[aria-label="Units of line 1"]`)),
		into(&findings, chromedp.Text(chromedp.CSS(`[data-testid=findings]`))),
	)
	if !strings.Contains(hits, "E11.9") {
		t.Fatalf("search results %q lack E11.9", hits)
	}
	if strings.Contains(findings, "error") {
		t.Fatalf("findings after the fix: %q", findings)
	}
	run("ready for billing",
		shot(dir, "workbench"),
		chromedp.Click(chromedp.CSS(`form[action$="/ready"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/claim"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/claim"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=claim-state]`)),
		into(&state, chromedp.Text(chromedp.CSS(`[data-testid=claim-state]`))),
	)
	if state != "draft" {
		t.Fatalf("new claim is %q, want draft", state)
	}
	run("scrub",
		chromedp.Click(chromedp.CSS(`form[action$="/scrub"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/submit"] button`)),
		into(&state, chromedp.Text(chromedp.CSS(`[data-testid=claim-state]`))),
	)
	if state != "ready" {
		t.Fatalf("after a clean scrub the claim is %q, want ready", state)
	}
	run("submit",
		chromedp.Click(chromedp.CSS(`form[action$="/submit"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/submit"]`)),
		into(&state, chromedp.Text(chromedp.CSS(`[data-testid=claim-state]`))),
		into(&history, chromedp.Text(chromedp.CSS(`[data-testid=history]`))),
		shot(dir, "claim"),
	)
	if state != "submitted" || !strings.Contains(history, "submitted") {
		t.Fatalf("after submit the claim is %q, history %q", state, history)
	}
	cs, err := f.db.FindClaims(f.ctx, rcm.ClaimFilter{State: rcm.ClaimSubmitted})
	if err != nil || len(cs) != 1 {
		t.Fatalf("submitted claims in the database: %d, %v", len(cs), err)
	}

	run("claims, queues, patient and dashboard",
		chromedp.Navigate(base+"/claims"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=claims]`)),
		shot(dir, "claims"),
		chromedp.Navigate(base+"/queues"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=rejections]`)),
		shot(dir, "queues"),
		chromedp.Navigate(fmt.Sprintf("%s/patients/%d", base, f.patient.ID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=patient-name]`)),
		shot(dir, "patient"),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`svg#ar-age`)),
		into(&charges, chromedp.Text(chromedp.CSS(`[data-testid=charges]`))),
		shot(dir, "dashboard"),
	)
	if charges != "$125.00" {
		t.Fatalf("dashboard charges %q, want $125.00 after the submission", charges)
	}

	// A narrow window: the workbench's two columns stack.
	var width int
	run("narrow window",
		chromedp.EmulateViewport(420, 800),
		chromedp.Navigate(enc),
		chromedp.WaitVisible(chromedp.CSS(`.note`)),
		into(&width, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)),
		shot(dir, "workbench-narrow"),
	)
	if width > 440 {
		t.Errorf("at 420 px the workbench is %d px wide (sideways scrolling)", width)
	}
	t.Logf("screenshots in %s", dir)
}
