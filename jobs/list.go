package jobs

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Job is one job as the Jobs screen shows it.
type Job struct {
	ID    int64
	Kind  string
	Label string
	// State is River's: available (queued), scheduled, running,
	// retryable (failed, will run again), completed, cancelled, discarded
	// (failed for good).
	State       string
	Attempt     int
	MaxAttempts int
	// Error is the last attempt's error, if it failed.
	Error       string
	CreatedAt   time.Time
	ScheduledAt time.Time
	FinishedAt  *time.Time
	// File is the file an import job reads, by the name it was uploaded
	// under.
	File string
	// Progress is how far a job that reports it (an import) has come.
	Progress *rcm.JobProgress
}

// orgOf reads the organization from a job's args: every job done for an
// organization carries it as org_id.
func orgOf(row *rivertype.JobRow) int64 {
	var a struct {
		OrgID int64 `json:"org_id"`
	}
	if json.Unmarshal(row.EncodedArgs, &a) != nil {
		return 0
	}
	return a.OrgID
}

// listWindow is how many of the newest jobs the screen looks through.
const listWindow = 500

// FindJobs returns the newest jobs of the actor's organization, newest
// first, at most limit.
func (q *Queue) FindJobs(ctx context.Context, limit int) ([]Job, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return nil, err
	}
	res, err := q.client.JobList(ctx, river.NewJobListParams().OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(listWindow))
	if err != nil {
		return nil, err
	}
	var out []Job
	for _, row := range res.Jobs {
		if orgOf(row) != a.OrgID {
			continue
		}
		out = append(out, q.job(row))
		if len(out) == limit {
			break
		}
	}
	return out, q.addProgress(ctx, out)
}

// FindJob returns one job of the actor's organization, with its progress.
func (q *Queue) FindJob(ctx context.Context, id int64) (Job, error) {
	if err := q.ownJob(ctx, id); err != nil {
		return Job{}, err
	}
	row, err := q.client.JobGet(ctx, id)
	if err != nil {
		return Job{}, err
	}
	list := []Job{q.job(row)}
	if err := q.addProgress(ctx, list); err != nil {
		return Job{}, err
	}
	return list[0], nil
}

// addProgress fills in the progress of the jobs that saved any.
func (q *Queue) addProgress(ctx context.Context, list []Job) error {
	if q.cfg.Progress == nil || len(list) == 0 {
		return nil
	}
	var ids []int64
	for _, j := range list {
		if j.Kind == ImportKind {
			ids = append(ids, j.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	got, err := q.cfg.Progress.FindJobProgress(ctx, ids)
	if err != nil {
		return err
	}
	for i := range list {
		if p, ok := got[list[i].ID]; ok {
			list[i].Progress = &p
		}
	}
	return nil
}

func (q *Queue) job(row *rivertype.JobRow) Job {
	j := Job{ID: row.ID, Kind: row.Kind, Label: row.Kind, State: string(row.State), Attempt: row.Attempt,
		MaxAttempts: row.MaxAttempts, CreatedAt: row.CreatedAt, ScheduledAt: row.ScheduledAt, FinishedAt: row.FinalizedAt}
	if k, ok := q.kinds[row.Kind]; ok && k.Label != "" {
		j.Label = k.Label
	}
	if n := len(row.Errors); n > 0 {
		// A job that failed for good (a malformed file) was cancelled
		// with its error: show the error, not River's wrapper's name.
		j.Error = strings.TrimPrefix(row.Errors[n-1].Error, "JobCancelError: ")
	}
	if row.Kind == ImportKind {
		var a ImportArgs
		if json.Unmarshal(row.EncodedArgs, &a) == nil {
			j.File = a.File
		}
	}
	return j
}

// ownJob returns the job id if it belongs to the actor's organization;
// another organization's job is not found, like any other id.
func (q *Queue) ownJob(ctx context.Context, id int64) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	row, err := q.client.JobGet(ctx, id)
	if err != nil || orgOf(row) != a.OrgID {
		return rcm.Errorf(rcm.ENOTFOUND, "No job %d.", id)
	}
	return nil
}

// RetryJob runs a failed, cancelled or finished job again now.
func (q *Queue) RetryJob(ctx context.Context, id int64) (Job, error) {
	if err := q.ownJob(ctx, id); err != nil {
		return Job{}, err
	}
	row, err := q.client.JobRetry(ctx, id)
	if err != nil {
		return Job{}, err
	}
	return q.job(row), nil
}

// CancelJob cancels a queued or running job; a finished one is left as
// it is.
func (q *Queue) CancelJob(ctx context.Context, id int64) (Job, error) {
	if err := q.ownJob(ctx, id); err != nil {
		return Job{}, err
	}
	row, err := q.client.JobCancel(ctx, id)
	if err != nil {
		return Job{}, err
	}
	return q.job(row), nil
}
