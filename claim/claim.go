// Package claim turns coded encounters into claims and gathers everything a
// claim needs to leave the building: the billing and rendering providers,
// the patient, subscriber, coverage and payer. The 837P writer, the CMS-1500
// form and the scrubber all read a claim through a Bundle.
package claim

import (
	"context"
	"fmt"

	"github.com/openrcm/openrcm"
)

// Services are the stores a claim is built from.
type Services interface {
	rcm.OrganizationService
	rcm.PayerService
	rcm.PatientService
	rcm.EncounterService
	rcm.ClaimService
}

// Bundle is a claim with every record it refers to, loaded once.
type Bundle struct {
	Claim     *rcm.Claim
	Practice  *rcm.Practice
	Rendering *rcm.Provider
	Facility  *rcm.Facility
	// Attending, Operating and OtherOperating are the providers an
	// institutional claim names (837I 2310A-C, UB-04 FL 76-78).
	Attending, Operating, OtherOperating *rcm.Provider
	Patient                              *rcm.Patient
	Coverage                             *rcm.Coverage
	Payer                                *rcm.Payer
	// Other coverages of the patient in force on the date of service, for
	// coordination of benefits (837P loop 2320).
	OtherCoverages []*rcm.Coverage
	OtherPayers    map[int64]*rcm.Payer
	// Eligibility is the latest eligibility answer on Coverage, when the
	// scrubber looked it up (Scrubber.Eligibility).
	Eligibility *EligibilityAnswer
}

// Build makes the draft claim for an encounter to the payer of the
// patient's coverage of the given order (1 primary, 2 secondary ...) in force
// on the date of service. Lines without a charge are priced from the fee
// schedule.
func Build(ctx context.Context, svc Services, encounterID int64, order int) (*rcm.Claim, error) {
	e, err := svc.FindEncounterByID(ctx, encounterID)
	if err != nil {
		return nil, err
	}
	if err := billable(e); err != nil {
		return nil, err
	}
	patient, err := svc.FindPatientByID(ctx, e.PatientID)
	if err != nil {
		return nil, err
	}
	covs, err := svc.FindCoverages(ctx, e.PatientID)
	if err != nil {
		return nil, err
	}
	if _, err := coverageIn(covs, order, e.DateOfService); err != nil {
		return nil, err
	}
	ids, err := serviceLineIDs(ctx, svc, e)
	if err != nil {
		return nil, err
	}
	src := &Billable{Encounter: e, Patient: patient, Coverages: covs, LineIDs: ids}
	var auth authorizer
	if as, ok := svc.(rcm.AuthorizationService); ok {
		auth = authorizer{find: as.FindAuthorizations, use: as.UseAuthorization}
	}
	return src.build(ctx, order, func(q rcm.FeeQuery) (rcm.Money, error) { return findFee(ctx, svc, q) }, auth)
}

// Billable is a coded encounter with every record its claim is built
// from, loaded once (one at a time by Build, a page at a time by BuildAll).
type Billable struct {
	Encounter *rcm.Encounter
	Patient   *rcm.Patient
	// Coverages are all the patient's coverages; the claim bills the one
	// of the asked order in force on the date of service.
	Coverages []*rcm.Coverage
	// LineIDs are the stored ids of the encounter's service lines, in
	// order.
	LineIDs []int64
	// Authorizations are the coverages' authorizations by coverage id,
	// when the store loaded them with the page (nil: look them up).
	Authorizations map[int64][]*rcm.Authorization
}

// billable refuses an encounter a claim cannot be built from.
func billable(e *rcm.Encounter) error {
	if e.Status == rcm.EncounterOpen {
		return rcm.Errorf(rcm.ECONFLICT, "Encounter %d is not coded yet; a coder marks it coded first.", e.ID)
	}
	if len(e.Diagnoses) == 0 || len(e.Lines) == 0 {
		return rcm.Errorf(rcm.EINVALID, "Encounter %d has no diagnoses or no service lines.", e.ID)
	}
	return nil
}

// authorizer finds a coverage's authorizations and records the units a
// line uses; its zero value leaves authorizations out.
type authorizer struct {
	find func(ctx context.Context, coverageID int64) ([]*rcm.Authorization, error)
	use  func(ctx context.Context, authID, serviceLineID int64, units int) error
}

