package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

func TestSignInAndOut(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)

	status, _, resp := b.get("/claims")
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fclaims" {
		t.Fatalf("GET /claims signed out: %d to %q, want 303 to the sign-in page", status, resp.Header.Get("Location"))
	}

	_, body, _ := b.get("/login")
	token := csrfRE.FindStringSubmatch(body)[1]
	status, body, _ = b.post("/login", url.Values{"csrf": {token}, "username": {f.admin}, "password": {"wrong"}})
	if status != http.StatusUnauthorized || !strings.Contains(body, "Wrong username or password.") {
		t.Fatalf("wrong password: %d, want 401 with the message", status)
	}

	b.login(f.admin)
	var session *http.Cookie
	u, _ := url.Parse(f.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "rcm_session" {
			session = c
		}
	}
	if session == nil || len(session.Value) < 43 {
		t.Fatalf("no 256-bit session cookie: %+v", session)
	}
	_, body, _ = b.get("/")
	for _, want := range []string{"Test Clinic admin", "testclinic.admin", "admin", "Test Clinic"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard does not show %q (who is signed in, and where)", want)
		}
	}

	// The cookie's attributes, as the server set them.
	b2 := f.browser(t)
	_, body, _ = b2.get("/login")
	token = csrfRE.FindStringSubmatch(body)[1]
	_, _, resp = b2.post("/login", url.Values{"csrf": {token}, "username": {f.admin}, "password": {"correct horse battery staple"}})
	var set *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "rcm_session" {
			set = c
		}
	}
	if set == nil || !set.HttpOnly || set.SameSite != http.SameSiteLaxMode || set.Path != "/" || set.Secure {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure on plain HTTP", set)
	}

	status, _, resp = b.action("/logout", nil)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("sign-out: %d to %q", status, resp.Header.Get("Location"))
	}
	// The old cookie, replayed, no longer works: the session is gone on
	// the server, not only in the browser.
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: "rcm_session", Value: session.Value})
	r, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther {
		t.Errorf("replayed cookie after sign-out: %d, want 303 to sign in", r.StatusCode)
	}
}

func TestLoginFormNeedsItsToken(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	status, _, _ := b.post("/login", url.Values{"username": {f.admin}, "password": {"correct horse battery staple"}})
	if status != http.StatusForbidden {
		t.Fatalf("sign-in without the form's token: %d, want 403", status)
	}
}

// TestLoginRedirectStaysOnSite signs in with hostile next values; each
// must land on "/". The tab case is the security issue's regression: it
// passed the old prefix checks and Chromium followed it off the site.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	f := newFixture(t)
	for _, next := range []string{"//evil.example/x", "/\t/evil.example", "/\\evil.example", "/%09/evil.example", "https://evil.example/", "/%2F/evil.example"} {
		t.Run(next, func(t *testing.T) {
			b := f.browser(t)
			_, body, _ := b.get("/login")
			token := csrfRE.FindStringSubmatch(body)[1]
			// A coder: no second factor, so the password alone signs in.
			status, _, resp := b.post("/login", url.Values{"csrf": {token}, "username": {"cora.coder"}, "password": {sqldbtest.TestPassword}, "next": {next}})
			if loc := resp.Header.Get("Location"); status != http.StatusSeeOther || loc != "/" {
				t.Fatalf("next=%q: %d to %q, want 303 to /", next, status, loc)
			}
		})
	}
}

