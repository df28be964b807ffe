package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

// testEnv is a server over a real database with one organization whose
// admin holds a token.
type testEnv struct {
	db    *sqldb.DB
	srv   *httptest.Server
	ctx   context.Context // acting as the organization's admin
	org   *rcm.Organization
	admin string // the admin's API token
	logs  *syncBuffer
}

// syncBuffer collects the server's log; handlers write to it from their
// own goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// eachDialect runs fn against SQLite and PostgreSQL.
func eachDialect(t *testing.T, fn func(t *testing.T, e *testEnv)) {
	t.Helper()
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, newTestEnv(t, sqldbtest.Open(t, d)))
		})
	}
}

func newTestEnv(t *testing.T, db *sqldb.DB) *testEnv {
	t.Helper()
	ctx, org := sqldbtest.Org(t, db, "Lakeside")
	logs := &syncBuffer{}
	srv, err := web.NewServer(web.Config{
		Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db,
		Ping:   db.Ping,
		Clock:  rcm.NewStepClock(sqldbtest.Start),
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	a, _ := rcm.ActorFromContext(ctx)
	e := &testEnv{db: db, srv: hs, ctx: ctx, org: org, logs: logs}
	e.admin = e.tokenFor(t, ctx, a.UserID)
	return e
}

// tokenFor makes an API token for a user of the organization of ctx.
func (e *testEnv) tokenFor(t *testing.T, ctx context.Context, userID int64) string {
	t.Helper()
	_, secret, err := e.db.CreateAPIToken(ctx, userID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// fakeHash has the shape of an argon2id PHC string. API tests sign in with
// tokens only, so no real (and slow) hash is needed.
const fakeHash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"

// user adds a user with role to the organization and returns its token.
func (e *testEnv) user(t *testing.T, role string) (string, *rcm.User) {
	t.Helper()
	u := &rcm.User{OrgID: e.org.ID, Username: "lakeside." + role, Name: "Test " + role, Role: role}
	if err := e.db.CreateUserWithHash(e.ctx, u, fakeHash); err != nil {
		t.Fatal(err)
	}
	return e.tokenFor(t, e.ctx, u.ID), u
}

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// request sends method path with body (JSON unless a Content-Type is given
// in hdr) and the bearer token, and returns the response. hdr holds header
// name and value pairs.
func (e *testEnv) request(t *testing.T, method, path, token, body string, hdr ...string) *response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: b}
}

// decode decodes the JSON body into v after checking the status.
func (r *response) decode(t *testing.T, status int, v any) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// apiError is the JSON error body.
type apiError struct {
	Code    string `json:"code"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// wantError checks that the response is the JSON error with status, code
// and field.
func (r *response) wantError(t *testing.T, status int, code, field string) apiError {
	t.Helper()
	var body struct {
		Error apiError `json:"error"`
	}
	r.decode(t, status, &body)
	got := apiError{Code: body.Error.Code, Field: body.Error.Field}
	if diff := cmp.Diff(apiError{Code: code, Field: field}, got); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s\nmessage: %s", diff, body.Error.Message)
	}
	if body.Error.Message == "" {
		t.Error("error has no message")
	}
	return body.Error
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func testAddress() rcm.Address { return sqldbtest.Address() }

// seeded is a practice, provider, payer and patient made directly in the
// database, for tests that are not about creating them.
type seeded struct {
	practice *rcm.Practice
	provider *rcm.Provider
	payer    *rcm.Payer
	patient  *rcm.Patient
}

func seed(t *testing.T, ctx context.Context, db *sqldb.DB) seeded {
	s := sqldbtest.Seed(t, ctx, db)
	return seeded{practice: s.Practice, provider: s.Provider, payer: s.Payer, patient: s.Patient}
}

func TestHealthz(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		var got map[string]string
		e.request(t, "GET", "/healthz", "", "").decode(t, http.StatusOK, &got)
		if diff := cmp.Diff(map[string]string{"status": "ok"}, got); diff != "" {
			t.Errorf("healthz mismatch (-want +got):\n%s", diff)
		}
		// With the database gone the server must say it cannot serve.
		e.db.Close()
		e.request(t, "GET", "/healthz", "", "").decode(t, http.StatusServiceUnavailable, &got)
		if diff := cmp.Diff(map[string]string{"status": "unavailable"}, got); diff != "" {
			t.Errorf("healthz mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestNewServerNeedsServices(t *testing.T) {
	if _, err := web.NewServer(web.Config{}); err == nil {
		t.Fatal("NewServer with no services succeeded")
	}
}
