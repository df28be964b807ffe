package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// rcm edits import --enqueue --wait queues the file's import for a worker
// and follows it to its end; rcm jobs list shows what it imported
// (issue 15).
func TestEditsImportEnqueueWait(t *testing.T) {
	path := filepath.Join(t.TempDir(), "import.db")
	ctx := context.Background()
	db, err := sqldb.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sqldbtest.Org(t, db, "Org Imports")
	q, err := openQueue(ctx, db, slog.New(slog.DiscardHandler), nil, queueOptions{work: true, poll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		q.Stop(sctx)
	}()
	file := filepath.Join(t.TempDir(), "ptp_practitioner_2024q3.csv")
	ptp := `"column_1","column_2","deletion_date","modifier_indicator","ptp_edit_rationale"
"11042","0183T","*",1,"More extensive procedure"
"11042","0213T","*",0,"Misuse of Column Two code with Column One code"
`
	if err := os.WriteFile(file, []byte(ptp), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := rcmRun(t, "", "edits", "import", "--db", path, "--wait", file); code != 2 || !strings.Contains(errOut, "give --enqueue too") {
		t.Errorf("--wait alone: %d %q", code, errOut)
	}
	code, out, errOut := rcmRun(t, "", "edits", "import", "--db", path, "--enqueue", "--wait", file)
	if code != 0 || !strings.Contains(out, "job 1 queued: import of ptp_practitioner_2024q3.csv") ||
		!strings.Contains(out, "job 1: ptp_practitioner_2024q3.csv: PTP practitioner, 2 rows: imported") {
		t.Fatalf("enqueue and wait: %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := rcmRun(t, "", "jobs", "list", "--db", path); code != 0 || !strings.Contains(out, "completed") || !strings.Contains(out, "PTP practitioner, 2 rows: imported") {
		t.Errorf("jobs list: %d\n%s", code, out)
	}
	if rels, err := db.NCCIReleases(ctx); err != nil || len(rels) != 1 {
		t.Errorf("releases: %d, %v", len(rels), err)
	}
}
