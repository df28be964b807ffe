package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// The scheduled reminder: enqueued by the admin's schedule and run by a
// worker, it marks the work item whose follow-up date has come due now,
// which puts it first in the queue ahead of items with sooner deadlines;
// a second run marks nothing again, and a new follow-up date clears it.
func TestRemindersJob(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := open(t, dialect)
			ctx, org := sqldbtest.Org(t, db, "Org A")
			c := submittedClaim(t, ctx, db, t.TempDir())
			var items []*followup.Item
			for i := range 3 {
				it := &followup.Item{ClaimID: c.ID, PatientID: c.PatientID, PayerID: c.PayerID, Kind: "status", Category: "no_response",
					Summary: fmt.Sprintf("item %d", i), Stake: rcm.Money(1000 * (3 - i)), OpenedOn: rcm.MustParseDate("2026-01-20"), Source: fmt.Sprintf("test:%d", i)}
				if _, err := db.OpenFollowUpItem(ctx, it); err != nil {
					t.Fatal(err)
				}
				items = append(items, it)
			}
			today := rcm.DateOf(db.Clock.Now())
			must(t, db.NoteFollowUp(ctx, items[2].ID, "call back", today))
			must(t, db.NoteFollowUp(ctx, items[1].ID, "call back later", today.AddDays(5)))
			queue := func() []int64 {
				var ids []int64
				var after *followup.Item
				for {
					page, err := db.FindFollowUps(ctx, followup.Filter{After: after, Limit: 1})
					must(t, err)
					if len(page) == 0 {
						return ids
					}
					ids = append(ids, page[0].ID)
					after = page[0]
				}
			}
			before := queue()
			if len(before) != 3 || before[0] != items[0].ID {
				t.Fatalf("queue before the reminder %v, want the largest stake (%d) first", before, items[0].ID)
			}
			marked := make(chan int, 4)
			q := startQueue(t, db, jobs.Reminders(db, db.Clock.Now, func(ctx context.Context, o int64, n int) {
				if o == org.ID {
					marked <- n
				}
			}))
			desk := jobs.Desk{Queue: q, Store: db}
			for _, want := range []int{1, 0} {
				if _, err := desk.SetSchedule(ctx, rcm.JobSchedule{Kind: jobs.RemindArgs{}.Kind(), Every: time.Hour, Enabled: true}); err != nil {
					t.Fatal(err)
				}
				select {
				case n := <-marked:
					if n != want {
						t.Errorf("reminder marked %d items, want %d", n, want)
					}
				case <-time.After(30 * time.Second):
					t.Fatal("the scheduled reminder did not run")
				}
			}
			after := queue()
			if len(after) != 3 || after[0] != items[2].ID || after[1] != items[0].ID || after[2] != items[1].ID {
				t.Errorf("queue after the reminder %v, want %d (due now) first, then %v", after, items[2].ID, before)
			}
			got, err := db.FindFollowUpItem(ctx, items[2].ID)
			must(t, err)
			if !got.DueNow || got.Notes[len(got.Notes)-1].Action != "due now" {
				t.Errorf("reminded item: due now %v, notes %+v", got.DueNow, got.Notes)
			}
			must(t, db.NoteFollowUp(ctx, items[2].ID, "left a message", today.AddDays(7)))
			if got, err = db.FindFollowUpItem(ctx, items[2].ID); err != nil || got.DueNow {
				t.Errorf("a new follow-up date left the item due now (%v)", err)
			}
		})
	}
}
