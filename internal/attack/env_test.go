package attack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/codingaudit"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/statement/mailing"
	"github.com/openrcm/openrcm/ui"
	"github.com/openrcm/openrcm/web"
	"github.com/pquerna/otp/totp"
)

// Hostile text stored in every free-text field of organization A. Each
// must come out of every page as text, never as markup.
const (
	xssScript = `<script>alert(1)</script>`
	xssImg    = `"><img src=x onerror=alert(1)>`
	xssURL    = `javascript:alert(1)`
)

// env is the whole server as rcm serve wires it (API, remittance and
// payment routes, code routes, workbench) over a real database, with two
// organizations: A, whose rows are attacked, and B, whose users attack.
type env struct {
	db      *sqldb.DB
	srv     *httptest.Server
	api     *web.Server
	wb      *ui.Handler
	clock   *clock
	a, b    *org
	inbound string   // organization A's clearinghouse folder
	biller  *browser // organization A's biller, signed in once

	mu       sync.Mutex
	sessions map[string]*browser // by username
}

// org is one organization with a user of every role and one of each
// object the routes take by id.
type org struct {
	name  string
	ctx   context.Context // as the admin
	id    int64
	ids   map[string]int64 // object kind ("patient", "claim", ...) to id
	token map[string]string
	user  map[string]string // role to username
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// totpSecretRE finds the key the enrolment page shows.
var totpSecretRE = regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7]+)<`)

var roles = []string{rcm.RoleAdmin, rcm.RoleCoder, rcm.RoleBiller, rcm.RoleAuditor}

// passwordHash is an argon2id hash of sqldbtest.TestPassword, made once.
var passwordHash = sync.OnceValue(func() string {
	h, err := sqldb.HashPassword(sqldbtest.TestPassword)
	if err != nil {
		panic(err)
	}
	return h
})

// TestAttack runs the attacks on the web edge, each against the same
// server and data per database (each checks that it changed nothing it
// must not, so they can share it): requests by id across organizations,
// roles without the permission, hostile JSON bodies, injections in
// queries, stored markup, and forged forms. The hostile X12 corpus, the
// sign-in redirects and path traversal have tests of their own.
func TestAttack(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		for _, a := range []struct {
			name string
			fn   func(*testing.T, *env)
		}{
			{"CrossTenantByID", crossTenantByID},
			{"RolesRefused", rolesRefused},
			{"HostileJSONBodies", hostileJSONBodies},
			{"InjectionInQueries", injectionInQueries},
			{"StoredTextIsEscaped", storedTextIsEscaped},
			{"CrossSiteForms", crossSiteForms},
		} {
			t.Run(a.name, func(t *testing.T) { a.fn(t, e) })
		}
	})
}

// eachDialect runs fn on a fresh env per database.
func eachDialect(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnv(t, sqldbtest.Open(t, d)))
		})
	}
}

func newEnv(t *testing.T, db *sqldb.DB) *env {
	t.Helper()
	e := &env{db: db, clock: &clock{t: sqldbtest.Start}}
	ch := t.TempDir()
	e.inbound = filepath.Join(ch, "inbound")
	e.a = seedOrg(t, db, "Alpha", "dir:"+ch, true)
	e.b = seedOrg(t, db, "Bravo", "dir:"+t.TempDir(), false)
	starter := codeset.NewCatalog(codeset.Starter())
	scrubber := func(_ context.Context, today rcm.Date, _ int64) (*claim.Scrubber, error) {
		return &claim.Scrubber{Today: today, Codes: claim.CatalogChecker{Catalog: starter}}, nil
	}
	transport := func(_ context.Context, spec string) (clearinghouse.Transport, error) {
		root := strings.TrimPrefix(spec, "dir:")
		return clearinghouse.OpenDir(clearinghouse.Layout{Outbound: filepath.Join(root, "outbound"),
			Inbound: filepath.Join(root, "inbound"), Archive: filepath.Join(root, "archive")})
	}
	// A job queue (not working), with a queued job of each organization,
	// so the job pages are asked across organizations too.
	if err := jobs.Migrate(context.Background(), db.SQL(), db.Dialect()); err != nil {
		t.Fatal(err)
	}
	queue, err := jobs.New(jobs.Config{DB: db.SQL(), Dialect: db.Dialect(), Progress: db,
		Kinds: []jobs.Kind{jobs.Reminders(db, e.clock.Now, nil)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []*org{e.a, e.b} {
		o.ids["job"], err = queue.Insert(o.ctx, jobs.RemindArgs{OrgID: o.id}, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	e.wb, err = ui.New(ui.Config{
		Jobs:      jobs.Desk{Queue: queue, Store: db, Imports: db},
		Store:     db,
		Catalog:   func(context.Context) (*codeset.Catalog, error) { return starter, nil },
		Scrubber:  scrubber,
		Transport: transport,
		Clock:     e.clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.api, err = web.NewServer(web.Config{Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db,
		Ping: db.Ping, Clock: e.clock, UI: e.wb})
	if err != nil {
		t.Fatal(err)
	}
	// The same optional routes rcm serve adds.
	e.api.RouteCodes(starter)
	e.api.RouteRemittances(db, func(ctx context.Context) (any, error) { return db.FindPatientBalances(ctx) })
	e.api.RoutePatientPayments(db)
	e.api.RouteCredits(db)
	e.api.RouteKPI(db)
	e.api.RouteFollowUp(db)
	e.api.RouteCredentials(db)
	e.api.RouteFHIR(db, nil)
	e.api.RouteFees(web.FeeConfig{Store: db})
	e.api.RouteContracts(web.ContractConfig{Store: db})
	e.api.RouteAuthorizations(db)
	e.api.RouteSuggestionDecisions(db)
	e.api.RouteClaims(web.ClaimConfig{Store: db, Scrubber: scrubber, Transport: transport})
	e.api.RouteCodingAudit(db, func() *codeset.Catalog { return starter })
	e.srv = httptest.NewServer(e.api)
	t.Cleanup(e.srv.Close)
	for _, o := range []*org{e.a, e.b} {
		for _, role := range roles {
			u := &rcm.User{OrgID: o.id, Username: strings.ToLower(o.name) + "-" + role, Name: o.name + " " + role, Role: role}
			if err := db.CreateUserWithHash(o.ctx, u, passwordHash()); err != nil {
				t.Fatal(err)
			}
			tok, secret, err := db.CreateAPIToken(o.ctx, u.ID, "attack", 0)
			if err != nil {
				t.Fatal(err)
			}
			o.token[role], o.user[role] = secret, u.Username
			// The user and token routes are tried on the admin's: the
			// other roles may manage only their own.
			if role == rcm.RoleAdmin {
				o.ids["user"], o.ids["token"] = u.ID, tok.ID
			}
		}
	}
	return e
}

// seedOrg makes an organization with a practice, provider, payer, patient
// with a coverage, a coded encounter, a submitted claim paid by a posted
// 835, and two posting exceptions (one resolved). With hostile set, every
// free-text field holds hostile markup.
func seedOrg(t *testing.T, db *sqldb.DB, name, transport string, hostile bool) *org {
	t.Helper()
	ctx, o := sqldbtest.Org(t, db, name)
	r := &org{name: name, ctx: ctx, id: o.ID, ids: map[string]int64{}, token: map[string]string{}, user: map[string]string{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %s: %v", name, err)
		}
	}
	text := func(plain, evil string) string {
		if hostile {
			return plain + evil
		}
		return plain
	}
	npi := func(stem string) string { return stem + string(rcm.NPICheckDigit(stem)) }
	addr := rcm.Address{Line1: text("1 Main St", xssImg), City: "Springfield", State: "IL", ZIP: "627011234"}
	pr := &rcm.Practice{Name: text(name+" Practice", xssScript), NPI: npi("123456789"), TIN: "123456789", Taxonomy: "207Q00000X", Address: addr}
	must(db.CreatePractice(ctx, pr))
	prov := &rcm.Provider{PracticeID: pr.ID, FirstName: text("Gil", xssImg), LastName: text("Doctor", xssScript), NPI: npi("124531959"), Taxonomy: "207Q00000X"}
	must(db.CreateProvider(ctx, prov))
	payer := &rcm.Payer{Name: text(name+" Health", xssScript), PayerID: "ACME1", FilingIndicator: "CI"}
	must(db.CreatePayer(ctx, payer))
	pat := &rcm.Patient{AccountNumber: name + "-ACC", FirstName: text(name[:1]+"lf", xssImg), LastName: text(name[:1]+"last", xssScript),
		BirthDate: rcm.MustParseDate("1980-01-01"), Sex: "F", Address: addr}
	must(db.CreatePatient(ctx, pat))
	cov := &rcm.Coverage{PatientID: pat.ID, PayerID: payer.ID, Order: 1, MemberID: "W1", GroupNumber: text("G", xssImg), Relationship: "18",
		EffectiveFrom: rcm.MustParseDate("2025-01-01")}
	must(db.CreateCoverage(ctx, cov))
	dos := rcm.MustParseDate("2026-01-02")
	m := rcm.MustParseMoney
	enc := &rcm.Encounter{PatientID: pat.ID, PracticeID: pr.ID, RenderingProviderID: prov.ID, DateOfService: dos, PlaceOfService: "11",
		Note: text("Follow-up. ", xssScript+xssImg+" "+xssURL), Status: rcm.EncounterCoded, Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
		Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: m("100"), Pointers: []int{1}}, {Code: "36415", Units: 1, Charge: m("20"), Pointers: []int{1}}}}
	must(db.CreateEncounter(ctx, enc))
	lines, err := db.FindServiceLineIDs(ctx, enc.ID)
	must(err)
	c := &rcm.Claim{EncounterID: enc.ID, PatientID: pat.ID, PayerID: payer.ID, CoverageID: cov.ID, ControlNumber: name + "-1-1", Frequency: "1",
		DateOfService: dos, PlaceOfService: "11", Diagnoses: enc.Diagnoses}
	for i, l := range enc.Lines {
		c.Lines = append(c.Lines, rcm.ClaimLine{ServiceLineID: lines[i], ServiceLine: l})
	}
	must(db.CreateClaim(ctx, c))
	_, err = db.RecordScrub(ctx, c.ID, nil)
	must(err)
	must(db.MoveClaim(ctx, c.ID, rcm.ClaimSubmitted, "sent"))
	must(remit.ChargeClaim(ctx, db, c))
	rem := &remit.Remittance{Handling: "I", CreditDebit: "C", Amount: m("60"), Method: "CHK", PaidOn: rcm.MustParseDate("2026-02-03"),
		Trace: name + "CHK1", TraceOriginator: "1999999999", PayerName: text(name+" HEALTH", xssScript), PayerIdentifier: "ACME1",
		PayeeName: text("PAYEE", xssImg), PayeeID: pr.NPI,
		Claims: []*remit.ClaimPayment{{ControlNumber: c.ControlNumber, Status: "1", Charge: m("120"), Paid: m("60"), PatientResponsibility: m("15"),
			FilingIndicator: "12", PayerClaimNumber: "PCN1", Lines: []*remit.LinePayment{
				{Code: "99213", Charge: m("100"), Paid: m("60"), Units: 1, DateOfService: dos,
					Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("25")}, {Group: "PR", Reason: "2", Amount: m("15")}}},
				{Code: "36415", Charge: m("20"), Units: 1, DateOfService: dos, Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "97", Amount: m("20")}}},
			}},
			{ControlNumber: text("UNKNOWN-1", xssScript), Status: "4", Charge: m("10"), FilingIndicator: "12", PayerClaimNumber: "PCN2",
				Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "29", Amount: m("10")}}},
			{ControlNumber: "UNKNOWN-2", Status: "4", Charge: m("10"), FilingIndicator: "12", PayerClaimNumber: "PCN3",
				Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "29", Amount: m("10")}}}}}
	res, err := remit.Post(ctx, db, rem)
	must(err)
	exs, err := db.FindRemitExceptionQueue(ctx, remit.ExceptionFilter{Status: "open"})
	must(err)
	if len(exs) != 2 {
		t.Fatalf("seed %s: %d open exceptions, want 2", name, len(exs))
	}
	_, err = db.ResolveRemitException(ctx, exs[1].ID, "other", text("called the payer ", xssScript+xssImg))
	must(err)
	ch := &rcm.Clearinghouse{SubmitterID: "SUB" + strings.ToUpper(name[:1]), SubmitterName: text(name, xssScript), ContactName: "Billing",
		ContactPhone: "2175550100", ReceiverID: "SANDBOXCH", ReceiverName: "Sandbox", Transport: transport}
	must(db.SetClearinghouse(ctx, ch))
	r.ids = map[string]int64{"practice": pr.ID, "provider": prov.ID, "payer": payer.ID, "patient": pat.ID, "coverage": cov.ID,
		"encounter": enc.ID, "claim": c.ID, "remittance": res.RemittanceID, "exception": exs[0].ID}
	det, err := db.GetRemittance(ctx, res.RemittanceID)
	must(err)
	r.ids["claim_payment"] = det.ClaimPayments[0].ID
	// A coding audit of a coder's work on the encounter: the coder is the
	// last to change it, and the admin draws it.
	coder := &rcm.User{OrgID: o.ID, Username: strings.ToLower(name) + "-seedcoder", Name: name + " coder", Role: rcm.RoleCoder}
	must(db.CreateUserWithHash(ctx, coder, passwordHash()))
	cur, err := db.FindEncounterByID(ctx, enc.ID)
	must(err)
	must(db.UpdateEncounter(rcm.NewContextWithActor(ctx, rcm.Actor{UserID: coder.ID, OrgID: o.ID, Role: rcm.RoleCoder, Reason: "seed"}), cur))
	au, err := codingaudit.Draw(ctx, db, codingaudit.DrawRequest{CoderID: coder.ID, From: dos, To: dos, Size: 1, Seed: 1})
	must(err)
	r.ids["coding_audit"] = au.ID
	// The CO-97 line is a work item on the follow-up desk.
	_, _, err = followup.OpenDenials(ctx, db)
	must(err)
	items, err := db.FindFollowUps(ctx, followup.Filter{ClaimID: c.ID})
	must(err)
	if len(items) == 0 {
		t.Fatalf("seed %s: no work item for the denied line", name)
	}
	r.ids["followup"] = items[0].ID
	// A statement run: the patient owes the PR-2 share, so the list to
	// mail holds their statement.
	run, added, err := mailing.RunStatements(ctx, db, dos.AddDays(60), mailing.Options{})
	must(err)
	if run == nil || len(added) != 1 {
		t.Fatalf("seed %s: statement run %+v added %d statements, want 1", name, run, len(added))
	}
	r.ids["statement"] = added[0].ID
	return r
}

// kindOf says which object a path parameter names, from the path segment
// before it: "/api/v1/patients/{id}" takes a patient. Each route's
// parameters are filled from it, so a new route under a known noun is
// attacked without a change here; one under a new noun fails the suite
// until the noun is added.
var kindOf = map[string]string{
	"practices": "practice", "providers": "provider", "payers": "payer", "patients": "patient", "coverages": "coverage",
	"encounters": "encounter", "claims": "claim", "remittances": "remittance", "remittance-exceptions": "exception",
	"exceptions": "exception", "users": "user", "tokens": "token", "followups": "followup",
	"coding-audits": "coding_audit",
	"mail":          "statement",
	"jobs":          "job",
	"Patient":       "patient", "Coverage": "coverage", "Claim": "claim", "ExplanationOfBenefit": "claim_payment",
}

var paramRE = regexp.MustCompile(`\{[a-z]+\}`)

// route is one registered route: its method and path pattern.
type route struct{ method, path string }

func (r route) String() string { return r.method + " " + r.path }

func routes(patterns []string) []route {
	var out []route
	for _, p := range patterns {
		m, path, ok := strings.Cut(p, " ")
		if !ok {
			m, path = "GET", p
		}
		out = append(out, route{m, strings.TrimSuffix(path, "{$}")})
	}
	return out
}

// fill replaces each path parameter of r with the id of o's object of
// the kind the segment before it names ({n}, a diagnosis or line number,
// becomes 1). ok is false when a parameter's kind is unknown.
func fill(r route, o *org) (path string, ok bool) {
	segs := strings.Split(r.path, "/")
	for i, s := range segs {
		if !paramRE.MatchString(s) {
			continue
		}
		switch s {
		case "{n}":
			segs[i] = "1"
			continue
		case "{username}":
			segs[i] = o.user[rcm.RoleAdmin]
			continue
		case "{sid}", "{session}":
			// A session's public id is 16 hex digits of the hash of its
			// secret: none is guessable, so one that names no session
			// stands for any.
			segs[i] = "0123456789abcdef"
			continue
		}
		kind := kindOf[segs[i-1]]
		if s == "{cov}" {
			kind = "coverage"
		}
		id, found := o.ids[kind]
		if !found {
			return "", false
		}
		segs[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(segs, "/"), true
}

// hasParams reports whether the route's path takes an id.
func (r route) hasParams() bool { return paramRE.MatchString(r.path) }

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   string
}

func (e *env) do(t *testing.T, req *http.Request, c *http.Client) *response {
	t.Helper()
	if c == nil {
		c = noRedirect(nil)
	}
	resp, err := c.Do(req)
	if err != nil {
		// Errorf, not Fatal: requests are also sent from other goroutines.
		t.Errorf("%s %s: %v", req.Method, req.URL.Path, err)
		return &response{status: 599, header: http.Header{}}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func noRedirect(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// apiCall sends an API request with a bearer token and a JSON body.
func (e *env) apiCall(t *testing.T, method, path, token, body string) *response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case strings.HasPrefix(body, "ISA"):
		req.Header.Set("Content-Type", "application/edi-x12")
	case body != "":
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return e.do(t, req, nil)
}

// browser is a signed-in workbench session.
type browser struct {
	e    *env
	c    *http.Client
	csrf string
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login signs username in and returns the session; a user already signed
// in on e gets the same session back, since each sign-in costs an argon2id
// hash.
func (e *env) login(t *testing.T, username string) *browser {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if b, ok := e.sessions[username]; ok {
		return b
	}
	b := e.signIn(t, username)
	if e.sessions == nil {
		e.sessions = map[string]*browser{}
	}
	e.sessions[username] = b
	return b
}

// signIn signs username in through the sign-in form.
func (e *env) signIn(t *testing.T, username string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{e: e, c: noRedirect(jar)}
	r := b.get(t, "/login")
	m := csrfRE.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("sign-in form has no token: %d", r.status)
	}
	r = b.post(t, "/login", url.Values{"csrf": {m[1]}, "username": {username}, "password": {sqldbtest.TestPassword}, "next": {"/"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", username, r.status)
	}
	switch loc := r.header.Get("Location"); loc {
	case "/mfa/enrol":
		// An admin sets up TOTP at the first sign-in, as a person would.
		r = b.get(t, "/mfa/enrol")
		m, secret := csrfRE.FindStringSubmatch(r.body), totpSecretRE.FindStringSubmatch(r.body)
		if m == nil || secret == nil {
			t.Fatalf("enrolment page for %s: %d, no form or key", username, r.status)
		}
		code, err := totp.GenerateCode(secret[1], e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if r = b.post(t, "/mfa/enrol", url.Values{"csrf": {m[1]}, "code": {code}, "next": {"/"}}); r.status != http.StatusOK {
			t.Fatalf("enrol %s: %d", username, r.status)
		}
	case "/", "":
	default:
		t.Fatalf("sign in as %s: sent to %q", username, loc)
	}
	r = b.get(t, "/patients")
	m = csrfRE.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no CSRF token after sign-in as %s: %d", username, r.status)
	}
	b.csrf = m[1]
	return b
}

func (b *browser) get(t *testing.T, path string) *response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b.e.do(t, req, b.c)
}

// post sends a form; header holds extra name, value pairs.
func (b *browser) post(t *testing.T, path string, form url.Values, header ...string) *response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.e.do(t, req, b.c)
}

// action posts a form with the session's CSRF token.
func (b *browser) action(t *testing.T, path string, form url.Values) *response {
	t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("csrf", b.csrf)
	return b.post(t, path, f)
}

// state is everything of an organization that a refused request must not
// change, as its admin reads it: setup, patients and coverages,
// encounters, claims, the ledger and deposit totals, remittances and the
// exception queue.
func (e *env) state(t *testing.T, o *org) string {
	t.Helper()
	ctx := o.ctx
	var parts []any
	add := func(v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("read state of %s: %v", o.name, err)
		}
		parts = append(parts, v)
	}
	add(e.db.FindPractices(ctx))
	add(e.db.FindProviders(ctx))
	add(e.db.FindPayers(ctx))
	add(e.db.FindPatients(ctx, rcm.PatientFilter{}))
	add(e.db.FindCoverages(ctx, o.ids["patient"]))
	add(e.db.FindEncounters(ctx, rcm.EncounterFilter{}))
	add(e.db.FindClaims(ctx, rcm.ClaimFilter{}))
	add(e.db.LedgerTotals(ctx, sqldb.LedgerFilter{}))
	add(e.db.DepositTotals(ctx))
	add(e.db.CountRemittances(ctx))
	add(e.db.FindRemitExceptionQueue(ctx, remit.ExceptionFilter{Status: "all"}))
	add(e.db.FindClearinghouse(ctx))
	b, err := json.Marshal(parts)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fresh835 is a valid 835 under a new trace that pays no claim of any
// organization: posted, it would store a remittance and an exception.
func fresh835(t *testing.T, trace string) []byte {
	t.Helper()
	m := rcm.MustParseMoney
	rem := &remit.Remittance{Handling: "I", CreditDebit: "C", Amount: m("5"), Method: "CHK", PaidOn: rcm.MustParseDate("2026-02-04"),
		Trace: trace, TraceOriginator: "1999999999", PayerName: "ACME HEALTH", PayerIdentifier: "ACME1", PayeeName: "PAYEE", PayeeID: "1234567893",
		Claims: []*remit.ClaimPayment{{ControlNumber: "NOSUCH-1", Status: "1", Charge: m("10"), Paid: m("5"), FilingIndicator: "12", PayerClaimNumber: "PCN9",
			Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("5")}}}}}
	var b bytes.Buffer
	if err := remit.Write835(&b, remit.Envelope{Sender: "ACME1", Receiver: "PAYEE", Time: sqldbtest.Start}, rem); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func openSQLite(t *testing.T) *sqldb.DB { return sqldbtest.Open(t, sqldb.SQLite) }

func newJar() http.CookieJar {
	jar, _ := cookiejar.New(nil)
	return jar
}
