package web_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
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
