package ui_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/demo"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/ui"
	"github.com/openrcm/openrcm/web"
	"github.com/pquerna/otp/totp"
)

// envREADMEShots names the folder TestREADMEScreenshots writes the
// README's screenshots to (docs/screenshots); unset, the test is skipped.
const envREADMEShots = "RCM_README_SCREENSHOTS"

// TestREADMEScreenshots retakes the README's screenshots from the seed-7
// demo practice, signed in as the demo's admin:
//
//	RCM_README_SCREENSHOTS=$PWD/docs/screenshots go test ./ui -run TestREADMEScreenshots
func TestREADMEScreenshots(t *testing.T) {
	dir := os.Getenv(envREADMEShots)
	if dir == "" {
		t.Skipf("set %s to the folder for the README's screenshots", envREADMEShots)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	db := sqldbtest.Open(t, sqldb.SQLite)
	res, err := demo.Run(context.Background(), db, io.Discard, demo.Options{Seed: 7, Clearinghouse: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	// The screens' today: the day after the demo's cycle ends.
	clock := &testClock{t: db.Clock.Now().Add(24 * time.Hour)}
	starter := codeset.NewCatalog(codeset.Starter())
	h, err := ui.New(ui.Config{Store: db, Clock: clock,
		Catalog: func(context.Context) (*codeset.Catalog, error) { return starter, nil },
		Scrubber: func(_ context.Context, today rcm.Date, _ int64) (*claim.Scrubber, error) {
			return &claim.Scrubber{Today: today, Codes: claim.CatalogChecker{Catalog: starter}}, nil
		},
		Transport: func(context.Context, string) (clearinghouse.Transport, error) {
			return nil, rcm.Errorf(rcm.EINVALID, "No clearinghouse for screenshots.")
		}})
	if err != nil {
		t.Fatal(err)
	}
	api, err := web.NewServer(web.Config{Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db, Ping: db.Ping, UI: h})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)

	actx := rcm.NewContextWithActor(context.Background(), rcm.Actor{OrgID: res.Org.ID, Role: rcm.RoleAdmin, Reason: "screenshots"})
	// The claim and workbench shown are of the demo's first denial.
	ds, err := db.FindDenials(actx, remit.DenialFilter{Limit: 1})
	if err != nil || len(ds) == 0 {
		t.Fatalf("a denial of the demo: %v", err)
	}
	c, err := db.FindClaimByID(actx, ds[0].ClaimID)
	if err != nil {
		t.Fatal(err)
	}
	denied := []*rcm.Claim{c}
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	var secret string
	run("sign in",
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), demo.AdminUsername),
		chromedp.SendKeys(chromedp.CSS(`#password`), demo.AdminPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=totp-secret]`)),
		into(&secret, chromedp.Text(chromedp.CSS(`[data-testid=totp-secret]`))),
	)
	code, err := totp.GenerateCode(strings.TrimSpace(secret), clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	run("second factor",
		chromedp.SendKeys(chromedp.CSS(`#code`), code),
		chromedp.Submit(chromedp.CSS(`#code`)),
		chromedp.WaitVisible(chromedp.CSS(`#continue`)),
		chromedp.Click(chromedp.CSS(`#continue`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=who]`)),
	)
	for _, s := range []struct{ name, path, ready string }{
		{"dashboard", "/", `svg#ar-age`},
		{"workbench", fmt.Sprintf("/encounters/%d", denied[0].EncounterID), `main`},
		{"queues", "/queues", `main`},
		{"claim", fmt.Sprintf("/claims/%d", denied[0].ID), `main`},
		{"patient", fmt.Sprintf("/patients/%d", denied[0].PatientID), `main`},
		{"remittances", "/remittances", `main`},
	} {
		run(s.name, chromedp.Navigate(srv.URL+s.path), chromedp.WaitVisible(chromedp.CSS(s.ready)), shot(dir, s.name))
	}
}
