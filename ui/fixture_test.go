package ui_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/ui"
	"github.com/openrcm/openrcm/web"
	"github.com/pquerna/otp/totp"
)

// testClock is a clock the test moves by hand, for session expiry.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a real SQLite database with one practice, payer, patient
// and open encounter, served by the whole web server (API and workbench).
type fixture struct {
	db    *sqldb.DB
	ctx   context.Context
	org   *rcm.Organization
	clock *testClock
	srv   *httptest.Server
	// wb is the workbench handler the server routes to.
	wb        *ui.Handler
	patient   *rcm.Patient
	encounter *rcm.Encounter
	payer     *rcm.Payer
	outbound  string
	// clearinghouse is the folder of the dir: transport (outbound,
	// inbound, archive), which the payer sandbox also works in.
	clearinghouse string
	admin         string
	// totp holds the TOTP secret of each user who enrolled, as an
	// authenticator app would.
	totp map[string]string
}

// Hostile text for the escaping tests: it must come out as text.
const (
	hostileName = `<script>alert("x")</script>`
	hostileNote = `Patient said "<img src=x onerror=alert(1)>" & left.`
)

// passwordHash is an argon2id hash of sqldbtest.TestPassword, made once:
// argon2id per user would dominate the tests' time.
var passwordHash = sync.OnceValue(func() string {
	h, err := sqldb.HashPassword(sqldbtest.TestPassword)
	if err != nil {
		panic(err)
	}
	return h
})

func newFixture(t testing.TB) *fixture { t.Helper(); return newFixtureWith(t, fixtureOptions{}) }

// fixtureOptions change how the fixture's server is reached.
type fixtureOptions struct {
	tls       bool          // serve HTTPS (httptest.NewTLSServer)
	transport web.Transport // proxy trust and Secure cookies
	// store, when set, wraps the database the workbench uses (to break a
	// service); logger receives the workbench's log.
	store  func(*sqldb.DB) ui.Store
	logger *slog.Logger
	// jobs, when set, gives the workbench a job queue on the database.
	jobs func(*sqldb.DB) ui.JobDesk
}

