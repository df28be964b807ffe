package sqldb_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// auditActions returns the actions of the organization's audit events,
// oldest first, skipping patient reads and changes.
func auditActions(t *testing.T, ctx context.Context, db *sqldb.DB) []string {
	t.Helper()
	events, err := db.FindAuditEvents(ctx, rcm.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].PatientID == 0 {
			out = append(out, events[i].Action+" "+events[i].Entity)
		}
	}
	return out
}

func tokenNames(t *testing.T, ctx context.Context, db *sqldb.DB, userID int64) []string {
	t.Helper()
	toks, err := db.FindAPITokens(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tk := range toks {
		names = append(names, tk.Name+":"+tk.Scope)
	}
	return names
}

func TestTokenLifetimeAndScope(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		admin, _ := rcm.ActorFromContext(ctx)

		// Refused lifetimes and scopes store nothing.
		for _, bad := range []struct {
			name, scope string
			ttl         time.Duration
			field       string
		}{
			{"negative", "", -time.Hour, "ttl"},
			{"a hundred years (issue)", "", 876000 * time.Hour, "ttl"},
			{"a year and a day", "", rcm.MaxTokenTTL + 24*time.Hour, "ttl"},
			{"unknown scope", "root", time.Hour, "scope"},
			{"no name", "", time.Hour, "name"},
		} {
			name := "x"
			if bad.field == "name" {
				name = " "
			}
			_, _, err := db.CreateScopedAPIToken(ctx, admin.UserID, name, bad.scope, bad.ttl)
			wantCode(t, err, rcm.EINVALID)
			if got := rcm.ErrorField(err); got != bad.field {
				t.Errorf("%s: field %q, want %q", bad.name, got, bad.field)
			}
		}
		if got := tokenNames(t, ctx, db, admin.UserID); len(got) != 0 {
			t.Fatalf("refused tokens were stored: %v", got)
		}

		// ttl 0 is the default lifetime, never "forever"; the default scope
		// of an unscoped actor is admin.
		def, secret, err := db.CreateAPIToken(ctx, admin.UserID, "default", 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := def.ExpiresAt.Sub(def.CreatedAt); got != rcm.DefaultTokenTTL || def.Scope != rcm.ScopeAdmin {
			t.Errorf("default token: lifetime %v scope %q", got, def.Scope)
		}
		u, err := db.FindUserByToken(context.Background(), secret)
		if err != nil || u.TokenScope != rcm.ScopeAdmin {
			t.Fatalf("FindUserByToken = %+v, %v", u, err)
		}
		read, readSecret, err := db.CreateScopedAPIToken(ctx, admin.UserID, "report", rcm.ScopeRead, rcm.MaxTokenTTL)
		if err != nil {
			t.Fatal(err)
		}
		u, err = db.FindUserByToken(context.Background(), readSecret)
		if err != nil || u.TokenScope != rcm.ScopeRead {
			t.Fatalf("FindUserByToken(read) = %+v, %v", u, err)
		}
		if diff := cmp.Diff([]string{"report:read", "default:admin"}, tokenNames(t, ctx, db, admin.UserID)); diff != "" {
			t.Errorf("tokens mismatch (-want +got):\n%s", diff)
		}
		toks, _ := db.FindAPITokens(ctx, admin.UserID)
		if toks[0].LastUsedAt.IsZero() {
			t.Error("last use of the read token not recorded")
		}

		// A token's actor holds the intersection of role and scope, and
		// cannot make a broader token or change anything with read.
		readActor := rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: admin.UserID, OrgID: admin.OrgID, Role: rcm.RoleAdmin, Scope: rcm.ScopeRead})
		wantCode(t, db.CreatePayer(readActor, &rcm.Payer{Name: "X", PayerID: "XX", FilingIndicator: "CI"}), rcm.EFORBIDDEN)
		_, _, err = db.CreateScopedAPIToken(readActor, admin.UserID, "more", rcm.ScopeAdmin, time.Hour)
		wantCode(t, err, rcm.EFORBIDDEN)
		wantCode(t, db.RevokeAPIToken(readActor, admin.UserID, def.ID), rcm.EFORBIDDEN)
		billActor := rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: admin.UserID, OrgID: admin.OrgID, Role: rcm.RoleAdmin, Scope: rcm.ScopeBilling})
		wantCode(t, db.CreatePayer(billActor, &rcm.Payer{Name: "X", PayerID: "XX", FilingIndicator: "CI"}), rcm.EFORBIDDEN)
		_, _, err = db.CreateScopedAPIToken(billActor, admin.UserID, "more", rcm.ScopeAdmin, time.Hour)
		wantCode(t, err, rcm.EFORBIDDEN)
		if tk, _, err := db.CreateScopedAPIToken(billActor, admin.UserID, "narrower", "", time.Hour); err != nil || tk.Scope != rcm.ScopeBilling {
			t.Errorf("billing actor's default token = %+v, %v; want billing scope", tk, err)
		}

		// Revoked: 401 at once, gone from the list, revoked twice is not found.
		if err := db.RevokeAPIToken(ctx, admin.UserID, read.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.FindUserByToken(context.Background(), readSecret)
		wantCode(t, err, rcm.EUNAUTHORIZED)
		wantCode(t, db.RevokeAPIToken(ctx, admin.UserID, read.ID), rcm.ENOTFOUND)
		if diff := cmp.Diff([]string{"narrower:billing", "default:admin"}, tokenNames(t, ctx, db, admin.UserID)); diff != "" {
			t.Errorf("tokens after revoke mismatch (-want +got):\n%s", diff)
		}

		// Expired: 401, still listed with its expiry.
		db.Clock = rcm.NewStepClock(sqldbtest.Start.Add(rcm.DefaultTokenTTL + time.Hour))
		_, err = db.FindUserByToken(context.Background(), secret)
		wantCode(t, err, rcm.EUNAUTHORIZED)

		want := []string{"token_create api_token", "token_create api_token", "token_create api_token", "token_revoke api_token"}
		if diff := cmp.Diff(want, auditActions(t, ctx, db)); diff != "" {
			t.Errorf("audit mismatch (-want +got):\n%s", diff)
		}
	})
}

