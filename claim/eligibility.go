package claim

import (
	"context"
	"fmt"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/edit"
)

// EligibilityAnswer is what the scrubber reads of the latest eligibility
// answer (271) stored on a claim's coverage.
type EligibilityAnswer struct {
	// Active and Inactive as the 271's EB01 said (1 or 6); other answers
	// (rejected, unknown) say nothing about the date of service.
	Status string
	// CheckedOn is the day the answer came back.
	CheckedOn rcm.Date
	// PlanBegin and PlanEnd are the plan dates the 271 gave (DTP*291,
	// *346, *347), zero when it gave none.
	PlanBegin, PlanEnd rcm.Date
	// Summary is the answer in words, as the front desk saw it.
	Summary string
}

// EligibilityLookup returns the latest answer stored on a coverage; ok is
// false when its eligibility was never checked.
type EligibilityLookup func(ctx context.Context, coverageID int64) (a EligibilityAnswer, ok bool, err error)

// RuleEligibility is the scrubber's rule for a claim on a coverage whose
// latest 271 says it is inactive on the date of service: the payer would
// deny it CO-27 (issue 16).
const RuleEligibility = "CLM-ELIGIBILITY"

func init() {
	CompletenessRules = append(CompletenessRules, edit.Rule{ID: RuleEligibility, Family: "completeness", Severity: edit.Error,
		Summary: "the latest eligibility answer says the coverage is inactive on the date of service", Source: "271 EB01 6 (inactive), DTP*346/347 plan dates; CARC 27"})
}

// inactiveOn reports whether the answer says the coverage was not in force
// on dos: plan dates that leave dos out, or an inactive answer whose plan
// dates do not cover dos.
func (a EligibilityAnswer) inactiveOn(dos rcm.Date) bool {
	if !a.PlanEnd.IsZero() && dos.After(a.PlanEnd) || !a.PlanBegin.IsZero() && a.PlanBegin.After(dos) {
		return a.Status == "active" || a.Status == "inactive"
	}
	covered := !a.PlanBegin.IsZero() && !a.PlanEnd.IsZero()
	return a.Status == "inactive" && !covered
}

// checkEligibility adds the eligibility finding, with the 271's date and
// words, when the bundle carries an answer that rules the date out.
func checkEligibility(b *Bundle) []edit.Finding {
	a := b.Eligibility
	if a == nil || !a.inactiveOn(b.Claim.DateOfService) {
		return nil
	}
	payer := "the payer"
	if b.Payer != nil {
		payer = b.Payer.Name
	}
	return []edit.Finding{{Rule: RuleEligibility, Severity: edit.Error, DateOfService: b.Claim.DateOfService,
		Message: fmt.Sprintf("The eligibility answer (271) of %s from %s says the coverage is inactive on %s: %s", a.CheckedOn, payer, b.Claim.DateOfService, a.Summary),
		Fix:     "Bill the coverage in force on the date of service, or make the visit self-pay; check eligibility again if the payer reinstated the plan."}}
}

// lookUpEligibility fills the bundle's eligibility answer when the
// scrubber has a lookup and the claim a coverage.
func (s *Scrubber) lookUpEligibility(ctx context.Context, b *Bundle) error {
	if s.Eligibility == nil || b.Coverage == nil || b.Coverage.ID == 0 {
		return nil
	}
	a, ok, err := s.Eligibility(ctx, b.Coverage.ID)
	if err != nil || !ok {
		return err
	}
	b.Eligibility = &a
	return nil
}
