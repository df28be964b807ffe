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

// TestContractRoutes imports a payer's contract over the API and lists it,
// on both databases; a bad row is 400 naming line and column and stores
// nothing; an unknown payer is 404; a coder may read but not import.
func TestContractRoutes(t *testing.T) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := sqldbtest.Open(t, d)
			ctx, org := sqldbtest.Org(t, db, "Lakeside")
			s := sqldbtest.Seed(t, ctx, db)
			srv, err := web.NewServer(web.Config{Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db,
				Ping: db.Ping, Clock: rcm.NewStepClock(sqldbtest.Start)})
			if err != nil {
				t.Fatal(err)
			}
			srv.RouteContracts(web.ContractConfig{Store: db, Codes: func(context.Context, int64) (fee.Codes, error) {
				return func(code string, _ rcm.Date) bool { return code != "99999" }, nil
			}})
			hs := httptest.NewServer(srv)
			t.Cleanup(hs.Close)
			a, _ := rcm.ActorFromContext(ctx)
			e := &testEnv{db: db, srv: hs, ctx: ctx, org: org}
			e.admin = e.tokenFor(t, ctx, a.UserID)
			coder, _ := e.user(t, rcm.RoleCoder)
			csv, err := os.ReadFile("../fee/contract/testdata/acme.csv")
			if err != nil {
				t.Fatal(err)
			}
			ct := []string{"Content-Type", "text/csv"}
			url := "/api/v1/contracts?payer=" + s.Payer.PayerID
			if res := e.request(t, "POST", url, coder, string(csv), ct...); res.status != http.StatusForbidden {
				t.Errorf("coder imports: %d %s", res.status, res.body)
			}
			if res := e.request(t, "POST", "/api/v1/contracts?payer=NOSUCH", e.admin, string(csv), ct...); res.status != http.StatusNotFound {
				t.Errorf("unknown payer: %d %s", res.status, res.body)
			}
			res := e.request(t, "POST", url, e.admin, string(csv), ct...)
			if res.status != http.StatusOK || strings.TrimSpace(string(res.body)) != `{"imported":6}` {
				t.Fatalf("import: %d %s", res.status, res.body)
			}
			bad := "code,allowed,effective_from\n99215,1.00,2026-01-01\n99215,1.00,2026-13-01\n"
			res = e.request(t, "POST", url, e.admin, bad, ct...)
			var eb struct {
				Error struct{ Code, Field, Message string }
			}
			_ = json.Unmarshal(res.body, &eb)
			if res.status != http.StatusBadRequest || eb.Error.Field != "effective_from" || !strings.HasPrefix(eb.Error.Message, "Line 3, effective_from:") {
				t.Errorf("bad file: %d %s", res.status, res.body)
			}
			res = e.request(t, "GET", "/api/v1/contracts?payer="+s.Payer.PayerID+"&code=99214&on=2026-03-01", coder, "")
			var list struct{ Rates []rcm.ContractRate }
			if err := json.Unmarshal(res.body, &list); err != nil || res.status != http.StatusOK {
				t.Fatalf("list: %d %s", res.status, res.body)
			}
			if len(list.Rates) != 2 || list.Rates[0].Allowed != rcm.MustParseMoney("130") || list.Rates[1].Modifier != "25" || list.Rates[0].PayerID != s.Payer.ID {
				t.Errorf("99214 on 2026-03-01: %+v", list.Rates)
			}
			if res := e.request(t, "GET", "/api/v1/contracts?code=99215", e.admin, ""); !strings.Contains(string(res.body), `"rates":[]`) {
				t.Errorf("the refused file's good line was stored: %s", res.body)
			}
		})
	}
}