// newUser stores a user with a real password through CreateUser, so the
// policy and hashing run as in production.
func newUser(t *testing.T, ctx context.Context, db *sqldb.DB, orgID int64, username, role, pw string) *rcm.User {
	t.Helper()
	u := &rcm.User{OrgID: orgID, Username: username, Name: strings.ToUpper(username[:1]) + username[1:], Role: role}
	if err := db.CreateUser(ctx, u, pw); err != nil {
		t.Fatal(err)
	}
	return u
}

func newSession(t *testing.T, ctx context.Context, db *sqldb.DB, u *rcm.User, idHash string) {
	t.Helper()
	now := db.Clock.Now()
	if err := db.CreateUISession(ctx, idHash, &sqldb.UISession{OrgID: u.OrgID, UserID: u.ID, CSRF: "c", CreatedAt: now, SeenAt: now, Client: "Firefox on Linux from 10.0.0.7"}); err != nil {
		t.Fatal(err)
	}
}

func TestPasswordPolicyOnCreate(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, org := sqldbtest.Org(t, db, "Org A")
		for _, pw := range []string{"aaaaaaaaaaaa", "password1234", "jane.doe2024"} {
			err := db.CreateUser(ctx, &rcm.User{OrgID: org.ID, Username: "jane.doe", Name: "Jane Doe", Role: rcm.RoleCoder}, pw)
			wantCode(t, err, rcm.EINVALID)
			if !strings.Contains(rcm.ErrorMessage(err), "too easy to guess") {
				t.Errorf("%s: message %q", pw, rcm.ErrorMessage(err))
			}
		}
		err := db.CreateOrganizationWithAdmin(context.Background(), &rcm.Organization{Name: "Org C"},
			&rcm.User{Username: "c.admin", Role: rcm.RoleAdmin}, "password1234")
		wantCode(t, err, rcm.EINVALID)
		users, err := db.FindUsers(ctx)
		if err != nil || len(users) != 1 {
			t.Fatalf("refused users were stored: %d, %v", len(users), err)
		}
		_, err = db.Authenticate(context.Background(), "c.admin", "password1234")
		wantCode(t, err, rcm.EUNAUTHORIZED)
	})
}

