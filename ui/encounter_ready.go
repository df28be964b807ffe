package ui

import (
	"fmt"
	"net/http"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
)

// markReady marks an encounter coded ("ready for billing"), and only when
// the findings hold no error: the same check the workbench shows, run
// again on the server, so a stale page or a hand-made post cannot skip it.
// The role is checked first: a user who may not code is refused even when
// the encounter is already ready and nothing would change.
func (h *Handler) markReady(w http.ResponseWriter, r *http.Request, s *session) error {
	if _, err := rcm.RequireActor(r.Context(), rcm.PermCode); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	d, err := h.workbench(ctx, s, id)
	if err != nil {
		return err
	}
	if d.Blocking {
		return rcm.Errorf(rcm.ECONFLICT, "The encounter still has errors; fix them on the workbench before marking it ready for billing.")
	}
	e := d.Encounter
	if e.Status == rcm.EncounterOpen {
		e.Status = rcm.EncounterCoded
		if err := h.store.UpdateEncounter(ctx, e); err != nil {
			return err
		}
	}
	http.Redirect(w, r, fmt.Sprintf("/encounters/%d?done=ready", id), http.StatusSeeOther)
	return nil
}

// buildClaim makes the primary claim of a coded encounter and marks the
// encounter billed, as `rcm claim build` does. The claim service requires
// the billing permission and the encounter service the coding one; a user
// who holds only the first gets the claim, and the encounter stays coded
// until someone who codes freezes it (see the report: the store should do
// both in one transaction).
func (h *Handler) buildClaim(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := claim.Build(ctx, h.store, id, 1)
	if err != nil {
		return err
	}
	if err := h.store.CreateClaim(ctx, c); err != nil {
		return err
	}
	if s.actor.Can(rcm.PermCode) {
		e, err := h.store.FindEncounterByID(ctx, id)
		if err != nil {
			return err
		}
		e.Status = rcm.EncounterBilled
		if err := h.store.UpdateEncounter(ctx, e); err != nil {
			return err
		}
	}
	http.Redirect(w, r, fmt.Sprintf("/claims/%d?done=built", c.ID), http.StatusSeeOther)
	return nil
}