func TestCSRFRejected(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login(f.admin)
	path := fmt.Sprintf("/encounters/%d/diagnoses", f.encounter.ID)
	for _, tc := range []struct {
		name   string
		form   url.Values
		header []string
	}{
		{"no token", url.Values{"code": {"E11.9"}}, nil},
		{"wrong token", url.Values{"code": {"E11.9"}, "csrf": {"not-the-token"}}, nil},
		{"other site", url.Values{"code": {"E11.9"}, "csrf": {b.csrf}}, []string{"Origin", "https://evil.example"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, _ := b.post(path, tc.form, tc.header...)
			if status != http.StatusForbidden {
				t.Errorf("status %d, want 403", status)
			}
			e, err := f.db.FindEncounterByID(f.ctx, f.encounter.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(e.Diagnoses) != 0 {
				t.Errorf("a refused post changed the encounter: %v", e.Diagnoses)
			}
		})
	}
	status, _, _ := b.action(path, url.Values{"code": {"E11.9"}})
	if status != http.StatusSeeOther {
		t.Fatalf("with the token: %d, want 303", status)
	}
	e, _ := f.db.FindEncounterByID(f.ctx, f.encounter.ID)
	if len(e.Diagnoses) != 1 || e.Diagnoses[0].Code != "E11.9" {
		t.Fatalf("diagnoses %v, want [E11.9]", e.Diagnoses)
	}
}

func TestRoleChecks(t *testing.T) {
	f := newFixture(t)
	// A claim to act on, built as the admin.
	admin := f.browser(t)
	admin.login(f.admin)
	codeEncounter(t, admin, f)
	claimID := buildClaim(t, admin, f)

	for _, tc := range []struct {
		user, method, path string
		want               int
	}{
		{"cora.coder", "POST", fmt.Sprintf("/claims/%d/scrub", claimID), http.StatusForbidden},
		{"cora.coder", "POST", fmt.Sprintf("/claims/%d/void", claimID), http.StatusForbidden},
		{"cora.coder", "GET", "/queues", http.StatusForbidden},
		{"bill.biller", "POST", fmt.Sprintf("/encounters/%d/diagnoses", f.encounter.ID), http.StatusForbidden},
		{"aud.auditor", "POST", fmt.Sprintf("/claims/%d/scrub", claimID), http.StatusForbidden},
		{"aud.auditor", "GET", fmt.Sprintf("/codes/search?encounter=%d&q=diabetes", f.encounter.ID), http.StatusForbidden},
		{"bill.biller", "POST", fmt.Sprintf("/claims/%d/scrub", claimID), http.StatusSeeOther},
		{"aud.auditor", "GET", fmt.Sprintf("/claims/%d", claimID), http.StatusOK},
	} {
		t.Run(tc.user+" "+tc.method+" "+tc.path, func(t *testing.T) {
			b := f.browser(t)
			b.login(tc.user)
			var status int
			if tc.method == "GET" {
				status, _, _ = b.get(tc.path)
			} else {
				status, _, _ = b.action(tc.path, url.Values{"code": {"I10"}})
			}
			if status != tc.want {
				t.Errorf("status %d, want %d", status, tc.want)
			}
		})
	}
	// The refused scrubs changed nothing: the biller's scrub was the only one.
	c, err := f.db.FindClaimByID(f.ctx, claimID)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != rcm.ClaimReady || len(c.History) != 2 {
		t.Errorf("claim is %s with %d events, want ready after the biller's one scrub", c.State, len(c.History))
	}
	e, _ := f.db.FindEncounterByID(f.ctx, f.encounter.ID)
	if len(e.Diagnoses) != 1 {
		t.Errorf("the biller's refused post changed the diagnoses: %v", e.Diagnoses)
	}
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login(f.admin)

	f.clock.Advance(31 * time.Minute)
	status, _, resp := b.get("/claims")
	if status != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "expired=1") {
		t.Fatalf("after 31 idle minutes: %d to %q, want 303 to sign in (expired)", status, resp.Header.Get("Location"))
	}

	// A session in use still ends at its absolute limit (2 hours here).
	b.login(f.admin)
	for i := 0; i < 6; i++ {
		f.clock.Advance(20 * time.Minute)
		if status, _, _ := b.get("/"); status != http.StatusOK {
			t.Fatalf("active session ended after %d minutes", (i+1)*20)
		}
	}
	f.clock.Advance(20 * time.Minute)
	if status, _, _ := b.get("/"); status != http.StatusSeeOther {
		t.Fatalf("session older than its maximum age still works: %d", status)
	}
}

func TestHostileTextIsEscaped(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login(f.admin)
	codeEncounter(t, b, f)
	claimID := buildClaim(t, b, f)
	for _, path := range []string{
		fmt.Sprintf("/encounters/%d", f.encounter.ID),
		fmt.Sprintf("/patients/%d", f.patient.ID),
		"/patients",
		"/claims",
		fmt.Sprintf("/claims/%d", claimID),
		"/encounters?status=all",
	} {
		status, body, resp := b.get(path)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, status)
		}
		if strings.Contains(body, hostileName) || strings.Contains(body, "<img src=x") {
			t.Errorf("GET %s: hostile text reached the page unescaped", path)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
			t.Errorf("GET %s: the patient's name is not on the page, escaped", path)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("GET %s: CSP %q", path, csp)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store (pages hold PHI)", path, cc)
		}
	}
	// The type-ahead fragment escapes the query it echoes.
	status, body, _ := b.get(fmt.Sprintf("/codes/search?encounter=%d&q=%s", f.encounter.ID, url.QueryEscape(`zz<b>x</b>`)))
	if strings.Contains(body, "<b>x</b>") || !strings.Contains(body, "zz&lt;b&gt;x&lt;/b&gt;") {
		t.Errorf("search fragment (status %d) echoes the query unescaped: %s", status, body)
	}
}

