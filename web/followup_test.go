package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

type discard struct{}

func (discard) Send(context.Context, string, []byte) error { return nil }

// TestFollowUpRoutes: a claim the payer has no record of (a 277 A4:35)
// is on the follow-up queue in JSON and CSV; a note is added through the
// API; the claim's status history reads in words; an appeal of a claim
// that is not denied is refused, and there is no letter to fetch.
func TestFollowUpRoutes(t *testing.T) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := sqldbtest.Open(t, d)
			ctx, _ := sqldbtest.Org(t, db, "Lakeside")
			s := sqldbtest.Seed(t, ctx, db)
			srv, err := web.NewServer(web.Config{Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db, Ping: db.Ping})
			if err != nil {
				t.Fatal(err)
			}
			srv.RouteFollowUp(db)
			hs := httptest.NewServer(srv)
			t.Cleanup(hs.Close)
			a, _ := rcm.ActorFromContext(ctx)
			_, token, err := db.CreateAPIToken(ctx, a.UserID, "test", 0)
			if err != nil {
				t.Fatal(err)
			}
			cov := &rcm.Coverage{PatientID: s.Patient.ID, PayerID: s.Payer.ID, Order: 1, MemberID: "W100", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
			if err := db.CreateCoverage(ctx, cov); err != nil {
				t.Fatal(err)
			}
			dos := rcm.MustParseDate("2026-01-02")
			enc := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID, DateOfService: dos,
				PlaceOfService: "11", Diagnoses: []rcm.Diagnosis{{Code: "I10"}}, Status: rcm.EncounterCoded,
				Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: rcm.MustParseMoney("90.00"), Pointers: []int{1}}}}
			if err := db.CreateEncounter(ctx, enc); err != nil {
				t.Fatal(err)
			}
			ids, _ := db.FindServiceLineIDs(ctx, enc.ID)
			c := &rcm.Claim{EncounterID: enc.ID, PatientID: s.Patient.ID, PayerID: s.Payer.ID, CoverageID: cov.ID, ControlNumber: "API-1",
				Frequency: "1", DateOfService: dos, PlaceOfService: "11", Diagnoses: enc.Diagnoses,
				Lines: []rcm.ClaimLine{{ServiceLineID: ids[0], ServiceLine: enc.Lines[0]}}}
			if err := db.CreateClaim(ctx, c); err != nil {
				t.Fatal(err)
			}
			if _, err := db.RecordScrub(ctx, c.ID, nil); err != nil {
				t.Fatal(err)
			}
			if err := db.MoveClaim(ctx, c.ID, rcm.ClaimSubmitted, "sent"); err != nil {
				t.Fatal(err)
			}
			b, _, err := claimstatus.RequestStatus(ctx, db, discard{}, eligibility.Partner{SenderID: "S", ReceiverID: "R"}, "k1", 0, nil, db.Clock.Now().Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.RecordClaimStatus(ctx, "a.277", []claimstatus.Answer{{Trace: b.Checks[0].Trace, ControlNumber: "API-1",
				Statuses: []claimstatus.Status{{Category: "A4", Code: "35"}}}}, nil); err != nil {
				t.Fatal(err)
			}
			do := func(method, path, body string) (int, string, http.Header) {
				t.Helper()
				req, _ := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				resp, err := hs.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				out, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(out), resp.Header
			}
			code, body, _ := do("GET", "/api/v1/followups", "")
			if code != 200 || !strings.Contains(body, `"control_number":"API-1"`) || !strings.Contains(body, `"category":"not_on_file"`) {
				t.Fatalf("queue = %d %s", code, body)
			}
			code, body, h := do("GET", "/api/v1/followups?format=csv&state=open", "")
			recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if code != 200 || err != nil || h.Get("Content-Type") != "text/csv; charset=utf-8" || len(recs) != 2 || recs[1][1] != "API-1" {
				t.Errorf("queue as CSV = %d %v %q", code, err, body)
			}
			item := recs[1][0]
			for _, tc := range []struct {
				name, method, path, body string
				status                   int
				want                     string
			}{
				{"unknown filter", "GET", "/api/v1/followups?owner=me", "", 400, "owner"},
				{"bad format", "GET", "/api/v1/followups?format=xml", "", 400, `"field":"format"`},
				{"note twice the key", "POST", "/api/v1/followups/notes", `{"item_id":` + item + `,"note":"a","note":"b"}`, 400, "note"},
				{"empty note", "POST", "/api/v1/followups/notes", `{"item_id":` + item + `,"note":""}`, 400, `"field":"note"`},
				{"note", "POST", "/api/v1/followups/notes", `{"item_id":` + item + `,"note":"Resent the batch","follow_up":"2026-03-20"}`, 200, `"follow_up":"2026-03-20"`},
				{"close with an unknown outcome", "POST", "/api/v1/followups/close", `{"item_id":` + item + `,"outcome":"forgotten"}`, 400, `"field":"outcome"`},
				{"status history", "GET", fmt.Sprintf("/api/v1/claims/%d/status", c.ID), "", 200, "Not found: the payer cannot find the claim (A4:35 claim not found)"},
				{"status history csv", "GET", fmt.Sprintf("/api/v1/claims/%d/status?format=csv", c.ID), "", 200, ",A4,35,Not found: the payer cannot find the claim (A4:35 claim not found),"},
				{"status history bad format", "GET", fmt.Sprintf("/api/v1/claims/%d/status?format=xls", c.ID), "", 400, `"field":"format"`},
				{"appeal of a claim not denied", "POST", fmt.Sprintf("/api/v1/claims/%d/appeals", c.ID),
					`{"level":"first","reason":"r","argument":"a","sent_on":"2026-03-01"}`, 409, "cannot become appealed"},
				{"appeal without a reason", "POST", fmt.Sprintf("/api/v1/claims/%d/appeals", c.ID), `{"level":"first","argument":"a","sent_on":"2026-03-01"}`, 400, `"field":"reason"`},
				{"no letter without an appeal", "GET", fmt.Sprintf("/api/v1/claims/%d/appeal-letter", c.ID), "", 404, "no appeal"},
				{"no such claim", "GET", "/api/v1/claims/999999/status", "", 404, "not_found"},
			} {
				code, body, _ := do(tc.method, tc.path, tc.body)
				if code != tc.status || !strings.Contains(body, tc.want) {
					t.Errorf("%s: %d %s; want %d and %q", tc.name, code, body, tc.status, tc.want)
				}
			}
		})
	}
}

