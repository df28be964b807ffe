package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/jobs"
)

// JobDesk is the job queue as the Jobs screen sees it (jobs.Desk).
type JobDesk interface {
	FindJobs(ctx context.Context, limit int) ([]jobs.Job, error)
	RetryJob(ctx context.Context, id int64) (jobs.Job, error)
	CancelJob(ctx context.Context, id int64) (jobs.Job, error)
	Schedules(ctx context.Context) ([]jobs.ScheduleView, error)
	SetSchedule(ctx context.Context, s rcm.JobSchedule) (int64, error)
	FindJob(ctx context.Context, id int64) (jobs.Job, error)
	EnqueueImport(ctx context.Context, req jobs.ImportRequest) (int64, error)
}

// jobsShown is how many of the newest jobs the screen lists.
const jobsShown = 100

type jobsData struct {
	Schedules []jobs.ScheduleView
	Jobs      []jobs.Job
}

// desk returns the job queue after checking the actor may use it, so a
// user without the permission is refused whether or not this server has a
// queue.
func (h *Handler) desk(ctx context.Context) (JobDesk, error) {
	if _, err := rcm.RequireActor(ctx, rcm.PermWriteSetup); err != nil {
		return nil, err
	}
	if h.cfg.Jobs == nil {
		return nil, rcm.Errorf(rcm.ENOTFOUND, "This server has no job queue.")
	}
	return h.cfg.Jobs, nil
}

func (h *Handler) showJobs(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	d, err := h.desk(ctx)
	if err != nil {
		return err
	}
	var data jobsData
	if data.Schedules, err = d.Schedules(ctx); err != nil {
		return err
	}
	if data.Jobs, err = d.FindJobs(ctx, jobsShown); err != nil {
		return err
	}
	h.renderPage(w, r, s, "jobs", &view{Title: "Jobs", Nav: "jobs", Data: data})
	return nil
}

// jobID reads the job number a retry or cancel form names.
func jobID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("job")), 10, 64)
	if err != nil || id <= 0 {
		return 0, rcm.FieldErrorf(rcm.EINVALID, "job", "Give the number of a job.")
	}
	return id, nil
}

func (h *Handler) retryJob(w http.ResponseWriter, r *http.Request, s *session) error {
	return h.jobAction(w, r, func(d JobDesk, id int64) error { _, err := d.RetryJob(r.Context(), id); return err })
}

func (h *Handler) cancelJob(w http.ResponseWriter, r *http.Request, s *session) error {
	return h.jobAction(w, r, func(d JobDesk, id int64) error { _, err := d.CancelJob(r.Context(), id); return err })
}

func (h *Handler) jobAction(w http.ResponseWriter, r *http.Request, do func(JobDesk, int64) error) error {
	d, err := h.desk(r.Context())
	if err != nil {
		return err
	}
	id, err := jobID(r)
	if err != nil {
		return err
	}
	if err := do(d, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/jobs", http.StatusSeeOther)
	return nil
}

// setSchedule stores a kind's period in minutes, or turns it off.
func (h *Handler) setSchedule(w http.ResponseWriter, r *http.Request, s *session) error {
	d, err := h.desk(r.Context())
	if err != nil {
		return err
	}
	sch := rcm.JobSchedule{Kind: r.PostFormValue("kind"), Enabled: r.PostFormValue("enabled") == "on"}
	minutes, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("minutes")))
	if err != nil || minutes < 1 || minutes > 366*24*60 {
		return rcm.FieldErrorf(rcm.EINVALID, "minutes", "Give the period in whole minutes, from 1 to 527040 (a year).")
	}
	sch.Every = time.Duration(minutes) * time.Minute
	if _, err := d.SetSchedule(r.Context(), sch); err != nil {
		return err
	}
	http.Redirect(w, r, "/jobs", http.StatusSeeOther)
	return nil
}
