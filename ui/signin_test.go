package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/pquerna/otp/totp"
)

// stillClock makes the store's clock barely move, so the waits the
// throttle sets do not run out between a test's requests.
func stillClock(f *fixture) {
	c := rcm.NewStepClock(sqldbtest.Start)
	c.Step = time.Millisecond
	f.db.Clock = c
}

// signIn posts the sign-in form with a fresh form token.
func (b *browser) signIn(username, password string) (int, string, *http.Response) {
	b.t.Helper()
	_, body, _ := b.get("/login")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatal("login form has no token")
	}
	return b.post("/login", url.Values{"csrf": {m[1]}, "username": {username}, "password": {password}, "next": {"/"}})
}

// TestLoginThrottled is the security issue's attack through the form:
// "40 wrong passwords in 24 s were all answered 401 and the right one
// worked at once after". Now the fifth attempt in a burst is a 429 with
// Retry-After, the tenth locks the account, and the right password is
// refused (429, not a redirect) without being tested.
func TestLoginThrottled(t *testing.T) {
	f := newFixture(t)
	stillClock(f)
	b := f.browser(t)
	var got []int
	for i := range 15 {
		status, body, resp := b.signIn("cora.coder", "wrong-password-"+strconv.Itoa(i))
		got = append(got, status)
		if status == http.StatusTooManyRequests {
			if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || n < 1 {
				t.Errorf("attempt %d: Retry-After %q", i+1, resp.Header.Get("Retry-After"))
			}
			if !strings.Contains(body, "Too many failed attempts") {
				t.Errorf("attempt %d: the page does not say why", i+1)
			}
		}
	}
	want := []int{401, 401, 401, 401, 429, 429, 429, 429, 429, 429, 429, 429, 429, 429, 429}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
	status, body, resp := b.signIn("cora.coder", sqldbtest.TestPassword)
	if status != http.StatusTooManyRequests || !strings.Contains(body, "locked") || resp.Header.Get("Retry-After") != "900" {
		t.Fatalf("right password while locked: %d (Retry-After %q), want 429 saying the account is locked for 900 s", status, resp.Header.Get("Retry-After"))
	}
	// The browser got no session.
	if status, _, _ := b.get("/"); status != http.StatusSeeOther {
		t.Errorf("GET / after the refused sign-in: %d, want a redirect to sign in", status)
	}
	events, err := f.db.FindSecurityEvents(f.ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, e := range events {
		n[e.Action]++
		if e.Client != "127.0.0.1" {
			t.Errorf("event %+v: client %q, want 127.0.0.1", e, e.Client)
		}
	}
	if diff := cmp.Diff(map[string]int{rcm.AuditSignInFailed: 4, rcm.AuditSignInRefused: 12, rcm.AuditLock: 1}, n); diff != "" {
		t.Errorf("security log mismatch (-want +got):\n%s", diff)
	}
}

var recoveryRE = regexp.MustCompile(`<li><code>([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})</code></li>`)

// TestSecondFactor enrols a coder from the account page and signs in with
// TOTP and with a recovery code: a half-signed-in session reaches no
// page, wrong and replayed codes are refused, each recovery code works
// once, and the pending step expires.
func TestSecondFactor(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login("cora.coder")
	if _, body, _ := b.get("/account"); !strings.Contains(body, "Off: signing in needs only your password.") {
		t.Fatalf("account page before enrolment: %s", body)
	}
	_, body, _ := b.get("/mfa/enrol")
	secret := totpSecretRE.FindStringSubmatch(body)[1]
	if !strings.Contains(body, "otpauth://totp/OpenRCM:cora.coder?") {
		t.Errorf("enrolment page has no otpauth URI")
	}
	status, _, _ := b.action("/mfa/enrol", url.Values{"code": {"000000"}})
	if status != http.StatusBadRequest {
		t.Errorf("enrolment with a wrong code: %d, want 400", status)
	}
	code := func() string {
		c, err := totp.GenerateCode(secret, f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	status, body, _ = b.action("/mfa/enrol", url.Values{"code": {code()}})
	recovery := recoveryRE.FindAllStringSubmatch(body, -1)
	if status != http.StatusOK || len(recovery) != 10 {
		t.Fatalf("enrolment: %d with %d recovery codes, want 200 and 10", status, len(recovery))
	}
	if _, body, _ := b.get("/account"); !strings.Contains(body, "Recovery codes left: 10.") {
		t.Errorf("account page after enrolment does not say TOTP is on with 10 codes")
	}

	// Password, then the pending step: no other page opens.
	c := f.browser(t)
	status, _, resp := c.signIn("cora.coder", sqldbtest.TestPassword)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/login/mfa" {
		t.Fatalf("password of a TOTP user: %d to %q, want 303 to /login/mfa", status, resp.Header.Get("Location"))
	}
	for _, path := range []string{"/", "/patients", "/account", "/mfa/enrol"} {
		if status, _, resp := c.get(path); status != http.StatusSeeOther || resp.Header.Get("Location") != "/login/mfa" {
			t.Errorf("GET %s half signed in: %d to %q, want 303 to /login/mfa", path, status, resp.Header.Get("Location"))
		}
	}
	_, body, _ = c.get("/login/mfa")
	csrf := csrfRE.FindStringSubmatch(body)[1]
	try := func(code string) int {
		status, _, _ := c.post("/login/mfa", url.Values{"csrf": {csrf}, "code": {code}, "next": {"/"}})
		return status
	}
	// The enrolment's code, in the same step: a replay.
	if s := try(code()); s != http.StatusUnauthorized {
		t.Errorf("replayed code: %d, want 401", s)
	}
	if s := try("123456"); s != http.StatusUnauthorized {
		t.Errorf("wrong code: %d, want 401", s)
	}
	f.clock.Advance(30 * time.Second)
	if s := try(code()); s != http.StatusSeeOther {
		t.Fatalf("right code: %d, want 303", s)
	}
	if status, _, _ := c.get("/"); status != http.StatusOK {
		t.Fatalf("dashboard after the second factor: %d", status)
	}

	// A recovery code signs in once (lower case and without hyphens too).
	rc := strings.ToLower(strings.ReplaceAll(recovery[0][1], "-", ""))
	for i, want := range []int{http.StatusSeeOther, http.StatusUnauthorized} {
		d := f.browser(t)
		d.signIn("cora.coder", sqldbtest.TestPassword)
		_, body, _ := d.get("/login/mfa")
		status, _, _ := d.post("/login/mfa", url.Values{"csrf": {csrfRE.FindStringSubmatch(body)[1]}, "code": {rc}})
		if status != want {
			t.Errorf("recovery code, use %d: %d, want %d", i+1, status, want)
		}
	}

	// The pending step lasts ten minutes.
	d := f.browser(t)
	d.signIn("cora.coder", sqldbtest.TestPassword)
	f.clock.Advance(11 * time.Minute)
	if status, _, resp := d.get("/login/mfa"); status != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") ||
		resp.Header.Get("Location") == "/login/mfa" {
		t.Errorf("pending step after 11 minutes: %d to %q, want back to sign in", status, resp.Header.Get("Location"))
	}

	// Turning TOTP off takes a current code.
	f.clock.Advance(30 * time.Second)
	if status, _, _ := c.action("/account/mfa/disable", url.Values{"code": {"000000"}}); status != http.StatusBadRequest {
		t.Errorf("turning off with a wrong code: %d, want 400", status)
	}
	if status, _, resp := c.action("/account/mfa/disable", url.Values{"code": {code()}}); status != http.StatusSeeOther || resp.Header.Get("Location") != "/account?done=mfa-off" {
		t.Errorf("turning off with the code: %d, want 303", status)
	}
	audit, err := f.db.FindAuditEvents(f.ctx, rcm.AuditFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, e := range audit {
		n[e.Action]++
	}
	for action, want := range map[string]int{rcm.AuditMFAEnrol: 1, rcm.AuditMFAFailed: 3, rcm.AuditRecoveryUsed: 1, rcm.AuditMFADisable: 1} {
		if n[action] != want {
			t.Errorf("audit log has %d %s, want %d", n[action], action, want)
		}
	}
}

// TestAdminMustEnrol signs an admin in: the password leads only to the
// enrolment page, and an admin may not turn TOTP off.
func TestAdminMustEnrol(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	status, _, resp := b.signIn(f.admin, sqldbtest.TestPassword)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/mfa/enrol" {
		t.Fatalf("admin's password: %d to %q, want 303 to /mfa/enrol", status, resp.Header.Get("Location"))
	}
	if status, _, resp := b.get("/claims"); status != http.StatusSeeOther || resp.Header.Get("Location") != "/mfa/enrol" {
		t.Errorf("GET /claims before enrolling: %d to %q", status, resp.Header.Get("Location"))
	}
	b.enrol(f.admin)
	if status, _, _ := b.get("/claims"); status != http.StatusOK {
		t.Fatalf("GET /claims after enrolling: %d", status)
	}
	b.get("/")
	f.clock.Advance(30 * time.Second)
	c, err := totp.GenerateCode(f.totp[f.admin], f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if status, body, _ := b.action("/account/mfa/disable", url.Values{"code": {c}}); status != http.StatusForbidden || !strings.Contains(body, "Admins must keep") {
		t.Errorf("admin turning TOTP off: %d, want 403", status)
	}
}
