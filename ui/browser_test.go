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
	"github.com/openrcm/openrcm/payer"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/pquerna/otp/totp"
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
	ctx, cancelTimeout := context.WithTimeout(ctx, 180*time.Second)
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

// sandbox is the payer sandbox on the fixture's clearinghouse folder. Its
// member file has the fixture's patient with a plan that ended on
// 2025-12-31, before the encounter's date of service: the 271 says
// inactive and the 835 denies the claim with CARC 27.
func sandbox(t *testing.T, f *fixture, p *rcm.Patient) *payer.Server {
	t.Helper()
	cfg, err := payer.SampleConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Members = []*payer.Member{{Payer: f.payer.PayerID, ID: "PPO12345678", Last: strings.ToUpper(p.LastName), First: strings.ToUpper(p.FirstName),
		BirthDate: p.BirthDate, Sex: p.Sex, Plan: "PRAIRIE PPO", PlanBegin: rcm.MustParseDate("2025-01-01"), PlanEnd: rcm.MustParseDate("2025-12-31")}}
	mb, err := payer.OpenMailbox(f.clearinghouse)
	if err != nil {
		t.Fatal(err)
	}
	return &payer.Server{Engine: payer.NewEngine(cfg, payer.NewState(1), rcm.NewStepClock(sqldbtest.Start.Add(time.Hour))), Mailbox: mb}
}

// take835s moves the 835s the sandbox left in the inbound folder into dir,
// as a biller who downloads them from the payer's portal would, and
// returns their paths.
func take835s(t *testing.T, f *fixture, dir string) []string {
	t.Helper()
	inbound := filepath.Join(f.clearinghouse, "inbound")
	entries, err := os.ReadDir(inbound)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(inbound, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "ST*835*") {
			dst := filepath.Join(dir, e.Name())
			if err := os.Rename(filepath.Join(inbound, e.Name()), dst); err != nil {
				t.Fatal(err)
			}
			out = append(out, dst)
		}
	}
	return out
}

