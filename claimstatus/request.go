package claimstatus

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
)

// RequestStore is what RequestStatus reads and stores.
type RequestStore interface {
	Store
	// FindClaimsAwaitingStatus returns claims without a final answer,
	// submitted on or before cutoff (or the named ones), that have no
	// inquiry still waiting for its answer.
	FindClaimsAwaitingStatus(ctx context.Context, cutoff time.Time, ids []int64) ([]*rcm.Claim, error)
	FindPatientByID(ctx context.Context, id int64) (*rcm.Patient, error)
	FindCoverageByID(ctx context.Context, id int64) (*rcm.Coverage, error)
	FindPayerByID(ctx context.Context, id int64) (*rcm.Payer, error)
	FindEncounterByID(ctx context.Context, id int64) (*rcm.Encounter, error)
	FindPracticeByID(ctx context.Context, id int64) (*rcm.Practice, error)
}

// RequestStatus sends one 276 for the claims with no final answer that
// went out at least olderThan before now (or for the claims named), under
// an idempotency key: the default key names the day and the age, so a job
// that runs twice on one day asks once. It returns nil, false, nil when no
// claim needs asking. A scheduled job calls this.
func RequestStatus(ctx context.Context, st RequestStore, send Sender, p eligibility.Partner, key string, olderThan time.Duration, ids []int64, now time.Time) (*Batch, bool, error) {
	if key == "" {
		key = fmt.Sprintf("status-%s-older-%dd", rcm.DateOf(now), int(olderThan.Hours()/24))
		if len(ids) > 0 {
			var parts []string
			for _, id := range ids {
				parts = append(parts, fmt.Sprint(id))
			}
			key = fmt.Sprintf("status-%s-claims-%s", rcm.DateOf(now), strings.Join(parts, "-"))
		}
	}
	if b, err := st.FindClaimStatusBatch(ctx, key); err == nil {
		return Send(ctx, st, send, p, b.Key, nil, now)
	} else if rcm.ErrorCode(err) != rcm.ENOTFOUND {
		return nil, false, err
	}
	claims, err := st.FindClaimsAwaitingStatus(ctx, now.Add(-olderThan), ids)
	if err != nil {
		return nil, false, err
	}
	if len(ids) > 0 && len(claims) < len(ids) {
		found := map[int64]bool{}
		for _, c := range claims {
			found[c.ID] = true
		}
		for _, id := range ids {
			if !found[id] {
				return nil, false, rcm.FieldErrorf(rcm.ECONFLICT, "claim", "Claim %d is not waiting for a payer's answer (it has a final answer, was never sent, or an inquiry is already out).", id)
			}
		}
	}
	if len(claims) == 0 {
		return nil, false, nil
	}
	var reqs []*Request
	for _, c := range claims {
		r := &Request{Claim: c}
		if r.Patient, err = st.FindPatientByID(ctx, c.PatientID); err != nil {
			return nil, false, err
		}
		if r.Coverage, err = st.FindCoverageByID(ctx, c.CoverageID); err != nil {
			return nil, false, err
		}
		if r.Payer, err = st.FindPayerByID(ctx, c.PayerID); err != nil {
			return nil, false, err
		}
		enc, err := st.FindEncounterByID(ctx, c.EncounterID)
		if err != nil {
			return nil, false, err
		}
		if r.Practice, err = st.FindPracticeByID(ctx, enc.PracticeID); err != nil {
			return nil, false, err
		}
		reqs = append(reqs, r)
	}
	return Send(ctx, st, send, p, key, reqs, now)
}
