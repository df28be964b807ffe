package ui_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/kpi"
	"github.com/openrcm/openrcm/web"
)

// TestBilledAgrees puts the claims list, the dashboard and the API side by
// side on the same claims (an original, a voided claim, a replacement, a
// void claim and a secondary claim) and wants the same billed total from
// each, in all and for a period: issue 16 found the claims list at
// $4,536.00 where the dashboard said $3,340.00.
func TestBilledAgrees(t *testing.T) {
	f := newFixture(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	covs, err := f.db.FindCoverages(f.ctx, f.patient.ID)
	must(err)
	second := &rcm.Payer{Name: "Second Mutual", PayerID: "SBSEC", FilingIndicator: "CI"}
	must(f.db.CreatePayer(f.ctx, second))
	cov2 := &rcm.Coverage{PatientID: f.patient.ID, PayerID: second.ID, Order: 2, MemberID: "SEC1", Relationship: "18",
		EffectiveFrom: rcm.MustParseDate("2025-01-01")}
	must(f.db.CreateCoverage(f.ctx, cov2))
	n := 0
	// claim stores a claim of one line on a new encounter dated dos.
	claim := func(dos, charge, freq string, replaces *rcm.Claim, secondary bool) *rcm.Claim {
		t.Helper()
		n++
		e := &rcm.Encounter{PatientID: f.patient.ID, PracticeID: f.encounter.PracticeID, RenderingProviderID: f.encounter.RenderingProviderID,
			DateOfService: rcm.MustParseDate(dos), PlaceOfService: "11", Status: rcm.EncounterCoded, Diagnoses: []rcm.Diagnosis{{Code: "E11.9"}},
			Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: rcm.MustParseMoney(charge), Pointers: []int{1}}}}
		must(f.db.CreateEncounter(f.ctx, e))
		lines, err := f.db.FindServiceLineIDs(f.ctx, e.ID)
		must(err)
		c := &rcm.Claim{EncounterID: e.ID, PatientID: f.patient.ID, PayerID: f.payer.ID, CoverageID: covs[0].ID,
			ControlNumber: fmt.Sprintf("ACC1001-%d-1", n), Frequency: freq, DateOfService: e.DateOfService, PlaceOfService: "11",
			Diagnoses: e.Diagnoses, Lines: []rcm.ClaimLine{{ServiceLineID: lines[0], ServiceLine: e.Lines[0]}}}
		if replaces != nil {
			c.ReplacesClaimID, c.PayerClaimNumber = replaces.ID, "PCN"+replaces.ControlNumber
		}
		if secondary {
			c.PayerID, c.CoverageID = second.ID, cov2.ID
			c.Prior = []rcm.PriorPayment{{CoverageID: covs[0].ID, PayerID: f.payer.ID, Paid: rcm.MustParseMoney("50.00"),
				AdjudicatedOn: rcm.MustParseDate(dos)}}
		}
		must(f.db.CreateClaim(f.ctx, c))
		return c
	}
	claim("2026-01-05", "125.00", rcm.FrequencyOriginal, nil, false)
	corrected := claim("2026-01-06", "80.00", rcm.FrequencyOriginal, nil, false)
	claim("2026-01-06", "90.00", rcm.FrequencyReplacement, corrected, false)
	cancelled := claim("2026-02-10", "200.00", rcm.FrequencyOriginal, nil, false)
	claim("2026-02-10", "200.00", rcm.FrequencyVoid, cancelled, false)
	withdrawn := claim("2026-02-11", "60.00", rcm.FrequencyOriginal, nil, false)
	must(f.db.MoveClaim(f.ctx, withdrawn.ID, rcm.ClaimVoided, "entered in error"))
	claim("2026-01-05", "125.00", rcm.FrequencyOriginal, nil, true)

	// The API, with the claim routes rcm serve adds.
	api, err := web.NewServer(web.Config{Organizations: f.db, Payers: f.db, Patients: f.db, Encounters: f.db, Users: f.db, Audit: f.db, Ping: f.db.Ping})
	must(err)
	api.RouteClaims(web.ClaimConfig{Store: f.db})
	apiSrv := httptest.NewServer(api)
	t.Cleanup(apiSrv.Close)
	users, err := f.db.FindUsers(f.ctx)
	must(err)
	var biller int64
	for _, u := range users {
		if u.Username == "bill.biller" {
			biller = u.ID
		}
	}
	_, token, err := f.db.CreateAPIToken(f.ctx, biller, "agree", 0)
	must(err)

	b := f.browser(t)
	b.login("bill.biller")
	listRE := regexp.MustCompile(`<strong>(\$[0-9,.]+)</strong> billed on (\d+)`)
	dashRE := regexp.MustCompile(`data-testid="charges">(\$[0-9,.]+)<`)
	for _, tc := range []struct {
		name, query, want string
		claims            int
	}{
		// 125 + 80 + 200: the replacement, the void claim, the voided
		// claim and the secondary claim bill nothing new.
		{"all dates", "", "$405.00", 3},
		{"January", "from=2026-01-01&to=2026-01-31", "$205.00", 2},
		{"February", "from=2026-02-01&to=2026-02-28", "$200.00", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := b.get("/claims?" + tc.query)
			m := listRE.FindStringSubmatch(body)
			if status != http.StatusOK || m == nil {
				t.Fatalf("claims list: %d, no billed total in %.2000s", status, body)
			}
			list, listClaims := m[1], m[2]
			status, body, _ = b.get("/?" + tc.query)
			m = dashRE.FindStringSubmatch(body)
			if status != http.StatusOK || m == nil {
				t.Fatalf("dashboard: %d, no billed tile", status)
			}
			dash := m[1]
			req, _ := http.NewRequest(http.MethodGet, apiSrv.URL+"/api/v1/reports/billed?"+tc.query, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			must(err)
			defer resp.Body.Close()
			var got rcm.Billed
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("API: %d %v", resp.StatusCode, err)
			}
			if list != tc.want || dash != tc.want || got.Amount.Dollars() != tc.want || listClaims != fmt.Sprint(tc.claims) || got.Claims != tc.claims {
				t.Errorf("billed: claims list %s on %s claims, dashboard %s, API %s on %d claims; want %s on %d everywhere",
					list, listClaims, dash, got.Amount.Dollars(), got.Claims, tc.want, tc.claims)
			}
			if got.Meaning != rcm.BilledMeaning {
				t.Errorf("API meaning %q", got.Meaning)
			}
		})
	}
}

