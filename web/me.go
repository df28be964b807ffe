package web

import (
	"net/http"

	"github.com/openrcm/openrcm"
)

// RouteCredentials adds the routes of a user's own credentials under
// /api/v1/me, and an admin's view of the organization's users' under
// /api/v1/users/{id}. The service checks who may see and end what: a
// user their own, an admin anyone's in the organization, and a user of
// another organization is not found (404).
func (s *Server) RouteCredentials(svc rcm.CredentialService) {
	s.describeCredentials()
	s.mux.Handle("POST /api/v1/me/password", s.api(handleChangePassword(svc)))

	me := func(r *http.Request) (int64, error) {
		a, err := rcm.RequireActor(r.Context(), "")
		return a.UserID, err
	}
	other := func(r *http.Request) (int64, error) { return pathID(r, "id") }
	for prefix, user := range map[string]func(*http.Request) (int64, error){"/api/v1/me": me, "/api/v1/users/{id}": other} {
		s.mux.Handle("GET "+prefix+"/tokens", s.api(func(w http.ResponseWriter, r *http.Request) error {
			id, err := user(r)
			if err != nil {
				return err
			}
			if _, err := parseQuery(r); err != nil {
				return err
			}
			list, err := svc.FindAPITokens(r.Context(), id)
			if err != nil {
				return err
			}
			writeList(w, "tokens", list)
			return nil
		}))
		s.mux.Handle("DELETE "+prefix+"/tokens/{token}", s.api(func(w http.ResponseWriter, r *http.Request) error {
			id, err := user(r)
			if err != nil {
				return err
			}
			tok, err := pathID(r, "token")
			if err != nil {
				return err
			}
			if err := svc.RevokeAPIToken(r.Context(), id, tok); err != nil {
				return err
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		}))
		s.mux.Handle("GET "+prefix+"/sessions", s.api(func(w http.ResponseWriter, r *http.Request) error {
			id, err := user(r)
			if err != nil {
				return err
			}
			if _, err := parseQuery(r); err != nil {
				return err
			}
			list, err := svc.FindSessions(r.Context(), id)
			if err != nil {
				return err
			}
			writeList(w, "sessions", list)
			return nil
		}))
		s.mux.Handle("DELETE "+prefix+"/sessions/{session}", s.api(func(w http.ResponseWriter, r *http.Request) error {
			id, err := user(r)
			if err != nil {
				return err
			}
			if err := svc.EndSession(r.Context(), id, r.PathValue("session")); err != nil {
				return err
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		}))
	}
}

// passwordChange is the body of POST /api/v1/me/password.
type passwordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// handleChangePassword changes the caller's own password: 204 on
// success; a wrong current password or one the policy refuses is 400 and
// changes nothing. The caller's workbench sessions end; tokens, including
// the one in use, keep working.
func handleChangePassword(svc rcm.CredentialService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var body passwordChange
		if err := decodeJSON(w, r, &body); err != nil {
			return err
		}
		if body.CurrentPassword == "" {
			return rcm.FieldErrorf(rcm.EINVALID, "current_password", "current_password is required.")
		}
		if err := svc.ChangePassword(r.Context(), body.CurrentPassword, body.NewPassword); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// scopeAllowsMethod enforces the read scope at the edge as well as in the
// services: a read-only token may only GET (and HEAD), whatever the route.
func scopeAllowsMethod(a rcm.Actor, r *http.Request) error {
	if a.Scope == rcm.ScopeRead && r.Method != http.MethodGet && r.Method != http.MethodHead {
		return rcm.Errorf(rcm.EFORBIDDEN, "This API token's scope (read) allows only GET requests.")
	}
	return nil
}
