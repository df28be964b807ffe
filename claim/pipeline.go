package claim

import (
	"context"
	"fmt"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/edit"
)

// PageSize is how many encounters or claims one page of a set-based run
// reads in its few queries and writes in one transaction.
const PageSize = 500

// PipelineServices are the set-based stores BuildAll, ScrubAll and the
// paged submission use: pages read in a few queries, pages written in one
// transaction each.
type PipelineServices interface {
	Services
	BundleLoader
	// FindBillable returns up to limit coded encounters with an id above
	// after, lowest id first, each with its patient, coverages, stored
	// line ids and (when the store keeps them) authorizations, and audits
	// the read.
	FindBillable(ctx context.Context, after int64, limit int) ([]*Billable, error)
	// CreateClaims stores draft claims and marks their encounters billed,
	// all in one transaction.
	CreateClaims(ctx context.Context, claims []*rcm.Claim) error
	// FindClaimIDs returns up to limit ids of claims in a state (and to a
	// payer, when payerID is not 0) above after, lowest first.
	FindClaimIDs(ctx context.Context, state string, payerID, after int64, limit int) ([]int64, error)
	// RecordScrubs stores many scrubs' findings and moves their claims as
	// RecordScrub does, in one transaction, and returns each claim's state.
	RecordScrubs(ctx context.Context, scrubs []Scrub) ([]string, error)
}

// Scrub is one claim's findings to record.
type Scrub struct {
	ClaimID  int64
	Findings []rcm.ClaimFinding
}

// Built is what BuildAll did with one encounter: the claim, or why not.
type Built struct {
	EncounterID int64
	Claim       *rcm.Claim
	Err         error
}

// BuildAll builds the claims of every coded encounter, a page at a time:
// each page is read in a few queries and its claims written in one
// transaction. The pages follow a keyset cursor on the encounter id, so an
// encounter that cannot be billed (no coverage in force, no fee) is
// reported once and passed over, never read again by this run, and never
// holds up the others. report is called once per encounter, in id order.
func BuildAll(ctx context.Context, svc PipelineServices, order int, report func(Built) error) error {
	fees := map[rcm.FeeQuery]rcm.Money{}
	price := func(q rcm.FeeQuery) (rcm.Money, error) {
		if m, ok := fees[q]; ok {
			return m, nil
		}
		m, err := findFee(ctx, svc, q)
		if err == nil {
			fees[q] = m
		}
		return m, err
	}
	var auth authorizer
	if as, ok := svc.(rcm.AuthorizationService); ok {
		auth = authorizer{find: as.FindAuthorizations, use: as.UseAuthorization}
	}
	var after int64
	for {
		page, err := svc.FindBillable(ctx, after, PageSize)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		after = page[len(page)-1].Encounter.ID
		results := make([]Built, len(page))
		var claims []*rcm.Claim
		for i, src := range page {
			results[i].EncounterID = src.Encounter.ID
			c, err := src.build(ctx, order, price, auth)
			if err != nil {
				results[i].Err = err
				continue
			}
			results[i].Claim = c
			claims = append(claims, c)
		}
		if err := svc.CreateClaims(ctx, claims); err != nil {
			if rcm.ErrorCode(err) == rcm.EINTERNAL {
				return err
			}
			// One claim the store refuses (a claim number taken) would
			// roll the page back whole: store that page one claim at a
			// time, so the refused one is named and the others go on.
			for i := range results {
				if c := results[i].Claim; c != nil {
					if err := svc.CreateClaims(ctx, []*rcm.Claim{c}); err != nil {
						results[i].Claim, results[i].Err = nil, err
					}
				}
			}
		}
		for _, r := range results {
			if err := report(r); err != nil {
				return err
			}
		}
	}
}

// Scrubbed is what ScrubAll did with one claim.
type Scrubbed struct {
	Claim    *rcm.Claim
	Findings []edit.Finding
	// State is the claim's state after the scrub.
	State string
}

// EligibilityBatch returns the latest eligibility answer stored on each
// of many coverages (those never checked are absent), in one read.
type EligibilityBatch func(ctx context.Context, coverageIDs []int64) (map[int64]EligibilityAnswer, error)

// ScrubAll scrubs every claim in a state (draft for `claim scrub --all`), a
// page at a time: the page's bundles are loaded in a few queries, scrubbed
// in memory and their findings and moves written in one transaction. The
// pages follow a keyset cursor on the claim id, so a draft that fails
// stays a draft but is not picked again by this run: every claim is
// scrubbed once and none starves the others. batch, when not nil, reads a
// page's eligibility answers at once instead of the scrubber's lookup
// claim by claim.
func ScrubAll(ctx context.Context, svc PipelineServices, s *Scrubber, state string, batch EligibilityBatch, report func(Scrubbed) error) error {
	var after int64
	for {
		ids, err := svc.FindClaimIDs(ctx, state, 0, after, PageSize)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		after = ids[len(ids)-1]
		claims := make([]*rcm.Claim, len(ids))
		for i, id := range ids {
			claims[i] = &rcm.Claim{ID: id}
		}
		bundles, err := LoadAll(ctx, svc, claims)
		if err != nil {
			return err
		}
		if err := s.eligibilityOf(ctx, bundles, batch); err != nil {
			return err
		}
		out := make([]Scrubbed, len(bundles))
		scrubs := make([]Scrub, len(bundles))
		for i, b := range bundles {
			fs := s.Scrub(b)
			stored := make([]rcm.ClaimFinding, len(fs))
			for k, f := range fs {
				stored[k] = rcm.ClaimFinding{Rule: f.Rule, Severity: string(f.Severity), Lines: f.Lines, Message: f.Message, Fix: f.Fix}
			}
			out[i] = Scrubbed{Claim: b.Claim, Findings: fs}
			scrubs[i] = Scrub{ClaimID: b.Claim.ID, Findings: stored}
		}
		states, err := svc.RecordScrubs(ctx, scrubs)
		if err != nil {
			return err
		}
		for i := range out {
			out[i].State = states[i]
			if err := report(out[i]); err != nil {
				return err
			}
		}
	}
}

// eligibilityOf fills the bundles' eligibility answers, in one read when
// a batch lookup is given.
func (s *Scrubber) eligibilityOf(ctx context.Context, bundles []*Bundle, batch EligibilityBatch) error {
	if s.Eligibility == nil && batch == nil {
		return nil
	}
	if batch == nil {
		for _, b := range bundles {
			if err := s.lookUpEligibility(ctx, b); err != nil {
				return fmt.Errorf("claim %s: %w", b.Claim.ControlNumber, err)
			}
		}
		return nil
	}
	var covs []int64
	for _, b := range bundles {
		if b.Coverage != nil && b.Coverage.ID != 0 {
			covs = append(covs, b.Coverage.ID)
		}
	}
	answers, err := batch(ctx, covs)
	if err != nil {
		return err
	}
	for _, b := range bundles {
		if b.Coverage == nil {
			continue
		}
		if a, ok := answers[b.Coverage.ID]; ok {
			b.Eligibility = &a
		}
	}
	return nil
}
