package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/pquerna/otp/totp"
)

// TestUserUnlockAndMFAReset locks an admin out with wrong passwords, has
// the operator unlock them, enrols TOTP and has the operator reset it;
// `rcm user token` keeps working for a user with TOTP, since the operator
// holds the database itself.
func TestUserUnlockAndMFAReset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u.db")
	const pw = "a long enough password"
	if code, out, errOut := rcmRun(t, pw+"\n", "user", "add", "--db", path, "--new-org", "Org", "--username", "a1", "--role", "admin"); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, errOut)
	}
	ctx := context.Background()
	db, err := sqldb.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	clk := rcm.NewStepClock(time.Now())
	clk.Step = 0
	db.Clock = clk
	for range 10 {
		db.SignIn(ctx, "a1", "wrong password here", "192.0.2.1")
	}
	if _, err := db.SignIn(ctx, "a1", pw, "192.0.2.2"); rcm.ErrorCode(err) != rcm.ETOOMANY {
		t.Fatalf("right password while locked: %v, want too many", err)
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no username", []string{"user", "unlock", "--db", path}, 2, "--username is required"},
		{"unknown user", []string{"user", "unlock", "--db", path, "--username", "nobody"}, 1, `No user named "nobody"`},
		{"stray argument", []string{"user", "mfa-reset", "--db", path, "--username", "a1", "extra"}, 2, "unexpected argument"},
	} {
		if code, out, errOut := rcmRun(t, "", tc.args...); code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%s: exit %d %q %q, want %d and %q", tc.name, code, out, errOut, tc.code, tc.want)
		}
	}
	if _, err := db.SignIn(ctx, "a1", pw, "192.0.2.2"); rcm.ErrorCode(err) != rcm.ETOOMANY {
		t.Fatalf("a refused unlock unlocked: %v", err)
	}
	if code, out, errOut := rcmRun(t, "", "user", "unlock", "--db", path, "--username", "a1"); code != 0 || !strings.Contains(out, "unlocked a1") {
		t.Fatalf("user unlock: %d %q %q", code, out, errOut)
	}
	res, err := db.SignIn(ctx, "a1", pw, "192.0.2.2")
	if err != nil || !res.MustEnrol {
		t.Fatalf("after unlock: %+v, %v; want a sign-in that must enrol", res, err)
	}

	actor := rcm.NewContextWithActor(ctx, rcm.Actor{OrgID: res.User.OrgID, UserID: res.User.ID, Role: rcm.RoleAdmin, Reason: "test"})
	e, err := db.BeginTOTPEnrolment(actor)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(e.Secret, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConfirmTOTPEnrolment(actor, code, clk.Now()); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := rcmRun(t, "", "user", "token", "--db", path, "--username", "a1"); code != 0 || !strings.HasPrefix(out, "rcm_") {
		t.Fatalf("user token for a user with TOTP: %d %q %q", code, out, errOut)
	}
	if code, out, errOut := rcmRun(t, "", "user", "mfa-reset", "--db", path, "--username", "a1"); code != 0 || !strings.Contains(out, "reset for a1") {
		t.Fatalf("user mfa-reset: %d %q %q", code, out, errOut)
	}
	st, err := db.FindMFAStatus(actor)
	if err != nil || st.TOTP || st.RecoveryCodesLeft != 0 {
		t.Fatalf("after mfa-reset: %+v, %v; want no second factor", st, err)
	}
	n := map[string]int{}
	events, err := db.FindSecurityEvents(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		n[ev.Action]++
	}
	if n[rcm.AuditUnlock] != 1 || n[rcm.AuditMFAReset] != 1 || n[rcm.AuditLock] != 1 {
		t.Errorf("security log %v: want one lock, unlock and mfa_reset", n)
	}
}
