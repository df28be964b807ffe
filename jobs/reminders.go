package jobs

import (
	"context"
	"time"

	"github.com/openrcm/openrcm"
)

// RemindArgs is the scheduled reminder of one organization.
type RemindArgs struct {
	OrgID int64 `json:"org_id"`
}

// Kind implements river.JobArgs.
func (RemindArgs) Kind() string { return "followup_reminders" }

// Organization implements OrgArgs.
func (a RemindArgs) Organization() int64 { return a.OrgID }

// ReminderStore flags the work items whose follow-up date or deadline has
// come.
type ReminderStore interface {
	MarkFollowUpsDue(ctx context.Context, day rcm.Date) (int, error)
}

// Reminders is the scheduled reminder: every hour by default, each
// organization's open work items whose follow-up date or deadline is
// today or past are marked due now, which moves them to the top of their
// owner's queue (the A/R desk sorts by it) with a note in their log.
// Marking is idempotent: an item is marked once until a new follow-up date
// clears it. done, when set, is told how many were marked.
func Reminders(st ReminderStore, now func() time.Time, done func(ctx context.Context, org int64, marked int)) Kind {
	return Scheduled("Reminders: work items whose follow-up date or deadline has come move to the top of their owner's queue", time.Hour,
		func(org int64) RemindArgs { return RemindArgs{OrgID: org} },
		func(ctx context.Context, a RemindArgs) error {
			n, err := st.MarkFollowUpsDue(ctx, rcm.DateOf(now()))
			if err == nil && done != nil {
				done(ctx, a.OrgID, n)
			}
			return err
		})
}
