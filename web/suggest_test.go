package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

// TestCodesSuggestAPI is the API door of the suggestions: a note in the
// body, or an encounter whose note is read and the read audited; bad
// bodies are refused with the field named.
func TestCodesSuggestAPI(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	ctx, _ := sqldbtest.Org(t, db, "Lakeside")
	s := sqldbtest.Seed(t, ctx, db)
	note := "Assessment: otitis media. No fever."
	enc := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID, DateOfService: rcm.MustParseDate("2026-01-02"),
		PlaceOfService: "11", Note: note, Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
		Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: rcm.MustParseMoney("50.00"), Pointers: []int{1}}}}
	if err := db.CreateEncounter(ctx, enc); err != nil {
		t.Fatal(err)
	}
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
	post := func(body string) (int, []byte) {
		req, _ := http.NewRequest("POST", hs.URL+"/api/v1/codes/suggest", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	type result struct {
		Suggestions []struct {
			Code     string
			Evidence []struct {
				Start, End int
				Text       string
			}
		}
		LeftOut []struct{ Context string } `json:"left_out"`
	}
	check := func(t *testing.T, b []byte) {
		var r result
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Suggestions) == 0 || r.Suggestions[0].Code != "H66.90" {
			t.Fatalf("suggestions %s", b)
		}
		ev := r.Suggestions[0].Evidence
		if len(ev) == 0 || note[ev[0].Start:ev[0].End] != ev[0].Text {
			t.Errorf("evidence %+v does not point into the note", ev)
		}
		for _, s := range r.Suggestions {
			if strings.HasPrefix(s.Code, "R50") {
				t.Errorf("negated fever suggested: %s", b)
			}
		}
	}
	audits := func() int {
		evs, err := db.FindAuditEvents(ctx, rcm.AuditFilter{PatientID: s.Patient.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	big, _ := json.Marshal(map[string]string{"note": strings.Repeat("a", 1<<20)})
	for _, tc := range []struct {
		name   string
		body   string
		status int
		audit  bool
	}{
		{"note", `{"note": "Assessment: otitis media. No fever.", "dos": "2026-01-02", "age": 30, "sex": "F"}`, 200, false},
		{"encounter", fmt.Sprintf(`{"encounter_id": %d}`, enc.ID), 200, true},
		{"both", fmt.Sprintf(`{"encounter_id": %d, "note": "x"}`, enc.ID), 400, false},
		{"neither", `{}`, 400, false},
		{"duplicate key", `{"note": "a", "note": "b"}`, 400, false},
		{"unknown field", `{"text": "a"}`, 400, false},
		{"bad age", `{"note": "otitis media", "age": 200}`, 400, false},
		{"unknown encounter", `{"encounter_id": 999999}`, 404, false},
		{"over 1 MiB", string(big), 413, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := audits()
			status, body := post(tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %.300s", status, tc.status, body)
			}
			if status == 200 {
				check(t, body)
			}
			if got := audits() - before; (got > 0) != tc.audit {
				t.Errorf("%d audit events about the patient, want audited=%v", got, tc.audit)
			}
			if bytes.Contains(body, []byte("otitis")) && status != 200 {
				t.Errorf("error echoes the note: %s", body)
			}
		})
	}
}
