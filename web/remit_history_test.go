package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

// newRemitEnv is a testEnv whose server has the remittance routes, with
// two 835s posted through the API: CHK1 (paid 2026-02-03) and CHK2 (paid
// 2026-02-10), each with one claim payment that matches no claim.
func newRemitEnv(t *testing.T, db *sqldb.DB) (*testEnv, []*remit.Result) {
	t.Helper()
	ctx, org := sqldbtest.Org(t, db, "Lakeside")
	logs := &syncBuffer{}
	srv, err := web.NewServer(web.Config{Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db,
		Ping: db.Ping, Clock: rcm.NewStepClock(sqldbtest.Start), Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv.RouteRemittances(db, func(ctx context.Context) (any, error) { return db.FindPatientBalances(ctx) })
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	a, _ := rcm.ActorFromContext(ctx)
	e := &testEnv{db: db, srv: hs, ctx: ctx, org: org, logs: logs}
	e.admin = e.tokenFor(t, ctx, a.UserID)
	if err := db.CreatePayer(ctx, &rcm.Payer{Name: "Acme Health", PayerID: "ACME1", FilingIndicator: "CI"}); err != nil {
		t.Fatal(err)
	}
	m := rcm.MustParseMoney
	var results []*remit.Result
	for i, paid := range []string{"2026-02-03", "2026-02-10"} {
		rem := &remit.Remittance{Handling: "I", CreditDebit: "C", TraceOriginator: "1999999999", PayeeName: "LAKESIDE", PayeeID: "1234567893", Amount: m("40"), Method: "CHK", PaidOn: rcm.MustParseDate(paid), Trace: fmt.Sprintf("CHK%d", i+1),
			PayerName: "ACME HEALTH", PayerIdentifier: "ACME1",
			Claims: []*remit.ClaimPayment{{ControlNumber: fmt.Sprintf("NOT-OURS-%d", i+1), Status: "1", Charge: m("50"), Paid: m("40"), FilingIndicator: "12", PayerClaimNumber: "PCN-NOT-OURS",
				Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("10")}}}}}
		var file bytes.Buffer
		if err := remit.Write835(&file, remit.Envelope{Sender: "ACME1", Receiver: "LAKESIDE", Time: time.Date(2026, 2, 3, 8, 0, 0, 0, time.UTC)}, rem); err != nil {
			t.Fatal(err)
		}
		var got struct{ Results []*remit.Result }
		e.request(t, "POST", "/api/v1/remittances", e.admin, file.String(), "Content-Type", "application/edi-x12").decode(t, http.StatusOK, &got)
		if len(got.Results) != 1 || got.Results[0].AlreadyPosted {
			t.Fatalf("posting %s: %+v", rem.Trace, got.Results)
		}
		results = append(results, got.Results[0])
	}
	return e, results
}

func remitEachDialect(t *testing.T, fn func(t *testing.T, e *testEnv, posted []*remit.Result)) {
	t.Helper()
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e, posted := newRemitEnv(t, sqldbtest.Open(t, d))
			fn(t, e, posted)
		})
	}
}

