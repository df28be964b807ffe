package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/ui"
)

// The admin's Jobs screen: the schedule of each scheduled kind, set in
// minutes (saving queues a run), the jobs with their state, cancel and
// retry; other roles are refused, and a bad period changes nothing.
func TestJobsScreen(t *testing.T) {
	f := newFixtureWith(t, fixtureOptions{jobs: func(db *sqldb.DB) ui.JobDesk {
		if err := jobs.Migrate(context.Background(), db.SQL(), db.Dialect()); err != nil {
			t.Fatal(err)
		}
		q, err := jobs.New(jobs.Config{DB: db.SQL(), Dialect: db.Dialect(), Kinds: []jobs.Kind{jobs.ClearinghousePoll(db, nil, nil)}})
		if err != nil {
			t.Fatal(err)
		}
		return jobs.Desk{Queue: q, Store: db}
	}})
	admin := f.browser(t)
	admin.login(f.admin)
	status, body, _ := admin.get("/jobs")
	if status != http.StatusOK || !strings.Contains(body, "every 15 minutes (default)") || !strings.Contains(body, "No jobs yet.") {
		t.Fatalf("GET /jobs: %d\n%s", status, body)
	}
	if status, body, _ := admin.action("/jobs/schedule", url.Values{"kind": {"clearinghouse_poll"}, "minutes": {"0"}, "enabled": {"on"}}); status != http.StatusBadRequest || !strings.Contains(body, "whole minutes") {
		t.Errorf("0 minutes: %d\n%s", status, body)
	}
	if status, _, _ := admin.action("/jobs/schedule", url.Values{"kind": {"clearinghouse_poll"}, "minutes": {"60"}, "enabled": {"on"}}); status != http.StatusSeeOther {
		t.Fatalf("save schedule: %d", status)
	}
	_, body, _ = admin.get("/jobs")
	if !strings.Contains(body, "every 60 minutes</td>") || !strings.Contains(body, "<td>available</td>") {
		t.Fatalf("after saving:\n%s", body)
	}
	id := regexp.MustCompile(`name="job" value="(\d+)"`).FindStringSubmatch(body)
	if id == nil {
		t.Fatalf("no job to cancel:\n%s", body)
	}
	if status, _, _ := admin.action("/jobs/cancel", url.Values{"job": {id[1]}}); status != http.StatusSeeOther {
		t.Fatalf("cancel: %d", status)
	}
	if _, body, _ = admin.get("/jobs"); !strings.Contains(body, "<td>cancelled</td>") || !strings.Contains(body, "Retry now") {
		t.Fatalf("after cancel:\n%s", body)
	}
	if status, _, _ := admin.action("/jobs/retry", url.Values{"job": {id[1]}}); status != http.StatusSeeOther {
		t.Fatalf("retry: %d", status)
	}
	if _, body, _ = admin.get("/jobs"); !strings.Contains(body, "<td>available</td>") {
		t.Fatalf("after retry:\n%s", body)
	}
	if status, _, _ := admin.action("/jobs/cancel", url.Values{"job": {"999"}}); status != http.StatusNotFound {
		t.Errorf("cancel an unknown job: %d, want 404", status)
	}
	biller := f.browser(t)
	biller.login("bill.biller")
	if status, _, _ := biller.get("/jobs"); status != http.StatusForbidden {
		t.Errorf("biller GET /jobs: %d, want 403", status)
	}
	if status, _, _ := biller.action("/jobs/cancel", url.Values{"job": {id[1]}}); status != http.StatusForbidden {
		t.Errorf("biller cancels: %d, want 403", status)
	}
}
