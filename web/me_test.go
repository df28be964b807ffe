package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

// newCredentialEnv is a testEnv whose server also has the credential
// routes.
func newCredentialEnv(t *testing.T, db *sqldb.DB) *testEnv {
	t.Helper()
	ctx, org := sqldbtest.Org(t, db, "Lakeside")
	srv, err := web.NewServer(web.Config{
		Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db,
		Ping: db.Ping, Clock: rcm.NewStepClock(sqldbtest.Start), Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.RouteCredentials(db)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	a, _ := rcm.ActorFromContext(ctx)
	e := &testEnv{db: db, srv: hs, ctx: ctx, org: org, logs: &syncBuffer{}}
	e.admin = e.tokenFor(t, ctx, a.UserID)
	return e
}

func scopedToken(t *testing.T, e *testEnv, ctx context.Context, userID int64, scope string) (*rcm.APIToken, string) {
	t.Helper()
	tok, secret, err := e.db.CreateScopedAPIToken(ctx, userID, scope+" token", scope, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok, secret
}

// The effective permission of a token is its scope within its user's
// role, enforced by the server: the read scope only reads (and only GETs),
// the billing scope cannot do an admin's setup or user management.
func TestTokenScopes(t *testing.T) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newCredentialEnv(t, sqldbtest.Open(t, d))
			a, _ := rcm.ActorFromContext(e.ctx)
			_, read := scopedToken(t, e, e.ctx, a.UserID, rcm.ScopeRead)
			_, billing := scopedToken(t, e, e.ctx, a.UserID, rcm.ScopeBilling)
			payer := `{"name":"Acme","payer_id":"ACME1","filing_indicator":"CI","timely_filing_days":90}`
			tests := []struct {
				name, method, path, token, body string
				status                          int
			}{
				{"read token reads", "GET", "/api/v1/patients", read, "", 200},
				{"read token lists its user's tokens", "GET", "/api/v1/me/tokens", read, "", 200},
				{"read token may not write", "POST", "/api/v1/payers", read, payer, 403},
				{"read token may not change a password", "POST", "/api/v1/me/password", read, `{"current_password":"x","new_password":"y"}`, 403},
				{"billing token may not set up payers", "POST", "/api/v1/payers", billing, payer, 403},
				{"billing token may not manage users", "GET", fmt.Sprintf("/api/v1/users/%d/tokens", a.UserID+1), billing, "", 403},
				{"admin token sets up payers", "POST", "/api/v1/payers", e.admin, payer, 201},
			}
			for _, tt := range tests {
				if got := e.request(t, tt.method, tt.path, tt.token, tt.body); got.status != tt.status {
					t.Errorf("%s: status %d, want %d: %s", tt.name, got.status, tt.status, got.body)
				}
			}
			// Only the admin token's payer exists.
			if payers, err := e.db.FindPayers(e.ctx); err != nil || len(payers) != 1 {
				t.Errorf("payers = %d, %v; want 1", len(payers), err)
			}
		})
	}
}

