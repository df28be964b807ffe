package ui

import (
	"fmt"
	"net/http"

	"github.com/openrcm/openrcm/claim"
)

// scrubClaim runs the scrubber on a claim and records its findings; a
// clean scrub makes the claim ready (the scrub service decides).
func (h *Handler) scrubClaim(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	sc, err := h.cfg.Scrubber(ctx, h.today(), s.actor.OrgID)
	if err != nil {
		return err
	}
	fs, _, err := claim.ScrubClaim(ctx, h.store, sc, id)
	if err != nil {
		return err
	}
	done := "scrubbed-clean"
	if claim.HasErrors(fs) {
		done = "scrubbed-dirty"
	}
	http.Redirect(w, r, fmt.Sprintf("/claims/%d?done=%s#findings", id, done), http.StatusSeeOther)
	return nil
}
