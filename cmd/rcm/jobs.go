package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/sqldb"
)

func init() {
	register("jobs", "background and scheduled jobs: list, retry, cancel, schedules, schedule, run", runJobs)
}

const jobsUsage = `list [--db DB] [--org ID] [--limit N] [--json | --csv]
       rcm jobs retry|cancel [--db DB] [--org ID] JOB
       rcm jobs schedules [--db DB] [--org ID] [--json | --csv]
       rcm jobs schedule [--db DB] [--org ID] --kind KIND (--every DURATION | --off)
       rcm jobs run [--db DB] [--org ID] KIND

Jobs run in rcm worker, or in rcm serve --worker (the default on SQLite).
'schedule' sets how often a scheduled kind runs for the organization (at
least every minute) or turns it off, and queues a run now in the same
transaction; 'run' queues one run now.`

func runJobs(ctx context.Context, env *Env, args []string) error {
	if done, err := familyHelp(env, "jobs", jobsUsage, args); done {
		return err
	}
	sub := args[0]
	fs := newFlagSet(env, "jobs "+sub, jobsUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	limit := fs.Int("limit", 50, "with list: at most this many jobs, newest first")
	kind := fs.String("kind", "", "with schedule: the kind of job")
	every := fs.Duration("every", 0, "with schedule: run every DURATION (15m, 1h, 24h)")
	off := fs.Bool("off", false, "with schedule: do not run this kind on a schedule")
	format := listFlags(fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if err := format.check(); err != nil {
		return err
	}
	if format.given() && sub != "list" && sub != "schedules" {
		return usagef("--json and --csv are for list and schedules")
	}
	var id int64
	switch sub {
	case "list", "schedules", "schedule":
		if fs.NArg() > 0 {
			return usagef("unexpected argument %q", fs.Arg(0))
		}
	case "retry", "cancel":
		if fs.NArg() != 1 {
			return usagef("usage: rcm jobs %s JOB", sub)
		}
		var err error
		if id, err = strconv.ParseInt(fs.Arg(0), 10, 64); err != nil || id <= 0 {
			return usagef("JOB must be a job number, not %q", fs.Arg(0))
		}
	case "run":
		if fs.NArg() != 1 {
			return usagef("usage: rcm jobs run KIND")
		}
	default:
		return usagef("unknown subcommand %q; usage: rcm jobs %s", sub, jobsUsage)
	}
	if sub == "schedule" && (*kind == "" || (*every == 0) == !*off) {
		return usagef("schedule needs --kind and one of --every and --off")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, err = orgContext(ctx, db, *org)
	if err != nil {
		return err
	}
	logger := newLogger(env, false)
	q, err := openQueue(ctx, db, logger, nil, queueOptions{})
	if err != nil {
		return err
	}
	a, _ := rcm.ActorFromContext(ctx)
	desk := jobs.Desk{Queue: q, Store: db}
	known := func(k string) error {
		for _, s := range q.ScheduledKinds() {
			if s.Name == k {
				return nil
			}
		}
		return rcm.Errorf(rcm.EINVALID, "No scheduled job is called %q; see rcm jobs schedules.", k)
	}
	switch sub {
	case "list":
		list, err := q.FindJobs(ctx, *limit)
		if err != nil {
			return err
		}
		t := &table{header: []string{"JOB", "STATE", "ATTEMPT", "QUEUED", "KIND", "PROGRESS", "LAST ERROR"}, none: "No jobs."}
		for _, j := range list {
			label, prog := j.Label, ""
			if j.File != "" {
				label += ": " + j.File
			}
			if p := j.Progress; p != nil {
				prog = p.Summary()
				if p.Result != "" {
					prog = p.Result
				}
			}
			t.add(strconv.FormatInt(j.ID, 10), j.State, fmt.Sprintf("%d/%d", j.Attempt, j.MaxAttempts), j.CreatedAt.UTC().Format(time.RFC3339), label, prog, j.Error)
		}
		return format.print(env.Stdout, t, list)
	case "retry", "cancel":
		f := q.RetryJob
		if sub == "cancel" {
			f = q.CancelJob
		}
		j, err := f(ctx, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "job %d (%s) is now %s\n", j.ID, j.Label, j.State)
	case "schedules":
		views, err := desk.Schedules(ctx)
		if err != nil {
			return err
		}
		t := &table{header: []string{"KIND", "RUNS", "WHAT"}}
		for _, v := range views {
			runs := "every " + v.Every.String()
			switch {
			case !v.Enabled:
				runs = "off"
			case v.Default:
				runs += " (default)"
			}
			t.add(v.Kind, runs, v.Label)
		}
		return format.print(env.Stdout, t, views)
	case "schedule":
		jobID, err := desk.SetSchedule(ctx, rcm.JobSchedule{Kind: *kind, Every: *every, Enabled: !*off})
		if err != nil {
			return err
		}
		if *off {
			fmt.Fprintf(env.Stdout, "%s is off\n", *kind)
			return nil
		}
		fmt.Fprintf(env.Stdout, "%s runs every %s; job %d queued to run now\n", *kind, *every, jobID)
	case "run":
		if err := known(fs.Arg(0)); err != nil {
			return err
		}
		var jobID int64
		if err := db.Transact(ctx, func(tx *sqldb.Tx) error {
			var err error
			jobID, err = q.RunNowTx(ctx, tx.SQL(), fs.Arg(0), a.OrgID)
			return err
		}); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "job %d (%s) queued\n", jobID, fs.Arg(0))
	}
	return nil
}
