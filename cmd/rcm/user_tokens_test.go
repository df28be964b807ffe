package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
)

const cliPassword = "glacier tulip ransom quartz"

func TestUserPasswordPolicy(t *testing.T) {
	db := filepath.Join(t.TempDir(), "u.db")
	for _, tt := range []struct{ stdin, want string }{
		{"aaaaaaaaaaaa\n", "repeats the same few characters"},
		{"password1234\n", "a common password followed by digits"},
		{"jane.doe2024\n", "your username, your name"},
	} {
		code, _, errOut := rcmRun(t, tt.stdin, "user", "add", "--db", db, "--new-org", "Org", "--username", "jane.doe", "--role", "admin")
		if code != 1 || !strings.Contains(errOut, tt.want) {
			t.Errorf("user add with %q = %d %q; want 1 and %q", strings.TrimSpace(tt.stdin), code, errOut, tt.want)
		}
	}
	// Nothing was made by the refusals: the first good one is organization 1.
	code, out, errOut := rcmRun(t, cliPassword+"\n", "user", "add", "--db", db, "--new-org", "Org", "--username", "jane.doe", "--role", "admin")
	if code != 0 || !strings.Contains(out, "created organization 1 ") {
		t.Fatalf("user add = %d %q %q", code, out, errOut)
	}
}

