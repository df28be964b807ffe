package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
)

// actionReason reads the reason a person gives for changing a claim; the
// claim's history keeps it with their name.
func actionReason(r *http.Request, fallback string) string {
	if s := strings.TrimSpace(r.PostFormValue("reason")); s != "" {
		return s
	}
	return fallback
}

// correctClaim puts a rejected or denied claim back to draft so the biller
// can fix what the payer or clearinghouse named, scrub it and submit it
// again. A paid, partly paid or denied claim the payer has numbered is
// corrected with a replacement claim instead (frequency 7, 837P CLM05-3,
// with the payer's number in REF*F8), which this action makes when asked.
func (h *Handler) correctClaim(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := h.store.FindClaimByID(ctx, id)
	if err != nil {
		return err
	}
	if r.PostFormValue("replace") != "" {
		n, err := h.correction(r, c, rcm.FrequencyReplacement)
		if err != nil {
			return err
		}
		http.Redirect(w, r, fmt.Sprintf("/claims/%d?done=replacement", n.ID), http.StatusSeeOther)
		return nil
	}
	if err := h.store.MoveClaim(ctx, id, rcm.ClaimDraft, actionReason(r, "back to draft for correction")); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/claims/%d?done=corrected", id), http.StatusSeeOther)
	return nil
}

// correction stores a replacement (7) or void (8) claim of c
// (claim.Correction).
func (h *Handler) correction(r *http.Request, c *rcm.Claim, freq string) (*rcm.Claim, error) {
	n, err := claim.Correction(c, freq)
	if err != nil {
		return nil, err
	}
	if err := h.store.CreateClaim(r.Context(), n); err != nil {
		return nil, err
	}
	return n, nil
}
