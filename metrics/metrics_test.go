package metrics

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, s *Set) string {
	t.Helper()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestSet(t *testing.T) {
	reads := 0
	s := New(nil, func(context.Context) (int64, int64, error) { reads++; return 7, 3, nil })
	s.ObserveRequest("GET", "GET /api/v1/patients/{id}", 200, 3*time.Millisecond)
	s.ObserveRequest("GET", "", 404, time.Millisecond)
	s.JobDone("clearinghouse_poll", time.Second, nil)
	s.JobDone("clearinghouse_poll", time.Second, errors.New("transport down"))
	out := scrape(t, s)
	for _, want := range []string{
		`rcm_http_requests_total{code="200",method="GET",route="GET /api/v1/patients/{id}"} 1`,
		`rcm_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`rcm_http_request_duration_seconds_count{method="GET",route="GET /api/v1/patients/{id}"} 1`,
		`rcm_jobs_total{kind="clearinghouse_poll",result="ok"} 1`,
		`rcm_jobs_total{kind="clearinghouse_poll",result="failed"} 1`,
		`rcm_job_failures_total{kind="clearinghouse_poll"} 1`,
		`rcm_claim_payments_posted 7`,
		`rcm_claims_submitted 3`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// A second scrape within the time to live does not count the tables
	// again.
	scrape(t, s)
	if reads != 1 {
		t.Errorf("totals read %d times in two scrapes, want 1", reads)
	}
}