// The credential commands end to end on one database: tokens with a
// lifetime and scope, listing, revoking by name and by id, the forced
// reset and sessions.
func TestUserCredentialCommands(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "u.db")
	if code, _, errOut := rcmRun(t, cliPassword+"\n", "user", "add", "--db", dsn, "--new-org", "Org", "--username", "ann", "--role", "admin"); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := rcmRun(t, "orchid lantern mosaic velvet\n", "user", "add", "--db", dsn, "--org", "1", "--username", "bill", "--role", "biller"); code != 0 {
		t.Fatal(errOut)
	}

	// Refused command lines store nothing.
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--ttl", "0"}, 2, "every token expires"},
		{[]string{"--ttl", "876000h"}, 2, "at most 8760h0m0s (365 days)"},
		{[]string{"--ttl", "-1h"}, 2, "every token expires"},
		{[]string{"--scope", "root"}, 2, "--scope must be read, billing or admin"},
		{[]string{"--username", "nobody"}, 1, `No user named "nobody"`},
	} {
		args := append([]string{"user", "token", "--db", dsn, "--username", "bill"}, tt.args...)
		code, _, errOut := rcmRun(t, "", args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("rcm %v = %d %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
	code, out, errOut := rcmRun(t, "", "user", "tokens", "--db", dsn, "--username", "bill")
	if code != 0 || strings.Count(out, "\n") != 1 {
		t.Fatalf("tokens after refusals = %d %q %q; want only the header", code, out, errOut)
	}

	// Default scope: all the role allows; a read token; then the list.
	code, secret, errOut := rcmRun(t, "", "user", "token", "--db", dsn, "--username", "bill")
	if code != 0 || !strings.HasPrefix(secret, "rcm_") || !strings.Contains(errOut, `admin token "cli" for bill`) {
		t.Fatalf("user token = %d %q %q", code, secret, errOut)
	}
	code, readSecret, errOut := rcmRun(t, "", "user", "token", "--db", dsn, "--username", "bill", "--scope", "read", "--token-name", "reports", "--ttl", "24h")
	if code != 0 {
		t.Fatal(errOut)
	}
	db, err := sqldb.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if u, err := db.FindUserByToken(context.Background(), strings.TrimSpace(readSecret)); err != nil || u.TokenScope != rcm.ScopeRead {
		t.Fatalf("read token = %+v, %v", u, err)
	}
	code, out, _ = rcmRun(t, "", "user", "tokens", "--db", dsn, "--username", "bill")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !regexp.MustCompile(`^TOKEN\s+NAME\s+SCOPE\s+CREATED\s+EXPIRES\s+LAST USED$`).MatchString(lines[0]) ||
		!regexp.MustCompile(`^\d+\s+reports\s+read\s+\S+ \S+ UTC\s+\S+ \S+ UTC\s+\S+ \S+ UTC$`).MatchString(lines[1]) ||
		!regexp.MustCompile(`^\d+\s+cli\s+admin\s+.*\s+never$`).MatchString(lines[2]) || strings.Contains(out, "rcm_") {
		t.Errorf("user tokens = %d\n%s", code, out)
	}

	// Revoke by name, then by id; a revoked token is refused.
	if code, out, errOut := rcmRun(t, "", "user", "revoke", "--db", dsn, "--username", "bill", "--token", "reports"); code != 0 || !strings.Contains(out, `revoked token`) {
		t.Fatalf("revoke by name = %d %q %q", code, out, errOut)
	}
	if _, err := db.FindUserByToken(context.Background(), strings.TrimSpace(readSecret)); rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
		t.Errorf("revoked token: %v", err)
	}
	if code, _, errOut := rcmRun(t, "", "user", "revoke", "--db", dsn, "--username", "bill", "--token", "reports"); code != 1 || !strings.Contains(errOut, `no live token named "reports"`) {
		t.Errorf("revoke twice = %d %q", code, errOut)
	}
	id := strings.Fields(lines[2])[0]
	// Ann's name for bill's token id finds nothing: the token is bill's.
	if code, _, _ := rcmRun(t, "", "user", "revoke", "--db", dsn, "--username", "ann", "--token", id); code != 1 {
		t.Errorf("revoking bill's token as ann's: exit %d, want 1", code)
	}
	if code, _, errOut := rcmRun(t, "", "user", "revoke", "--db", dsn, "--username", "bill", "--token", id); code != 0 {
		t.Fatalf("revoke by id: %s", errOut)
	}

	// Sessions: listed with where they came from, ended by id.
	op := rcm.NewContextWithActor(context.Background(), rcm.Actor{OrgID: 1, Role: rcm.RoleAdmin})
	users, err := db.FindUsers(op)
	if err != nil {
		t.Fatal(err)
	}
	bill := users[1]
	now := time.Now()
	if err := db.CreateUISession(context.Background(), "abcdef0123456789feed", &sqldb.UISession{OrgID: 1, UserID: bill.ID, CSRF: "x", CreatedAt: now, SeenAt: now, Client: "Firefox on Linux from 10.0.0.7"}); err != nil {
		t.Fatal(err)
	}
	code, out, _ = rcmRun(t, "", "user", "sessions", "--db", dsn, "--username", "bill")
	if code != 0 || !regexp.MustCompile(`(?m)^abcdef0123456789\s+.*Firefox on Linux from 10\.0\.0\.7$`).MatchString(out) {
		t.Errorf("user sessions = %d %q", code, out)
	}
	if code, _, errOut := rcmRun(t, "", "user", "end-session", "--db", dsn, "--username", "bill", "--session", "0000000000000000"); code != 1 || !strings.Contains(errOut, "not found") {
		t.Errorf("end unknown session = %d %q", code, errOut)
	}
	if code, out, errOut := rcmRun(t, "", "user", "end-session", "--db", dsn, "--username", "bill", "--session", "abcdef0123456789"); code != 0 || !strings.Contains(out, "ended session") {
		t.Fatalf("end-session = %d %q %q", code, out, errOut)
	}
	if _, err := db.FindUISession(context.Background(), "abcdef0123456789feed"); rcm.ErrorCode(err) != rcm.ENOTFOUND {
		t.Errorf("ended session still found: %v", err)
	}

	// Reset: a printed temporary password that works once and must be
	// changed; every token of the user ends.
	code, temp, errOut := rcmRun(t, "", "user", "reset", "--db", dsn, "--username", "bill")
	temp = strings.TrimSpace(temp)
	if code != 0 || !regexp.MustCompile(`^[0-9a-z]{5}(-[0-9a-z]{5}){3}$`).MatchString(temp) || !strings.Contains(errOut, "must change it") {
		t.Fatalf("user reset = %d %q %q", code, temp, errOut)
	}
	if _, err := db.Authenticate(context.Background(), "bill", "orchid lantern mosaic velvet"); rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
		t.Errorf("old password after reset: %v", err)
	}
	if _, err := db.Authenticate(context.Background(), "bill", temp); err != nil {
		t.Errorf("temporary password: %v", err)
	}
	if _, err := db.FindUserByToken(context.Background(), strings.TrimSpace(secret)); rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
		t.Errorf("token after reset: %v", err)
	}
	events, err := db.FindAuditEvents(op, rcm.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, " "); got != "password_reset session_end token_revoke token_revoke token_create token_create" {
		t.Errorf("audit, newest first: %s", got)
	}
}