func TestRemittanceHistoryRoutes(t *testing.T) {
	remitEachDialect(t, func(t *testing.T, e *testEnv, posted []*remit.Result) {
		coder, _ := e.user(t, rcm.RoleCoder)
		auditor, _ := e.user(t, rcm.RoleAuditor)
		id1, id2 := posted[0].RemittanceID, posted[1].RemittanceID
		list := func(t *testing.T, token, query string) []int64 {
			t.Helper()
			var got struct{ Remittances []*remit.RemittanceSummary }
			e.request(t, "GET", "/api/v1/remittances"+query, token, "").decode(t, http.StatusOK, &got)
			ids := []int64{}
			for _, r := range got.Remittances {
				ids = append(ids, r.ID)
			}
			return ids
		}
		for _, tc := range []struct {
			name, query string
			want        []int64
		}{
			{"all, newest first", "", []int64{id2, id1}},
			{"trace", "?trace=CHK1", []int64{id1}},
			{"paid from", "?paid_from=2026-02-05", []int64{id2}},
			{"paid range", "?paid_from=2026-02-01&paid_to=2026-02-05", []int64{id1}},
			{"posted on the test day", "?posted_from=2026-01-05&posted_to=2026-01-05", []int64{id2, id1}},
			{"posted later", "?posted_from=2026-01-06", []int64{}},
			{"payer", "?payer_id=999999", []int64{}},
			{"page by key", "?limit=1&before=" + strconv.FormatInt(id2, 10), []int64{id1}},
			{"page by offset", "?limit=1&offset=1", []int64{id1}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if diff := cmp.Diff(tc.want, list(t, e.admin, tc.query)); diff != "" {
					t.Errorf("ids mismatch (-want +got):\n%s", diff)
				}
			})
		}
		var page struct{ Remittances []*remit.RemittanceSummary }
		e.request(t, "GET", "/api/v1/remittances?trace=CHK2", e.admin, "").decode(t, http.StatusOK, &page)
		if r := page.Remittances[0]; r.Trace != "CHK2" || r.PayerName != "Acme Health" || r.Amount != rcm.MustParseMoney("40") ||
			r.Claims != 1 || r.Posted != 0 || r.Exceptions != 1 || r.OpenExceptions != 1 || r.PaidOn != rcm.MustParseDate("2026-02-10") {
			t.Errorf("summary: %+v", r)
		}

		// Coders and auditors read the history; signed out, no one does.
		for _, token := range []string{coder, auditor} {
			if diff := cmp.Diff([]int64{id2, id1}, list(t, token, "")); diff != "" {
				t.Errorf("read by role mismatch (-want +got):\n%s", diff)
			}
		}
		e.request(t, "GET", "/api/v1/remittances", "", "").wantError(t, http.StatusUnauthorized, rcm.EUNAUTHORIZED, "Authorization")
		e.request(t, "GET", fmt.Sprintf("/api/v1/remittances/%d", id1), "", "").wantError(t, http.StatusUnauthorized, rcm.EUNAUTHORIZED, "Authorization")

		for _, tc := range []struct{ query, field string }{
			{"?paid_from=2026-13-01", "paid_from"},
			{"?posted_to=yesterday", "posted_to"},
			{"?paid_from=2026-02-10&paid_to=2026-02-01", "paid_to"},
			{"?payer_id=-1", "payer_id"},
			{"?before=x", "before"},
			{"?limit=0", "limit"},
			{"?limit=1001", "limit"},
			{"?trace=" + strings.Repeat("9", remit.MaxTraceLen+1), "trace"},
			{"?trace=A&trace=B", "trace"},
			{"?payer=1", "payer"},
		} {
			e.request(t, "GET", "/api/v1/remittances"+tc.query, e.admin, "").wantError(t, http.StatusBadRequest, rcm.EINVALID, tc.field)
		}

		var d remit.RemittanceDetail
		e.request(t, "GET", fmt.Sprintf("/api/v1/remittances/%d", id1), auditor, "").decode(t, http.StatusOK, &d)
		if d.Summary.ID != id1 || d.Summary.Trace != "CHK1" || len(d.ClaimPayments) != 1 || d.ClaimPayments[0].ControlNumber != "NOT-OURS-1" ||
			d.ClaimPayments[0].Outcome != remit.OutcomeException || len(d.Exceptions) != 1 || d.Exceptions[0].Resolution != nil {
			t.Errorf("detail: %+v", d)
		}
		e.request(t, "GET", "/api/v1/remittances/999999", e.admin, "").wantError(t, http.StatusNotFound, rcm.ENOTFOUND, "")
		e.request(t, "GET", "/api/v1/remittances/abc", e.admin, "").wantError(t, http.StatusBadRequest, rcm.EINVALID, "id")
		e.request(t, "GET", fmt.Sprintf("/api/v1/remittances/%d?x=1", id1), e.admin, "").wantError(t, http.StatusBadRequest, rcm.EINVALID, "x")
	})
}

