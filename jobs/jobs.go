// Package jobs runs OpenRCM's background and scheduled work on River, a
// job queue kept in the database OpenRCM already has: SQLite through
// riversqlite for the one-machine install, PostgreSQL for many processes.
// Jobs are rows in the same database as the work, so a job can be
// enqueued in the transaction of the change that causes it; River retries
// a failed job with backoff, keeps scheduled jobs unique per period, and
// elects one leader among the processes to enqueue periodic work, so a
// schedule runs once per period however many workers there are.
//
// This is the one door to the queue: rcm worker, rcm serve --worker, the
// Jobs screen and the demo all go through Queue.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// Dialects, as sqldb names them.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Schedules are the organizations and the schedules their admins set.
type Schedules interface {
	AllJobSchedules(ctx context.Context) (orgs []int64, schedules []rcm.JobSchedule, err error)
}

// Observer is told of every job worked, for metrics.
type Observer interface {
	JobDone(kind string, d time.Duration, err error)
}

// Config says what a Queue works on.
type Config struct {
	DB      *sql.DB
	Dialect string
	// Kinds are the kinds of job this process knows (Define, Scheduled).
	Kinds []Kind
	// Schedules, when set with Work, makes this process take part in
	// running the organizations' schedules.
	Schedules Schedules
	// Work makes the Queue work jobs once started; without it the Queue
	// only enqueues and lists them (a web server with no worker).
	Work bool
	// Workers is how many jobs run at once; 0 means 4.
	Workers int
	// Tick is how often the leader looks at the schedules; 0 means 30
	// seconds. It is a floor on how late a scheduled job starts.
	Tick time.Duration
	// Poll is how often an idle worker looks for jobs; 0 means River's
	// default (1 s).
	Poll time.Duration
	// JobTimeout is how long a job may run before it is cancelled and
	// retried; 0 means 10 minutes. A job whose worker died (kill -9) is
	// handed to another worker 1.5 times this long after it started.
	JobTimeout time.Duration
	Logger     *slog.Logger
	Observer   Observer
	// Progress, when set, is where jobs that report progress (imports)
	// saved it; the job lists show it.
	Progress ProgressStore
}

// Queue is the job queue of one process.
type Queue struct {
	client *river.Client[*sql.Tx]
	cfg    Config
	kinds  map[string]Kind
}

// driver returns River's driver for the dialect. PostgreSQL goes through
// database/sql too (riverdatabasesql over pgx's stdlib driver), so that a
// job is enqueued in the very *sql.Tx the storage layer commits.
func driver(db *sql.DB, dialect string) (riverdriver.Driver[*sql.Tx], error) {
	switch dialect {
	case SQLite:
		return riversqlite.New(db), nil
	case Postgres:
		return riverdatabasesql.New(db), nil
	}
	return nil, fmt.Errorf("jobs: unknown dialect %q", dialect)
}

// migrateLock is the PostgreSQL advisory lock that keeps processes
// starting together from running River's migrations at once.
const migrateLock = 0x7263_6d6a_6f62 // "rcmjob"

// Migrate brings River's own tables up to date with River's migrator.
func Migrate(ctx context.Context, db *sql.DB, dialect string) error {
	m, err := migrator(db, dialect)
	if err != nil {
		return err
	}
	if dialect == Postgres {
		conn, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
			return fmt.Errorf("lock job queue migrations: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLock)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate job queue: %w", err)
	}
	return nil
}

// Current reports an error unless River's tables are up to date, for
// /readyz.
func Current(ctx context.Context, db *sql.DB, dialect string) error {
	m, err := migrator(db, dialect)
	if err != nil {
		return err
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		return err
	}
	if !res.OK {
		return fmt.Errorf("job queue migrations pending: %v", res.Messages)
	}
	return nil
}

func migrator(db *sql.DB, dialect string) (*rivermigrate.Migrator[*sql.Tx], error) {
	drv, err := driver(db, dialect)
	if err != nil {
		return nil, err
	}
	return rivermigrate.New(drv, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
}

// New makes the Queue. River's tables must be migrated (Migrate).
func New(cfg Config) (*Queue, error) {
	drv, err := driver(cfg.DB, cfg.Dialect)
	if err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Tick == 0 {
		cfg.Tick = 30 * time.Second
	}
	if cfg.Workers == 0 {
		cfg.Workers = 4
	}
	if cfg.JobTimeout == 0 {
		// Imports and polls can take minutes.
		cfg.JobTimeout = 10 * time.Minute
	}
	q := &Queue{cfg: cfg, kinds: map[string]Kind{}}
	rc := &river.Config{
		Logger:               cfg.Logger,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.JobTimeout * 3 / 2,
		MaxAttempts:          10,
	}
	if cfg.Poll > 0 {
		rc.FetchPollInterval = cfg.Poll
		rc.FetchCooldown = min(cfg.Poll, river.FetchCooldownDefault)
	}
	if cfg.Work {
		workers := river.NewWorkers()
		for _, k := range cfg.Kinds {
			if _, dup := q.kinds[k.Name]; dup {
				return nil, fmt.Errorf("jobs: kind %q defined twice", k.Name)
			}
			q.kinds[k.Name] = k
			if err := k.add(workers, q); err != nil {
				return nil, err
			}
		}
		if cfg.Schedules != nil {
			if err := river.AddWorkerSafely(workers, river.WorkFunc(q.tick)); err != nil {
				return nil, err
			}
			rc.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(cfg.Tick),
				func() (river.JobArgs, *river.InsertOpts) {
					return tickArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: max(cfg.Tick, time.Second)}}
				}, &river.PeriodicJobOpts{RunOnStart: true})}
		}
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}}
	} else {
		for _, k := range cfg.Kinds {
			q.kinds[k.Name] = k
		}
	}
	if q.client, err = river.NewClient(drv, rc); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return q, nil
}

// Start starts working jobs (when Config.Work) until Stop.
func (q *Queue) Start(ctx context.Context) error {
	if !q.cfg.Work {
		return nil
	}
	return q.client.Start(ctx)
}

// Stop stops taking jobs and waits for those running to finish until ctx
// ends; then it cancels them, and River hands them back to the queue to
// run again (a job is idempotent or unique, so running it again is safe).
func (q *Queue) Stop(ctx context.Context) error {
	if !q.cfg.Work {
		return nil
	}
	err := q.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return q.client.StopAndCancel(cctx)
	}
	return err
}

// Insert enqueues a job now, outside any transaction.
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (int64, error) {
	res, err := q.client.Insert(ctx, args, opts)
	if err != nil {
		return 0, err
	}
	return res.Job.ID, nil
}

// InsertTx enqueues a job in tx: it exists if and only if tx commits.
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (int64, error) {
	res, err := q.client.InsertTx(ctx, tx, args, opts)
	if err != nil {
		return 0, err
	}
	return res.Job.ID, nil
}
