package ui

import "net/http"

// logout ends the session on the server, so the cookie is worthless even
// if a copy of it survives in the browser.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := h.store.DeleteUISession(r.Context(), s.idHash); err != nil {
		return err
	}
	clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
