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

// eligibilityBatch reads the latest 271 of a page of claims' coverages in
// one query, for the set-based scrub.
func eligibilityBatch(db *sqldb.DB) claim.EligibilityBatch {
	return func(ctx context.Context, coverageIDs []int64) (map[int64]claim.EligibilityAnswer, error) {
		recs, err := db.FindLatestEligibilities(ctx, coverageIDs)
		if err != nil {
			return nil, err
		}
		out := make(map[int64]claim.EligibilityAnswer, len(recs))
		for id, rec := range recs {
			a := claim.EligibilityAnswer{Status: string(rec.Status), CheckedOn: rec.CheckedOn, Summary: rec.Summary}
			if rec.Result != nil {
				a.PlanBegin, a.PlanEnd = rec.Result.PlanBegin, rec.Result.PlanEnd
			}
			out[id] = a
		}
		return out, nil
	}
}
