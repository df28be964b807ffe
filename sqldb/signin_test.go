package sqldb_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// manualClock is a clock the test moves by hand.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openTwice opens one database through two *sqldb.DB, as two `rcm serve`
// processes would, both on the same hand-moved clock.
func openTwice(t *testing.T, dialect string) (*sqldb.DB, *sqldb.DB, *manualClock) {
	t.Helper()
	var dsn string
	var opts []sqldb.Option
	if dialect == sqldb.SQLite {
		dsn = filepath.Join(t.TempDir(), "rcm.db")
	} else {
		// PostgreSQL needs the key; SQLite keeps it beside the file.
		dsn = sqldbtest.PostgresDSN(t)
		opts = append(opts, sqldb.WithKeyring(sqldbtest.Keyring()))
	}
	clk := &manualClock{t: sqldbtest.Start}
	var dbs [2]*sqldb.DB
	for i := range dbs {
		db, err := sqldb.Open(context.Background(), dsn, opts...)
		if err != nil {
			t.Fatal(err)
		}
		db.Clock = clk
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	return dbs[0], dbs[1], clk
}

// outcome is what one attempt got: "ok", "401" or "429" and the wait.
func outcome(res *rcm.SignInResult, err error) string {
	switch rcm.ErrorCode(err) {
	case "":
		if res == nil || res.User == nil {
			return "ok without a user"
		}
		return "ok"
	case rcm.EUNAUTHORIZED:
		return "401"
	case rcm.ETOOMANY:
		return "429 " + rcm.RetryAfter(err).String()
	}
	return err.Error()
}

// TestSignInThrottle is the attack on the store: wrong passwords
// for one account, sent alternately through two processes on one
// database. The fourth failure starts a wait, the tenth locks the account,
// the right password is refused while locked, and an admin's unlock (or
// the cooling time) lets it in again. Every failure is in the security log
// and the organization's audit chain.
func TestSignInThrottle(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db1, db2, clk := openTwice(t, dialect)
			ctx, _ := sqldbtest.Org(t, db1, "Harbor")
			const user, client = "harbor.admin", "198.51.100.7"
			bg := context.Background()
			dbs := []*sqldb.DB{db1, db2}
			var got []string
			for i := range 12 {
				got = append(got, outcome(dbs[i%2].SignIn(bg, user, "wrong password number", client)))
				clk.Advance(10 * time.Millisecond)
			}
			got = append(got, outcome(db2.SignIn(bg, user, sqldbtest.TestPassword, client)))
			want := []string{"401", "401", "401", "401", "429 1s", "429 1s", "429 1s", "429 1s", "429 1s",
				"429 15m0s", "429 15m0s", "429 15m0s", "429 15m0s"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("attempts mismatch (-want +got):\n%s", diff)
			}
			// A minute later the lock still holds, in either process.
			clk.Advance(time.Minute)
			if o := outcome(db1.SignIn(bg, user, sqldbtest.TestPassword, client)); o != "429 14m0s" {
				t.Errorf("right password a minute into the lock: %s, want 429 14m0s", o)
			}
			// Another user of the organization may not unlock; an admin may.
			if err := db2.UnlockUser(rcm.NewContextWithActor(bg, rcm.Actor{OrgID: 1, UserID: 99, Role: rcm.RoleCoder}), user); rcm.ErrorCode(err) != rcm.EFORBIDDEN {
				t.Errorf("unlock by a coder: %v, want forbidden", err)
			}
			if err := db2.UnlockUser(ctx, "nobody.here"); rcm.ErrorCode(err) != rcm.ENOTFOUND {
				t.Errorf("unlock of an unknown user: %v, want not found", err)
			}
			if err := db2.UnlockUser(ctx, user); err != nil {
				t.Fatal(err)
			}
			// The address still has its own record: a fresh address signs in.
			res, err := db1.SignIn(bg, user, sqldbtest.TestPassword, "198.51.100.8")
			if o := outcome(res, err); o != "ok" {
				t.Fatalf("right password after unlock: %s", o)
			}
			if !res.MustEnrol || res.SecondFactor {
				t.Errorf("an admin without TOTP: %+v, want MustEnrol", res)
			}

			events, err := db1.FindSecurityEvents(bg, 100)
			if err != nil {
				t.Fatal(err)
			}
			count := map[string]int{}
			for _, e := range events {
				count[e.Action]++
				if e.Username != user || e.Client == "" {
					t.Errorf("event %+v: want the username and client", e)
				}
			}
			wantCount := map[string]int{rcm.AuditSignInFailed: 4, rcm.AuditSignInRefused: 10, rcm.AuditLock: 1, rcm.AuditUnlock: 1}
			if diff := cmp.Diff(wantCount, count); diff != "" {
				t.Errorf("security events mismatch (-want +got):\n%s", diff)
			}
			audit, err := db2.FindAuditEvents(ctx, rcm.AuditFilter{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if len(audit) != len(events) {
				t.Errorf("audit chain has %d events, security log %d", len(audit), len(events))
			}
			if _, err := db2.VerifyAuditChain(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestSignInLockCools checks that the cooling time ends a lock by itself,
// for a username that does not exist as for one that does, and that the
// refusal looks the same for both (no telling which names exist).
func TestSignInLockCools(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db, _, clk := openTwice(t, dialect)
			sqldbtest.Org(t, db, "Harbor")
			bg := context.Background()
			for _, user := range []string{"harbor.admin", "nobody.here"} {
				var last string
				for i := range 10 {
					last = outcome(db.SignIn(bg, user, "wrong password number", "192.0.2."+string(rune('1'+i))))
					clk.Advance(2 * time.Minute)
				}
				if last != "401" {
					t.Errorf("%s: tenth failure %s, want 401", user, last)
				}
				// Two minutes have passed since the lock.
				if o := outcome(db.SignIn(bg, user, sqldbtest.TestPassword, "192.0.2.99")); o != "429 13m0s" {
					t.Errorf("%s: right password while locked: %s, want 429 13m0s", user, o)
				}
				clk.Advance(13 * time.Minute)
				want := "ok"
				if user == "nobody.here" {
					want = "401"
				}
				if o := outcome(db.SignIn(bg, user, sqldbtest.TestPassword, "192.0.2.99")); o != want {
					t.Errorf("%s: after the cooling time: %s, want %s", user, o, want)
				}
			}
			events, err := db.FindSecurityEvents(bg, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range events {
				if e.OrgID == 0 && e.Username != "" {
					t.Errorf("an unknown username was kept in the log: %+v", e)
				}
			}
		})
	}
}

// TestSignInAddressThrottle sends wrong passwords for many usernames from
// one address: the address is slowed, another address is not.
func TestSignInAddressThrottle(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db, _, _ := openTwice(t, dialect)
			sqldbtest.Org(t, db, "Harbor")
			bg := context.Background()
			var got []string
			for i := range 12 {
				got = append(got, outcome(db.SignIn(bg, "guess"+string(rune('a'+i)), "wrong password number", "203.0.113.9")))
			}
			want := []string{"401", "401", "401", "401", "401", "401", "401", "401", "401", "401", "401", "429 1s"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("attempts mismatch (-want +got):\n%s", diff)
			}
			if o := outcome(db.SignIn(bg, "harbor.admin", sqldbtest.TestPassword, "203.0.113.10")); o != "ok" {
				t.Errorf("another address: %s, want ok", o)
			}
		})
	}
}

