package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"

	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/codeset"
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
	kinds := []jobs.Kind{
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
		jobs.CatalogueImport(db, catalogueStore{db}, logger),
		jobs.StatementRun(db, jobs.StatementCycle, db.Clock.Now, statementWords(db), func(ctx context.Context, org int64, run *mailing.Run, added []*mailing.Statement) {
			// Counts only: the statements name patients.
			if run != nil {
				logger.InfoContext(ctx, "scheduled statement run", "org_id", org, "run", run.ID, "statements", len(added))
			}
		}),
	}
	codes := &jobCatalog{db: db, logger: logger}
	return append(kinds, jobs.ClaimPipeline(jobs.Pipeline{Store: db, Open: openTransport, Scrubber: codes.Scrubber,
		Eligibility: eligibilityBatch(db), Now: db.Clock.Now,
		Done: func(ctx context.Context, a jobs.PipelineBlockArgs, r jobs.PipelineResult) {
			logger.InfoContext(ctx, "claim pipeline block", "org_id", a.OrgID, "first", a.First, "last", a.Last, "built", r.Built,
				"unbillable", r.Unbillable, "scrubbed", r.Scrubbed, "ready", r.Ready, "submitted", r.Submitted, "files", r.Files)
		}})...)
}

// jobCatalog is a worker's code-set catalogue and NCCI tables, loaded by
// the first claim pipeline job that scrubs and reloaded when a release
// changes (the version is checked at each use), so a worker that never
// scrubs never loads them.
type jobCatalog struct {
	db     *sqldb.DB
	logger *slog.Logger
	mu     sync.Mutex
	live   *liveCatalog
}

// Scrubber returns an organization's scrubber from the loaded catalogue.
func (c *jobCatalog) Scrubber(ctx context.Context, today rcm.Date, org int64) (*claim.Scrubber, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live == nil {
		live, err := newLiveCatalog(ctx, c.db, c.logger)
		if err != nil {
			return nil, err
		}
		c.live = live
	} else if _, err := c.live.reload(ctx, c.live.cur.Load().version); err != nil {
		return nil, err
	}
	return c.live.Scrubber(ctx, today, org)
}

// catalogueStore is where an import job stores releases: the code sets and
// the NCCI tables of db. Every server sees them at its next catalogue
// reload (liveCatalog).
type catalogueStore struct{ *sqldb.DB }

func (c catalogueStore) SaveReleaseCounting(ctx context.Context, r *codeset.Release, stored func(rows int)) error {
	return c.CodeSets().SaveReleaseCounting(ctx, r, stored)
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
		Workers: o.workers, Tick: o.tick, Poll: o.poll, JobTimeout: o.timeout, Logger: logger, Progress: db}
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