// TestEOBRoute: a paper EOB that does not balance is 400 naming the
// field; one for an unknown payer is 404; a body that is not JSON is 415.
func TestEOBRoute(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite")
	ctx, _ := sqldbtest.Org(t, db, "Lakeside")
	sqldbtest.Seed(t, ctx, db)
	srv, err := web.NewServer(web.Config{Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db, Ping: db.Ping})
	if err != nil {
		t.Fatal(err)
	}
	srv.RouteFollowUp(db)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	a, _ := rcm.ActorFromContext(ctx)
	_, token, err := db.CreateAPIToken(ctx, a.UserID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	line := `{"code":"99213","charge":"110.00","paid":"80.00","adjustments":[{"group":"CO","reason":"45","amount":"30.00"}]}`
	for _, tc := range []struct {
		name, ctype, body string
		status            int
		want              string
	}{
		{"not JSON", "text/plain", "{}", 415, "Content-Type"},
		{"unbalanced", "application/json", `{"payer":"ACME1","check_number":"9","check_date":"2026-03-02","amount":"81.00","claims":[{"claim":"X-1","lines":[` + line + `]}]}`, 400, "does not balance"},
		{"unknown payer", "application/json", `{"payer":"NOPE","check_number":"9","check_date":"2026-03-02","amount":"80.00","claims":[{"claim":"X-1","lines":[` + line + `]}]}`, 404, "NOPE"},
	} {
		req, _ := http.NewRequest("POST", hs.URL+"/api/v1/eobs", strings.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", tc.ctype)
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: %d %s", tc.name, resp.StatusCode, b)
		}
	}
}
