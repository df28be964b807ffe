package main

import (
	"context"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/sqldb"
)

// eligibilityLookup lets the scrubber read the latest 271 stored on a
// claim's coverage, so an answer that says inactive stops the claim.
func eligibilityLookup(db *sqldb.DB) claim.EligibilityLookup {
	return func(ctx context.Context, coverageID int64) (claim.EligibilityAnswer, bool, error) {
		rec, err := db.FindLatestEligibility(ctx, coverageID)
		if rcm.ErrorCode(err) == rcm.ENOTFOUND {
			return claim.EligibilityAnswer{}, false, nil
		} else if err != nil {
			return claim.EligibilityAnswer{}, false, err
		}
		a := claim.EligibilityAnswer{Status: string(rec.Status), CheckedOn: rec.CheckedOn, Summary: rec.Summary}
		if rec.Result != nil {
			a.PlanBegin, a.PlanEnd = rec.Result.PlanBegin, rec.Result.PlanEnd
		}
		return a, true, nil
	}
}
