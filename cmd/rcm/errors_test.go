package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
)

// TestErrorsSpeakToUsers: what a command prints for a failure is the
// domain error's message (with its field), never its Go form
// ("rcm error: code=invalid message=..."), however the error was wrapped.
func TestErrorsSpeakToUsers(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	config := write("payers.json", `{"payers":[{"id":"P1","name":"P","tin":"990000001","payment":{"method":"CHK"},"contract":{"fees":{"99213":80.5}}}]}`)
	dupConfig := write("dup.json", `{"payers":[{"id":"P1","name":"P","tin":"990000001","payment":{"method":"CHK"},"ID":"P2"}]}`)
	claim := write("x.837", "")
	notADatabase := write("bad.db", "this is not a database")
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"money as a number in a JSON file", "", []string{"payer", "adjudicate", claim, "--config", config, "--out", filepath.Join(dir, "out")},
			"rcm payer: The payer configuration is not valid JSON: An amount must be a decimal string such as \"125.50\", not 80.5.\n"},
		{"key twice in a JSON file", "", []string{"payer", "adjudicate", claim, "--config", dupConfig, "--out", filepath.Join(dir, "out")},
			"rcm payer: payers[0].ID: The payer configuration has a duplicate key \"ID\" (the same field as \"id\") at payers[0].ID.\n"},
		{"short password", "short\n", []string{"user", "add", "--db", filepath.Join(dir, "u.db"), "--username", "ann.admin", "--role", "admin", "--new-org", "Lakeside"},
			"rcm user: password: The password must be at least 12 characters.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := rcmRun(t, tt.stdin, tt.args...)
			if code != 1 || stderr != tt.want {
				t.Errorf("exit %d, stderr %q; want 1 and %q\nstdout: %s", code, stderr, tt.want, stdout)
			}
		})
	}
	t.Run("internal failure", func(t *testing.T) {
		code, _, stderr := rcmRun(t, "", "claim", "list", "--db", notADatabase)
		if code != 1 || !strings.HasPrefix(stderr, "rcm claim: migrate sqlite database: ") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("exit %d, stderr %q; want 1 and one line saying what failed", code, stderr)
		}
		if strings.Contains(stderr, "rcm error") || strings.Contains(stderr, "code=") {
			t.Errorf("stderr shows an error's Go form: %q", stderr)
		}
	})
}

func TestErrorText(t *testing.T) {
	invalid := rcm.FieldErrorf(rcm.EINVALID, "amount", "The amount must be positive.")
	for _, tt := range []struct {
		err  error
		want string
	}{
		{invalid, "amount: The amount must be positive."},
		{fmt.Errorf("post payment: %w", invalid), "amount: The amount must be positive."},
		{fmt.Errorf("post payment: %v", invalid), "post payment: The amount must be positive."},
		{rcm.Errorf(rcm.ECONFLICT, "The key was used."), "The key was used."},
		{errors.New("listen on :80: permission denied"), "listen on :80: permission denied"},
	} {
		if got := errorText(tt.err); got != tt.want {
			t.Errorf("errorText(%#v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
