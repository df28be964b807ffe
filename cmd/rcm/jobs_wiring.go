package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/inbox"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/metrics"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/statement/mailing"
)

// jobKinds returns every kind of job this binary knows, wired to db.
// Adding one is an args type with a Kind method (and Organization, for
// scheduled work) and one line here.
func jobKinds(db *sqldb.DB, logger *slog.Logger) []jobs.Kind {
	return []jobs.Kind{
		jobs.ClearinghousePoll(db, openTransport, func(ctx context.Context, org int64, files []inbox.File) {
			// Counts only: the files' details name patients' claims.
			applied := 0
			for _, f := range files {
				if f.Applied {
					applied++
				}
			}
			logger.InfoContext(ctx, "scheduled clearinghouse poll", "org_id", org, "files", len(files), "applied", applied)
		}),
		jobs.ClaimStatusInquiry(db, openTransport, jobs.StatusAge, db.Clock.Now, func(ctx context.Context, org int64, b *claimstatus.Batch, repeated bool) {
			logger.InfoContext(ctx, "scheduled claim status inquiry", "org_id", org, "file", b.FileName, "claims", len(b.Checks), "repeated", repeated)
		}),
		jobs.EligibilityChecks(db, openTransport, jobs.DefaultEligibilityWindow, db.Clock.Now, func(ctx context.Context, org int64, file string, n int) {
			logger.InfoContext(ctx, "scheduled eligibility checks", "org_id", org, "file", file, "coverages", n)
		}),
		jobs.Reminders(db, db.Clock.Now, func(ctx context.Context, org int64, marked int) {
			logger.InfoContext(ctx, "scheduled reminders", "org_id", org, "due_now", marked)
		}),
		jobs.StatementRun(db, jobs.StatementCycle, db.Clock.Now, statementWords(db), func(ctx context.Context, org int64, run *mailing.Run, added []*mailing.Statement) {
			// Counts only: the statements name patients.
			if run != nil {
				logger.InfoContext(ctx, "scheduled statement run", "org_id", org, "run", run.ID, "statements", len(added))
			}
		}),
	}
}

// queueOptions says how a process runs the job queue.
type queueOptions struct {
	work    bool
	workers int
	tick    time.Duration
	poll    time.Duration
	timeout time.Duration
}

// openQueue migrates River's tables and makes the process's queue, started
// when it works jobs. The caller stops it.
func openQueue(ctx context.Context, db *sqldb.DB, logger *slog.Logger, m *metrics.Set, o queueOptions) (*jobs.Queue, error) {
	if err := jobs.Migrate(ctx, db.SQL(), db.Dialect()); err != nil {
		return nil, err
	}
	cfg := jobs.Config{DB: db.SQL(), Dialect: db.Dialect(), Kinds: jobKinds(db, logger), Work: o.work,
		Workers: o.workers, Tick: o.tick, Poll: o.poll, JobTimeout: o.timeout, Logger: logger}
	if o.work {
		cfg.Schedules = db
	}
	if m != nil {
		cfg.Observer = m
	}
	q, err := jobs.New(cfg)
	if err != nil {
		return nil, err
	}
	if err := q.Start(ctx); err != nil {
		return nil, fmt.Errorf("start job queue: %w", err)
	}
	return q, nil
}

// newMetrics makes the process's metrics on db.
func newMetrics(db *sqldb.DB) *metrics.Set { return metrics.New(db.SQL(), db.Totals) }
