package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/ui"
)

// importDesk is a job desk that takes imports and shows their progress; no
// worker runs here, so a job stays queued and the test sets its progress
// as a worker would.
func importDesk(t *testing.T) func(db *sqldb.DB) ui.JobDesk {
	return func(db *sqldb.DB) ui.JobDesk {
		if err := jobs.Migrate(context.Background(), db.SQL(), db.Dialect()); err != nil {
			t.Fatal(err)
		}
		q, err := jobs.New(jobs.Config{DB: db.SQL(), Dialect: db.Dialect(), Progress: db,
			Kinds: []jobs.Kind{jobs.ClearinghousePoll(db, nil, nil), jobs.CatalogueImport(db, nil, nil)}})
		if err != nil {
			t.Fatal(err)
		}
		return jobs.Desk{Queue: q, Store: db, Imports: db}
	}
}

// An admin uploads an NCCI table on the imports screen; the import is
// queued as a job whose page and the Jobs screen show its file and, as
// the worker saves it, its progress and then what it imported. A bad
// request changes nothing, and only an admin imports (issue 15).
func TestImportScreens(t *testing.T) {
	f := newFixtureWith(t, fixtureOptions{jobs: importDesk(t)})
	admin := f.browser(t)
	admin.login(f.admin)
	if status, body, _ := admin.get("/imports"); status != http.StatusOK || !strings.Contains(body, "No imports yet.") || !strings.Contains(body, `name="file" type="file"`) {
		t.Fatalf("GET /imports: %d\n%s", status, body)
	}
	if status, body, _ := admin.uploadFileWith("/imports", url.Values{"what": {"payers"}}, "file", "x.csv", []byte("x")); status != http.StatusBadRequest || !strings.Contains(body, "Choose what to import") {
		t.Errorf("bad kind: %d\n%s", status, body)
	}
	ptp := `"column_1","column_2","deletion_date","modifier_indicator","ptp_edit_rationale"` + "\n" + `"11042","0183T","*",1,"More extensive procedure"` + "\n"
	status, _, resp := admin.uploadFileWith("/imports", url.Values{"what": {"edits"}}, "file", "../../ptp_practitioner_2024q3.csv", []byte(ptp))
	loc := resp.Header.Get("Location")
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/jobs/") {
		t.Fatalf("upload: %d to %q", status, loc)
	}
	status, body, _ := admin.get(loc)
	if status != http.StatusOK || !strings.Contains(body, "<dd>ptp_practitioner_2024q3.csv</dd>") || !strings.Contains(body, "<dd>available</dd>") || strings.Contains(body, "<progress") {
		t.Fatalf("GET %s: %d\n%s", loc, status, body)
	}
	jobs, err := f.db.FindJobProgress(f.ctx, nil)
	if err != nil || len(jobs) != 0 {
		t.Fatalf("progress before the worker: %v %v", jobs, err)
	}
	var id int64
	for _, c := range strings.TrimPrefix(loc, "/jobs/") {
		id = id*10 + int64(c-'0')
	}
	if err := f.db.SaveJobProgress(f.ctx, rcm.JobProgress{JobID: id, Phase: "read", Unit: "bytes", Done: 40, Total: 100, Rows: 12345}); err != nil {
		t.Fatal(err)
	}
	_, body, _ = admin.get(loc)
	if !strings.Contains(body, `<progress id="job-bar" max="100" value="40"`) || !strings.Contains(body, "reading the file: 40% (0.0 of 0.0 MB), 12,345 rows") {
		t.Errorf("job page with progress:\n%s", body)
	}
	_, body, _ = admin.get("/jobs")
	if !strings.Contains(body, `value="40"`) || !strings.Contains(body, "Import of a code set or NCCI edit table: ptp_practitioner_2024q3.csv") {
		t.Errorf("Jobs screen with progress:\n%s", body)
	}
	if err := f.db.SaveJobProgress(f.ctx, rcm.JobProgress{JobID: id, Phase: "store", Unit: "releases", Done: 1, Total: 1, Rows: 1, Result: "PTP practitioner, 1 rows: imported"}); err != nil {
		t.Fatal(err)
	}
	if _, body, _ = admin.get("/imports"); !strings.Contains(body, "PTP practitioner, 1 rows: imported") {
		t.Errorf("imports screen after the import:\n%s", body)
	}
	if status, _, _ := admin.get("/jobs/99999"); status != http.StatusNotFound {
		t.Errorf("unknown job: %d, want 404", status)
	}
	biller := f.browser(t)
	biller.login("bill.biller")
	if status, _, _ := biller.get("/imports"); status != http.StatusForbidden {
		t.Errorf("biller GET /imports: %d, want 403", status)
	}
	if status, _, _ := biller.get(loc); status != http.StatusForbidden {
		t.Errorf("biller GET %s: %d, want 403", loc, status)
	}
	if status, _, _ := biller.uploadFileWith("/imports", url.Values{"what": {"edits"}}, "file", "ptp.csv", []byte(ptp)); status != http.StatusForbidden {
		t.Errorf("biller uploads: %d, want 403", status)
	}
}
