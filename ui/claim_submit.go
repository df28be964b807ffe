package ui

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
)

// submitClaim sends a ready claim to the clearinghouse in an 837P batch,
// with every other ready claim to the same payer (a batch per payer is
// how clearinghouses take them). The idempotency key names the claim and
// how far its history has gone, so a claim corrected and made ready again
// gets a new batch. A submitted claim whose batch is stored but did not
// reach the clearinghouse (pending) is sent again under the batch's own
// key: the same bytes, never a second batch.
func (h *Handler) submitClaim(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := h.store.FindClaimByID(ctx, id)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("ui-claim%d-event%d", c.ID, len(c.History))
	if c.State != rcm.ClaimReady {
		pending, err := h.store.FindSubmissions(ctx, rcm.SubmissionPending)
		if err != nil {
			return err
		}
		key = ""
		for _, sub := range pending {
			if slices.Contains(sub.ClaimIDs, id) {
				key = sub.Key
			}
		}
		if key == "" {
			return rcm.Errorf(rcm.ECONFLICT, "Claim %d is %s; only a ready claim (scrubbed clean) can be submitted.", id, c.State)
		}
	}
	ch, err := h.store.FindClearinghouse(ctx)
	if err != nil {
		return err
	}
	t, err := h.cfg.Transport(ctx, ch.Transport)
	if err != nil {
		return err
	}
	defer t.Close()
	// A facility's claim goes in an 837I batch, a professional one in an
	// 837P batch.
	submit := claim.Submit
	if c.Institutional != nil {
		submit = claim.SubmitInstitutional
	}
	if _, err := submit(ctx, h.store, t, claim.PartnerOf(ch), c.PayerID, key, h.clock.Now()); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/claims/%d?done=submitted", id), http.StatusSeeOther)
	return nil
}