func TestTokenRoutes(t *testing.T) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newCredentialEnv(t, sqldbtest.Open(t, d))
			coderToken, coder := e.user(t, rcm.RoleCoder)
			a, _ := rcm.ActorFromContext(e.ctx)
			ctxB, _ := sqldbtest.Org(t, e.db, "Elsewhere")
			b, _ := rcm.ActorFromContext(ctxB)
			tokB, secretB := scopedToken(t, e, ctxB, b.UserID, rcm.ScopeAdmin)

			var list struct {
				Tokens []*rcm.APIToken `json:"tokens"`
			}
			r := e.request(t, "GET", "/api/v1/me/tokens", coderToken, "")
			r.decode(t, 200, &list)
			if len(list.Tokens) != 1 || list.Tokens[0].Scope != rcm.ScopeAdmin || strings.Contains(string(r.body), "rcm_") || strings.Contains(string(r.body), "hash") {
				t.Errorf("my tokens = %s", r.body)
			}
			coderTok := list.Tokens[0]

			// Wrong role, other organization, bad input.
			e.request(t, "GET", fmt.Sprintf("/api/v1/users/%d/tokens", a.UserID), coderToken, "").wantError(t, 403, rcm.EFORBIDDEN, "")
			e.request(t, "DELETE", fmt.Sprintf("/api/v1/users/%d/tokens/%d", a.UserID, 1), coderToken, "").wantError(t, 403, rcm.EFORBIDDEN, "")
			e.request(t, "GET", fmt.Sprintf("/api/v1/users/%d/tokens", b.UserID), e.admin, "").wantError(t, 404, rcm.ENOTFOUND, "")
			e.request(t, "DELETE", fmt.Sprintf("/api/v1/users/%d/tokens/%d", b.UserID, tokB.ID), e.admin, "").wantError(t, 404, rcm.ENOTFOUND, "")
			e.request(t, "DELETE", fmt.Sprintf("/api/v1/me/tokens/%d", tokB.ID), e.admin, "").wantError(t, 404, rcm.ENOTFOUND, "")
			e.request(t, "DELETE", "/api/v1/me/tokens/x", e.admin, "").wantError(t, 400, rcm.EINVALID, "token")
			e.request(t, "GET", "/api/v1/me/tokens?all=1", e.admin, "").wantError(t, 400, rcm.EINVALID, "all")
			if r := e.request(t, "GET", "/api/v1/me", secretB, ""); r.status != 200 {
				t.Fatalf("the other organization's token after the attempts: %d", r.status)
			}

			// An admin lists and revokes the coder's token; the coder's next
			// request is 401.
			e.request(t, "GET", fmt.Sprintf("/api/v1/users/%d/tokens", coder.ID), e.admin, "").decode(t, 200, &list)
			if len(list.Tokens) != 1 || list.Tokens[0].ID != coderTok.ID {
				t.Fatalf("coder's tokens seen by the admin: %+v", list.Tokens)
			}
			if r := e.request(t, "DELETE", fmt.Sprintf("/api/v1/users/%d/tokens/%d", coder.ID, coderTok.ID), e.admin, ""); r.status != 204 {
				t.Fatalf("revoke = %d %s", r.status, r.body)
			}
			e.request(t, "GET", "/api/v1/me", coderToken, "").wantError(t, 401, rcm.EUNAUTHORIZED, "")

			// A user revokes their own token, the one in use included.

			e.request(t, "GET", "/api/v1/me/tokens", e.admin, "").decode(t, 200, &list)
			if r := e.request(t, "DELETE", fmt.Sprintf("/api/v1/me/tokens/%d", list.Tokens[0].ID), e.admin, ""); r.status != 204 {
				t.Fatalf("revoke own = %d %s", r.status, r.body)
			}
			e.request(t, "GET", "/api/v1/me", e.admin, "").wantError(t, 401, rcm.EUNAUTHORIZED, "")
		})
	}
}

