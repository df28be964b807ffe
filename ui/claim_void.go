package ui

import (
	"fmt"
	"net/http"

	"github.com/openrcm/openrcm"
)

// voidClaim voids a claim. One that never reached adjudication (draft,
// ready, rejected) is simply voided here; one the payer has numbered is
// voided with the payer by a void claim (frequency 8), which is made in
// draft for the biller to scrub and submit. The role is checked first, so
// a user who may not void learns nothing of the claim's state.
func (h *Handler) voidClaim(w http.ResponseWriter, r *http.Request, s *session) error {
	if _, err := rcm.RequireActor(r.Context(), rcm.PermBill); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := h.store.FindClaimByID(ctx, id)
	if err != nil {
		return err
	}
	if rcm.CanMoveClaim(c.State, rcm.ClaimVoided) {
		if err := h.store.MoveClaim(ctx, id, rcm.ClaimVoided, actionReason(r, "voided")); err != nil {
			return err
		}
		http.Redirect(w, r, fmt.Sprintf("/claims/%d?done=voided", id), http.StatusSeeOther)
		return nil
	}
	n, err := h.correction(r, c, rcm.FrequencyVoid)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/claims/%d?done=void-claim", n.ID), http.StatusSeeOther)
	return nil
}