func TestPatientViewsAreAudited(t *testing.T) {
	f := newFixture(t)
	count := func() int {
		evs, err := f.db.FindAuditEvents(f.ctx, rcm.AuditFilter{PatientID: f.patient.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Action == rcm.AuditRead && e.Entity == "patient" {
				n++
			}
		}
		return n
	}
	b := f.browser(t)
	b.login("cora.coder")
	before := count()
	if status, _, _ := b.get(fmt.Sprintf("/patients/%d", f.patient.ID)); status != http.StatusOK {
		t.Fatal(status)
	}
	if status, _, _ := b.get(fmt.Sprintf("/encounters/%d", f.encounter.ID)); status != http.StatusOK {
		t.Fatal(status)
	}
	if got := count(); got < before+2 {
		t.Fatalf("patient reads in the audit log: %d before, %d after two views", before, got)
	}
	evs, _ := f.db.FindAuditEvents(f.ctx, rcm.AuditFilter{PatientID: f.patient.ID, Limit: 1000})
	last := evs[0]
	for _, e := range evs {
		if e.Seq > last.Seq {
			last = e
		}
	}
	if last.Reason != "treatment-payment-operations" {
		t.Errorf("audit reason %q", last.Reason)
	}
}

func TestAPIStaysJSON(t *testing.T) {
	f := newFixture(t)
	resp, err := http.Get(f.srv.URL + "/api/v1/nope")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("/api/v1/nope: %d %s, want the API's JSON 404", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, err = http.Get(f.srv.URL + "/static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("/static/app.css: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestCodingToSubmission walks the coder's and biller's path over HTTP:
// an invalid code is flagged and blocks "ready", the fix clears it, and
// the claim is built, scrubbed and submitted.
func TestCodingToSubmission(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login(f.admin)
	enc := fmt.Sprintf("/encounters/%d", f.encounter.ID)

	b.action(enc+"/diagnoses", url.Values{"code": {"E11"}})
	b.action(enc+"/lines", url.Values{"code": {"99213"}, "units": {"1"}, "pointers": {"1"}})
	_, body, _ := b.get(enc)
	if !strings.Contains(body, "CS00") || !strings.Contains(body, `disabled aria-describedby="ready-why"`) {
		t.Fatalf("the workbench does not flag E11 and block ready:\n%s", body)
	}
	if status, _, _ := b.action(enc+"/ready", nil); status != http.StatusConflict {
		t.Fatalf("ready with an error finding: %d, want 409", status)
	}
	_, body, _ = b.get(fmt.Sprintf("/codes/search?encounter=%d&q=diabetes", f.encounter.ID))
	if !strings.Contains(body, "E11.9") {
		t.Fatalf("search for diabetes does not offer E11.9:\n%s", body)
	}
	b.action(enc+"/diagnoses/1/remove", nil)
	b.action(enc+"/diagnoses", url.Values{"code": {"E11.9"}})
	e, _ := f.db.FindEncounterByID(f.ctx, f.encounter.ID)
	if len(e.Diagnoses) != 1 || e.Diagnoses[0].Code != "E11.9" || len(e.Lines) != 1 || len(e.Lines[0].Pointers) != 1 || e.Lines[0].Pointers[0] != 1 {
		t.Fatalf("after the fix: %+v %+v", e.Diagnoses, e.Lines)
	}
	if status, body, _ := b.action(enc+"/ready", nil); status != http.StatusSeeOther {
		t.Fatalf("ready: %d %s", status, body)
	}
	claimID := buildClaim(t, b, f)
	b.action(fmt.Sprintf("/claims/%d/scrub", claimID), nil)
	if status, body, _ := b.action(fmt.Sprintf("/claims/%d/submit", claimID), nil); status != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", status, body)
	}
	c, _ := f.db.FindClaimByID(f.ctx, claimID)
	if c.State != rcm.ClaimSubmitted {
		t.Fatalf("claim is %s, want submitted", c.State)
	}
	files, err := os.ReadDir(f.outbound)
	if err != nil || len(files) != 1 {
		t.Fatalf("outbound folder: %v %v, want one 837P", files, err)
	}
	_, body, _ = b.get(fmt.Sprintf("/claims/%d", claimID))
	if !strings.Contains(body, files[0].Name()) {
		t.Errorf("the claim page does not name the 837P file %s", files[0].Name())
	}
	// A second submit of the same page is refused, not sent twice.
	if status, _, _ := b.action(fmt.Sprintf("/claims/%d/submit", claimID), nil); status != http.StatusConflict {
		t.Errorf("second submit: %d, want 409", status)
	}
	if files, _ := os.ReadDir(f.outbound); len(files) != 1 {
		t.Errorf("%d files in outbound after a second submit, want 1", len(files))
	}
}

// codeEncounter codes the fixture's encounter with E11.9 and 99213 and
// marks it ready for billing.
func codeEncounter(t *testing.T, b *browser, f *fixture) {
	t.Helper()
	enc := fmt.Sprintf("/encounters/%d", f.encounter.ID)
	for _, step := range []struct {
		path string
		form url.Values
	}{
		{enc + "/diagnoses", url.Values{"code": {"E11.9"}}},
		{enc + "/lines", url.Values{"code": {"99213"}, "units": {"1"}, "pointers": {"1"}}},
		{enc + "/ready", nil},
	} {
		if status, body, _ := b.action(step.path, step.form); status != http.StatusSeeOther {
			t.Fatalf("POST %s: %d %s", step.path, status, body)
		}
	}
}

// buildClaim builds the claim of the coded encounter and returns its id.
func buildClaim(t *testing.T, b *browser, f *fixture) int64 {
	t.Helper()
	status, body, resp := b.action(fmt.Sprintf("/encounters/%d/claim", f.encounter.ID), nil)
	if status != http.StatusSeeOther {
		t.Fatalf("build claim: %d %s", status, body)
	}
	var id int64
	if _, err := fmt.Sscanf(resp.Header.Get("Location"), "/claims/%d", &id); err != nil {
		t.Fatalf("build claim redirected to %q", resp.Header.Get("Location"))
	}
	return id
}

// TestRemittanceScreensByRole: the remittance screen and its actions are
// for billers; a coder is refused on the server, and a post without the
// CSRF token changes nothing.
func TestRemittanceScreensByRole(t *testing.T) {
	f := newFixture(t)
	coder := f.browser(t)
	coder.login("cora.coder")
	for _, path := range []string{"/remittances", "/queues"} {
		if status, _, _ := coder.get(path); status != http.StatusForbidden {
			t.Errorf("coder GET %s: %d, want 403", path, status)
		}
	}
	if status, _, _ := coder.action("/remittances/poll", nil); status != http.StatusForbidden {
		t.Errorf("coder polls the clearinghouse: %d, want 403", status)
	}
	biller := f.browser(t)
	biller.login("bill.biller")
	status, body, _ := biller.get("/remittances")
	if status != http.StatusOK || !strings.Contains(body, `enctype="multipart/form-data"`) {
		t.Fatalf("biller GET /remittances: %d", status)
	}
	if status, _, _ := biller.post("/remittances/poll", url.Values{"csrf": {"forged"}}); status != http.StatusForbidden {
		t.Errorf("poll without the token: %d, want 403", status)
	}
	status, body, _ = biller.action("/remittances/poll", nil)
	if status != http.StatusOK || !strings.Contains(body, "Nothing was waiting.") {
		t.Errorf("poll of an empty inbox: %d", status)
	}
}

// TestPollQuarantineQueue: a file the clearinghouse poll cannot read is
// moved aside, and the work queues show it with its reason, escaped.
func TestPollQuarantineQueue(t *testing.T) {
	f := newFixture(t)
	inbound := filepath.Join(f.clearinghouse, "inbound")
	if err := os.MkdirAll(inbound, 0o750); err != nil {
		t.Fatal(err)
	}
	name := `<img src=x onerror=alert(1)>.835`
	if err := os.WriteFile(filepath.Join(inbound, name), []byte("ISA*00*<script>"), 0o600); err != nil {
		t.Fatal(err)
	}
	biller := f.browser(t)
	biller.login("bill.biller")
	status, body, _ := biller.action("/remittances/poll", nil)
	if status != http.StatusOK || !strings.Contains(body, "quarantine folder") {
		t.Fatalf("poll: %d\n%s", status, body)
	}
	status, body, _ = biller.get("/queues")
	if status != http.StatusOK || !strings.Contains(body, "Clearinghouse files in quarantine") || !strings.Contains(body, "&lt;img src=x onerror=alert(1)&gt;.835") || strings.Contains(body, "<img src=x") {
		t.Errorf("queues: %d, the quarantined file is missing or not escaped", status)
	}
	if _, err := os.Stat(filepath.Join(f.clearinghouse, "quarantine", name)); err != nil {
		t.Errorf("the file is not in the quarantine folder: %v", err)
	}
}
