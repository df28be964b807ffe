package main

import (
	"context"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// A verified token is answered from the cache until its entry expires; a
// revoked one is refused once it has; a bad one is never cached.
func TestTokenCache(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := sqldbtest.Open(t, dialect)
			ctx, _ := sqldbtest.Org(t, db, "Org Tokens")
			a, _ := rcm.ActorFromContext(ctx)
			tok, secret, err := db.CreateAPIToken(ctx, a.UserID, "cache", 0)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
			c := newTokenCache(db, 5*time.Second)
			c.now = func() time.Time { return now }
			bg := context.Background()
			if u, err := c.SignInWithToken(bg, secret, "127.0.0.1"); err != nil || u.ID != a.UserID {
				t.Fatalf("first use: %v, %v", u, err)
			}
			if err := db.RevokeAPIToken(ctx, a.UserID, tok.ID); err != nil {
				t.Fatal(err)
			}
			now = now.Add(4 * time.Second)
			if _, err := c.SignInWithToken(bg, secret, "127.0.0.1"); err != nil {
				t.Errorf("within the cache's time: %v", err)
			}
			now = now.Add(2 * time.Second)
			if _, err := c.SignInWithToken(bg, secret, "127.0.0.1"); rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
				t.Errorf("revoked, after the cache's time: %v, want unauthorized", err)
			}
			for range 2 {
				if _, err := c.SignInWithToken(bg, "rcm_not_a_token", "127.0.0.2"); rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
					t.Errorf("bad token: %v", err)
				}
			}
			if len(c.m) != 0 {
				t.Errorf("%d entries cached after the revocation and bad tokens, want 0", len(c.m))
			}
		})
	}
}
