package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/openrcm/openrcm"
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

// correction makes a replacement (7) or void (8) claim of c: the same
// lines, linked to c, carrying the payer's claim number, in draft for the
// scrubber. Its control number gets a suffix, as CLM01 must be unique.
func (h *Handler) correction(r *http.Request, c *rcm.Claim, freq string) (*rcm.Claim, error) {
	if c.PayerClaimNumber == "" {
		return nil, rcm.Errorf(rcm.ECONFLICT, "Claim %d has no payer claim number yet; a replacement or void needs it (REF*F8).", c.ID)
	}
	suffix := map[string]string{rcm.FrequencyReplacement: "R", rcm.FrequencyVoid: "V"}[freq]
	n := *c
	n.ID, n.History, n.State = 0, nil, ""
	n.Frequency, n.ReplacesClaimID = freq, c.ID
	n.ControlNumber = fmt.Sprintf("%s%s%d", c.ControlNumber, suffix, c.ID)
	if len(n.ControlNumber) > 38 {
		return nil, rcm.Errorf(rcm.EINVALID, "The control number %s is too long for a %s suffix.", c.ControlNumber, suffix)
	}
	if err := h.store.CreateClaim(r.Context(), &n); err != nil {
		return nil, err
	}
	return &n, nil
}