// TestDashboardPeriodAndDefinitions: the dashboard says which period it
// shows, offers the presets, gives each HFMA figure its definition from
// package kpi as the figure's accessible description, draws each chart
// with a text alternative instead of a table, and refuses a bad period.
func TestDashboardPeriodAndDefinitions(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login("bill.biller")
	status, body, _ := b.get("/?from=2026-01-01&to=2026-01-31")
	if status != http.StatusOK {
		t.Fatalf("dashboard: %d", status)
	}
	for _, want := range []string{
		"Services from 2026-01-01 to 2026-01-31",
		`>This month</a>`, `>Last month</a>`, `>Last 90 days</a>`, `>Year to date</a>`, `>All dates</a>`,
		`aria-describedby="ar-age-desc"`, `<desc id="ar-age-desc"`, `aria-describedby="def-billed"`,
		html.EscapeString(rcm.BilledMeaning),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	for _, d := range kpi.Definitions {
		if !strings.Contains(body, fmt.Sprintf(`aria-describedby="def-%s"`, d.Key)) || !strings.Contains(body, fmt.Sprintf(`id="def-%s" role="tooltip">%s<`, d.Key, html.EscapeString(d.Definition))) {
			t.Errorf("dashboard lacks %s with its definition", d.Key)
		}
	}
	if strings.Contains(body, `data-testid="aging"`) {
		t.Error("the dashboard still repeats the age chart as a table")
	}
	for _, q := range []string{"from=2026-13-01", "to=soon", "from=2026-02-01&to=2026-01-01"} {
		if status, _, _ := b.get("/?" + q); status != http.StatusBadRequest {
			t.Errorf("dashboard ?%s: %d, want 400", q, status)
		}
	}
}
