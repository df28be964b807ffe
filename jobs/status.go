package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/eligibility"
)

// StatusArgs is the scheduled claim status inquiry of one organization.
type StatusArgs struct {
	OrgID int64 `json:"org_id"`
}

// Kind implements river.JobArgs.
func (StatusArgs) Kind() string { return "claim_status_inquiry" }

// Organization implements OrgArgs.
func (a StatusArgs) Organization() int64 { return a.OrgID }

// StatusServices are the stores a claim status inquiry reads and stores.
type StatusServices interface {
	claimstatus.RequestStore
	FindClearinghouse(ctx context.Context) (*rcm.Clearinghouse, error)
}

// StatusAge is how long a claim waits for a final answer before the
// scheduled inquiry asks about it by default: 30 days, when a clean claim
// is commonly paid or a follow-up is due.
const StatusAge = 30 * 24 * time.Hour

// ClaimStatusInquiry is the scheduled 276: once a day by default, each
// organization sends one claim status inquiry for its claims that went
// out at least age ago without a final answer and have no inquiry
// waiting (claimstatus.RequestStatus, as rcm status request does). Its key
// names the day and the age, so a second run on one day sends nothing
// again. An organization without a clearinghouse has nothing to send.
// sent, when set, is told each inquiry sent.
func ClaimStatusInquiry(svc StatusServices, open func(ctx context.Context, spec string) (clearinghouse.Transport, error), age time.Duration,
	now func() time.Time, sent func(ctx context.Context, org int64, b *claimstatus.Batch, repeated bool)) Kind {
	return Scheduled("Claim status: send a 276 for claims without a final answer after "+days(age), 24*time.Hour,
		func(org int64) StatusArgs { return StatusArgs{OrgID: org} },
		func(ctx context.Context, a StatusArgs) error {
			set, err := svc.FindClearinghouse(ctx)
			if rcm.ErrorCode(err) == rcm.ENOTFOUND {
				return nil
			}
			if err != nil {
				return err
			}
			t, err := open(ctx, set.Transport)
			if err != nil {
				return err
			}
			defer t.Close()
			p := eligibility.Partner{SenderID: set.SubmitterID, ReceiverID: set.ReceiverID, Production: set.Production}
			b, repeated, err := claimstatus.RequestStatus(ctx, svc, t, p, "", age, nil, now())
			if err == nil && b != nil && sent != nil {
				sent(ctx, a.OrgID, b, repeated)
			}
			return err
		})
}

// days says a duration in whole days, for a label.
func days(d time.Duration) string {
	if n := int(d.Hours() / 24); n != 1 {
		return fmt.Sprintf("%d days", n)
	}
	return "1 day"
}
