package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

func TestLocalPostgresKeyFile(t *testing.T) {
	env := &Env{Getenv: func(k string) string { return map[string]string{"HOME": "/home/op"}[k] }}
	tests := []struct{ dsn, want string }{
		{"postgres://postgres@127.0.0.1:5432/bar_scale?sslmode=disable", "/home/op/.config/openrcm/keys/127_0_0_1_5432_bar_scale.key"},
		{"postgresql://u@localhost/rcm", "/home/op/.config/openrcm/keys/localhost_5432_rcm.key"},
		{"postgres://u@[::1]:6000/x", "/home/op/.config/openrcm/keys/__1_6000_x.key"},
		{"postgres:///rcm?host=/var/run/postgresql", "/home/op/.config/openrcm/keys/_var_run_postgresql_5432_rcm.key"},
		// A name cannot climb out of the keys folder.
		{"postgres://u@127.0.0.1/..%2F..%2Fetc", "/home/op/.config/openrcm/keys/127_0_0_1_5432_______etc.key"},
		// Another machine's server, and SQLite, get no default here.
		{"postgres://u@db.internal:5432/rcm", ""},
		{"postgres://u@10.0.0.5/rcm", ""},
		{"rcm.db", ""},
	}
	for _, tt := range tests {
		got, err := localPostgresKeyFile(env, tt.dsn)
		if err != nil {
			t.Errorf("%s: %v", tt.dsn, err)
		}
		if got != tt.want {
			t.Errorf("%s: key file %q, want %q", tt.dsn, got, tt.want)
		}
	}
}

// Processes that start together on a new database must agree on one key.
func TestEnsureKeyFileOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "h_5432_db.key")
	var wg sync.WaitGroup
	ids := make([]string, 8)
	made := make([]bool, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, created, err := ensureKeyFile(path)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i], made[i] = strings.Join(k.IDs(), ","), created
		}()
	}
	wg.Wait()
	n := 0
	for i := range ids {
		if ids[i] != ids[0] || strings.Contains(ids[i], ",") {
			t.Errorf("keyrings differ or hold two keys: %q", ids)
		}
		if made[i] {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d callers made the key file, want 1", n)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o, want 0600", st.Mode().Perm())
	}
}

// A PostgreSQL database on this machine opens with no key given: the
// first command makes the key file and says so, the next ones, from any
// folder, use it and say nothing.
func TestPostgresDefaultKey(t *testing.T) {
	dsn := sqldbtest.PostgresDSN(t)
	if !strings.Contains(dsn, "127.0.0.1") && !strings.Contains(dsn, "localhost") {
		t.Skip("the test PostgreSQL is not on this machine")
	}
	cfg := t.TempDir()
	vars := map[string]string{"RCM_CONFIG_DIR": cfg}
	code, _, stderr := rcmRunEnv(t, vars, "ledger", "check", "--db", dsn)
	if code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "made key file "+filepath.Join(cfg, "keys")) {
		t.Errorf("first run says nothing of the key file it made: %q", stderr)
	}
	files, _ := filepath.Glob(filepath.Join(cfg, "keys", "*.key"))
	if len(files) != 1 {
		t.Fatalf("key files %v, want one", files)
	}
	before, _ := os.ReadFile(files[0])
	code, _, stderr = rcmRunEnv(t, vars, "ledger", "check", "--db", dsn)
	if code != 0 || strings.Contains(stderr, "made key file") {
		t.Errorf("second run: exit %d, %q", code, stderr)
	}
	after, _ := os.ReadFile(files[0])
	if string(before) != string(after) {
		t.Error("the second run changed the key file")
	}
}
