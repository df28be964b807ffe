package ui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codingaudit"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/statement/mailing"
	"github.com/openrcm/openrcm/ui"
	"github.com/pquerna/otp/totp"
)

// envAxe names axe-core's axe.min.js (the npm package axe-core, pinned in
// .ci/run, which installs it outside the repository).
const envAxe = "RCM_AXE"

// axeSource reads axe.min.js; it skips the test with a reason when the
// file is missing, except in CI, where it fails.
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv(envAxe)
	if path == "" {
		path = filepath.Join(os.Getenv("HOME"), ".cache", "openrcm", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core not found at %s: CI must run the accessibility test (.ci/run installs it)", path)
		}
		t.Skipf("accessibility test skipped: no axe-core at %s (npm install axe-core@4.14.1, and set %s)", path, envAxe)
	}
	return string(src)
}

// axeViolation is one serious or critical axe-core finding on a page.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeCheck runs axe-core on the current page against WCAG 2.0 and 2.1 A
// and AA, and returns the serious and critical violations.
func axeCheck(src string) chromedp.Action[[]axeViolation] {
	return func(ctx context.Context, t *chromedp.Target) ([]axeViolation, error) {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			return nil, fmt.Errorf("load axe-core: %w", err)
		}
		return chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {
			runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]
		}).then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
			id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))
		})))`, chromedp.EvalAwaitPromise))
	}
}

// axeIDs are the objects the screens of the accessibility test show.
type axeIDs struct{ encounter, claim, patient, coverage, remittance, user, followup, codingAudit, job int64 }

// axeScreens are the GET routes that render a screen, each with the role
// that opens it and the address visited. TestAxeCoversEveryScreen fails
// when a GET route is registered that is neither here nor in
// axeNotScreens, so a new screen cannot skip the accessibility test.
var axeScreens = []struct {
	route, who string
	path       func(axeIDs) string
}{
	{"GET /login", "anyone", func(axeIDs) string { return "/login" }},
	{"GET /{$}", "biller", func(axeIDs) string { return "/" }},
	{"GET /encounters", "biller", func(axeIDs) string { return "/encounters" }},
	{"GET /encounters", "coder", func(axeIDs) string { return "/encounters" }},
	{"GET /encounters/{id}", "biller", func(i axeIDs) string { return fmt.Sprintf("/encounters/%d", i.encounter) }},
	{"GET /encounters/{id}", "coder", func(i axeIDs) string { return fmt.Sprintf("/encounters/%d", i.encounter) }},
	{"GET /encounters/{id}", "coder", func(i axeIDs) string { return fmt.Sprintf("/encounters/%d?q=diabetes", i.encounter) }},
	{"GET /claims", "biller", func(axeIDs) string { return "/claims" }},
	{"GET /claims/{id}", "biller", func(i axeIDs) string { return fmt.Sprintf("/claims/%d", i.claim) }},
	{"GET /statements", "biller", func(axeIDs) string { return "/statements" }},
	{"GET /statements/mail", "biller", func(axeIDs) string { return "/statements/mail" }},
	{"GET /queues", "biller", func(axeIDs) string { return "/queues" }},
	{"GET /followups", "biller", func(axeIDs) string { return "/followups" }},
	{"GET /patients", "biller", func(axeIDs) string { return "/patients" }},
	{"GET /patients/{id}", "biller", func(i axeIDs) string { return fmt.Sprintf("/patients/%d", i.patient) }},
	{"GET /patients/new", "biller", func(axeIDs) string { return "/patients/new" }},
	{"GET /patients/{id}/encounters/new", "biller", func(i axeIDs) string { return fmt.Sprintf("/patients/%d/encounters/new", i.patient) }},
	{"GET /fees", "biller", func(axeIDs) string { return "/fees" }},
	{"GET /coverages/{id}/authorizations", "biller", func(i axeIDs) string { return fmt.Sprintf("/coverages/%d/authorizations", i.coverage) }},
	{"GET /remittances", "biller", func(axeIDs) string { return "/remittances" }},
	{"GET /remittances/{id}", "biller", func(i axeIDs) string { return fmt.Sprintf("/remittances/%d", i.remittance) }},
	{"GET /account", "biller", func(axeIDs) string { return "/account" }},
	{"GET /mfa/enrol", "biller", func(axeIDs) string { return "/mfa/enrol" }},
	{"GET /login/mfa", "admin", nil}, // visited between the admin's password and code
	{"GET /jobs", "admin", func(axeIDs) string { return "/jobs" }},
	{"GET /jobs/{id}", "admin", func(i axeIDs) string { return fmt.Sprintf("/jobs/%d", i.job) }},
	{"GET /imports", "admin", func(axeIDs) string { return "/imports" }},
	{"GET /users", "admin", func(axeIDs) string { return "/users" }},
	{"GET /users/{id}", "admin", func(i axeIDs) string { return fmt.Sprintf("/users/%d", i.user) }},
	{"GET /followups/{id}", "biller", func(i axeIDs) string { return fmt.Sprintf("/followups/%d", i.followup) }},
	{"GET /reports/kpi", "biller", func(axeIDs) string { return "/reports/kpi" }},
	{"GET /contracts", "biller", func(axeIDs) string { return "/contracts" }},
	{"GET /codes/suggestions", "coder", func(axeIDs) string { return "/codes/suggestions" }},
	{"GET /practice", "coder", func(axeIDs) string { return "/practice" }},
	{"GET /coding-audits", "admin", func(axeIDs) string { return "/coding-audits" }},
	{"GET /coding-audits/{id}", "admin", func(i axeIDs) string { return fmt.Sprintf("/coding-audits/%d", i.codingAudit) }},
	{"GET /coding-audits/{id}/report", "admin", func(i axeIDs) string { return fmt.Sprintf("/coding-audits/%d/report", i.codingAudit) }},
}

// axeNotScreens are the GET routes that answer with something other than
// a page: files, downloads and the fragment the code search fills in.
var axeNotScreens = map[string]string{
	"GET /static/":                       "style sheet and script",
	"GET /codes/search":                  "the type-ahead's result list, checked inside the workbench (?q=diabetes)",
	"GET /claims/{id}/837p":              "X12 download",
	"GET /claims/{id}/cms1500.pdf":       "PDF",
	"GET /claims/{id}/appeal-letter.pdf": "PDF",
	"GET /statements/print.zip":          "ZIP of PDFs",
	"GET /statements/mail/print.zip":     "ZIP of PDFs",
	"GET /statements/mail/{id}":          "PDF",
	"GET /patients/{id}/statement.pdf":   "PDF",
	"GET /claims/{id}/status.csv":        "CSV",
	"GET /queues/denials.csv":            "CSV",
	"GET /coding-audits/{id}/report.csv": "CSV",
	"GET /coding-audits/{id}/report.pdf": "PDF",
}

// TestAxeCoversEveryScreen compares the registered GET routes with the
// screens the accessibility test visits (issue 16: every screen).
func TestAxeCoversEveryScreen(t *testing.T) {
	f := newFixture(t)
	listed := map[string]bool{}
	for _, s := range axeScreens {
		listed[s.route] = true
	}
	registered := map[string]bool{}
	for _, r := range f.wb.Routes() {
		if !strings.HasPrefix(r, "GET ") {
			continue
		}
		registered[r] = true
		if !listed[r] && axeNotScreens[r] == "" {
			t.Errorf("GET route %q is not in axeScreens (the accessibility test) nor in axeNotScreens", r)
		}
	}
	for r := range listed {
		if !registered[r] {
			t.Errorf("axeScreens lists %q, which is not a registered route", r)
		}
	}
	for r := range axeNotScreens {
		if !registered[r] {
			t.Errorf("axeNotScreens lists %q, which is not a registered route", r)
		}
	}
}

// TestBrowserAccessibility visits every screen (axeScreens) as the role
// that opens it, runs axe-core on each, and fails on any serious or
// critical WCAG 2.1 A or AA violation (issue 16).
func TestBrowserAccessibility(t *testing.T) {
	src := axeSource(t)
	ctx := newBrowser(t)
	var desk ui.JobDesk
	f := newFixtureWith(t, fixtureOptions{jobs: func(db *sqldb.DB) ui.JobDesk { desk = importDesk(t)(db); return desk }})
	// A claim to show: coded and built through the workbench's own forms.
	// The admin signs in once here, which enrols the second factor the
	// browser then asks for.
	b := f.browser(t)
	b.login(f.admin)
	codeEncounter(t, b, f)
	users, err := f.db.FindUsers(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := axeIDs{encounter: f.encounter.ID, patient: f.patient.ID}
	for _, u := range users {
		if u.Username == "cora.coder" {
			ids.user = u.ID
		}
	}
	// The coder is the last to change the coded encounter, so it is in the
	// coder's frame for the coding audit below.
	enc, err := f.db.FindEncounterByID(f.ctx, f.encounter.ID)
	if err != nil {
		t.Fatal(err)
	}
	coderCtx := rcm.NewContextWithActor(f.ctx, rcm.Actor{UserID: ids.user, OrgID: enc.OrgID, Role: rcm.RoleCoder, Reason: "axe"})
	if err := f.db.UpdateEncounter(coderCtx, enc); err != nil {
		t.Fatal(err)
	}
	ids.claim = buildClaim(t, b, f)
	// A balance due, so the statements screen has a row (its checkbox and
	// label) to check.
	lines, err := f.db.FindServiceLineIDs(f.ctx, f.encounter.ID)
	if err != nil || len(lines) == 0 {
		t.Fatalf("service lines: %v %v", lines, err)
	}
	if err := f.db.PostLedger(f.ctx, new(ledger.Transaction).Charge(lines[0], 0, rcm.MustParseMoney("20.00"))); err != nil {
		t.Fatal(err)
	}
	// A statement run, so the list to mail has a row (its box and link).
	if run, _, err := mailing.RunStatements(f.ctx, f.db, rcm.DateOf(f.db.Clock.Now()), mailing.Options{}); err != nil || run == nil {
		t.Fatalf("statement run: %+v, %v", run, err)
	}
	covs, err := f.db.FindCoverages(f.ctx, f.patient.ID)
	if err != nil || len(covs) == 0 {
		t.Fatalf("coverages: %v", err)
	}
	ids.coverage = covs[0].ID
	ids.remittance = postUnmatched(t, f, "AXE1").RemittanceID
	// A work item on the claim, and a coding audit of the coder's work on
	// the encounter (the coder is the last to change it), to show.
	claim, err := f.db.FindClaimByID(f.ctx, ids.claim)
	if err != nil {
		t.Fatal(err)
	}
	item := &followup.Item{ClaimID: claim.ID, PatientID: claim.PatientID, PayerID: claim.PayerID, Kind: "denial",
		Category: "eligibility", Source: "axe", Summary: "CO-27 coverage ended", Stake: rcm.MustParseMoney("20.00"), OpenedOn: f.encounter.DateOfService}
	if _, err := f.db.OpenFollowUpItem(f.ctx, item); err != nil {
		t.Fatal(err)
	}
	ids.followup = item.ID
	audit, err := codingaudit.Draw(f.ctx, f.db, codingaudit.DrawRequest{CoderID: ids.user, From: enc.DateOfService, To: enc.DateOfService, Size: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ids.codingAudit = audit.ID
	// An import half done, for the job's page and the Jobs screen's bar.
	if ids.job, err = desk.EnqueueImport(f.ctx, jobs.ImportRequest{What: jobs.ImportEdits, FileName: "ptp_practitioner_2024q3.csv", Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SaveJobProgress(f.ctx, rcm.JobProgress{JobID: ids.job, Phase: "read", Unit: "bytes", Done: 40, Total: 100, Rows: 120}); err != nil {
		t.Fatal(err)
	}
	base := f.srv.URL

	check := func(who, path string) {
		t.Helper()
		var v []axeViolation
		if err := chromedp.Do(ctx, chromedp.Navigate(base+path), chromedp.WaitReady(chromedp.CSS(`body`)), into(&v, axeCheck(src))); err != nil {
			t.Fatalf("%s %s: %v", who, path, err)
		}
		for _, x := range v {
			t.Errorf("%s %s: %s %s (%s) at %s", who, path, x.Impact, x.ID, x.Help, strings.Join(x.Nodes, "; "))
		}
	}
	password := func(user string) {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(chromedp.CSS(`#username`)),
			chromedp.SendKeys(chromedp.CSS(`#username`), user),
			chromedp.SendKeys(chromedp.CSS(`#password`), sqldbtest.TestPassword),
			chromedp.Submit(chromedp.CSS(`#password`)),
		); err != nil {
			t.Fatalf("sign in as %s: %v", user, err)
		}
	}
	signedIn := func(user string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-testid=who]`))); err != nil {
			t.Fatalf("sign in as %s: %v", user, err)
		}
	}
	signOut := func() {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/account"), chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"] button`)),
			chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`#username`))); err != nil {
			t.Fatalf("sign out: %v", err)
		}
	}
	visit := func(who string) {
		t.Helper()
		for _, s := range axeScreens {
			if s.who == who && s.path != nil {
				check(who, s.path(ids))
			}
		}
	}

	visit("anyone")
	for _, who := range []string{"biller", "coder"} {
		user := map[string]string{"biller": "bill.biller", "coder": "cora.coder"}[who]
		password(user)
		signedIn(user)
		visit(who)
		signOut()
	}
	// The admin enrolled a second factor above: the code page comes
	// between the password and the screens.
	password(f.admin)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#code`))); err != nil {
		t.Fatalf("second-factor page: %v", err)
	}
	check("admin", "/login/mfa")
	f.clock.Advance(30 * time.Second)
	code, err := totp.GenerateCode(f.totp[f.admin], f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#code`), code), chromedp.Submit(chromedp.CSS(`#code`))); err != nil {
		t.Fatalf("second factor: %v", err)
	}
	signedIn(f.admin)
	visit("admin")
}
