package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

// TestCreditRoutes: an overpaid $10.00 shows at /api/v1/credits; part pays
// nothing owed (refused), a refund above it is refused, one requested by
// the admin is refused to them and approved by a biller; a biller cannot
// close the books, the admin can, and a payment dated in the closed
// period is refused.
func TestCreditRoutes(t *testing.T) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := sqldbtest.Open(t, d)
			ctx, org := sqldbtest.Org(t, db, "Lakeside")
			s := sqldbtest.Seed(t, ctx, db)
			srv, err := web.NewServer(web.Config{Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db, Ping: db.Ping})
			if err != nil {
				t.Fatal(err)
			}
			srv.RoutePatientPayments(db)
			srv.RouteCredits(db)
			srv.RouteKPI(db)
			hs := httptest.NewServer(srv)
			t.Cleanup(hs.Close)
			a, _ := rcm.ActorFromContext(ctx)
			_, admin, err := db.CreateAPIToken(ctx, a.UserID, "test", 0)
			if err != nil {
				t.Fatal(err)
			}
			b := &rcm.User{OrgID: org.ID, Username: "api.biller", Name: "API Biller", Role: rcm.RoleBiller}
			if err := db.CreateUserWithHash(ctx, b, "$argon2id$v=19$m=65536,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"); err != nil {
				t.Fatal(err)
			}
			_, biller, err := db.CreateAPIToken(ctx, b.ID, "test", 0)
			if err != nil {
				t.Fatal(err)
			}
			enc := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID, DateOfService: rcm.MustParseDate("2026-01-02"),
				PlaceOfService: "11", Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
				Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: rcm.MustParseMoney("50.00"), Pointers: []int{1}}}}
			if err := db.CreateEncounter(ctx, enc); err != nil {
				t.Fatal(err)
			}
			lines, _ := db.FindServiceLineIDs(ctx, enc.ID)
			if err := db.PostLedger(ctx, new(ledger.Transaction).Charge(lines[0], 0, rcm.MustParseMoney("50.00"))); err != nil {
				t.Fatal(err)
			}
			do := func(token, method, path, body string) (int, string) {
				t.Helper()
				req, _ := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := hs.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				out, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(out)
			}
			p := fmt.Sprintf("/api/v1/patients/%d/", s.Patient.ID)
			pid := fmt.Sprint(s.Patient.ID)
			for _, tc := range []struct {
				name, token, method, path, body string
				status                          int
				want                            string
			}{
				{"overpayment", admin, "POST", p + "payments", `{"amount":"60.00","method":"card","key":"pay-000001"}`, 201, `"op":"overpayment"`},
				{"credits", biller, "GET", "/api/v1/credits", "", 200, `"amount":"10.00"`},
				{"credits csv", biller, "GET", "/api/v1/credits?format=csv", "", 200, "account,patient,whose,amount\r\n"},
				{"credits csv row", biller, "GET", "/api/v1/credits?format=csv", "", 200, ",patient,10.00\r\n"},
				{"credits bad format", biller, "GET", "/api/v1/credits?format=pdf", "", 400, `"field":"format"`},
				{"apply with nothing owed", admin, "POST", p + "apply-credit", `{"amount":"1.00","key":"apply-00001"}`, 400, "owes $0.00"},
				{"refund above credit", admin, "POST", "/api/v1/refunds", `{"patient_id":` + pid + `,"amount":"10.01","reason":"paid twice"}`, 400, "credit held is $10.00"},
				{"refund duplicate key", admin, "POST", "/api/v1/refunds", `{"patient_id":` + pid + `,"amount":"1","amount":"2","reason":"x"}`, 400, "amount"},
				{"refund request", admin, "POST", "/api/v1/refunds", `{"patient_id":` + pid + `,"amount":"10.00","reason":"paid twice"}`, 201, `"status":"requested"`},
				{"self-approval", admin, "POST", "/api/v1/refunds/approve", `{"id":1}`, 403, "another user"},
				{"approval", biller, "POST", "/api/v1/refunds/approve", `{"id":1}`, 200, `"status":"refunded"`},
				{"list", biller, "GET", "/api/v1/refunds?status=refunded", "", 200, `"decided_by":"api.biller"`},
				{"refunds csv", biller, "GET", "/api/v1/refunds?status=refunded&format=csv", "", 200, "1,A1001,patient,10.00,paid twice,refunded,lakeside.admin,"},
				{"credits after", biller, "GET", "/api/v1/credits", "", 200, `"credits":[]`},
				{"biller closes", biller, "POST", "/api/v1/periods/close", `{"through":"2099-01-31"}`, 403, "forbidden"},
				{"bad date", admin, "POST", "/api/v1/periods/close", `{"through":"2099-02-30"}`, 400, `"field":"through"`},
				{"close", admin, "POST", "/api/v1/periods/close", `{"through":"2099-01-31"}`, 200, "2099-01-31"},
				{"payment in closed period", admin, "POST", p + "payments", `{"amount":"1.00","method":"card","key":"pay-000002"}`, 400, "books are closed"},
				// The manager's numbers: $50.00 charged, nothing contractual,
				// $60.00 in and $10.00 refunded: 100% net collection.
				{"kpi json", biller, "GET", "/api/v1/reports/kpi?from=2000-01-01&to=2099-12-31", "", 200, `"net_collection_rate":100`},
				{"kpi csv", biller, "GET", "/api/v1/reports/kpi?from=2000-01-01&to=2099-12-31&format=csv", "", 200, "organization,all,0.0,n/a,100.0,n/a,n/a,n/a,0.00,0.00,50.00,50.00,0,0"},
				{"kpi bad date", biller, "GET", "/api/v1/reports/kpi?from=2000-13-01", "", 400, `"field":"from"`},
				{"kpi bad format", biller, "GET", "/api/v1/reports/kpi?format=xml", "", 400, `"field":"format"`},
			} {
				status, body := do(tc.token, tc.method, tc.path, tc.body)
				if status != tc.status || !strings.Contains(body, tc.want) {
					t.Errorf("%s: %d %s, want %d with %q", tc.name, status, body, tc.status, tc.want)
				}
			}
		})
	}
}