func TestChangeAndResetPassword(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, org := sqldbtest.Org(t, db, "Org A")
		const first, second, temp = "glacier tulip ransom quartz", "orchid lantern mosaic velvet", "pelican umbra cobalt 47 sierra"
		coder := newUser(t, ctx, db, org.ID, "cody", rcm.RoleCoder, first)
		coderCtx := rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: coder.ID, OrgID: org.ID, Role: rcm.RoleCoder})
		newSession(t, ctx, db, coder, strings.Repeat("a", 64))
		_, secret, err := db.CreateAPIToken(coderCtx, coder.ID, "script", time.Hour)
		if err != nil {
			t.Fatal(err)
		}

		// Refused changes change nothing.
		for _, bad := range []struct{ current, next, field string }{
			{"not my password at all", second, "current_password"},
			{first, first, "password"},
			{first, "password1234", "password"},
			{first, "cody12345678", "password"},
		} {
			err := db.ChangePassword(coderCtx, bad.current, bad.next)
			wantCode(t, err, rcm.EINVALID)
			if got := rcm.ErrorField(err); got != bad.field {
				t.Errorf("ChangePassword(%q): field %q, want %q", bad.next, got, bad.field)
			}
		}
		if _, err := db.Authenticate(context.Background(), "cody", first); err != nil {
			t.Fatalf("a refused change changed the password: %v", err)
		}
		if s, _ := db.FindSessions(coderCtx, coder.ID); len(s) != 1 {
			t.Fatalf("a refused change ended sessions: %d left", len(s))
		}

		// The user's own change ends their sessions and keeps their tokens.
		if err := db.ChangePassword(coderCtx, first, second); err != nil {
			t.Fatal(err)
		}
		_, err = db.Authenticate(context.Background(), "cody", first)
		wantCode(t, err, rcm.EUNAUTHORIZED)
		if _, err := db.Authenticate(context.Background(), "cody", second); err != nil {
			t.Fatal(err)
		}
		if s, _ := db.FindSessions(coderCtx, coder.ID); len(s) != 0 {
			t.Errorf("sessions after a change: %d, want 0", len(s))
		}
		if _, err := db.FindUserByToken(context.Background(), secret); err != nil {
			t.Errorf("token after a change of password: %v", err)
		}

		// Only an admin resets, and a reset sends the next sign-in to the
		// change form, ends sessions and revokes tokens.
		wantCode(t, db.ResetPassword(coderCtx, coder.ID, temp), rcm.EFORBIDDEN)
		wantCode(t, db.ResetPassword(ctx, coder.ID, "password1234"), rcm.EINVALID)
		newSession(t, ctx, db, coder, strings.Repeat("b", 64))
		if err := db.ResetPassword(ctx, coder.ID, temp); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindUserByToken(context.Background(), secret); rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
			t.Errorf("token after a reset: %v, want unauthorized", err)
		}
		if s, _ := db.FindSessions(ctx, coder.ID); len(s) != 0 {
			t.Errorf("sessions after a reset: %d, want 0", len(s))
		}
		if _, err := db.Authenticate(context.Background(), "cody", temp); err != nil {
			t.Fatal(err)
		}
		newSession(t, ctx, db, coder, strings.Repeat("c", 64))
		s, err := db.FindUISession(ctx, strings.Repeat("c", 64))
		if err != nil || !s.MustChangePassword {
			t.Fatalf("session after reset = %+v, %v; want MustChangePassword", s, err)
		}
		if err := db.ChangePassword(coderCtx, temp, second+" again"); err != nil {
			t.Fatal(err)
		}
		newSession(t, ctx, db, coder, strings.Repeat("d", 64))
		if s, err := db.FindUISession(ctx, strings.Repeat("d", 64)); err != nil || s.MustChangePassword {
			t.Fatalf("session after the change = %+v, %v; want no forced change", s, err)
		}

		want := []string{"token_create api_token", "password_change user", "password_reset user", "password_change user"}
		if diff := cmp.Diff(want, auditActions(t, ctx, db)); diff != "" {
			t.Errorf("audit mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestSessions(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, org := sqldbtest.Org(t, db, "Org A")
		admin, _ := rcm.ActorFromContext(ctx)
		coder := newUser(t, ctx, db, org.ID, "cody", rcm.RoleCoder, "glacier tulip ransom quartz")
		coderCtx := rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: coder.ID, OrgID: org.ID, Role: rcm.RoleCoder})
		newSession(t, ctx, db, coder, "1111111111111111aaaa")
		newSession(t, ctx, db, coder, "2222222222222222bbbb")

		got, err := db.FindSessions(coderCtx, coder.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, s := range got {
			ids = append(ids, s.ID+" "+s.Username+" "+s.Client)
		}
		want := []string{"2222222222222222 cody Firefox on Linux from 10.0.0.7", "1111111111111111 cody Firefox on Linux from 10.0.0.7"}
		if diff := cmp.Diff(want, ids); diff != "" {
			t.Errorf("sessions mismatch (-want +got):\n%s", diff)
		}
		// A coder sees only their own; an admin sees the coder's.
		_, err = db.FindSessions(coderCtx, admin.UserID)
		wantCode(t, err, rcm.EFORBIDDEN)
		wantCode(t, db.EndSession(coderCtx, coder.ID, "short"), rcm.EINVALID)
		wantCode(t, db.EndSession(coderCtx, coder.ID, "3333333333333333"), rcm.ENOTFOUND)
		if err := db.EndSession(coderCtx, coder.ID, "1111111111111111"); err != nil {
			t.Fatal(err)
		}
		if err := db.EndSession(ctx, coder.ID, "2222222222222222"); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindSessions(ctx, coder.ID); len(got) != 0 {
			t.Errorf("sessions left: %d", len(got))
		}
		if diff := cmp.Diff([]string{"session_end ui_session", "session_end ui_session"}, auditActions(t, ctx, db)); diff != "" {
			t.Errorf("audit mismatch (-want +got):\n%s", diff)
		}
	})
}

