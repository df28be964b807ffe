package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

// TestCodesValidateStale: the validate route warns (CS010) when the date
// of service is past the year of the newest imported ICD-10-CM release,
// and not within it (issue 14).
func TestCodesValidateStale(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	ctx, _ := sqldbtest.Org(t, db, "Lakeside")
	srv, err := web.NewServer(web.Config{
		Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db,
		Ping: db.Ping, Clock: rcm.NewStepClock(sqldbtest.Start), Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.RouteCodes(codeset.NewCatalog([]*codeset.Release{{System: codeset.ICD10CM, Version: "FY2025",
		Effective: rcm.MustParseDate("2024-10-01"), Codes: []codeset.Code{{Code: "I10", Billable: true, Long: "Essential (primary) hypertension"}}}}))
	hs := httptest.NewServer(srv)
	defer hs.Close()
	a, _ := rcm.ActorFromContext(ctx)
	_, token, err := db.CreateAPIToken(ctx, a.UserID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dos   string
		stale bool
	}{{"2025-09-30", false}, {"2026-01-15", true}} {
		req, _ := http.NewRequest("GET", hs.URL+"/api/v1/codes/validate?code=I10&dos="+tc.dos, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var v codeset.Validation
		if resp.StatusCode != 200 || json.Unmarshal(b, &v) != nil || len(v.Codes) != 1 {
			t.Fatalf("%s: status %d %s", tc.dos, resp.StatusCode, b)
		}
		var got bool
		for _, f := range v.Codes[0].Findings {
			got = got || f.Rule == codeset.RuleStale && f.Severity == codeset.SeverityWarning
		}
		if got != tc.stale || !v.Codes[0].Exists {
			t.Errorf("%s: stale warning %v, want %v: %s", tc.dos, got, tc.stale, b)
		}
	}
}
