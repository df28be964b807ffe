package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// signInLocation posts the sign-in form with a password and returns where the
// server sent the browser.
func (b *browser) signInLocation(username, pw string) string {
	b.t.Helper()
	_, body, _ := b.get("/login")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatal("login form has no token")
	}
	status, body, resp := b.post("/login", url.Values{"csrf": {m[1]}, "username": {username}, "password": {pw}, "next": {"/"}})
	if status != http.StatusSeeOther {
		b.t.Fatalf("POST /login as %s: %d %s", username, status, body)
	}
	return resp.Header.Get("Location")
}

func (f *fixture) userID(t *testing.T, username string) int64 {
	t.Helper()
	users, err := f.db.FindUsers(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Username == username {
			return u.ID
		}
	}
	t.Fatalf("no user %s", username)
	return 0
}

func TestChangePasswordForm(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login("cora.coder")
	other := f.browser(t)
	other.login("cora.coder")

	status, body, _ := b.get("/account")
	if status != http.StatusOK || !strings.Contains(body, "Your account") || strings.Count(body, "Go program from 127.0.0.1") != 2 ||
		!strings.Contains(body, "(this browser)") {
		t.Fatalf("GET /account = %d:\n%s", status, body)
	}

	const next = "glacier tulip ransom quartz"
	form := func(current, pw, again string) url.Values {
		return url.Values{"current_password": {current}, "new_password": {pw}, "new_password_again": {again}}
	}
	// Refused changes: no CSRF token, the two new ones differ, a guessable
	// password, a wrong current password. None changes anything.
	if status, _, _ := b.post("/account/password", form(sqldbtest.TestPassword, next, next)); status != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d, want 403", status)
	}
	for _, tt := range []struct {
		form url.Values
		want string
	}{
		{form(sqldbtest.TestPassword, next, next+"!"), "The two new passwords differ"},
		{form(sqldbtest.TestPassword, "password1234", "password1234"), "a common password followed by digits"},
		{form(sqldbtest.TestPassword, "cora.coder99", "cora.coder99"), "your username, your name"},
		{form("not my password at all", next, next), "The current password is not right"},
	} {
		status, body, _ := b.action("/account/password", tt.form)
		if status != http.StatusBadRequest || !strings.Contains(body, tt.want) {
			t.Errorf("change refused for %q: %d, want 400 saying it", tt.want, status)
		}
	}
	if _, err := f.db.Authenticate(context.Background(), "cora.coder", sqldbtest.TestPassword); err != nil {
		t.Fatalf("a refused change changed the password: %v", err)
	}
	if status, _, _ := other.get("/"); status != http.StatusOK {
		t.Fatalf("a refused change ended the other session: %d", status)
	}

	status, _, resp := b.action("/account/password", form(sqldbtest.TestPassword, next, next))
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/account?done=password" {
		t.Fatalf("change = %d to %q", status, resp.Header.Get("Location"))
	}
	// This browser carries on in a new session; the other one is signed out.
	if status, body, _ := b.get("/account?done=password"); status != http.StatusOK || !strings.Contains(body, "Your password is changed") ||
		strings.Count(body, "Go program from") != 1 {
		t.Errorf("account after the change: %d\n%s", status, body)
	}
	if status, _, resp := other.get("/"); status != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("other session after the change: %d to %q, want the sign-in page", status, resp.Header.Get("Location"))
	}
	if _, err := f.db.Authenticate(context.Background(), "cora.coder", next); err != nil {
		t.Errorf("new password: %v", err)
	}
	events, err := f.db.FindAuditEvents(f.ctx, rcm.AuditFilter{Limit: 1})
	if err != nil || events[0].Action != rcm.AuditPasswordChange || events[0].UserID != f.userID(t, "cora.coder") {
		t.Errorf("last audit event = %+v, %v", events[0], err)
	}
}

var temporaryRE = regexp.MustCompile(`<code>([0-9a-z-]{23})</code>`)

