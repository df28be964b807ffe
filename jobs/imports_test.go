package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// recording is the store with every progress save kept, to check what the
// job saved along the way.
type recording struct {
	*sqldb.DB
	mu    sync.Mutex
	saved []rcm.JobProgress
}

func (r *recording) SaveJobProgress(ctx context.Context, p rcm.JobProgress) error {
	r.mu.Lock()
	r.saved = append(r.saved, p)
	r.mu.Unlock()
	return r.DB.SaveJobProgress(ctx, p)
}

func (r *recording) SaveReleaseCounting(ctx context.Context, rel *codeset.Release, stored func(int)) error {
	return r.CodeSets().SaveReleaseCounting(ctx, rel, stored)
}

// waitJob waits for a job to finish and returns it.
func waitJob(t *testing.T, ctx context.Context, q *jobs.Queue, id int64) jobs.Job {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		j, err := q.FindJob(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.FinishedAt != nil || j.State == "retryable" || time.Now().After(deadline) {
			return j
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func orderFile(lines ...string) []byte {
	var b strings.Builder
	for i, l := range lines {
		code, desc, _ := strings.Cut(l, " ")
		fmt.Fprintf(&b, "%05d %-7s 1 %-60s %s\n", i+1, code, desc, desc)
	}
	return []byte(b.String())
}

// An import runs as a job on a worker: it records its progress, climbing
// to the whole file, and what it imported, and deletes the upload; a
// malformed file fails the job at once with the bad lines as its error and
// imports nothing; only an administrator imports (issue 15).
func TestCatalogueImportJob(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := open(t, dialect)
			ctx, org := sqldbtest.Org(t, db, "Org A")
			store := &recording{DB: db}
			q, err := jobs.New(jobs.Config{DB: db.SQL(), Dialect: db.Dialect(), Kinds: []jobs.Kind{jobs.CatalogueImport(store, store, nil)},
				Work: true, Poll: 50 * time.Millisecond, Progress: db})
			if err != nil {
				t.Fatal(err)
			}
			if err := q.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				q.Stop(sctx)
			})

			var ptp strings.Builder
			ptp.WriteString(`"column_1","column_2","deletion_date","modifier_indicator","ptp_edit_rationale"` + "\n")
			const rows = 500
			for i := range rows {
				fmt.Fprintf(&ptp, "\"%05d\",\"%05d\",\"*\",1,\"More extensive procedure\"\n", 10000+i/10, 20000+i)
			}
			id, err := jobs.EnqueueImport(ctx, q, store, jobs.ImportRequest{What: jobs.ImportEdits, FileName: `C:\downloads\ptp_practitioner_2024q3.csv`, Data: []byte(ptp.String())})
			if err != nil {
				t.Fatal(err)
			}
			j := waitJob(t, ctx, q, id)
			if j.State != "completed" || j.Progress == nil || j.File != "ptp_practitioner_2024q3.csv" {
				t.Fatalf("job %+v, progress %+v", j, j.Progress)
			}
			if p := j.Progress; p.Result != fmt.Sprintf("PTP practitioner, %d rows: imported", rows) || p.Rows != rows || p.Percent() != 100 {
				t.Errorf("progress %+v", p)
			}
			if rels, err := db.NCCIReleases(ctx); err != nil || len(rels) != 1 || rels[0].Rows() != rows {
				t.Errorf("NCCI releases after the job: %v, %v", rels, err)
			}
			store.mu.Lock()
			saved := store.saved
			store.mu.Unlock()
			var readDone int64
			for i, p := range saved {
				if i > 0 && p.Phase == saved[i-1].Phase && (p.Done < saved[i-1].Done || p.Rows < saved[i-1].Rows) {
					t.Errorf("progress went back: %+v after %+v", p, saved[i-1])
				}
				if p.Phase == "read" {
					readDone = p.Done
				}
			}
			if readDone != int64(ptp.Len()) || len(saved) < 3 {
				t.Errorf("saved %d reports, the read phase reaching %d of %d bytes: %+v", len(saved), readDone, ptp.Len(), saved)
			}
			if _, err := db.FindImportUpload(ctx, 1); rcm.ErrorCode(err) != rcm.ENOTFOUND {
				t.Errorf("the upload is kept after its import: %v", err)
			}

			// A code set, and a malformed one that changes nothing.
			good := orderFile("I10 Essential (primary) hypertension", "E119 Type 2 diabetes mellitus without complications")
			id, err = jobs.EnqueueImport(ctx, q, store, jobs.ImportRequest{What: jobs.ImportCodes, FileName: "icd10cm_order_2025.txt", Data: good})
			if err != nil {
				t.Fatal(err)
			}
			if j := waitJob(t, ctx, q, id); j.State != "completed" || j.Progress == nil || !strings.Contains(j.Progress.Result, "icd10cm FY2025 (effective 2024-10-01): 2 codes") {
				t.Fatalf("code set job %+v: %+v", j, j.Progress)
			}
			bad := append(orderFile("I10 Essential (primary) hypertension"), "00002 XX    1 bad\n"...)
			id, err = jobs.EnqueueImport(ctx, q, store, jobs.ImportRequest{What: jobs.ImportCodes, FileName: "icd10cm_order_2026.txt", Data: bad})
			if err != nil {
				t.Fatal(err)
			}
			j = waitJob(t, ctx, q, id)
			if j.State != "cancelled" || j.Attempt != 1 || !strings.Contains(j.Error, "1 malformed lines, nothing imported") || !strings.Contains(j.Error, "icd10cm_order_2026.txt:2:") {
				t.Errorf("malformed file's job: %+v", j)
			}
			rels, err := db.CodeSets().Releases(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rels {
				if r.Version == "FY2026" {
					t.Errorf("the malformed file imported %s %s", r.System, r.Version)
				}
			}

			biller := rcm.NewContextWithActor(context.Background(), rcm.Actor{OrgID: org.ID, Role: rcm.RoleBiller, UserID: 1})
			if _, err := jobs.EnqueueImport(biller, q, store, jobs.ImportRequest{What: jobs.ImportCodes, FileName: "x.txt", Data: good}); err == nil {
				t.Error("a biller enqueued an import")
			}
			for _, req := range []jobs.ImportRequest{
				{What: "payers", FileName: "x.txt", Data: good},
				{What: jobs.ImportCodes, FileName: "../", Data: good},
				{What: jobs.ImportCodes, FileName: "x.txt"},
				{What: jobs.ImportEdits, FileName: "x.txt", Data: good, Setting: "nursing_home"},
				{What: jobs.ImportCodes, FileName: "x.txt", Data: good, Effective: "October"},
			} {
				if _, err := jobs.EnqueueImport(ctx, q, store, req); rcm.ErrorCode(err) != rcm.EINVALID {
					t.Errorf("%s %q (setting %q, effective %q, %d bytes): %v, want EINVALID", req.What, req.FileName, req.Setting, req.Effective, len(req.Data), err)
				}
			}

			// Once the database serves a second organization, an
			// organization's admin may no longer replace, from the
			// workbench, the public sets every organization sees; the
			// organization's own CPT file is still taken.
			desk := jobs.Desk{Queue: q, Store: db, Imports: store}
			if _, err := desk.EnqueueImport(ctx, jobs.ImportRequest{What: jobs.ImportCodes, FileName: "icd10cm_order_2025.txt", Data: good}); err != nil {
				t.Fatalf("one organization's admin importing a public code set: %v", err)
			}
			sqldbtest.Org(t, db, "Org B")
			for _, req := range []jobs.ImportRequest{
				{What: jobs.ImportCodes, FileName: "icd10cm_order_2025.txt", Data: good},
				{What: jobs.ImportEdits, FileName: "ptp.csv", Data: []byte(ptp.String())},
			} {
				if _, err := desk.EnqueueImport(ctx, req); rcm.ErrorCode(err) != rcm.EFORBIDDEN || !strings.Contains(err.Error(), "serve all 2 organizations") {
					t.Errorf("%s %s with two organizations: %v, want EFORBIDDEN", req.What, req.FileName, err)
				}
			}
			cpt := []byte("code,description\n99213,Office visit\n")
			if _, err := desk.EnqueueImport(ctx, jobs.ImportRequest{What: jobs.ImportCodes, FileName: "cpt.csv", Data: cpt}); err != nil {
				t.Errorf("the organization's own CPT file with two organizations: %v", err)
			}
		})
	}
}
