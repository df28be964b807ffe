package jobs

import (
	"context"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/inbox"
)

// PollArgs is the scheduled clearinghouse poll of one organization.
type PollArgs struct {
	OrgID int64 `json:"org_id"`
}

// Kind implements river.JobArgs.
func (PollArgs) Kind() string { return "clearinghouse_poll" }

// Organization implements OrgArgs.
func (a PollArgs) Organization() int64 { return a.OrgID }

// PollServices are the stores a clearinghouse poll reads and applies to.
type PollServices interface {
	inbox.Services
	FindClearinghouse(ctx context.Context) (*rcm.Clearinghouse, error)
}

// ClearinghousePoll is the scheduled poll: every 15 minutes by default,
// each organization's clearinghouse inbound folder is read and every 999,
// 277CA, 835 and 271 in it applied (inbox.Poll, the routine rcm
// clearinghouse poll uses). An organization without a clearinghouse has
// nothing to poll. open opens the transport its settings name; done, when
// set, is told what each poll applied.
func ClearinghousePoll(svc PollServices, open func(ctx context.Context, spec string) (clearinghouse.Transport, error),
	done func(ctx context.Context, org int64, files []inbox.File)) Kind {
	return Scheduled("Clearinghouse poll: read and apply 999, 277CA, 835 and 271 files", 15*time.Minute,
		func(org int64) PollArgs { return PollArgs{OrgID: org} },
		func(ctx context.Context, a PollArgs) error {
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
			files, err := inbox.Poll(ctx, svc, t)
			if done != nil {
				done(ctx, a.OrgID, files)
			}
			return err
		})
}
