package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/riverqueue/river"
)

// Kind is one kind of job: its name, how to work it and, for scheduled
// work, its default period. Adding a kind is an args type (a struct with a
// Kind method) and one Define or Scheduled in the list the process gives
// to New.
type Kind struct {
	Name string
	// Every is the default period of a scheduled kind; 0 for a kind that
	// runs only when something enqueues it.
	Every time.Duration
	// Off makes a scheduled kind wait for an admin to set its schedule:
	// work that changes claims (the claim pipeline) starts only when asked.
	Off bool
	// Label names the kind to a person, on the Jobs screen.
	Label string
	// forOrg makes the args of a scheduled kind for an organization.
	forOrg func(org int64) river.JobArgs
	add    func(w *river.Workers, q *Queue) error
}

// OrgArgs are the args of work done for one organization.
type OrgArgs interface {
	river.JobArgs
	// Organization is the organization the job works for.
	Organization() int64
}

// Define makes a kind that runs when enqueued.
func Define[A river.JobArgs](label string, work func(ctx context.Context, args A) error) Kind {
	var zero A
	return Kind{Name: zero.Kind(), Label: label, add: func(w *river.Workers, q *Queue) error {
		return river.AddWorkerSafely(w, river.WorkFunc(func(ctx context.Context, job *river.Job[A]) error {
			return q.observe(job.Kind, func() error { return work(ctx, job.Args) })
		}))
	}}
}

// Scheduled makes a kind that runs for every organization once per
// period (every, unless the organization's admin set another), as the
// system acting for that organization: work gets a context whose actor is
// an admin of the organization with the reason "scheduled job".
func Scheduled[A OrgArgs](label string, every time.Duration, forOrg func(org int64) A, work func(ctx context.Context, args A) error) Kind {
	k := Define(label, func(ctx context.Context, args A) error {
		return work(AsOrganization(ctx, args.Organization()), args)
	})
	k.Every = every
	k.forOrg = func(org int64) river.JobArgs { return forOrg(org) }
	return k
}

// AsOrganization returns ctx acting for org as the scheduler does.
func AsOrganization(ctx context.Context, org int64) context.Context {
	return rcm.NewContextWithActor(ctx, rcm.Actor{OrgID: org, Role: rcm.RoleAdmin, Reason: "scheduled job"})
}

func (q *Queue) observe(kind string, work func() error) error {
	start := time.Now()
	err := work()
	if q.cfg.Observer != nil {
		q.cfg.Observer.JobDone(kind, time.Since(start), err)
	}
	if err != nil {
		q.cfg.Logger.Warn("job failed", "kind", kind, "error", err)
	}
	return err
}

// tickArgs is the leader's look at the schedules.
type tickArgs struct{}

func (tickArgs) Kind() string { return "schedule_tick" }

// periodOpts makes a scheduled job unique per organization and period:
// however many ticks (or leaders, after a failover) enqueue it within one
// period, it is inserted once. Periods are aligned to the epoch, so an
// hourly job runs in each clock hour.
func periodOpts(every time.Duration) *river.InsertOpts {
	return &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: every}}
}

// tick enqueues, for every organization, each scheduled kind that has not
// run in its current period.
func (q *Queue) tick(ctx context.Context, _ *river.Job[tickArgs]) error {
	orgs, set, err := q.cfg.Schedules.AllJobSchedules(ctx)
	if err != nil {
		return err
	}
	type key struct {
		org  int64
		kind string
	}
	chosen := map[key]rcm.JobSchedule{}
	for _, s := range set {
		chosen[key{s.OrgID, s.Kind}] = s
	}
	var params []river.InsertManyParams
	for _, org := range orgs {
		for _, k := range q.cfg.Kinds {
			if k.forOrg == nil {
				continue
			}
			every := k.Every
			if s, ok := chosen[key{org, k.Name}]; ok {
				if !s.Enabled {
					continue
				}
				every = s.Every
			} else if k.Off {
				continue
			}
			params = append(params, river.InsertManyParams{Args: k.forOrg(org), InsertOpts: periodOpts(every)})
		}
	}
	if len(params) == 0 {
		return nil
	}
	_, err = q.client.InsertMany(ctx, params)
	return err
}

// RunNowTx enqueues a scheduled kind for an organization in tx, outside
// its schedule (an admin's "run now", or a schedule just saved).
func (q *Queue) RunNowTx(ctx context.Context, tx *sql.Tx, kind string, org int64) (int64, error) {
	k, ok := q.kinds[kind]
	if !ok || k.forOrg == nil {
		return 0, rcm.Errorf(rcm.EINVALID, "No scheduled job is called %q.", kind)
	}
	id, err := q.InsertTx(ctx, tx, k.forOrg(org), nil)
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", kind, err)
	}
	return id, nil
}

// ScheduledKinds returns the scheduled kinds this process knows.
func (q *Queue) ScheduledKinds() []Kind {
	var out []Kind
	for _, k := range q.cfg.Kinds {
		if k.forOrg != nil {
			out = append(out, k)
		}
	}
	return out
}
