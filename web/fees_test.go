package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/fee"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

// TestFeeScheduleRoutes imports the sample fee schedule over the API and
// lists it, on both databases; a bad file is 400 naming line and column
// and stores nothing; a coder may read but not import.
func TestFeeScheduleRoutes(t *testing.T) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := sqldbtest.Open(t, d)
			ctx, org := sqldbtest.Org(t, db, "Lakeside")
			sqldbtest.Seed(t, ctx, db)
			srv, err := web.NewServer(web.Config{Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db,
				Ping: db.Ping, Clock: rcm.NewStepClock(sqldbtest.Start)})
			if err != nil {
				t.Fatal(err)
			}
			srv.RouteFees(web.FeeConfig{Store: db, Codes: func(context.Context, int64) (fee.Codes, error) {
				return func(code string, _ rcm.Date) bool { return code != "99999" }, nil
			}})
			hs := httptest.NewServer(srv)
			t.Cleanup(hs.Close)
			a, _ := rcm.ActorFromContext(ctx)
			e := &testEnv{db: db, srv: hs, ctx: ctx, org: org}
			e.admin = e.tokenFor(t, ctx, a.UserID)
			coder, _ := e.user(t, rcm.RoleCoder)
			csv, err := os.ReadFile("../fee/testdata/schedule.csv")
			if err != nil {
				t.Fatal(err)
			}
			ct := []string{"Content-Type", "text/csv"}

			if res := e.request(t, "POST", "/api/v1/fee-schedule", coder, string(csv), ct...); res.status != http.StatusForbidden {
				t.Errorf("coder imports: %d %s", res.status, res.body)
			}
			if res := e.request(t, "POST", "/api/v1/fee-schedule", e.admin, string(csv)); res.status != http.StatusUnsupportedMediaType {
				t.Errorf("sent as JSON: %d %s", res.status, res.body)
			}
			res := e.request(t, "POST", "/api/v1/fee-schedule", e.admin, string(csv), ct...)
			if res.status != http.StatusOK || strings.TrimSpace(string(res.body)) != `{"imported":6}` {
				t.Fatalf("import: %d %s", res.status, res.body)
			}
			bad := "code,amount,effective_from\n99215,1.00,2026-01-01\n99999,1.00,2026-01-01\n"
			res = e.request(t, "POST", "/api/v1/fee-schedule", e.admin, bad, ct...)
			var eb struct {
				Error struct{ Code, Field, Message string }
			}
			_ = json.Unmarshal(res.body, &eb)
			if res.status != http.StatusBadRequest || eb.Error.Field != "code" || !strings.HasPrefix(eb.Error.Message, "Line 3, code: 99999") {
				t.Errorf("bad file: %d %s", res.status, res.body)
			}
			res = e.request(t, "GET", "/api/v1/fee-schedule?code=99214&on=2026-03-01", coder, "")
			var list struct{ Fees []rcm.FeeScheduleEntry }
			if err := json.Unmarshal(res.body, &list); err != nil || res.status != http.StatusOK {
				t.Fatalf("list: %d %s", res.status, res.body)
			}
			if len(list.Fees) != 2 || list.Fees[0].Charge != rcm.MustParseMoney("1185.50") || list.Fees[1].ProviderID == 0 {
				t.Errorf("99214 on 2026-03-01: %+v", list.Fees)
			}
			if res := e.request(t, "GET", "/api/v1/fee-schedule?code=99215", e.admin, ""); !strings.Contains(string(res.body), `"fees":[]`) {
				t.Errorf("the refused file's good line was stored: %s", res.body)
			}
		})
	}
}