func TestChangePasswordRoute(t *testing.T) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newCredentialEnv(t, sqldbtest.Open(t, d))
			const next = "glacier tulip ransom quartz"
			bad := []struct {
				name, body string
				status     int
				field      string
			}{
				{"wrong current password", `{"current_password":"not it at all","new_password":"` + next + `"}`, 400, "current_password"},
				{"no current password", `{"new_password":"` + next + `"}`, 400, "current_password"},
				{"common password", `{"current_password":"` + sqldbtest.TestPassword + `","new_password":"password1234"}`, 400, "password"},
				{"repeated letter", `{"current_password":"` + sqldbtest.TestPassword + `","new_password":"aaaaaaaaaaaa"}`, 400, "password"},
				{"unknown field", `{"current_password":"x","new_password":"y","confirm":"y"}`, 400, "confirm"},
				{"not JSON", `current_password=x`, 400, ""},
			}
			for _, tt := range bad {
				e.request(t, "POST", "/api/v1/me/password", e.admin, tt.body).wantError(t, tt.status, rcm.EINVALID, tt.field)
			}
			if _, err := e.db.Authenticate(context.Background(), "lakeside.admin", sqldbtest.TestPassword); err != nil {
				t.Fatalf("a refused change changed the password: %v", err)
			}
			r := e.request(t, "POST", "/api/v1/me/password", e.admin, mustJSON(t, map[string]string{"current_password": sqldbtest.TestPassword, "new_password": next}))
			if r.status != 204 {
				t.Fatalf("change = %d %s", r.status, r.body)
			}
			if _, err := e.db.Authenticate(context.Background(), "lakeside.admin", next); err != nil {
				t.Errorf("new password: %v", err)
			}
			// The token in use keeps working: a change of password keeps tokens.
			if r := e.request(t, "GET", "/api/v1/me", e.admin, ""); r.status != 200 {
				t.Errorf("token after the change: %d", r.status)
			}
			events, err := e.db.FindAuditEvents(e.ctx, rcm.AuditFilter{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(rcm.AuditPasswordChange, events[0].Action); diff != "" {
				t.Errorf("last audit event mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSessionRoutes(t *testing.T) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newCredentialEnv(t, sqldbtest.Open(t, d))
			coderToken, coder := e.user(t, rcm.RoleCoder)
			now := sqldbtest.Start
			for _, h := range []string{"aaaaaaaaaaaaaaaa1", "bbbbbbbbbbbbbbbb2"} {
				if err := e.db.CreateUISession(context.Background(), h, &sqldb.UISession{OrgID: e.org.ID, UserID: coder.ID, CSRF: "x", CreatedAt: now, SeenAt: now, Client: "Safari on macOS"}); err != nil {
					t.Fatal(err)
				}
			}
			a, _ := rcm.ActorFromContext(e.ctx)
			ctxB, _ := sqldbtest.Org(t, e.db, "Elsewhere")
			b, _ := rcm.ActorFromContext(ctxB)
			var list struct {
				Sessions []*rcm.Session `json:"sessions"`
			}
			e.request(t, "GET", "/api/v1/me/sessions", coderToken, "").decode(t, 200, &list)
			if len(list.Sessions) != 2 || list.Sessions[0].Client != "Safari on macOS" || list.Sessions[0].Username != coder.Username {
				t.Fatalf("my sessions = %+v", list.Sessions)
			}
			e.request(t, "GET", fmt.Sprintf("/api/v1/users/%d/sessions", a.UserID), coderToken, "").wantError(t, 403, rcm.EFORBIDDEN, "")
			e.request(t, "GET", fmt.Sprintf("/api/v1/users/%d/sessions", b.UserID), e.admin, "").wantError(t, 404, rcm.ENOTFOUND, "")
			e.request(t, "DELETE", "/api/v1/me/sessions/short", coderToken, "").wantError(t, 400, rcm.EINVALID, "session")
			if r := e.request(t, "DELETE", "/api/v1/me/sessions/aaaaaaaaaaaaaaaa", coderToken, ""); r.status != 204 {
				t.Fatalf("end own session = %d %s", r.status, r.body)
			}
			if r := e.request(t, "DELETE", fmt.Sprintf("/api/v1/users/%d/sessions/bbbbbbbbbbbbbbbb", coder.ID), e.admin, ""); r.status != 204 {
				t.Fatalf("admin ends a session = %d %s", r.status, r.body)
			}
			e.request(t, "GET", fmt.Sprintf("/api/v1/users/%d/sessions", coder.ID), e.admin, "").decode(t, 200, &list)
			if len(list.Sessions) != 0 {
				t.Errorf("sessions left: %+v", list.Sessions)
			}
		})
	}
}