func TestResolveExceptionRoute(t *testing.T) {
	remitEachDialect(t, func(t *testing.T, e *testEnv, posted []*remit.Result) {
		biller, bu := e.user(t, rcm.RoleBiller)
		coder, _ := e.user(t, rcm.RoleCoder)
		auditor, _ := e.user(t, rcm.RoleAuditor)
		queue := func(t *testing.T, token, query string) []*remit.Exception {
			t.Helper()
			var got struct{ Exceptions []*remit.Exception }
			e.request(t, "GET", "/api/v1/remittance-exceptions"+query, token, "").decode(t, http.StatusOK, &got)
			return got.Exceptions
		}
		open := queue(t, coder, "")
		if len(open) != 2 || len(queue(t, auditor, "?status=resolved")) != 0 || len(queue(t, e.admin, "?status=all")) != 2 {
			t.Fatalf("queue before: %+v", open)
		}
		e.request(t, "GET", "/api/v1/remittance-exceptions?status=closed", e.admin, "").wantError(t, http.StatusBadRequest, rcm.EINVALID, "status")
		e.request(t, "GET", "/api/v1/remittance-exceptions?limit=0", e.admin, "").wantError(t, http.StatusBadRequest, rcm.EINVALID, "limit")

		path := fmt.Sprintf("/api/v1/remittance-exceptions/%d/resolve", open[0].ID)
		good := `{"kind":"not_ours","note":"Another practice's claim; told the payer."}`
		for _, tc := range []struct {
			name, path, token, body string
			hdr                     []string
			status                  int
			code, field             string
		}{
			{"signed out", path, "", good, nil, 401, rcm.EUNAUTHORIZED, "Authorization"},
			{"coder", path, coder, good, nil, 403, rcm.EFORBIDDEN, ""},
			{"auditor", path, auditor, good, nil, 403, rcm.EFORBIDDEN, ""},
			{"unknown kind", path, biller, `{"kind":"lost","note":"x"}`, nil, 400, rcm.EINVALID, "kind"},
			{"no kind", path, biller, `{"note":"x"}`, nil, 400, rcm.EINVALID, "kind"},
			{"empty note", path, biller, `{"kind":"other","note":""}`, nil, 400, rcm.EINVALID, "note"},
			{"no note", path, biller, `{"kind":"other"}`, nil, 400, rcm.EINVALID, "note"},
			{"oversized note", path, biller, `{"kind":"other","note":"` + strings.Repeat("x", remit.MaxResolutionNote+1) + `"}`, nil, 400, rcm.EINVALID, "note"},
			{"note not text", path, biller, `{"kind":"other","note":5}`, nil, 400, rcm.EINVALID, "note"},
			{"unknown field", path, biller, `{"kind":"other","note":"x","by":1}`, nil, 400, rcm.EINVALID, "by"},
			{"two values", path, biller, good + good, nil, 400, rcm.EINVALID, ""},
			{"not JSON", path, biller, good, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type", "Content-Type"},
			{"query", path + "?force=1", biller, good, nil, 400, rcm.EINVALID, "force"},
			{"bad id", "/api/v1/remittance-exceptions/x/resolve", biller, good, nil, 400, rcm.EINVALID, "id"},
			{"no such exception", "/api/v1/remittance-exceptions/999999/resolve", biller, good, nil, 404, rcm.ENOTFOUND, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e.request(t, "POST", tc.path, tc.token, tc.body, tc.hdr...).wantError(t, tc.status, tc.code, tc.field)
			})
		}
		if got := queue(t, e.admin, "?status=resolved"); len(got) != 0 {
			t.Fatalf("refused requests resolved: %+v", got)
		}

		var x remit.Exception
		e.request(t, "POST", path, biller, good).decode(t, http.StatusOK, &x)
		if x.ID != open[0].ID || x.Resolution == nil || x.Resolution.Kind != remit.ResolvedNotOurs || x.Resolution.UserID != bu.ID ||
			x.Resolution.UserName != bu.Name || x.Resolution.Note != "Another practice's claim; told the payer." {
			t.Errorf("resolved: %+v %+v", x, x.Resolution)
		}
		e.request(t, "POST", path, biller, `{"kind":"other","note":"again"}`).wantError(t, http.StatusConflict, rcm.ECONFLICT, "")
		e.request(t, "POST", path, e.admin, good).wantError(t, http.StatusConflict, rcm.ECONFLICT, "")

		if got := queue(t, coder, ""); len(got) != 1 || got[0].ID != open[1].ID {
			t.Errorf("open after resolving: %+v", got)
		}
		resolved := queue(t, coder, "?status=resolved")
		if diff := cmp.Diff([]*remit.Exception{&x}, resolved); diff != "" {
			t.Errorf("resolved queue mismatch (-want +got):\n%s", diff)
		}
		var hist struct{ Remittances []*remit.RemittanceSummary }
		e.request(t, "GET", fmt.Sprintf("/api/v1/remittances?trace=%s", posted[0].Trace), coder, "").decode(t, http.StatusOK, &hist)
		if r := hist.Remittances[0]; r.Exceptions != 1 || r.OpenExceptions != 0 {
			t.Errorf("history after resolving: %+v", r)
		}

		var audit struct{ Events []*rcm.AuditEvent }
		e.request(t, "GET", "/api/v1/audit?limit=1000", e.admin, "").decode(t, http.StatusOK, &audit)
		updates := 0
		for _, ev := range audit.Events {
			if ev.Action == rcm.AuditUpdate && ev.Entity == "remit_exception" {
				updates++
				if ev.EntityID != x.ID || ev.UserID != bu.ID {
					t.Errorf("resolution audit event: %+v", ev)
				}
			}
		}
		if updates != 1 {
			t.Errorf("%d resolution audit events, want 1", updates)
		}
	})
}