// build makes the draft claim: the one recipe for Build and BuildAll.
func (src *Billable) build(ctx context.Context, order int, price func(rcm.FeeQuery) (rcm.Money, error), auth authorizer) (*rcm.Claim, error) {
	e, patient := src.Encounter, src.Patient
	if err := billable(e); err != nil {
		return nil, err
	}
	cov, err := coverageIn(src.Coverages, order, e.DateOfService)
	if err != nil {
		return nil, err
	}
	if len(src.LineIDs) != len(e.Lines) {
		return nil, fmt.Errorf("encounter %d: %d stored lines for %d lines", e.ID, len(src.LineIDs), len(e.Lines))
	}
	c := &rcm.Claim{
		EncounterID: e.ID, PatientID: e.PatientID, PayerID: cov.PayerID, CoverageID: cov.ID,
		ControlNumber: fmt.Sprintf("%s-%d-%d", patient.AccountNumber, e.ID, order),
		Frequency:     rcm.FrequencyOriginal, DateOfService: e.DateOfService, PlaceOfService: e.PlaceOfService,
		Diagnoses: append([]rcm.Diagnosis(nil), e.Diagnoses...),
		OnsetDate: e.OnsetDate, AccidentDate: e.AccidentDate, AccidentCause: e.AccidentCause, AccidentState: e.AccidentState,
	}
	if e.Institutional != nil {
		c.Institutional = copyInstitutional(e.Institutional)
	}
	for i, l := range e.Lines {
		if l.Charge == 0 {
			mod := ""
			if len(l.Modifiers) > 0 {
				mod = l.Modifiers[0]
			}
			code := l.Code
			if code == "" {
				// A facility line without HCPCS is priced by its revenue code.
				code = e.Institutional.RevenueCodeOf(i)
			}
			fee, err := price(rcm.FeeQuery{PracticeID: e.PracticeID, ProviderID: e.RenderingProviderID,
				Code: code, Modifier: mod, On: e.DateOfService})
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			l.Charge = fee * rcm.Money(l.Units)
		}
		c.Lines = append(c.Lines, rcm.ClaimLine{ServiceLineID: src.LineIDs[i], ServiceLine: l})
	}
	if auth.use != nil {
		auths, ok := src.Authorizations[cov.ID]
		if !ok && src.Authorizations == nil {
			if auths, err = auth.find(ctx, cov.ID); err != nil {
				return nil, err
			}
		}
		if err := authorize(ctx, auths, auth.use, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// authorize carries the coverage's prior authorization and referral on
// the claim (2300 REF*G1 and REF*9F): for each line, the first prior
// authorization that covers its code on the date of service and has units
// left, whose units the line then uses (once per service line, so a
// rebuilt claim uses none twice); and the referral in force that day.
// A line no authorization covers is left for the scrubber to name.
func authorize(ctx context.Context, auths []*rcm.Authorization, use func(ctx context.Context, authID, serviceLineID int64, units int) error, c *rcm.Claim) error {
	for _, l := range c.Lines {
		for _, a := range auths {
			if a.Kind != rcm.AuthPrior || !a.Covers(l.Code, c.DateOfService) {
				continue
			}
			if err := use(ctx, a.ID, l.ServiceLineID, max(l.Units, 1)); rcm.ErrorCode(err) == rcm.ECONFLICT {
				continue // used up: another may cover it
			} else if err != nil {
				return err
			}
			if c.PriorAuth == "" {
				c.PriorAuth = a.Number
			}
			break
		}
	}
	for _, a := range auths {
		if a.Kind == rcm.AuthReferral && !c.DateOfService.Before(a.StartsOn) && !a.EndsOn.Before(c.DateOfService) {
			c.Referral = a.Number
			break
		}
	}
	return nil
}

// findFee prices a service from the fee schedule in force on its date.
// A store that keeps schedules per practice and provider (rcm.FeeService)
// prices by the encounter's practice and rendering provider; another by
// the organization's schedule alone.
func findFee(ctx context.Context, svc Services, q rcm.FeeQuery) (rcm.Money, error) {
	if fs, ok := svc.(rcm.FeeService); ok {
		return fs.FindFeeFor(ctx, q)
	}
	return svc.FindFee(ctx, q.Code, q.Modifier, q.On)
}

// coverageIn finds the coverage of an order in force on a date among a
// patient's coverages.
func coverageIn(covs []*rcm.Coverage, order int, on rcm.Date) (*rcm.Coverage, error) {
	for _, c := range covs {
		if c.Order == order && c.ActiveOn(on) {
			return c, nil
		}
	}
	return nil, rcm.Errorf(rcm.EUNPROCESSABLE, "The patient has no order-%d coverage in force on %s.", order, on)
}

// LineIDer is implemented by stores that can name the stored ids of an
// encounter's service lines.
type LineIDer interface {
	FindServiceLineIDs(ctx context.Context, encounterID int64) ([]int64, error)
}

func serviceLineIDs(ctx context.Context, svc Services, e *rcm.Encounter) ([]int64, error) {
	l, ok := svc.(LineIDer)
	if !ok {
		return make([]int64, len(e.Lines)), nil
	}
	ids, err := l.FindServiceLineIDs(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	if len(ids) != len(e.Lines) {
		return nil, fmt.Errorf("encounter %d: %d stored lines for %d lines", e.ID, len(ids), len(e.Lines))
	}
	return ids, nil
}

// BundleLoader is implemented by stores that load many claims' bundles in
// a few queries, for large batches.
type BundleLoader interface {
	LoadBundles(ctx context.Context, claimIDs []int64) ([]*Bundle, error)
}

// LoadAll loads the bundles of claims, in bulk when the store can.
func LoadAll(ctx context.Context, svc Services, claims []*rcm.Claim) ([]*Bundle, error) {
	if bl, ok := svc.(BundleLoader); ok {
		ids := make([]int64, len(claims))
		for i, c := range claims {
			ids[i] = c.ID
		}
		bs, err := bl.LoadBundles(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			if err := loadInstitutionalProviders(ctx, svc, b); err != nil {
				return nil, err
			}
		}
		return bs, nil
	}
	out := make([]*Bundle, len(claims))
	for i, c := range claims {
		b, err := LoadFor(ctx, svc, c)
		if err != nil {
			return nil, fmt.Errorf("claim %d: %w", c.ID, err)
		}
		out[i] = b
	}
	return out, nil
}

// Load gathers a stored claim and everything it refers to.
func Load(ctx context.Context, svc Services, claimID int64) (*Bundle, error) {
	c, err := svc.FindClaimByID(ctx, claimID)
	if err != nil {
		return nil, err
	}
	return LoadFor(ctx, svc, c)
}

// LoadFor gathers everything a claim refers to.
func LoadFor(ctx context.Context, svc Services, c *rcm.Claim) (*Bundle, error) {
	b := &Bundle{Claim: c, OtherPayers: map[int64]*rcm.Payer{}}
	e, err := svc.FindEncounterByID(ctx, c.EncounterID)
	if err != nil {
		return nil, err
	}
	if b.Practice, err = svc.FindPracticeByID(ctx, e.PracticeID); err != nil {
		return nil, err
	}
	if b.Rendering, err = svc.FindProviderByID(ctx, e.RenderingProviderID); err != nil {
		return nil, err
	}
	if e.FacilityID > 0 {
		fs, err := svc.FindFacilities(ctx)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			if f.ID == e.FacilityID {
				b.Facility = f
			}
		}
	}
	if b.Patient, err = svc.FindPatientByID(ctx, c.PatientID); err != nil {
		return nil, err
	}
	if b.Payer, err = svc.FindPayerByID(ctx, c.PayerID); err != nil {
		return nil, err
	}
	covs, err := svc.FindCoverages(ctx, c.PatientID)
	if err != nil {
		return nil, err
	}
	for _, cov := range covs {
		switch {
		case cov.ID == c.CoverageID:
			b.Coverage = cov
		case cov.ActiveOn(c.DateOfService):
			p, err := svc.FindPayerByID(ctx, cov.PayerID)
			if err != nil {
				return nil, err
			}
			b.OtherCoverages = append(b.OtherCoverages, cov)
			b.OtherPayers[cov.PayerID] = p
		}
	}
	if b.Coverage == nil {
		return nil, fmt.Errorf("claim %d: coverage %d not found", c.ID, c.CoverageID)
	}
	if err := loadInstitutionalProviders(ctx, svc, b); err != nil {
		return nil, err
	}
	return b, nil
}
