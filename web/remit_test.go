package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

func TestRemittanceRoutes(t *testing.T) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := sqldbtest.Open(t, d)
			ctx, _ := sqldbtest.Org(t, db, "Lakeside")
			srv, err := web.NewServer(web.Config{Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db, Ping: db.Ping})
			if err != nil {
				t.Fatal(err)
			}
			srv.RouteRemittances(db, func(ctx context.Context) (any, error) { return db.FindPatientBalances(ctx) })
			hs := httptest.NewServer(srv)
			t.Cleanup(hs.Close)
			a, _ := rcm.ActorFromContext(ctx)
			_, token, err := db.CreateAPIToken(ctx, a.UserID, "test", 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.CreatePayer(ctx, &rcm.Payer{Name: "Acme Health", PayerID: "ACME1", FilingIndicator: "CI"}); err != nil {
				t.Fatal(err)
			}
			m := rcm.MustParseMoney
			var file bytes.Buffer
			rem := &remit.Remittance{Handling: "I", CreditDebit: "C", TraceOriginator: "1999999999", PayeeName: "LAKESIDE", PayeeID: "1234567893", Amount: m("40"), Method: "CHK", PaidOn: rcm.MustParseDate("2026-02-03"), Trace: "CHK1", PayerName: "ACME HEALTH", PayerIdentifier: "ACME1",
				Claims: []*remit.ClaimPayment{{ControlNumber: "NOT-OURS", Status: "1", Charge: m("50"), Paid: m("40"), FilingIndicator: "12", PayerClaimNumber: "PCN-NOT-OURS",
					Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("10")}}}}}
			if err := remit.Write835(&file, remit.Envelope{Sender: "ACME1", Receiver: "LAKESIDE", Time: time.Date(2026, 2, 3, 8, 0, 0, 0, time.UTC)}, rem); err != nil {
				t.Fatal(err)
			}
			do := func(method, path, ctype, body string) (int, string) {
				t.Helper()
				req, _ := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				if ctype != "" {
					req.Header.Set("Content-Type", ctype)
				}
				resp, err := hs.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			var got struct{ Results []remit.Result }
			for i, wantPosted := range []bool{true, false} {
				status, body := do("POST", "/api/v1/remittances", "application/edi-x12", file.String())
				if status != http.StatusOK {
					t.Fatalf("upload %d: %d %s", i, status, body)
				}
				got.Results = nil
				if err := json.Unmarshal([]byte(body), &got); err != nil || len(got.Results) != 1 || got.Results[0].AlreadyPosted == wantPosted {
					t.Fatalf("upload %d: %s", i, body)
				}
			}
			if len(got.Results[0].Exceptions) != 0 {
				t.Errorf("an already-posted answer repeats no exceptions: %+v", got.Results[0])
			}
			for _, tc := range []struct {
				method, path, ctype, body string
				status                    int
				want                      string
			}{
				{"GET", "/api/v1/remittance-exceptions", "", "", 200, `"control_number":"NOT-OURS"`},
				{"GET", "/api/v1/denials?limit=10", "", "", 200, `{"denials":[]}`},
				{"GET", "/api/v1/patient-balances", "", "", 200, `"balances"`},
				{"GET", "/api/v1/denials?limit=0", "", "", 400, "limit"},
				{"GET", "/api/v1/denials?format=csv", "", "", 200, "claim,payer,line,code,not_paid,paid_on,reasons,remarks\r\n"},
				{"GET", "/api/v1/denials?limit=10&offset=10", "", "", 200, `{"denials":[]}`},
				{"GET", "/api/v1/denials?offset=-1", "", "", 400, "offset"},
				{"POST", "/api/v1/remittances", "application/edi-x12", "garbage", 400, "nothing was posted"},
				{"POST", "/api/v1/remittances", "application/edi-x12", strings.Replace(file.String(), "BPR*I*40*", "BPR*I*41*", 1), 400, "does not balance"},
				{"POST", "/api/v1/remittances", "application/json", "{}", 415, "edi-x12"},
			} {
				status, body := do(tc.method, tc.path, tc.ctype, tc.body)
				if status != tc.status || !strings.Contains(body, tc.want) {
					t.Errorf("%s %s: %d %s, want %d with %q", tc.method, tc.path, status, body, tc.status, tc.want)
				}
			}
			st, _ := db.CountRemittances(ctx)
			if st != (sqldb.RemitStats{Remittances: 1, ClaimPayments: 1, Exceptions: 1}) {
				t.Errorf("stored: %+v", st)
			}
		})
	}
}
