package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

func TestCodesAPI(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	ctx, _ := sqldbtest.Org(t, db, "Lakeside")
	srv, err := web.NewServer(web.Config{
		Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db,
		Ping: db.Ping, Clock: rcm.NewStepClock(sqldbtest.Start), Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.RouteCodes(codeset.NewCatalog(codeset.Starter()))
	hs := httptest.NewServer(srv)
	defer hs.Close()
	a, _ := rcm.ActorFromContext(ctx)
	_, token, err := db.CreateAPIToken(ctx, a.UserID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string, auth bool) (int, []byte) {
		req, _ := http.NewRequest("GET", hs.URL+path, nil)
		if auth {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	tests := []struct {
		name   string
		path   string
		auth   bool
		status int
		check  func(t *testing.T, body []byte)
	}{
		{"search", "/api/v1/codes/search?q=" + url.QueryEscape("copd flare"), true, 200, func(t *testing.T, b []byte) {
			var got struct{ Hits []codeset.Hit }
			if err := json.Unmarshal(b, &got); err != nil || len(got.Hits) == 0 || got.Hits[0].Code != "J44.1" {
				t.Errorf("hits %s", b)
			}
		}},
		{"search needs a token", "/api/v1/codes/search?q=x", false, 401, nil},
		{"search needs q", "/api/v1/codes/search", true, 400, nil},
		{"bad system", "/api/v1/codes/search?q=x&system=loinc", true, 400, nil},
		{"unknown parameter", "/api/v1/codes/search?q=x&sort=1", true, 400, nil},
		{"validate", "/api/v1/codes/validate?code=I10,Q99.99&dos=2025-01-02", true, 200, func(t *testing.T, b []byte) {
			var v codeset.Validation
			if err := json.Unmarshal(b, &v); err != nil || len(v.Codes) != 2 || !v.Codes[0].Billable || v.Codes[1].Findings[0].Rule != codeset.RuleNotFound {
				t.Errorf("validation %s", b)
			}
		}},
		{"validate refuses malformed", "/api/v1/codes/validate?code=E1.19,E11%209,e119&dos=2025-01-02", true, 200, func(t *testing.T, b []byte) {
			var v codeset.Validation
			if err := json.Unmarshal(b, &v); err != nil || len(v.Codes) != 3 {
				t.Fatalf("validation %s", b)
			}
			for i, want := range []string{codeset.RuleMalformed, codeset.RuleMalformed, ""} {
				got := ""
				if fs := v.Codes[i].Findings; len(fs) > 0 {
					got = fs[0].Rule
				}
				if got != want || (want == "") != v.Codes[i].Exists {
					t.Errorf("%s: rule %q exists %v, want %q", v.Codes[i].Input, got, v.Codes[i].Exists, want)
				}
			}
		}},
		{"validate needs dos", "/api/v1/codes/validate?code=I10", true, 400, nil},
		{"validate bad date", "/api/v1/codes/validate?code=I10&dos=yesterday", true, 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := get(tt.path, tt.auth)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			if tt.check != nil {
				tt.check(t, body)
			}
		})
	}
}
