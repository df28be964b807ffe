package ui

import (
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/password"
)

// The account page and an admin's page of a user: the password (the
// user's change; an admin's forced reset), the workbench sessions and the
// API tokens. Every change goes through rcm.CredentialService, which
// checks who may do what (a user their own; an admin anyone's in the
// organization, and no one's elsewhere) and audits it.

func init() {
	for k, v := range map[string]string{
		"password":      "Your password is changed. Your other sessions have ended; your API tokens still work (revoke them below if they may be known to someone else).",
		"session-ended": "The session has ended.",
		"token-revoked": "The token is revoked: it no longer works.",
	} {
		notices[k] = v
	}
}

// passwordChangeRoute reports whether r may be served while the user must
// change a password an admin reset: the account page, its change form and
// signing out, nothing else.
func passwordChangeRoute(r *http.Request) bool {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/account":
	case r.Method == http.MethodPost && (r.URL.Path == "/account/password" || r.URL.Path == "/logout"):
	default:
		return false
	}
	return true
}

type sessionRow struct {
	*rcm.Session
	Current bool
}

type tokenRow struct {
	*rcm.APIToken
	Expired bool
}

// accountData is the account page, of the signed-in user (Self) or of a
// user an admin looks at.
type accountData struct {
	Self       bool
	Subject    *rcm.User
	Action     string // where the page's forms post: /account or /users/{id}
	MustChange bool
	Error      string
	// Temporary is the one-time password of a reset just made, shown once.
	Temporary string
	// MFA is the user's own second factor, with MFAError the reason a
	// change of it was refused.
	MFA      *rcm.MFAStatus
	MFAError string
	Sessions []sessionRow
	Tokens   []tokenRow
}

// credentials fills the page's lists of the user's live sessions and
// tokens. Sessions past the workbench's timeouts are left out: they no
// longer let anyone in and go at the next sweep.
func (h *Handler) credentials(r *http.Request, s *session, d *accountData) error {
	ctx := r.Context()
	sessions, err := h.store.FindSessions(ctx, d.Subject.ID)
	if err != nil {
		return err
	}
	now := h.clock.Now()
	current := rcm.SessionID(s.idHash)
	for _, x := range sessions {
		if now.Sub(x.CreatedAt) > h.cfg.MaxAge || now.Sub(x.SeenAt) > h.cfg.IdleTimeout {
			continue
		}
		d.Sessions = append(d.Sessions, sessionRow{x, d.Self && x.ID == current})
	}
	tokens, err := h.store.FindAPITokens(ctx, d.Subject.ID)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		d.Tokens = append(d.Tokens, tokenRow{t, !now.Before(t.ExpiresAt)})
	}
	return nil
}

// showAccount shows the signed-in user's account: password, second
// factor, sessions and API tokens.
func (h *Handler) showAccount(w http.ResponseWriter, r *http.Request, s *session) error {
	return h.renderAccount(w, r, s, http.StatusOK, &accountData{})
}

func (h *Handler) renderAccount(w http.ResponseWriter, r *http.Request, s *session, status int, d *accountData) error {
	d.Self, d.Subject, d.Action, d.MustChange = true, s.user, "/account", s.row.MustChangePassword
	if err := h.credentials(r, s, d); err != nil {
		return err
	}
	var err error
	if d.MFA, err = h.store.FindMFAStatus(r.Context()); err != nil {
		return err
	}
	v := &view{Title: "Your account", Nav: "account", Data: d}
	v.User, v.Org, v.CSRF = s.user, s.org, s.row.CSRF
	if status == http.StatusOK {
		v.Notice = notices[r.URL.Query().Get("done")]
	}
	h.render(w, r, status, "account", v)
	return nil
}

// changePassword changes the signed-in user's password. The service ends
// every session of the user, this one too, so the browser that asked
// gets a fresh session (a new id after a change of credentials, as after
// sign-in). A refused password shows the form again with the reason.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request, s *session) error {
	current, next := r.PostFormValue("current_password"), r.PostFormValue("new_password")
	if next != r.PostFormValue("new_password_again") {
		return h.renderAccount(w, r, s, http.StatusBadRequest, &accountData{Error: "The two new passwords differ. Type the same new password twice."})
	}
	if err := h.store.ChangePassword(r.Context(), current, next); err != nil {
		if rcm.ErrorCode(err) == rcm.EINVALID {
			return h.renderAccount(w, r, s, http.StatusBadRequest, &accountData{Error: rcm.ErrorMessage(err)})
		}
		return err
	}
	if err := h.startSession(w, r, s.user, stageSignedIn); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?done=password", http.StatusSeeOther)
	return nil
}

