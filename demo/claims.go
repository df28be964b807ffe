package demo

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/edit"
	"github.com/openrcm/openrcm/x12"
)

// primaryPayer returns the payer of a patient's primary coverage.
func (r *run) primaryPayer(patientID int64) *rcm.Payer {
	for _, c := range r.res.Coverages {
		if c.PatientID == patientID && c.Order == 1 {
			for _, p := range r.res.Payers {
				if p.ID == c.PayerID {
					return p
				}
			}
		}
	}
	return nil
}

// scrubber is the demo's scrubber: the code sets the database holds (the
// starter set on a fresh machine), the payers' own rules and the latest
// eligibility answers (271) stored on the claims' coverages.
func (r *run) scrubber() *claim.Scrubber {
	return &claim.Scrubber{Today: rcm.DateOf(Start), Codes: claim.CatalogChecker{Catalog: codeset.NewCatalog(codeset.Starter())},
		Eligibility: r.eligibilityLookup()}
}

func (r *run) buildAndScrub(ctx context.Context) (context.Context, error) {
	var total rcm.Money
	for _, e := range r.res.Encounters {
		c, err := claim.Build(ctx, r.db, e.ID, 1)
		if err != nil {
			return ctx, err
		}
		if err := r.db.CreateClaim(ctx, c); err != nil {
			return ctx, err
		}
		e.Status = rcm.EncounterBilled
		if err := r.db.UpdateEncounter(ctx, e); err != nil {
			return ctx, err
		}
		r.claims = append(r.claims, c)
		total += c.TotalCharge()
	}
	r.printf("%d claims built to the primary payers, %s in charges priced from the fee schedule", len(r.claims), total.Dollars())
	return ctx, r.scrubAll(ctx)
}

// scrubAll scrubs every draft claim and prints the findings by rule, with
// one example of each.
func (r *run) scrubAll(ctx context.Context) error {
	s := r.scrubber()
	byRule := map[string][]edit.Finding{}
	ready, drafts := 0, 0
	for _, c := range r.claims {
		fs, state, err := claim.ScrubClaim(ctx, r.db, s, c.ID)
		if err != nil {
			return err
		}
		c.State = state
		if state == rcm.ClaimReady {
			ready++
		} else {
			drafts++
		}
		for _, f := range fs {
			byRule[f.Rule] = append(byRule[f.Rule], f)
		}
	}
	r.printf("scrubbed: %d ready, %d held back with errors", ready, drafts)
	for _, rule := range slices.Sorted(maps.Keys(byRule)) {
		f := byRule[rule][0]
		r.printf("  %-16s %-7s x%-2d %s", rule, f.Severity, len(byRule[rule]), f.Message)
		r.printf("  %-16s fix: %s", "", f.Fix)
	}
	return nil
}

// fixAndRescrub does what a biller does with the findings: the practice's
// ZIP+4, the NDC of the drug line, the coder's typo, and the claim on a
// coverage that had ended.
func (r *run) fixAndRescrub(ctx context.Context) (context.Context, error) {
	p := r.res.Practice
	p.Address.ZIP = "627014105"
	if err := r.db.UpdatePractice(ctx, p); err != nil {
		return ctx, err
	}
	r.printf("practice address: ZIP 62701 -> 62701-4105")
	for i, c := range r.claims {
		changed := false
		for j := range c.Diagnoses {
			if c.Diagnoses[j].Code == "I10.0" {
				c.Diagnoses[j].Code = "I10"
				changed = true
				r.printf("claim %s: diagnosis I10.0 (no such code) -> I10", c.ControlNumber)
			}
		}
		for j := range c.Lines {
			if strings.HasPrefix(c.Lines[j].Code, "J") && c.Lines[j].NDC == "" {
				c.Lines[j].NDC = "00409379501"
				changed = true
				r.printf("claim %s: line %d %s gets NDC 00409-3795-01 from the vial", c.ControlNumber, j+1, c.Lines[j].Code)
			}
		}
		if !changed {
			continue
		}
		// A draft claim is corrected by voiding it and building its
		// corrected copy; nothing is edited in place.
		if err := r.db.MoveClaim(ctx, c.ID, rcm.ClaimVoided, "corrected before submission"); err != nil {
			return ctx, err
		}
		fixed := *c
		fixed.ID, fixed.History, fixed.State = 0, nil, ""
		fixed.ControlNumber = c.ControlNumber + "C"
		if err := r.db.CreateClaim(ctx, &fixed); err != nil {
			return ctx, err
		}
		r.claims[i] = &fixed
	}
	if err := r.switchCoverage(ctx); err != nil {
		return ctx, err
	}
	return ctx, r.scrubAll(ctx)
}

func (r *run) submit(ctx context.Context) (context.Context, error) {
	if err := r.submitReady(ctx, "demo"); err != nil {
		return ctx, err
	}
	r.printf("resubmitting under the same keys sent nothing twice")
	return ctx, nil
}

// submitReady sends every ready claim, a batch per payer, each under a key
// made of the step's name, the date and the payer; it then submits again
// under the same keys to show that nothing goes out twice.
func (r *run) submitReady(ctx context.Context, step string) error {
	_, t, err := r.sandbox()
	if err != nil {
		return err
	}
	ch, err := r.db.FindClearinghouse(ctx)
	if err != nil {
		return err
	}
	p := claim.PartnerOf(ch)
	for _, py := range r.res.Payers {
		key := fmt.Sprintf("%s-%s-%s", step, rcm.DateOf(Start), py.PayerID)
		sub, err := claim.Submit(ctx, r.db, t, p, py.ID, key, r.db.Clock.Now())
		if err != nil {
			return err
		}
		if sub == nil {
			continue
		}
		res := x12.Validate(bytes.NewReader(sub.Content))
		verdict := "valid 005010X222A1"
		if !res.Valid() {
			verdict = fmt.Sprintf("INVALID: %d findings", len(res.Findings))
		}
		r.printf("%-34s %2d claims  %s  %6d bytes  %s", py.Name, len(sub.ClaimIDs), sub.FileName, len(sub.Content), verdict)
		if r.opt.Out != "" {
			if err := os.WriteFile(filepath.Join(r.opt.Out, sub.FileName), sub.Content, 0o644); err != nil {
				return err
			}
		}
		// A retry under the same key finds the stored batch and sends
		// nothing new.
		again, err := claim.Submit(ctx, r.db, t, p, py.ID, key, r.db.Clock.Now())
		if err != nil || again.ID != sub.ID {
			return fmt.Errorf("resubmission under key %s made a new batch", key)
		}
	}
	return nil
}
