package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/inbox"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/payer"
)

// scheduledPoll shows the work that runs by itself: the admin sets the
// clearinghouse poll to every 15 minutes, the front desk asks about next
// week's patients, the payers answer, and nobody runs a poll: a worker of
// the job queue (as rcm serve runs on SQLite, or rcm worker) picks the
// answers up on the schedule and applies them.
func (r *run) scheduledPoll(ctx context.Context) (context.Context, error) {
	if err := r.db.SetJobSchedule(ctx, rcm.JobSchedule{Kind: jobs.PollArgs{}.Kind(), Every: 15 * time.Minute, Enabled: true}, nil); err != nil {
		return ctx, err
	}
	r.printf("schedule: clearinghouse poll every 15 minutes")
	srv, mb, err := r.sandbox()
	if err != nil {
		return ctx, err
	}
	var reqs []*eligibility.Request
	for _, c := range r.res.Coverages {
		if c.Order == 1 && len(reqs) < 3 {
			reqs = append(reqs, &eligibility.Request{Payer: r.payerOf(c.PayerID), Practice: r.res.Practice, Patient: r.patient(c.PatientID),
				Coverage: c, ServiceTypes: []string{"30"}, DateOfService: rcm.DateOf(Start.AddDate(0, 0, 7))})
		}
	}
	name, checks, err := eligibility.Send(ctx, r.db, mb, eligibility.Partner{SenderID: "LAKESIDE01", ReceiverID: "SANDBOXCH"}, r.res.Org.ID, reqs, r.db.Clock.Now())
	if err != nil {
		return ctx, err
	}
	n, err := srv.Poll(ctx)
	if err != nil {
		return ctx, err
	}
	r.printf("270 %s asks about %d patients seen next week; the payer sandbox answered %d files", name, len(checks), n)

	if err := jobs.Migrate(ctx, r.db.SQL(), r.db.Dialect()); err != nil {
		return ctx, err
	}
	got := make(chan []inbox.File, 1)
	open := func(ctx context.Context, spec string) (clearinghouse.Transport, error) {
		return clearinghouse.OpenDir(payer.MailboxLayout(strings.TrimPrefix(spec, "dir:")))
	}
	done := func(ctx context.Context, org int64, files []inbox.File) {
		if org == r.res.Org.ID {
			select {
			case got <- files:
			default:
			}
		}
	}
	q, err := jobs.New(jobs.Config{DB: r.db.SQL(), Dialect: r.db.Dialect(), Kinds: []jobs.Kind{jobs.ClearinghousePoll(r.db, open, done)},
		Schedules: r.db, Work: true, Tick: time.Second, Poll: 100 * time.Millisecond})
	if err != nil {
		return ctx, err
	}
	if err := q.Start(ctx); err != nil {
		return ctx, err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(sctx)
	}()
	select {
	case files := <-got:
		for _, f := range files {
			r.printf("  scheduled poll: %-38s %-5s %s", f.Name, f.Kind, f.Summary)
		}
	case <-time.After(60 * time.Second):
		return ctx, fmt.Errorf("the scheduled poll did not run within a minute")
	case <-ctx.Done():
		return ctx, ctx.Err()
	}
	return ctx, nil
}
