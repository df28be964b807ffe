package jobs

import (
	"context"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/statement"
	"github.com/openrcm/openrcm/statement/mailing"
)

// StatementArgs is the scheduled statement run of one organization.
type StatementArgs struct {
	OrgID int64 `json:"org_id"`
}

// Kind implements river.JobArgs.
func (StatementArgs) Kind() string { return "statement_run" }

// Organization implements OrgArgs.
func (a StatementArgs) Organization() int64 { return a.OrgID }

// StatementCycle is how long after a patient's last statement the
// scheduled run sends the next by default (mailing.Cycle, 30 days).
const StatementCycle = mailing.Cycle

// StatementRun is the scheduled statement run: once a day by default,
// each organization's patients with a balance due, no statement within
// cycle and no hold get one statement (mailing.RunStatements), stored with
// its PDF and listed for mailing. River keeps the job unique per period;
// the database keeps one run per organization and day and one statement
// per patient in it, so a retry after a failure adds only what is missing.
// describe, when set, gives the codes their words for an organization;
// done, when set, is told each run and the statements it added (a nil run
// when nobody was due).
func StatementRun(st mailing.Store, cycle time.Duration, now func() time.Time, describe func(ctx context.Context, org int64) statement.Describer,
	done func(ctx context.Context, org int64, run *mailing.Run, added []*mailing.Statement)) Kind {
	if cycle <= 0 {
		cycle = StatementCycle
	}
	return Scheduled("Statement run: a statement for every patient with a balance due and none in the last "+days(cycle), 24*time.Hour,
		func(org int64) StatementArgs { return StatementArgs{OrgID: org} },
		func(ctx context.Context, a StatementArgs) error {
			o := mailing.Options{Cycle: cycle}
			if describe != nil {
				o.Describe = func(ctx context.Context) statement.Describer { return describe(ctx, a.OrgID) }
			}
			run, added, err := mailing.RunStatements(ctx, st, rcm.DateOf(now()), o)
			if err == nil && done != nil {
				done(ctx, a.OrgID, run, added)
			}
			return err
		})
}
