package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

// TestClaimRoutes works a claim through the API on both databases: built
// from a coded encounter and priced from the fee schedule, scrubbed clean,
// submitted in an 837P batch that lands at the clearinghouse, refused a
// second submission and a void without the payer's number; an eligibility
// check sends a 270; a coder may not build; a null body acts on nothing.
func TestClaimRoutes(t *testing.T) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := sqldbtest.Open(t, d)
			ctx, org := sqldbtest.Org(t, db, "Lakeside")
			srv, err := web.NewServer(web.Config{Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db,
				Ping: db.Ping, Clock: rcm.NewStepClock(sqldbtest.Start)})
			if err != nil {
				t.Fatal(err)
			}
			starter := codeset.NewCatalog(codeset.Starter())
			outbound := t.TempDir()
			srv.RouteClaims(web.ClaimConfig{Store: db,
				Scrubber: func(_ context.Context, today rcm.Date, _ int64) (*claim.Scrubber, error) {
					return &claim.Scrubber{Today: today, Codes: claim.CatalogChecker{Catalog: starter}}, nil
				},
				Transport: func(_ context.Context, spec string) (clearinghouse.Transport, error) {
					return clearinghouse.OpenDir(clearinghouse.Layout{Outbound: outbound, Inbound: t.TempDir(), Archive: t.TempDir()})
				}})
			hs := httptest.NewServer(srv)
			t.Cleanup(hs.Close)
			a, _ := rcm.ActorFromContext(ctx)
			e := &testEnv{db: db, srv: hs, ctx: ctx, org: org}
			e.admin = e.tokenFor(t, ctx, a.UserID)
			coder, _ := e.user(t, rcm.RoleCoder)

			s := sqldbtest.Seed(t, ctx, db)
			cov := &rcm.Coverage{PatientID: s.Patient.ID, PayerID: s.Payer.ID, Order: 1, MemberID: "W123456789", Relationship: "18",
				EffectiveFrom: rcm.MustParseDate("2025-01-01")}
			if err := db.CreateCoverage(ctx, cov); err != nil {
				t.Fatal(err)
			}
			if err := db.SetFee(ctx, rcm.FeeScheduleEntry{Code: "99213", Charge: rcm.MustParseMoney("125.00"), EffectiveFrom: rcm.MustParseDate("2025-01-01")}); err != nil {
				t.Fatal(err)
			}
			if err := db.SetClearinghouse(ctx, &rcm.Clearinghouse{SubmitterID: "SUBL", SubmitterName: "Lakeside", ContactName: "Billing",
				ContactPhone: "2175550100", ReceiverID: "SANDBOXCH", ReceiverName: "Sandbox", Transport: "dir:" + outbound}); err != nil {
				t.Fatal(err)
			}
			enc := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID,
				DateOfService: rcm.MustParseDate("2026-01-02"), PlaceOfService: "11", Status: rcm.EncounterCoded,
				Diagnoses: []rcm.Diagnosis{{Code: "I10"}}, Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Pointers: []int{1}}}}
			if err := db.CreateEncounter(ctx, enc); err != nil {
				t.Fatal(err)
			}
			encPath := "/api/v1/encounters/" + strconv.FormatInt(enc.ID, 10) + "/claims"

			if res := e.request(t, "POST", encPath, coder, "{}"); res.status != http.StatusForbidden {
				t.Errorf("coder builds a claim: %d %s", res.status, res.body)
			}
			if res := e.request(t, "POST", encPath, e.admin, "null"); res.status != http.StatusBadRequest {
				t.Errorf("null body: %d %s", res.status, res.body)
			}
			if res := e.request(t, "POST", encPath, e.admin, `{"order":4}`); res.status != http.StatusBadRequest || !strings.Contains(string(res.body), `"order"`) {
				t.Errorf("order 4: %d %s", res.status, res.body)
			}
			res := e.request(t, "POST", encPath, e.admin, "")
			c := decodeClaim(t, res, http.StatusCreated)
			if c.State != rcm.ClaimDraft || len(c.Lines) != 1 || c.Lines[0].Charge != rcm.MustParseMoney("125.00") {
				t.Fatalf("built claim: state %s, lines %+v; want a draft with 99213 at the fee schedule's 125.00", c.State, c.Lines)
			}
			claimPath := "/api/v1/claims/" + strconv.FormatInt(c.ID, 10)
			if got := res.header.Get("Location"); got != claimPath {
				t.Errorf("Location %q, want %q", got, claimPath)
			}

			c = decodeClaim(t, e.request(t, "POST", claimPath+"/scrub", e.admin, "{}"), http.StatusOK)
			if c.State != rcm.ClaimReady {
				t.Fatalf("after scrub: %s, findings %+v", c.State, c.Findings)
			}
			c = decodeClaim(t, e.request(t, "POST", claimPath+"/submit", e.admin, ""), http.StatusOK)
			if c.State != rcm.ClaimSubmitted {
				t.Fatalf("after submit: %s", c.State)
			}
			files, _ := filepath.Glob(filepath.Join(outbound, "*"))
			if len(files) != 1 {
				t.Fatalf("%d files at the clearinghouse, want the 837P batch", len(files))
			}
			if b, _ := os.ReadFile(files[0]); !strings.Contains(string(b), "CLM*"+c.ControlNumber+"*125*") {
				t.Errorf("the batch lacks CLM*%s*125: %.300s", c.ControlNumber, b)
			}
			if res := e.request(t, "POST", claimPath+"/submit", e.admin, ""); res.status != http.StatusConflict {
				t.Errorf("second submit: %d %s", res.status, res.body)
			}
			if res := e.request(t, "POST", claimPath+"/void", e.admin, `{"reason":"wrong patient"}`); res.status != http.StatusConflict {
				t.Errorf("void of a submitted claim without a payer claim number: %d %s", res.status, res.body)
			}
			if res := e.request(t, "GET", "/api/v1/claims?state=submitted", e.admin, ""); res.status != http.StatusOK || !strings.Contains(string(res.body), c.ControlNumber) {
				t.Errorf("list submitted: %d %s", res.status, res.body)
			}
			if res := e.request(t, "GET", "/api/v1/claims?state=lost", e.admin, ""); res.status != http.StatusBadRequest {
				t.Errorf("list ?state=lost: %d", res.status)
			}
			if res := e.request(t, "GET", "/api/v1/work-queues", e.admin, ""); res.status != http.StatusOK {
				t.Errorf("work queues: %d %s", res.status, res.body)
			}

			res = e.request(t, "POST", "/api/v1/coverages/"+strconv.FormatInt(cov.ID, 10)+"/eligibility", e.admin, `{"date_of_service":"2026-01-02"}`)
			if res.status != http.StatusAccepted {
				t.Fatalf("eligibility: %d %s", res.status, res.body)
			}
			files, _ = filepath.Glob(filepath.Join(outbound, "*"))
			found270 := false
			for _, f := range files {
				b, _ := os.ReadFile(f)
				found270 = found270 || strings.Contains(string(b), "ST*270*")
			}
			if !found270 {
				t.Errorf("no 270 at the clearinghouse among %v", files)
			}
		})
	}
}

type claimAnswer struct {
	rcm.Claim
	Findings []rcm.ClaimFinding `json:"findings"`
}

func decodeClaim(t *testing.T, res *response, status int) *claimAnswer {
	t.Helper()
	if res.status != status {
		t.Fatalf("status %d, want %d: %s", res.status, status, res.body)
	}
	var c claimAnswer
	if err := json.Unmarshal(res.body, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}
