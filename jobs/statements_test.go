package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/statement/mailing"
)

// The scheduled statement run: enqueued by the admin's schedule and run
// by a worker, it gives the patient who owes a statement to mail; run
// again within the cycle it sends nothing.
func TestStatementRunJob(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := open(t, dialect)
			ctx, org := sqldbtest.Org(t, db, "Org A")
			s := sqldbtest.Seed(t, ctx, db)
			e := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID, DateOfService: rcm.MustParseDate("2026-01-02"),
				PlaceOfService: "11", Diagnoses: []rcm.Diagnosis{{Code: "I10"}}, Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: 11000, Pointers: []int{1}}}}
			must(t, db.CreateEncounter(ctx, e))
			ids, err := db.FindServiceLineIDs(ctx, e.ID)
			must(t, err)
			must(t, db.PostLedger(ctx, new(ledger.Transaction).Charge(ids[0], s.Payer.ID, 11000).PayerPayment(ids[0], s.Payer.ID, 8000, "ACH").
				PatientShare(ids[0], s.Payer.ID, "2", 3000)))
			type result struct {
				run   *mailing.Run
				added int
			}
			runs := make(chan result, 4)
			q := startQueue(t, db, jobs.StatementRun(db, 0, db.Clock.Now, nil, func(ctx context.Context, o int64, run *mailing.Run, added []*mailing.Statement) {
				if o == org.ID {
					runs <- result{run, len(added)}
				}
			}))
			desk := jobs.Desk{Queue: q, Store: db}
			for _, want := range []int{1, 0} {
				if _, err := desk.SetSchedule(ctx, rcm.JobSchedule{Kind: jobs.StatementArgs{}.Kind(), Every: 24 * time.Hour, Enabled: true}); err != nil {
					t.Fatal(err)
				}
				select {
				case r := <-runs:
					if r.added != want || (want == 1 && (r.run == nil || r.run.Total != 3000)) {
						t.Errorf("statement run %+v added %d, want %d", r.run, r.added, want)
					}
				case <-time.After(30 * time.Second):
					t.Fatal("the scheduled statement run did not run")
				}
			}
			list, err := db.FindRunStatements(ctx, mailing.Filter{Unmailed: true})
			if err != nil || len(list) != 1 || list[0].PatientID != s.Patient.ID {
				t.Errorf("to mail: %+v, %v", list, err)
			}
		})
	}
}
