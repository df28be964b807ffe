package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

// TestBadTokensThrottled sends bad bearer tokens from one address: after
// ten, the API answers 429 with Retry-After, even to a good token from
// that address, without looking the token up; every bad token is in the
// security log.
func TestBadTokensThrottled(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		// A clock that barely moves, so the waits do not run out between
		// requests.
		clk := rcm.NewStepClock(sqldbtest.Start)
		clk.Step = time.Millisecond
		e.db.Clock = clk
		var got []int
		for range 11 {
			got = append(got, e.request(t, "GET", "/api/v1/me", "rcm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "").status)
		}
		for i, s := range got {
			if s != http.StatusUnauthorized {
				t.Fatalf("bad token %d: %d, want 401 (all: %v)", i+1, s, got)
			}
		}
		r := e.request(t, "GET", "/api/v1/me", e.admin, "")
		r.wantError(t, http.StatusTooManyRequests, rcm.ETOOMANY, "")
		if n, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || n < 1 {
			t.Errorf("Retry-After = %q, want a number of seconds", r.header.Get("Retry-After"))
		}
		events, err := e.db.FindSecurityEvents(e.ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, ev := range events {
			count[ev.Action]++
		}
		if count[rcm.AuditTokenFailed] != 11 || count[rcm.AuditSignInRefused] != 1 {
			t.Errorf("security log: %v, want 11 token_failed and 1 signin_refused", count)
		}
	})
}

// TestAdminUnlocksUser locks a coder out and has the API unlock them: a
// coder may not, an admin may, an unknown name is 404; the same for
// resetting the second factor.
func TestAdminUnlocksUser(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		clk := rcm.NewStepClock(sqldbtest.Start)
		clk.Step = time.Millisecond
		e.db.Clock = clk
		coderToken, coder := e.user(t, rcm.RoleCoder)
		for range 10 {
			e.db.SignIn(e.ctx, coder.Username, "wrong password here", "192.0.2.1")
		}
		if _, err := e.db.SignIn(e.ctx, coder.Username, "wrong password here", "192.0.2.2"); rcm.ErrorCode(err) != rcm.ETOOMANY {
			t.Fatalf("locked coder: %v, want too many", err)
		}
		e.request(t, "POST", "/api/v1/users/"+coder.Username+"/unlock", coderToken, "").wantError(t, http.StatusForbidden, rcm.EFORBIDDEN, "")
		e.request(t, "POST", "/api/v1/users/nobody.here/unlock", e.admin, "").wantError(t, http.StatusNotFound, rcm.ENOTFOUND, "username")
		if _, err := e.db.SignIn(e.ctx, coder.Username, "wrong password here", "192.0.2.2"); rcm.ErrorCode(err) != rcm.ETOOMANY {
			t.Fatalf("refused unlocks unlocked: %v", err)
		}
		if r := e.request(t, "POST", "/api/v1/users/"+coder.Username+"/unlock", e.admin, ""); r.status != http.StatusOK {
			t.Fatalf("unlock by the admin: %d %s", r.status, r.body)
		}
		if _, err := e.db.SignIn(e.ctx, coder.Username, "wrong password here", "192.0.2.2"); rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
			t.Errorf("after unlock: %v, want a plain wrong password", err)
		}
		e.request(t, "POST", "/api/v1/users/"+coder.Username+"/mfa-reset", coderToken, "").wantError(t, http.StatusForbidden, rcm.EFORBIDDEN, "")
		if r := e.request(t, "POST", "/api/v1/users/"+coder.Username+"/mfa-reset", e.admin, ""); r.status != http.StatusOK {
			t.Fatalf("mfa-reset by the admin: %d %s", r.status, r.body)
		}
	})
}

// TestTrustedProxyThrottlesClients puts the server behind a trusted proxy
// (the test's own address): bad tokens from one forwarded client do not
// throttle another client of the same proxy.
func TestTrustedProxyThrottlesClients(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	clk := rcm.NewStepClock(sqldbtest.Start)
	clk.Step = time.Millisecond
	db.Clock = clk
	ctx, _ := sqldbtest.Org(t, db, "Lakeside")
	a, _ := rcm.ActorFromContext(ctx)
	_, good, err := db.CreateAPIToken(ctx, a.UserID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	trusted, err := web.ParseTrustedProxies("127.0.0.0/8, ::1")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.NewServer(web.Config{Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db,
		Ping: db.Ping, Transport: web.Transport{TrustedProxies: trusted}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	get := func(token, client string) int {
		req, _ := http.NewRequest("GET", hs.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-Forwarded-For", client)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for range 11 {
		get("rcm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "198.51.100.1")
	}
	if s := get(good, "198.51.100.1"); s != http.StatusTooManyRequests {
		t.Errorf("good token from the guessing client: %d, want 429", s)
	}
	if s := get(good, "198.51.100.2"); s != http.StatusOK {
		t.Errorf("good token from another client of the proxy: %d, want 200", s)
	}
	events, err := db.FindSecurityEvents(context.Background(), 1)
	if err != nil || len(events) != 1 || events[0].Client != "198.51.100.1" {
		t.Errorf("security log names %v (%v), want the forwarded client", events, err)
	}
}
