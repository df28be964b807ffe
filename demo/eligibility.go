package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/payer"
)

// The eligibility-ended patient (issue 16): the front desk learns from the
// 271 that the PPO ended, the scrubber stops that patient's claim with the
// 271's date and words (CLM-ELIGIBILITY), and the biller bills the coverage
// in force on the date of service instead of letting the payer deny it.

// eligibilityLookup lets the demo's scrubber read the latest 271 stored on
// a claim's coverage, as `rcm claim scrub` and the workbench do.
func (r *run) eligibilityLookup() claim.EligibilityLookup {
	return func(ctx context.Context, coverageID int64) (claim.EligibilityAnswer, bool, error) {
		rec, err := r.db.FindLatestEligibility(ctx, coverageID)
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

// newCoverageFrom is the first day of the plan the patient whose PPO ended
// moved to: the day after the PPO's last covered day.
var newCoverageFrom = terminated.AddDays(1)

// switchCoverage does what a biller does with a CLM-ELIGIBILITY finding:
// the patient's PPO ended (the 271 said so) and the patient has since
// shown the front desk a Medicaid card. The PPO coverage gets its end date,
// the Medicaid coverage is registered and checked (270/271), the claim to
// the PPO is voided and a claim is built from the visit to the coverage in
// force on the date of service.
func (r *run) switchCoverage(ctx context.Context) error {
	s := r.scrubber()
	for i, c := range r.claims {
		fs, _, err := claim.ScrubClaim(ctx, r.db, s, c.ID)
		if err != nil {
			return err
		}
		var finding string
		for _, f := range fs {
			if f.Rule == claim.RuleEligibility {
				finding = f.Message
			}
		}
		if finding == "" {
			continue
		}
		p := r.patient(c.PatientID)
		r.printf("claim %s (%s %s) stopped: %s", c.ControlNumber, p.FirstName, p.LastName, finding)
		covs, err := r.db.FindCoverages(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, cov := range covs {
			if cov.ID == c.CoverageID {
				cov.EffectiveTo = terminated
				if err := r.db.UpdateCoverage(ctx, cov); err != nil {
					return err
				}
				r.printf("  biller: %s coverage %s ends %s, as the 271 said", r.payerOf(cov.PayerID).Name, cov.MemberID, terminated)
			}
		}
		medicaid := r.res.Payers[2]
		nc := &rcm.Coverage{PatientID: p.ID, PayerID: medicaid.ID, Order: 1, MemberID: r.memberID(medicaid),
			Relationship: "18", EffectiveFrom: newCoverageFrom}
		if err := r.db.CreateCoverage(ctx, nc); err != nil {
			return err
		}
		r.res.Coverages = append(r.res.Coverages, nc)
		r.printf("  biller: the patient's new card: %s member %s from %s", medicaid.Name, nc.MemberID, nc.EffectiveFrom)
		// The payer knows its new member.
		srv, mb, err := r.sandbox()
		if err != nil {
			return err
		}
		srv.Engine.Config.Members = append(srv.Engine.Config.Members, &payer.Member{Payer: medicaid.PayerID, ID: nc.MemberID,
			Last: strings.ToUpper(p.LastName), First: strings.ToUpper(p.FirstName), BirthDate: p.BirthDate, Sex: p.Sex,
			Plan: "MEDICAID FEE FOR SERVICE", PlanBegin: nc.EffectiveFrom})
		name, _, err := eligibility.Send(ctx, r.db, mb, eligibility.Partner{SenderID: "LAKESIDE01", ReceiverID: "SANDBOXCH"}, r.res.Org.ID,
			[]*eligibility.Request{{Payer: medicaid, Practice: r.res.Practice, Patient: p, Coverage: nc, ServiceTypes: []string{"30"},
				DateOfService: c.DateOfService}}, r.db.Clock.Now())
		if err != nil {
			return err
		}
		r.printf("  270 %s asks about the new coverage", name)
		files, err := r.exchange(ctx)
		if err != nil {
			return err
		}
		for _, f := range files {
			for _, rec := range f.Eligibility {
				if rec.Status != eligibility.Active {
					return fmt.Errorf("the new coverage of %s is not active: %s", p.AccountNumber, rec.Summary)
				}
			}
		}
		// The claim to the PPO is voided, never sent; the visit is billed
		// again to the coverage in force on its date (claim numbers stay
		// unique: P for the new payer).
		if err := r.db.MoveClaim(ctx, c.ID, rcm.ClaimVoided, "coverage ended before the date of service (271)"); err != nil {
			return err
		}
		nb, err := claim.Build(ctx, r.db, c.EncounterID, 1)
		if err != nil {
			return err
		}
		nb.ControlNumber = c.ControlNumber + "P"
		// The coder's fixes carried by the voided claim stay.
		nb.Diagnoses = c.Diagnoses
		if err := r.db.CreateClaim(ctx, nb); err != nil {
			return err
		}
		r.claims[i] = nb
		r.printf("  claim %s voided; claim %s built to %s for %s", c.ControlNumber, nb.ControlNumber, medicaid.Name, nb.TotalCharge().Dollars())
	}
	return nil
}

// queueLeft closes the work items whose money came in since the desk was
// worked and says what is left: the denials queue ends with only the items
// still waiting for money.
func (r *run) queueLeft(ctx context.Context) error {
	_, resolved, err := followup.OpenDenials(ctx, r.db)
	if err != nil {
		return err
	}
	left, err := r.db.FindFollowUps(ctx, followup.Filter{})
	if err != nil {
		return err
	}
	var stake rcm.Money
	for _, it := range left {
		stake += it.Stake
	}
	r.printf("follow-up desk at the end of the day: %d closed as resolved, %d open items still waiting for %s", resolved, len(left), stake.Dollars())
	return nil
}