// An admin of one organization can never see or end another's tokens or
// sessions, nor reset its passwords: the other user is simply not found.
func TestCredentialsOrganizationIsolation(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctxA, _ := sqldbtest.Org(t, db, "Org A")
		ctxB, _ := sqldbtest.Org(t, db, "Org B")
		b, _ := rcm.ActorFromContext(ctxB)
		tok, secret, err := db.CreateAPIToken(ctxB, b.UserID, "b", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		bUser := &rcm.User{ID: b.UserID, OrgID: b.OrgID}
		newSession(t, ctxB, db, bUser, "4444444444444444cccc")

		_, err = db.FindAPITokens(ctxA, b.UserID)
		wantCode(t, err, rcm.ENOTFOUND)
		wantCode(t, db.RevokeAPIToken(ctxA, b.UserID, tok.ID), rcm.ENOTFOUND)
		_, _, err = db.CreateAPIToken(ctxA, b.UserID, "mine now", time.Hour)
		wantCode(t, err, rcm.ENOTFOUND)
		_, err = db.FindSessions(ctxA, b.UserID)
		wantCode(t, err, rcm.ENOTFOUND)
		wantCode(t, db.EndSession(ctxA, b.UserID, "4444444444444444"), rcm.ENOTFOUND)
		wantCode(t, db.ResetPassword(ctxA, b.UserID, "pelican umbra cobalt 47 sierra"), rcm.ENOTFOUND)
		// An admin of A naming their own user with B's token id finds nothing.
		a, _ := rcm.ActorFromContext(ctxA)
		wantCode(t, db.RevokeAPIToken(ctxA, a.UserID, tok.ID), rcm.ENOTFOUND)

		if _, err := db.FindUserByToken(context.Background(), secret); err != nil {
			t.Errorf("B's token after A's attempts: %v", err)
		}
		if s, _ := db.FindSessions(ctxB, b.UserID); len(s) != 1 {
			t.Errorf("B's sessions after A's attempts: %d", len(s))
		}
		if _, err := db.Authenticate(context.Background(), "orgb.admin", sqldbtest.TestPassword); err != nil {
			t.Errorf("B's password after A's attempts: %v", err)
		}
	})
}

// A token made before lifetimes and scopes (stored with no expiry) keeps
// all its role allows after the migration, and ends a year after it was
// made instead of never.
func TestCredentialsMigration(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := filepath.Join(t.TempDir(), "rcm.db")
			if dialect == sqldb.Postgres {
				dsn = sqldbtest.PostgresDSN(t)
			}
			old, err := sqldb.OpenWithout(ctx, dsn, testKeys(), "00810_credentials.sql")
			if err != nil {
				t.Fatal(err)
			}
			old.Clock = rcm.NewStepClock(sqldbtest.Start)
			actx, _ := sqldbtest.Org(t, old, "Org Old")
			a, _ := rcm.ActorFromContext(actx)
			const secret = "rcm_legacylegacylegacylegacylegacylegacylegacy1"
			if _, err := old.ExecContext(ctx, `INSERT INTO api_token (org_id, user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, 'old', ?, '2026-01-05T09:00:00.000000000Z', '')`,
				a.OrgID, a.UserID, sqldb.TokenHash(secret)); err != nil {
				t.Fatal(err)
			}
			old.Close()

			db, err := sqldb.Open(ctx, dsn, testKeys()...)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.Clock = rcm.NewStepClock(sqldbtest.Start.Add(rcm.MaxTokenTTL - time.Hour))
			u, err := db.FindUserByToken(ctx, secret)
			if err != nil || u.TokenScope != rcm.ScopeAdmin {
				t.Fatalf("legacy token after the migration = %+v, %v", u, err)
			}
			toks, err := db.FindAPITokens(actx, a.UserID)
			if err != nil || len(toks) != 1 || !toks[0].ExpiresAt.Equal(sqldbtest.Start.Add(rcm.MaxTokenTTL)) {
				t.Fatalf("legacy token listed as %+v, %v", toks, err)
			}
			db.Clock = rcm.NewStepClock(sqldbtest.Start.Add(rcm.MaxTokenTTL))
			_, err = db.FindUserByToken(ctx, secret)
			wantCode(t, err, rcm.EUNAUTHORIZED)
		})
	}
}