// TestBrowserCodeScrubSubmit signs in, codes the encounter with the
// type-ahead search, sees a validation error and fixes it, marks the
// encounter ready, builds the claim, scrubs and submits it, checks the
// patient's eligibility, lets the payer sandbox answer, reads the 999,
// 277CA and 271 from the clearinghouse, uploads the 835 (twice: the
// second is a duplicate), and sees the denial in the queue with its CARC
// meaning and the dashboard change.
func TestBrowserCodeScrubSubmit(t *testing.T) {
	ctx := newBrowser(t)
	f := newFixture(t)
	// The payer matches members by name, so this flow uses a plain one;
	// the escaping tests keep the hostile name.
	p, err := f.db.FindPatientByID(f.ctx, f.patient.ID)
	if err != nil {
		t.Fatal(err)
	}
	p.LastName = "Rivera"
	if err := f.db.UpdatePatient(f.ctx, p); err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv(envScreenshots)
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	base := f.srv.URL
	enc := fmt.Sprintf("%s/encounters/%d", base, f.encounter.ID)
	var who, secret, findings, hits, state, history, charges, text string

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
		// An admin without a second factor is sent to set one up: the
		// test is the authenticator app, reading the key off the page.
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=totp-secret]`)),
		shot(dir, "mfa-enrol"),
		into(&secret, chromedp.Text(chromedp.CSS(`[data-testid=totp-secret]`))),
	)
	code, err := totp.GenerateCode(strings.TrimSpace(secret), f.clock.Now())
	if err != nil {
		t.Fatalf("TOTP code from the enrolment page's key %q: %v", secret, err)
	}
	run("enrol TOTP",
		chromedp.SendKeys(chromedp.CSS(`#code`), code),
		chromedp.Submit(chromedp.CSS(`#code`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=recovery-codes]`)),
		chromedp.Click(chromedp.CSS(`#continue`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=who]`)),
		into(&who, chromedp.Text(chromedp.CSS(`[data-testid=who]`))),
	)
	// Signing in again takes the password and a code: a new one, since a
	// code is never accepted twice.
	f.clock.Advance(30 * time.Second)
	code, err = totp.GenerateCode(strings.TrimSpace(secret), f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	run("sign out and in with password and TOTP",
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), f.admin),
		chromedp.SendKeys(chromedp.CSS(`#password`), sqldbtest.TestPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`#code`)),
		shot(dir, "mfa"),
		chromedp.SendKeys(chromedp.CSS(`#code`), code),
		chromedp.Submit(chromedp.CSS(`#code`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=who]`)),
		into(&who, chromedp.Text(chromedp.CSS(`[data-testid=who]`))),
	)
	if !strings.Contains(who, f.admin) || !strings.Contains(who, "Test Clinic") {
		t.Fatalf("header shows %q, want the user and the organization", who)
	}

	// The whole job from the screens: register a patient, add their
	// coverage, record a visit and code it, without the API.
	var newName string
	run("register a patient",
		chromedp.Navigate(base+"/patients"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=new-patient-link]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=new-patient-link]`)),
		chromedp.WaitVisible(chromedp.CSS(`#np-account`)),
		chromedp.SendKeys(chromedp.CSS(`#np-account`), "WALKIN-7"),
		chromedp.SendKeys(chromedp.CSS(`#np-first`), "Tomasz"),
		chromedp.SendKeys(chromedp.CSS(`#np-last`), "Okafor"),
		chromedp.SetValue(chromedp.CSS(`#np-birth`), "1984-07-19"),
		chromedp.SetValue(chromedp.CSS(`#np-sex`), "M"),
		chromedp.SendKeys(chromedp.CSS(`#np-line1`), "12 Elm St"),
		chromedp.SendKeys(chromedp.CSS(`#np-city`), "Springfield"),
		chromedp.SendKeys(chromedp.CSS(`#np-state`), "IL"),
		chromedp.SendKeys(chromedp.CSS(`#np-zip`), "627011234"),
		shot(dir, "patient-new"),
		chromedp.Submit(chromedp.CSS(`#np-account`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=patient-name]`)),
		into(&newName, chromedp.Text(chromedp.CSS(`[data-testid=patient-name]`))),
		chromedp.Click(chromedp.CSS(`[data-testid=add-coverage] summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#new-member`)),
		chromedp.SendKeys(chromedp.CSS(`#new-member`), "PPO77700011"),
		chromedp.Submit(chromedp.CSS(`#new-member`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=new-encounter-link]`)),
	)
	if !strings.Contains(newName, "Okafor, Tomasz") {
		t.Fatalf("the new patient's page shows %q", newName)
	}
	run("record an encounter and code it",
		chromedp.Click(chromedp.CSS(`[data-testid=new-encounter-link]`)),
		chromedp.WaitVisible(chromedp.CSS(`#ne-date`)),
		chromedp.SetValue(chromedp.CSS(`#ne-pos`), "11"),
		chromedp.SendKeys(chromedp.CSS(`#ne-note`), "Blood pressure check; hypertension, stable."),
		shot(dir, "encounter-new"),
		chromedp.Submit(chromedp.CSS(`#ne-date`)),
		chromedp.WaitVisible(chromedp.CSS(`#dx-code`)),
		chromedp.SendKeys(chromedp.CSS(`#dx-code`), "I10"),
		chromedp.Submit(chromedp.CSS(`#dx-code`)),
		chromedp.WaitVisible(chromedp.CSS(`button[aria-label="Remove I10"]`)),
		chromedp.SendKeys(chromedp.CSS(`#line-code`), "99213"),
		chromedp.SendKeys(chromedp.CSS(`#line-ptrs`), "1"),
		chromedp.Submit(chromedp.CSS(`#line-code`)),
		chromedp.WaitVisible(chromedp.CSS(`input[aria-label="Units of line 1"]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/ready"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/claim"] button`)),
	)
	walkIns, err := f.db.FindPatients(f.ctx, rcm.PatientFilter{Name: "Okafor"})
	if err != nil || len(walkIns) != 1 || walkIns[0].AccountNumber != "WALKIN-7" {
		t.Fatalf("patients named Okafor: %+v, %v", walkIns, err)
	}
	if covs, err := f.db.FindCoverages(f.ctx, walkIns[0].ID); err != nil || len(covs) != 1 || covs[0].MemberID != "PPO77700011" {
		t.Fatalf("the new patient's coverages: %+v, %v", covs, err)
	}
	encs, err := f.db.FindEncounters(f.ctx, rcm.EncounterFilter{PatientID: walkIns[0].ID})
	if err != nil || len(encs) != 1 {
		t.Fatalf("the new patient's encounters: %d, %v", len(encs), err)
	}
	if e := encs[0]; e.Status != rcm.EncounterCoded || len(e.Diagnoses) != 1 || e.Diagnoses[0].Code != "I10" || len(e.Lines) != 1 ||
		e.Lines[0].Code != "99213" || e.PlaceOfService != "11" || e.RenderingProviderID == 0 || e.DateOfService != rcm.DateOf(f.clock.Now()) {
		t.Fatalf("the encounter made from the screens: %+v", e)
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
	var claimURL string
	run("claim address", into(&claimURL, chromedp.Location()))
	claimURL, _, _ = strings.Cut(claimURL, "?")
	if state != "submitted" || !strings.Contains(history, "submitted") {
		t.Fatalf("after submit the claim is %q, history %q", state, history)
	}
	cs, err := f.db.FindClaims(f.ctx, rcm.ClaimFilter{State: rcm.ClaimSubmitted})
	if err != nil || len(cs) != 1 {
		t.Fatalf("submitted claims in the database: %d, %v", len(cs), err)
	}

	run("dashboard before the payer answers",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`svg#ar-age`)),
		into(&charges, chromedp.Text(chromedp.CSS(`[data-testid=charges]`))),
		into(&text, chromedp.Text(chromedp.CSS(`[data-testid=denial_rate]`))),
	)
	if charges != "$125.00" || text != "–" {
		t.Fatalf("dashboard after the submission: charges %q, denial rate %q; want $125.00 and none yet", charges, text)
	}

	patient := fmt.Sprintf("%s/patients/%d", base, f.patient.ID)
	run("check eligibility",
		chromedp.Navigate(patient),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=patient-name]`)),
		chromedp.Click(chromedp.CSS(`button[aria-label^="Check eligibility"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
	)

	// The payer is outside OpenRCM: the test plays it, answering the 837P
	// and the 270 the workbench dropped in the clearinghouse folder.
	n, err := sandbox(t, f, p).Poll(f.ctx)
	if err != nil || n != 2 {
		t.Fatalf("payer sandbox answered %d files (%v), want the 837P and the 270", n, err)
	}
	remits := take835s(t, f, t.TempDir())
	if len(remits) != 1 {
		t.Fatalf("the sandbox sent %d 835s, want 1", len(remits))
	}

	run("read the acknowledgements and the 271",
		chromedp.Navigate(base+"/remittances"),
		chromedp.WaitVisible(chromedp.CSS(`#poll`)),
		chromedp.Click(chromedp.CSS(`#poll`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=results]`)),
		into(&text, chromedp.Text(chromedp.CSS(`[data-testid=results]`))),
		shot(dir, "clearinghouse"),
	)
	for _, want := range []string{"999", "277CA", "271", "1 accepted"} {
		if !strings.Contains(text, want) {
			t.Errorf("clearinghouse results lack %q: %q", want, text)
		}
	}
	run("claim accepted",
		chromedp.Navigate(claimURL),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=claim-state]`)),
		into(&state, chromedp.Text(chromedp.CSS(`[data-testid=claim-state]`))),
		into(&history, chromedp.Text(chromedp.CSS(`[data-testid=history]`))),
	)
	if state != "accepted" || !strings.Contains(history, "277CA") {
		t.Fatalf("after the 277CA the claim is %q, history %q", state, history)
	}
	run("eligibility in words",
		chromedp.Navigate(patient),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=eligibility]`)),
		into(&text, chromedp.Text(chromedp.CSS(`[data-testid=eligibility]`))),
		shot(dir, "patient"),
	)
	if !strings.Contains(text, "Inactive") || !strings.Contains(text, "ended") {
		t.Errorf("eligibility on the patient page: %q, want the inactive coverage in words", text)
	}

	// The biller records the group number from the card on the coverage.
	covs, err := f.db.FindCoverages(f.ctx, f.patient.ID)
	if err != nil || len(covs) == 0 {
		t.Fatalf("coverages: %v, %v", covs, err)
	}
	group := fmt.Sprintf("#c%d-group", covs[0].ID)
	run("edit the coverage",
		chromedp.Navigate(patient),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=edit-coverage] summary`)),
		chromedp.Click(chromedp.CSS(`[data-testid=edit-coverage] summary`)),
		chromedp.WaitVisible(chromedp.CSS(group)),
		chromedp.SetValue(chromedp.CSS(group), "GRP-4410"),
		chromedp.Click(chromedp.CSS(`[data-testid=edit-coverage] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
		into(&text, chromedp.Text(chromedp.CSS(`#coverages + table`))),
	)
	if !strings.Contains(text, "GRP-4410") {
		t.Errorf("coverages after the edit: %q, want the new group number", text)
	}
	if got, err := f.db.FindCoverageByID(f.ctx, covs[0].ID); err != nil || got.GroupNumber != "GRP-4410" || got.MemberID != covs[0].MemberID {
		t.Errorf("stored coverage after the edit: %+v, %v", got, err)
	}

	run("upload the 835",
		chromedp.Navigate(base+"/remittances"),
		chromedp.WaitVisible(chromedp.CSS(`#remit-file`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#remit-file`), remits),
		chromedp.Submit(chromedp.CSS(`#remit-file`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=posting]`)),
		into(&text, chromedp.Text(chromedp.CSS(`[data-testid=posting]`))),
		shot(dir, "remittances"),
	)
	if !strings.Contains(text, "Denied") || strings.Contains(text, "Duplicate") {
		t.Fatalf("first upload: %q, want it posted with the denial", text)
	}
	run("upload it again",
		chromedp.SetUploadFiles(chromedp.CSS(`#remit-file`), remits),
		chromedp.Submit(chromedp.CSS(`#remit-file`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=duplicate]`)),
	)
	run("claim denied, with its remittance",
		chromedp.Navigate(claimURL),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=remittances]`)),
		into(&state, chromedp.Text(chromedp.CSS(`[data-testid=claim-state]`))),
		into(&text, chromedp.Text(chromedp.CSS(`[data-testid=remittances]`))),
		shot(dir, "claim"),
	)
	if state != "denied" || !strings.Contains(text, "CO-27") {
		t.Fatalf("after the 835 the claim is %q with remittances %q", state, text)
	}
	// Issue 16: the claim page's denied lines name the patient.
	if !strings.Contains(text, "Rivera") {
		t.Errorf("the claim page's denied lines do not name the patient: %q", text)
	}

	run("the denial in the queue",
		chromedp.Navigate(base+"/queues"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=denials]`)),
		into(&text, chromedp.Text(chromedp.CSS(`[data-testid=denials]`))),
		shot(dir, "queues"),
	)
	for _, want := range []string{"CO-27", "after coverage ended", "Rivera", "$125.00", "check eligibility"} {
		if !strings.Contains(text, want) {
			t.Errorf("denials queue lacks %q: %q", want, text)
		}
	}

	var rate, reasons string
	run("claims and the dashboard after posting",
		chromedp.Navigate(base+"/claims"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=claims]`)),
		shot(dir, "claims"),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`svg#denials`)),
		into(&rate, chromedp.Text(chromedp.CSS(`[data-testid=denial_rate]`))),
		into(&reasons, chromedp.Evaluate[string](`document.getElementById("denials-desc").textContent`)),
		shot(dir, "dashboard"),
	)
	if rate != "100.0%" || !strings.Contains(reasons, "CO-27") {
		t.Fatalf("dashboard after the denial: rate %q, reasons %q", rate, reasons)
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
