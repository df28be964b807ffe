package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/seal"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// rcmRunEnv runs rcm in-process with exactly the environment vars.
func rcmRunEnv(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return vars[k] }}
	code = Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

// keyedDB makes a SQLite database whose key file is beside it, with a
// coverage and an encounter sealed, and returns its path.
func keyedDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "k.db")
	db, err := sqldb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, _ := sqldbtest.Org(t, db, "Org Keys")
	s := sqldbtest.Seed(t, ctx, db)
	if err := db.CreateCoverage(ctx, &rcm.Coverage{PatientID: s.Patient.ID, PayerID: s.Payer.ID, Order: 1, MemberID: "KEYS-1001",
		Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateEncounter(ctx, &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID,
		DateOfService: rcm.MustParseDate("2026-01-02"), PlaceOfService: "11", Note: "note",
		Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
		Lines:     []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: rcm.MustParseMoney("90.00"), Pointers: []int{1}}}}); err != nil {
		t.Fatal(err)
	}
	return path
}

// The operator's rotation: a new key in the file beside the database,
// status shows the rows under the older key, rotate moves them in batches
// and a second rotate moves nothing; then the old key can leave the file.
func TestKeysRotate(t *testing.T) {
	path := keyedDB(t)
	keyFile := path + ".key"
	old, err := seal.LoadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := rcmRunEnv(t, nil, "keys", "new", "--db", path)
	if code != 0 {
		t.Fatalf("keys new = %d %q", code, errOut)
	}
	both, err := seal.LoadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(both.IDs()) != 2 || both.IDs()[0] != old.Current() || !strings.Contains(out, both.Current()+" encrypts") {
		t.Fatalf("after keys new: ids %v, output %q", both.IDs(), out)
	}
	if _, secret, _ := strings.Cut(lastLine(t, keyFile), ":"); strings.Contains(out, secret) {
		t.Error("keys new printed the secret")
	}
	code, out, _ = rcmRunEnv(t, nil, "keys", "status", "--db", path)
	if code != 0 || !strings.Contains(squeeze(out), "coverage "+old.Current()+" 1 older key") || !strings.Contains(out, "run 'rcm keys rotate'") {
		t.Errorf("status before rotation = %d:\n%s", code, out)
	}
	code, out, errOut = rcmRunEnv(t, nil, "keys", "rotate", "--db", path, "--batch", "1")
	if code != 0 || !strings.Contains(out, "coverage: 1 rows moved to key "+both.Current()) || !strings.Contains(out, "encounter: 1 rows moved") {
		t.Errorf("rotate = %d %q %q", code, out, errOut)
	}
	if code, out, _ = rcmRunEnv(t, nil, "keys", "rotate", "--db", path); code != 0 || !strings.Contains(out, "coverage: 0 rows moved") {
		t.Errorf("second rotate = %d %q", code, out)
	}
	// The old key leaves: the file keeps only the new one, and every row
	// still reads.
	if err := os.WriteFile(keyFile, []byte(lastLine(t, keyFile)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = rcmRunEnv(t, nil, "keys", "status", "--db", path)
	if code != 0 || strings.Contains(out, old.Current()) || strings.Contains(out, "MISSING") {
		t.Errorf("status with the new key only = %d:\n%s", code, out)
	}
}

// A key file of its own (RCM_KEY_FILE) or a key in the environment
// (RCM_KEY) replaces the file beside the database; refused settings give
// a clear error and change nothing.
func TestKeysSettings(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "keys")
	if code, _, errOut := rcmRunEnv(t, nil, "keys", "new", "--out", keyFile); code != 0 {
		t.Fatalf("keys new --out = %d %q", code, errOut)
	}
	db := filepath.Join(dir, "own.db")
	if code, out, errOut := rcmRunEnv(t, map[string]string{"RCM_KEY_FILE": keyFile}, "keys", "status", "--db", db); code != 0 || !strings.Contains(out, "(RCM_KEY_FILE)") {
		t.Errorf("status with RCM_KEY_FILE = %d %q %q", code, out, errOut)
	}
	if _, err := os.Stat(db + ".key"); !os.IsNotExist(err) {
		t.Errorf("a key file was made beside the database although RCM_KEY_FILE was set: %v", err)
	}
	line := lastLine(t, keyFile)
	if code, out, _ := rcmRunEnv(t, map[string]string{"RCM_KEY": line}, "keys", "status", "--db", db); code != 0 || !strings.Contains(out, "RCM_KEY,") {
		t.Errorf("status with RCM_KEY = %d %q", code, out)
	}
	before, _ := os.ReadFile(keyFile)
	tests := []struct {
		name string
		vars map[string]string
		args []string
		code int
		want string
	}{
		{"both set", map[string]string{"RCM_KEY_FILE": keyFile, "RCM_KEY": line}, []string{"keys", "status", "--db", db}, 1, "set one"},
		{"short key", map[string]string{"RCM_KEY": "k1:AAAA"}, []string{"keys", "status", "--db", db}, 1, "3 bytes; want 32"},
		{"missing file", map[string]string{"RCM_KEY_FILE": filepath.Join(dir, "nope")}, []string{"keys", "status", "--db", db}, 1, "no such file"},
		{"batch 0", nil, []string{"keys", "rotate", "--db", db, "--batch", "0"}, 2, "--batch must be 1 to 10000"},
		{"no subcommand", nil, []string{"keys"}, 2, "usage: rcm keys"},
		{"unknown subcommand", nil, []string{"keys", "destroy"}, 2, `unknown subcommand "destroy"`},
		{"postgres without --out", nil, []string{"keys", "new", "--db", "postgres://x@127.0.0.1/none"}, 2, "--out is required"},
		{"stray argument", nil, []string{"keys", "new", "--out", keyFile, "extra"}, 2, "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := rcmRunEnv(t, tt.vars, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("rcm %v = %d %q %q; want %d and %q", tt.args, code, out, errOut, tt.code, tt.want)
			}
		})
	}
	if err := os.Chmod(keyFile, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := rcmRunEnv(t, nil, "keys", "new", "--out", keyFile)
	if code != 1 || !strings.Contains(errOut, "chmod 600") {
		t.Errorf("keys new to a 0644 file = %d %q", code, errOut)
	}
	if after, _ := os.ReadFile(keyFile); !bytes.Equal(before, after) {
		t.Error("refused settings changed the key file")
	}
}

func lastLine(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// squeeze collapses the runs of spaces a table is padded with.
func squeeze(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}
