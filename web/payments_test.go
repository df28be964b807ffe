package web_test

import (
	"encoding/json"
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

// TestPatientPaymentRoute: a self-pay patient owes $50.00; the API takes a
// $30.00 card payment once, refuses the same key again and a payment above
// the rest, and names the field of a bad request.
func TestPatientPaymentRoute(t *testing.T) {
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
			srv.RoutePatientPayments(db)
			hs := httptest.NewServer(srv)
			t.Cleanup(hs.Close)
			a, _ := rcm.ActorFromContext(ctx)
			_, token, err := db.CreateAPIToken(ctx, a.UserID, "test", 0)
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
			path := fmt.Sprintf("/api/v1/patients/%d/payments", s.Patient.ID)
			do := func(path, body string) (int, string) {
				t.Helper()
				req, _ := http.NewRequest(http.MethodPost, hs.URL+path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := hs.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			for _, tc := range []struct {
				name, path, body string
				status           int
				want             string
			}{
				{"bad method", path, `{"amount":"10.00","method":"coins","key":"pay-000001"}`, 400, `"field":"method"`},
				{"no key", path, `{"amount":"10.00","method":"cash"}`, 400, `"field":"key"`},
				{"a comma that is no thousands separator", path, `{"amount":"1,00","method":"cash","key":"pay-000001"}`, 400, "thousands"},
				{"a comma in cents", path, `{"amount":"0,1","method":"cash","key":"pay-000001"}`, 400, "thousands"},
				{"another patient in the body", path, fmt.Sprintf(`{"patient_id":%d,"amount":"10.00","method":"cash","key":"pay-000001"}`, s.Patient.ID+1), 400, `"field":"patient_id"`},
				{"unknown field", path, `{"amount":"10.00","method":"cash","key":"pay-000001","tip":"5"}`, 400, "tip"},
				{"no such patient", "/api/v1/patients/999999/payments", `{"amount":"10.00","method":"cash","key":"pay-000001"}`, 404, "not_found"},
				{"card payment", path, `{"amount":"30.00","method":"card","reference":"AUTH 7731","key":"pay-000001"}`, 201, `"method":"card"`},
				{"same key again", path, `{"amount":"30.00","method":"card","key":"pay-000001"}`, 409, "already posted"},
				{"same key, other amount", path, `{"amount":"5.00","method":"card","key":"pay-000001"}`, 409, "already posted"},
				{"write-off with an unknown reason", strings.Replace(path, "payments", "write-offs", 1), `{"amount":"1.00","reason":"mood","key":"wo-000001"}`, 400, `"field":"reason"`},
				{"write-off for another patient in the body", strings.Replace(path, "payments", "write-offs", 1),
					fmt.Sprintf(`{"patient_id":%d,"amount":"1.00","reason":"courtesy","key":"wo-000002"}`, s.Patient.ID+1), 400, `"field":"patient_id"`},
				{"write-off of a small balance", strings.Replace(path, "payments", "write-offs", 1), `{"amount":"0.75","reason":"small_balance","key":"wo-000001"}`, 201, `"op":"write_off"`},
				// More than the rest is held as credit, not refused.
				{"more than the rest", path, `{"amount":"20.00","method":"cash","key":"pay-000002"}`, 201, `"op":"overpayment"`},
			} {
				status, body := do(tc.path, tc.body)
				if status != tc.status || !strings.Contains(body, tc.want) {
					t.Errorf("%s: %d %s, want %d with %q", tc.name, status, body, tc.status, tc.want)
				}
				if tc.status == 201 && strings.HasSuffix(tc.path, "/payments") && tc.name == "card payment" {
					var txn ledger.Transaction
					if err := json.Unmarshal([]byte(body), &txn); err != nil || txn.ID == 0 || len(txn.Entries) != 2 || txn.Entries[0].Amount != rcm.MustParseMoney("30.00") {
						t.Errorf("payment answer: %+v, %v", txn, err)
					}
				}
			}
			pb, err := db.FindPatientBalances(ctx)
			if err != nil || len(pb) != 0 {
				t.Errorf("balance after the payments: %+v, %v", pb, err)
			}
			if cs, err := db.FindCredits(ctx); err != nil || len(cs) != 1 || cs[0].Amount != rcm.MustParseMoney("0.75") {
				t.Errorf("credit after paying 20.00 on 19.25: %+v, %v", cs, err)
			}
		})
	}
}