// TestApplyUnappliedRoute: the route that applies unapplied money is for
// billers only, reads a strict body and refuses a claim line that does not
// exist, changing nothing (the money itself: sqldb's TestApplyUnapplied).
func TestApplyUnappliedRoute(t *testing.T) {
	remitEachDialect(t, func(t *testing.T, e *testEnv, posted []*remit.Result) {
		biller, _ := e.user(t, rcm.RoleBiller)
		coder, _ := e.user(t, rcm.RoleCoder)
		var q struct{ Exceptions []*remit.Exception }
		e.request(t, "GET", "/api/v1/remittance-exceptions", biller, "").decode(t, http.StatusOK, &q)
		path := fmt.Sprintf("/api/v1/remittance-exceptions/%d/apply", q.Exceptions[0].ID)
		good := `{"claim_id":999999,"line":1,"amount":"5.00","key":"apply-route-1"}`
		e.request(t, "POST", path, coder, good).wantError(t, http.StatusForbidden, rcm.EFORBIDDEN, "")
		e.request(t, "POST", path, biller, `{"claim_id":1,"line":1,"amount":"5.00"}`).wantError(t, http.StatusBadRequest, rcm.EINVALID, "key")
		e.request(t, "POST", path, biller, good).wantError(t, http.StatusNotFound, rcm.ENOTFOUND, "line")
		e.request(t, "GET", "/api/v1/remittance-exceptions", biller, "").decode(t, http.StatusOK, &q)
		if len(q.Exceptions) != 2 || q.Exceptions[0].Applied != 0 {
			t.Errorf("refused applications changed the queue: %+v", q.Exceptions)
		}
	})
}
