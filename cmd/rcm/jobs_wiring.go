package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/metrics"
	"github.com/openrcm/openrcm/sqldb"
)

// The kinds of job this binary knows. Adding one is an args type with a
// Kind method (and Organization, for scheduled work) and one line in
// jobKinds.

// pollArgs is the scheduled clearinghouse poll of one organization.
type pollArgs struct {
	OrgID int64 `json:"org_id"`
}

func (pollArgs) Kind() string          { return "clearinghouse_poll" }
func (a pollArgs) Organization() int64 { return a.OrgID }

// jobKinds returns every kind of job, wired to db.
func jobKinds(db *sqldb.DB, logger *slog.Logger) []jobs.Kind {
	return []jobs.Kind{
		jobs.Scheduled("Clearinghouse poll: read and apply 999, 277CA, 835 and 271 files", 15*time.Minute,
			func(org int64) pollArgs { return pollArgs{OrgID: org} },
			func(ctx context.Context, a pollArgs) error { return scheduledPoll(ctx, db, logger, a.OrgID) }),
	}
}

// scheduledPoll applies what waits at the organization's clearinghouse;
// an organization with no clearinghouse set has nothing to poll.
func scheduledPoll(ctx context.Context, db *sqldb.DB, logger *slog.Logger, org int64) error {
	set, err := db.FindClearinghouse(ctx)
	if rcm.ErrorCode(err) == rcm.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	lines, err := pollResponses(ctx, db, set)
	// File names and counts only: the details name patients' claims.
	logger.Info("scheduled clearinghouse poll", "org_id", org, "lines", len(lines))
	return err
}

// queueOptions says how a process runs the job queue.
type queueOptions struct {
	work    bool
	workers int
	tick    time.Duration
	poll    time.Duration
}

// openQueue migrates River's tables and makes the process's queue, started
// when it works jobs. The caller stops it.
func openQueue(ctx context.Context, db *sqldb.DB, logger *slog.Logger, m *metrics.Set, o queueOptions) (*jobs.Queue, error) {
	if err := jobs.Migrate(ctx, db.SQL(), db.Dialect()); err != nil {
		return nil, err
	}
	cfg := jobs.Config{DB: db.SQL(), Dialect: db.Dialect(), Kinds: jobKinds(db, logger), Work: o.work,
		Workers: o.workers, Tick: o.tick, Poll: o.poll, Logger: logger}
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