func newFixtureWith(t testing.TB, opts fixtureOptions) *fixture {
	t.Helper()
	db := sqldbtest.Open(t, sqldb.SQLite)
	ctx, org := sqldbtest.Org(t, db, "Test Clinic")
	f := &fixture{db: db, ctx: ctx, org: org, clock: &testClock{t: sqldbtest.Start}, admin: "testclinic.admin", totp: map[string]string{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	npi := func(stem string) string { return stem + string(rcm.NPICheckDigit(stem)) }
	pr := &rcm.Practice{Name: "Harbor Family Practice", NPI: npi("123456789"), TIN: "36-4815162", Taxonomy: "207Q00000X",
		Address: rcm.Address{Line1: "1 Harbor Way", City: "Springfield", State: "IL", ZIP: "627011234"}}
	must(db.CreatePractice(ctx, pr))
	prov := &rcm.Provider{PracticeID: pr.ID, FirstName: "Maya", LastName: "Okafor", NPI: npi("198765432"), Taxonomy: "207Q00000X"}
	must(db.CreateProvider(ctx, prov))
	f.payer = &rcm.Payer{Name: "Prairie PPO", PayerID: "SBPPO", FilingIndicator: "12", TimelyFilingDays: 180}
	must(db.CreatePayer(ctx, f.payer))
	f.patient = &rcm.Patient{AccountNumber: "ACC1001", FirstName: "Robin", LastName: hostileName, BirthDate: rcm.MustParseDate("1970-04-02"),
		Sex: rcm.SexFemale, Address: rcm.Address{Line1: "9 Elm Ct", City: "Springfield", State: "IL", ZIP: "62702"}}
	must(db.CreatePatient(ctx, f.patient))
	must(db.CreateCoverage(ctx, &rcm.Coverage{PatientID: f.patient.ID, PayerID: f.payer.ID, Order: 1, MemberID: "PPO12345678",
		Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}))
	f.encounter = &rcm.Encounter{PatientID: f.patient.ID, PracticeID: pr.ID, RenderingProviderID: prov.ID,
		DateOfService: rcm.MustParseDate("2026-01-02"), PlaceOfService: "11",
		Note: "Follow-up of type 2 diabetes, no complications. A1c stable. " + hostileNote}
	must(db.CreateEncounter(ctx, f.encounter))
	must(db.SetFee(ctx, rcm.FeeScheduleEntry{Code: "99213", Charge: rcm.MustParseMoney("125.00"), EffectiveFrom: rcm.MustParseDate("2025-01-01")}))
	ch := t.TempDir()
	f.clearinghouse, f.outbound = ch, filepath.Join(ch, "outbound")
	must(db.SetClearinghouse(ctx, &rcm.Clearinghouse{SubmitterID: "HARBOR01", SubmitterName: "Harbor Family Practice", ContactName: "Billing",
		ContactPhone: "2175550100", ReceiverID: "SANDBOXCH", ReceiverName: "Sandbox Clearinghouse", Transport: "dir:" + ch}))
	for _, u := range []struct{ name, role string }{{"cora.coder", rcm.RoleCoder}, {"bill.biller", rcm.RoleBiller}, {"aud.auditor", rcm.RoleAuditor}} {
		must(db.CreateUserWithHash(ctx, &rcm.User{OrgID: org.ID, Username: u.name, Name: u.name, Role: u.role}, passwordHash()))
	}

	var store ui.Store = db
	if opts.store != nil {
		store = opts.store(db)
	}
	var desk ui.JobDesk
	if opts.jobs != nil {
		desk = opts.jobs(db)
	}
	h, err := ui.New(ui.Config{
		Jobs:    desk,
		Store:   store,
		Logger:  opts.logger,
		Catalog: func(context.Context) (*codeset.Catalog, error) { return codeset.NewCatalog(codeset.Starter()), nil },
		Scrubber: func(_ context.Context, today rcm.Date, orgID int64) (*claim.Scrubber, error) {
			return &claim.Scrubber{Today: today, Codes: claim.CatalogChecker{Catalog: codeset.NewCatalog(codeset.Starter())}}, nil
		},
		Transport: func(_ context.Context, spec string) (clearinghouse.Transport, error) {
			root := strings.TrimPrefix(spec, "dir:")
			return clearinghouse.OpenDir(clearinghouse.Layout{Outbound: filepath.Join(root, "outbound"), Inbound: filepath.Join(root, "inbound"),
				Archive: filepath.Join(root, "archive")})
		},
		Clock:       f.clock,
		IdleTimeout: 30 * time.Minute,
		MaxAge:      2 * time.Hour,
	})
	must(err)
	f.wb = h
	srv, err := web.NewServer(web.Config{Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db,
		Ping: db.Ping, UI: h, Transport: opts.transport})
	must(err)
	if opts.tls {
		f.srv = httptest.NewTLSServer(srv)
	} else {
		f.srv = httptest.NewServer(srv)
	}
	t.Cleanup(f.srv.Close)
	return f
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects, so tests see each answer.
type browser struct {
	t    testing.TB
	f    *fixture
	c    *http.Client
	csrf string
}

func (f *fixture) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, f: f, c: &http.Client{Jar: jar, Transport: f.srv.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches a path and returns the status, body and response.
func (b *browser) get(path string) (int, string, *http.Response) {
	b.t.Helper()
	resp, err := b.c.Get(b.f.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfRE.FindStringSubmatch(string(body)); m != nil && strings.Contains(string(body), `action="/logout"`) {
		b.csrf = m[1]
	}
	return resp.StatusCode, string(body), resp
}

// post sends a form; extra headers (such as Origin) may be given.
func (b *browser) post(path string, form url.Values, header ...string) (int, string, *http.Response) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.f.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp
}

// action posts a form with the session's CSRF token.
func (b *browser) action(path string, form url.Values) (int, string, *http.Response) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.csrf)
	return b.post(path, form)
}

// login signs in and loads the dashboard (which gives the CSRF token).
func (b *browser) login(username string) {
	b.t.Helper()
	status, body, _ := b.get("/login")
	if status != http.StatusOK {
		b.t.Fatalf("GET /login: %d", status)
	}
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatal("login form has no token")
	}
	status, body, resp := b.post("/login", url.Values{"csrf": {m[1]}, "username": {username}, "password": {sqldbtest.TestPassword}, "next": {"/"}})
	if status != http.StatusSeeOther {
		b.t.Fatalf("POST /login as %s: %d %s", username, status, body)
	}
	switch loc := resp.Header.Get("Location"); loc {
	case "/":
	case "/mfa/enrol":
		b.enrol(username)
	case "/login/mfa":
		b.secondFactor(username)
	default:
		b.t.Fatalf("after sign-in, redirected to %q", loc)
	}
	if status, _, _ := b.get("/"); status != http.StatusOK {
		b.t.Fatalf("GET / after sign-in: %d", status)
	}
	if b.csrf == "" {
		b.t.Fatal("no CSRF token on the dashboard")
	}
}

var totpSecretRE = regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7]+)<`)

// enrol sets up TOTP on the enrolment page, as an admin must on first
// sign-in, and keeps the secret for the next sign-in.
func (b *browser) enrol(username string) {
	b.t.Helper()
	status, body, _ := b.get("/mfa/enrol")
	m, s := csrfRE.FindStringSubmatch(body), totpSecretRE.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil || s == nil {
		b.t.Fatalf("GET /mfa/enrol: %d without a form or secret: %s", status, body)
	}
	code, err := totp.GenerateCode(s[1], b.f.clock.Now())
	if err != nil {
		b.t.Fatal(err)
	}
	status, body, _ = b.post("/mfa/enrol", url.Values{"csrf": {m[1]}, "code": {code}, "next": {"/"}})
	if status != http.StatusOK || !strings.Contains(body, "recovery-codes") {
		b.t.Fatalf("POST /mfa/enrol: %d %s", status, body)
	}
	b.f.totp[username] = s[1]
}

// secondFactor gives the TOTP code after the password. The clock moves
// on a step first, since a code is never accepted twice.
func (b *browser) secondFactor(username string) {
	b.t.Helper()
	b.f.clock.Advance(30 * time.Second)
	status, body, _ := b.get("/login/mfa")
	m := csrfRE.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		b.t.Fatalf("GET /login/mfa: %d %s", status, body)
	}
	code, err := totp.GenerateCode(b.f.totp[username], b.f.clock.Now())
	if err != nil {
		b.t.Fatal(err)
	}
	status, body, resp := b.post("/login/mfa", url.Values{"csrf": {m[1]}, "code": {code}, "next": {"/"}})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		b.t.Fatalf("POST /login/mfa: %d %s", status, body)
	}
}
