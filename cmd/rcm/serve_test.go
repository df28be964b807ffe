package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer the server's goroutines may log into
// while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func testEnv(vars map[string]string) (*Env, *lockedBuffer) {
	var out lockedBuffer
	return &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Getenv: func(k string) string { return vars[k] }}, &out
}

func TestServeAnswersAndShutsDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	env, out := testEnv(nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- serve(ctx, env, serveOptions{dsn: filepath.Join(t.TempDir(), "rcm.db")}, ln) }()

	base := "http://" + ln.Addr().String()
	var body string
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				body = string(b)
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not become healthy: %v\n%s", err, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if want := `{"status":"ok"}` + "\n"; body != want {
		t.Errorf("healthz body = %q, want %q", body, want)
	}
	resp, err := http.Get(base + "/api/v1/patients")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/patients without a token: status %d, want 401", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after cancel\n%s", err, out.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not return after its context was cancelled")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
	if !strings.Contains(out.String(), `pattern="GET /healthz"`) {
		t.Errorf("request log lacks the healthz request:\n%s", out.String())
	}
}

// TestServeDefaultsFromEnvironment runs the command itself with RCM_DB and
// RCM_ADDR set: it must open that database, listen on that address (read
// back from its log), answer, and return 0 once its context is cancelled.
func TestServeDefaultsFromEnvironment(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "env.db")
	env, out := testEnv(map[string]string{"RCM_DB": dbPath, "RCM_ADDR": "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- Run(ctx, env, []string{"serve"}) }()

	addr := regexp.MustCompile(`msg=serving addr=(127\.0\.0\.1:\d+)`)
	var m []string
	for deadline := time.Now().Add(10 * time.Second); m == nil; m = addr.FindStringSubmatch(out.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("rcm serve did not log its address:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	resp, err := http.Get("http://" + m[1] + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("healthz status %d, want 200", resp.StatusCode)
	}
	if _, err := os.Stat(dbPath); err != nil {
		t.Errorf("RCM_DB was not used: %v", err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("rcm serve = %d, want 0\n%s", code, out.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("rcm serve did not return after its context was cancelled")
	}
}

func TestServeBadArguments(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"extra argument", []string{"serve", "now"}, exitUsage, `unexpected argument "now"`},
		{"unknown flag", []string{"serve", "--port", "80"}, exitUsage, "flag provided but not defined"},
		{"address without port", []string{"serve", "--addr", "localhost"}, exitUsage, "not HOST:PORT"},
		{"address in use", []string{"serve", "--db", filepath.Join(dir, "a.db"), "--addr", busy.Addr().String()}, 1, "listen on"},
		{"database that cannot be opened", []string{"serve", "--db", filepath.Join(dir, "missing", "dir", "b.db"), "--addr", "127.0.0.1:0"}, 1, "rcm serve:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, out := testEnv(nil)
			if code := Run(context.Background(), env, tt.args); code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", code, tt.code, out.String())
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out.String())
			}
		})
	}
}
