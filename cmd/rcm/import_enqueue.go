package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/progress"
)

// importJobs is rcm codes import --enqueue and rcm edits import --enqueue:
// each file is stored in the database and its import queued for the
// workers (rcm worker, or rcm serve --worker), as the workbench's upload
// does; with wait, the command follows each job's progress until it ends.
type importJobs struct {
	dsn   string
	org   int64
	req   jobs.ImportRequest
	wait  bool
	quiet bool
	// poll is how often --wait looks at the job.
	poll time.Duration
}

func (o importJobs) run(ctx context.Context, env *Env, paths []string) error {
	db, err := openDB(ctx, o.dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, err = orgContext(ctx, db, o.org)
	if err != nil {
		return err
	}
	q, err := openQueue(ctx, db, newLogger(env, false), nil, queueOptions{})
	if err != nil {
		return err
	}
	var ids []int64
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		req := o.req
		req.FileName, req.Data = filepath.Base(p), data
		id, err := jobs.EnqueueImport(ctx, q, db, req)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "job %d queued: import of %s\n", id, req.FileName)
		ids = append(ids, id)
	}
	if !o.wait {
		return nil
	}
	failed := false
	meter := newImportMeter(env, o.quiet)
	defer meter.Done()
	for i, id := range ids {
		rep := meter.For(filepath.Base(paths[i]))
		var j jobs.Job
		for {
			if j, err = q.FindJob(ctx, id); err != nil {
				return err
			}
			if p := j.Progress; p != nil && rep != nil {
				rep.Progress(progress.Report{Phase: p.Phase, Unit: p.Unit, Done: p.Done, Total: p.Total, Rows: p.Rows})
			}
			if j.FinishedAt != nil || j.State == "retryable" {
				break
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(o.poll):
			}
		}
		meter.Done()
		switch {
		case j.State == "completed" && j.Progress != nil:
			fmt.Fprintf(env.Stdout, "job %d: %s: %s\n", id, j.File, j.Progress.Result)
		case j.State == "retryable":
			// A store that failed for a passing reason runs again later;
			// say so and stop following.
			fmt.Fprintf(env.Stderr, "job %d: %s: failed, will run again: %s\n", id, j.File, j.Error)
			failed = true
		default:
			fmt.Fprintf(env.Stderr, "job %d: %s: %s: %s\n", id, j.File, j.State, j.Error)
			failed = true
		}
	}
	if failed {
		return exitCode(1)
	}
	return nil
}

// checkEnqueue refuses --wait without --enqueue.
func checkEnqueue(enqueue, wait bool) error {
	if wait && !enqueue {
		return usagef("--wait follows a queued import: give --enqueue too")
	}
	return nil
}
