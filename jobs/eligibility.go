package jobs

import (
	"context"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/eligibility"
)

// EligibilityArgs is the scheduled eligibility check of one organization.
type EligibilityArgs struct {
	OrgID int64 `json:"org_id"`
}

// Kind implements river.JobArgs.
func (EligibilityArgs) Kind() string { return "eligibility_checks" }

// Organization implements OrgArgs.
func (a EligibilityArgs) Organization() int64 { return a.OrgID }

// EligibilityServices are the stores the scheduled 270 reads and stores.
type EligibilityServices interface {
	eligibility.Store
	FindClearinghouse(ctx context.Context) (*rcm.Clearinghouse, error)
	FindEligibilityDue(ctx context.Context, from, to rcm.Date, since time.Time, limit int) ([]*eligibility.Request, error)
}

// EligibilityWindow says which visits the scheduled 270 asks about: those
// dated within Ahead days from today whose coverage had no inquiry in the
// last Recent.
type EligibilityWindow struct {
	Ahead  int
	Recent time.Duration
}

// DefaultEligibilityWindow asks a week ahead about coverages not checked
// in the last 30 days.
var DefaultEligibilityWindow = EligibilityWindow{Ahead: 7, Recent: 30 * 24 * time.Hour}

// maxEligibilityPerRun bounds the inquiries of one run; the next run asks
// about the rest.
const maxEligibilityPerRun = 1000

// EligibilityChecks is the scheduled 270: once a day by default, each
// organization asks the payers about the primary coverage of every
// patient with a visit in the window whose coverage was not checked
// recently, in one 270 per practice (eligibility.Send, as rcm eligibility
// check does for one patient). A coverage asked about is not asked again
// until Recent has passed, so a second run sends nothing. An organization
// without a clearinghouse has nothing to send. sent, when set, is told
// each file sent and how many coverages it asks about.
func EligibilityChecks(svc EligibilityServices, open func(ctx context.Context, spec string) (clearinghouse.Transport, error), w EligibilityWindow,
	now func() time.Time, sent func(ctx context.Context, org int64, file string, n int)) Kind {
	return Scheduled("Eligibility: send 270s for visits in the next "+days(time.Duration(w.Ahead)*24*time.Hour)+" whose coverage was not checked recently", 24*time.Hour,
		func(org int64) EligibilityArgs { return EligibilityArgs{OrgID: org} },
		func(ctx context.Context, a EligibilityArgs) error {
			set, err := svc.FindClearinghouse(ctx)
			if rcm.ErrorCode(err) == rcm.ENOTFOUND {
				return nil
			}
			if err != nil {
				return err
			}
			t := now()
			today := rcm.DateOf(t)
			reqs, err := svc.FindEligibilityDue(ctx, today, today.AddDays(w.Ahead), t.Add(-w.Recent), maxEligibilityPerRun)
			if err != nil || len(reqs) == 0 {
				return err
			}
			tr, err := open(ctx, set.Transport)
			if err != nil {
				return err
			}
			defer tr.Close()
			// One 270 per practice: its 2000B information receiver.
			var order []int64
			byPractice := map[int64][]*eligibility.Request{}
			for _, r := range reqs {
				if _, ok := byPractice[r.Practice.ID]; !ok {
					order = append(order, r.Practice.ID)
				}
				byPractice[r.Practice.ID] = append(byPractice[r.Practice.ID], r)
			}
			p := eligibility.Partner{SenderID: set.SubmitterID, ReceiverID: set.ReceiverID, Production: set.Production}
			for _, id := range order {
				name, checks, err := eligibility.Send(ctx, svc, tr, p, a.OrgID, byPractice[id], t)
				if err != nil {
					return err
				}
				if sent != nil {
					sent(ctx, a.OrgID, name, len(checks))
				}
			}
			return nil
		})
}