func TestForcedReset(t *testing.T) {
	f := newFixture(t)
	coderID := f.userID(t, "cora.coder")
	coder := f.browser(t)
	coder.login("cora.coder")
	admin := f.browser(t)
	admin.login(f.admin)

	// Only an admin manages users, and only those of the organization.
	if status, _, _ := coder.get("/users"); status != http.StatusForbidden {
		t.Errorf("coder GET /users: %d, want 403", status)
	}
	if status, _, _ := coder.action(fmt.Sprintf("/users/%d/reset", f.userID(t, f.admin)), nil); status != http.StatusForbidden {
		t.Errorf("coder resetting the admin: %d, want 403", status)
	}
	ctxB, _ := sqldbtest.Org(t, f.db, "Elsewhere")
	b, _ := rcm.ActorFromContext(ctxB)
	for _, tail := range []string{"reset", "sessions/0123456789abcdef/end", "tokens/1/revoke"} {
		path := fmt.Sprintf("/users/%d/%s", b.UserID, tail)
		if status, _, _ := admin.action(path, nil); status != http.StatusNotFound {
			t.Errorf("admin POST %s of another organization's user: %d, want 404", path, status)
		}
	}
	if status, _, _ := admin.get(fmt.Sprintf("/users/%d", b.UserID)); status != http.StatusNotFound {
		t.Errorf("admin GET another organization's user: %d, want 404", status)
	}
	if _, err := f.db.Authenticate(context.Background(), "elsewhere.admin", sqldbtest.TestPassword); err != nil {
		t.Errorf("the other organization's admin after the attempts: %v", err)
	}
	status, body, _ := admin.get("/users")
	if status != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`href="/users/%d">cora.coder`, coderID)) {
		t.Fatalf("GET /users = %d\n%s", status, body)
	}

	status, body, _ = admin.action(fmt.Sprintf("/users/%d/reset", coderID), nil)
	m := temporaryRE.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("reset = %d, no temporary password shown\n%s", status, body)
	}
	if status, _, resp := coder.get("/"); status != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("coder's session after the reset: %d to %q", status, resp.Header.Get("Location"))
	}

	// The next sign-in goes to the change form before anything else.
	coder = f.browser(t)
	coder.signInLocation("cora.coder", m[1])
	for _, path := range []string{"/", "/patients", "/claims"} {
		if status, _, resp := coder.get(path); status != http.StatusSeeOther || resp.Header.Get("Location") != "/account" {
			t.Errorf("GET %s before the change: %d to %q, want /account", path, status, resp.Header.Get("Location"))
		}
	}
	status, body, _ = coder.get("/account")
	if status != http.StatusOK || !strings.Contains(body, "An administrator reset your password") {
		t.Fatalf("account page after reset: %d\n%s", status, body)
	}
	coder.csrf = csrfRE.FindStringSubmatch(body)[1]
	const next = "orchid lantern mosaic velvet"
	status, _, _ = coder.action("/account/password", url.Values{"current_password": {m[1]}, "new_password": {next}, "new_password_again": {next}})
	if status != http.StatusSeeOther {
		t.Fatalf("change after reset: %d", status)
	}
	if status, _, _ := coder.get("/patients"); status != http.StatusOK {
		t.Errorf("GET /patients after the change: %d", status)
	}
	events, _ := f.db.FindAuditEvents(f.ctx, rcm.AuditFilter{Limit: 100})
	var actions []string
	for _, e := range events {
		if e.Entity == "user" && strings.HasPrefix(e.Action, "password_") {
			actions = append([]string{e.Action}, actions...)
		}
	}
	if got := strings.Join(actions, " "); got != "password_reset password_change" {
		t.Errorf("security events in the audit log: %s", got)
	}
}

func TestEndSessionsAndRevokeTokens(t *testing.T) {
	f := newFixture(t)
	coderID := f.userID(t, "cora.coder")
	coder := f.browser(t)
	coder.login("cora.coder")
	admin := f.browser(t)
	admin.login(f.admin)
	coderCtx := rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: coderID, OrgID: f.org.ID, Role: rcm.RoleCoder})
	tok, secret, err := f.db.CreateScopedAPIToken(coderCtx, coderID, "nightly export", rcm.ScopeRead, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	status, body, _ := admin.get(fmt.Sprintf("/users/%d", coderID))
	sessions, err := f.db.FindSessions(f.ctx, coderID)
	if err != nil || len(sessions) != 1 {
		t.Fatalf("coder's sessions: %d, %v", len(sessions), err)
	}
	if status != http.StatusOK || !strings.Contains(body, "nightly export") || !strings.Contains(body, sessions[0].ID) {
		t.Fatalf("admin's page of the coder: %d\n%s", status, body)
	}
	// Without the CSRF token nothing ends.
	if status, _, _ := admin.post(fmt.Sprintf("/users/%d/sessions/%s/end", coderID, sessions[0].ID), url.Values{}); status != http.StatusForbidden {
		t.Errorf("end without CSRF: %d", status)
	}
	if status, _, _ := coder.get("/"); status != http.StatusOK {
		t.Fatalf("coder's session ended by a refused request: %d", status)
	}
	status, _, resp := admin.action(fmt.Sprintf("/users/%d/sessions/%s/end", coderID, sessions[0].ID), nil)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/users/%d?done=session-ended", coderID) {
		t.Fatalf("admin ends the coder's session: %d to %q", status, resp.Header.Get("Location"))
	}
	if status, _, _ := coder.get("/"); status != http.StatusSeeOther {
		t.Errorf("coder's ended session still works: %d", status)
	}

	// The coder revokes their own token from the account page.
	coder = f.browser(t)
	coder.login("cora.coder")
	_, body, _ = coder.get("/account")
	if !strings.Contains(body, "nightly export") || !strings.Contains(body, "never") {
		t.Fatalf("account page lacks the token:\n%s", body)
	}
	if status, _, _ := coder.action("/account/tokens/x/revoke", nil); status != http.StatusNotFound {
		t.Errorf("revoke a token that is not a number: %d", status)
	}
	status, _, resp = coder.action(fmt.Sprintf("/account/tokens/%d/revoke", tok.ID), nil)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/account?done=token-revoked" {
		t.Fatalf("revoke own token: %d to %q", status, resp.Header.Get("Location"))
	}
	if _, err := f.db.FindUserByToken(context.Background(), secret); rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
		t.Errorf("revoked token: %v", err)
	}
	// Ending one's own current session signs out.
	sessions, _ = f.db.FindSessions(coderCtx, coderID)
	status, _, resp = coder.action(fmt.Sprintf("/account/sessions/%s/end", sessions[0].ID), nil)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Errorf("end own session: %d to %q", status, resp.Header.Get("Location"))
	}
}