func (h *Handler) endOwnSession(w http.ResponseWriter, r *http.Request, s *session) error {
	sid := r.PathValue("sid")
	if err := h.store.EndSession(r.Context(), s.user.ID, sid); err != nil {
		return err
	}
	if sid == rcm.SessionID(s.idHash) {
		clearCookie(w, r, sessionCookie)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/account?done=session-ended", http.StatusSeeOther)
	return nil
}

func (h *Handler) revokeOwnToken(w http.ResponseWriter, r *http.Request, s *session) error {
	tid, err := pathID(r, "tid")
	if err != nil {
		return err
	}
	if err := h.store.RevokeAPIToken(r.Context(), s.user.ID, tid); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?done=token-revoked", http.StatusSeeOther)
	return nil
}

// showUsers lists the organization's users for an admin (the service
// refuses anyone else).
func (h *Handler) showUsers(w http.ResponseWriter, r *http.Request, s *session) error {
	users, err := h.store.FindUsers(r.Context())
	if err != nil {
		return err
	}
	h.renderPage(w, r, s, "users", &view{Title: "Users", Nav: "users", Data: users})
	return nil
}

// pathUser reads the user the path names: for an admin, any user of the
// organization; anyone else is refused by the service, and a user of
// another organization is not found.
func (h *Handler) pathUser(r *http.Request, s *session) (*rcm.User, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	if !s.actor.Can(rcm.PermManageUsers) {
		return nil, rcm.Errorf(rcm.EFORBIDDEN, "Only an admin may manage other users' sign-in (%s).", rcm.PermManageUsers)
	}
	return h.store.FindUserByID(r.Context(), id)
}

func (h *Handler) showUser(w http.ResponseWriter, r *http.Request, s *session) error {
	u, err := h.pathUser(r, s)
	if err != nil {
		return err
	}
	return h.renderUser(w, r, s, u, "")
}

func (h *Handler) renderUser(w http.ResponseWriter, r *http.Request, s *session, u *rcm.User, temporary string) error {
	d := &accountData{Self: u.ID == s.user.ID, Subject: u, Action: fmt.Sprintf("/users/%d", u.ID), Temporary: temporary}
	if err := h.credentials(r, s, d); err != nil {
		return err
	}
	h.renderPage(w, r, s, "account", &view{Title: u.Username, Nav: "users", Data: d})
	return nil
}

// resetPassword is an admin's forced reset from the workbench: a
// temporary password shown once on the page that answers the post (it
// is never stored in the clear or put in a URL), the user's sessions and
// tokens ended, and a change required at their next sign-in.
func (h *Handler) resetPassword(w http.ResponseWriter, r *http.Request, s *session) error {
	u, err := h.pathUser(r, s)
	if err != nil {
		return err
	}
	if u.ID == s.user.ID {
		return rcm.Errorf(rcm.EINVALID, "Change your own password on your account page.")
	}
	temp := password.Temporary()
	if err := h.store.ResetPassword(r.Context(), u.ID, temp); err != nil {
		return err
	}
	return h.renderUser(w, r, s, u, temp)
}

func (h *Handler) endUserSession(w http.ResponseWriter, r *http.Request, s *session) error {
	u, err := h.pathUser(r, s)
	if err != nil {
		return err
	}
	if err := h.store.EndSession(r.Context(), u.ID, r.PathValue("sid")); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/users/%d?done=session-ended", u.ID), http.StatusSeeOther)
	return nil
}

func (h *Handler) revokeUserToken(w http.ResponseWriter, r *http.Request, s *session) error {
	u, err := h.pathUser(r, s)
	if err != nil {
		return err
	}
	tid, err := pathID(r, "tid")
	if err != nil {
		return err
	}
	if err := h.store.RevokeAPIToken(r.Context(), u.ID, tid); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/users/%d?done=token-revoked", u.ID), http.StatusSeeOther)
	return nil
}

// clientSummary says where a session signs in from, for its user to tell
// their sessions apart: the browser and system named by the User-Agent
// (not the whole header, which fingerprints) and the client's address.
// Behind a reverse proxy the address is the proxy's.
func clientSummary(r *http.Request) string {
	ua := r.UserAgent()
	browser := "Unknown browser"
	for _, b := range []struct{ marker, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chromium/", "Chromium"}, {"Chrome/", "Chrome"},
		{"Safari/", "Safari"}, {"curl/", "curl"}, {"Go-http-client", "Go program"},
	} {
		if strings.Contains(ua, b.marker) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, o := range []struct{ marker, name string }{
		{"Windows", "Windows"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Android", "Android"}, {"Mac OS X", "macOS"},
		{"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.marker) {
			system = " on " + o.name
			break
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if len(host) > 64 {
		host = host[:64]
	}
	return browser + system + " from " + host
}
