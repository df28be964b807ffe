package jobs_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// The scheduled 270: run by a worker on the admin's schedule, it asks
// about the coverage of the patient seen in three days (not of the visit a
// month out), in a 270 in the outbound folder; the next run sends nothing,
// the coverage having been asked about.
func TestEligibilityChecksJob(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := open(t, dialect)
			ctx, org := sqldbtest.Org(t, db, "Org A")
			s := sqldbtest.Seed(t, ctx, db)
			today := rcm.DateOf(db.Clock.Now())
			cov := &rcm.Coverage{PatientID: s.Patient.ID, PayerID: s.Payer.ID, Order: 1, MemberID: "W987654321", Relationship: "18", EffectiveFrom: today.AddDays(-400)}
			must(t, db.CreateCoverage(ctx, cov))
			for _, in := range []int{3, 30} {
				e := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID, DateOfService: today.AddDays(in),
					PlaceOfService: "11", Status: rcm.EncounterOpen}
				must(t, db.CreateEncounter(ctx, e))
			}
			root := t.TempDir()
			must(t, db.SetClearinghouse(ctx, &rcm.Clearinghouse{SubmitterID: "LAKESIDE01", SubmitterName: "Lakeside", ContactName: "Billing", ContactPhone: "2175550140",
				ReceiverID: "SANDBOXCH", ReceiverName: "Sandbox", Transport: "dir:" + root}))
			type sentFile struct {
				name string
				n    int
			}
			sent := make(chan sentFile, 4)
			q := startQueue(t, db, jobs.EligibilityChecks(db, openDir, jobs.DefaultEligibilityWindow, db.Clock.Now, func(ctx context.Context, o int64, name string, n int) {
				if o == org.ID {
					sent <- sentFile{name, n}
				}
			}))
			desk := jobs.Desk{Queue: q, Store: db}
			schedule := func() {
				if _, err := desk.SetSchedule(ctx, rcm.JobSchedule{Kind: jobs.EligibilityArgs{}.Kind(), Every: 24 * time.Hour, Enabled: true}); err != nil {
					t.Fatal(err)
				}
			}
			schedule()
			var first sentFile
			select {
			case first = <-sent:
			case <-time.After(30 * time.Second):
				t.Fatal("the scheduled 270 did not run")
			}
			if first.n != 1 {
				t.Errorf("270 %s asks about %d coverages, want 1", first.name, first.n)
			}
			data, err := os.ReadFile(filepath.Join(root, "outbound", first.name))
			must(t, err)
			if !bytes.Contains(data, []byte("ST*270*")) || !bytes.Contains(data, []byte("W987654321")) || !bytes.Contains(data, []byte(strings.ReplaceAll(today.AddDays(3).String(), "-", ""))) {
				t.Errorf("270 lacks the transaction, the member ID or the visit date:\n%s", data)
			}
			// The second run finds the coverage asked about: no file.
			schedule()
			deadline := time.Now().Add(30 * time.Second)
			for {
				list, err := q.FindJobs(ctx, 10)
				must(t, err)
				done := 0
				for _, j := range list {
					if j.State == "completed" {
						done++
					}
				}
				if done >= 2 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the second run did not complete: %+v", list)
				}
				time.Sleep(50 * time.Millisecond)
			}
			select {
			case again := <-sent:
				t.Errorf("the second run sent %s about %d coverages", again.name, again.n)
			default:
			}
		})
	}
}