// TestSignInWithTokenThrottle sends bad bearer tokens from one address.
func TestSignInWithTokenThrottle(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db1, db2, _ := openTwice(t, dialect)
			ctx, _ := sqldbtest.Org(t, db1, "Harbor")
			a, _ := rcm.ActorFromContext(ctx)
			_, good, err := db1.CreateAPIToken(ctx, a.UserID, "test", 0)
			if err != nil {
				t.Fatal(err)
			}
			bg := context.Background()
			var got []string
			for i := range 12 {
				_, err := []*sqldb.DB{db1, db2}[i%2].SignInWithToken(bg, "rcm_not-a-token", "203.0.113.9")
				got = append(got, rcm.ErrorCode(err))
			}
			_, err = db2.SignInWithToken(bg, good, "203.0.113.9")
			got = append(got, rcm.ErrorCode(err))
			want := []string{"unauthorized", "unauthorized", "unauthorized", "unauthorized", "unauthorized", "unauthorized", "unauthorized",
				"unauthorized", "unauthorized", "unauthorized", "unauthorized", "too_many_requests", "too_many_requests"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("attempts mismatch (-want +got):\n%s", diff)
			}
			if u, err := db1.SignInWithToken(bg, good, "203.0.113.10"); err != nil || u.ID != a.UserID {
				t.Errorf("good token from another address: %v, %v", u, err)
			}
			events, err := db1.FindSecurityEvents(bg, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(events) != 13 || events[len(events)-1].Action != rcm.AuditTokenFailed {
				t.Errorf("security log: %d events, want 13 beginning with token_failed", len(events))
			}
		})
	}
}
