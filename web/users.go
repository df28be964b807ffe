package web

import (
	"net/http"

	"github.com/openrcm/openrcm"
)

// routeUsers registers an admin's ways out of sign-in trouble for a user
// of their organization: ending a lock before its cooling time, and
// removing a lost second factor. The services check PermManageUsers and
// audit both.
func (s *Server) routeUsers() {
	s.describeUsers()
	s.mux.Handle("POST /api/v1/users/{username}/unlock", s.api(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := rcm.RequireActor(r.Context(), rcm.PermManageUsers); err != nil {
			return err
		}
		if err := noBody(r); err != nil {
			return err
		}
		if err := s.signin.UnlockUser(r.Context(), r.PathValue("username")); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]string{"username": r.PathValue("username"), "status": "unlocked"})
		return nil
	}))
	mfa, ok := s.users.(rcm.MFAService)
	if !ok {
		return
	}
	s.mux.Handle("POST /api/v1/users/{username}/mfa-reset", s.api(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := rcm.RequireActor(r.Context(), rcm.PermManageUsers); err != nil {
			return err
		}
		if err := noBody(r); err != nil {
			return err
		}
		if err := mfa.ResetMFA(r.Context(), r.PathValue("username")); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]string{"username": r.PathValue("username"), "status": "mfa_reset"})
		return nil
	}))
}

// noBody refuses a request body on a route that takes none, so a client
// that meant to send something learns it was not read.
func noBody(r *http.Request) error {
	if _, err := parseQuery(r); err != nil {
		return err
	}
	var b [1]byte
	if n, _ := r.Body.Read(b[:]); n > 0 {
		return rcm.Errorf(rcm.EINVALID, "This request takes no body.")
	}
	return nil
}
