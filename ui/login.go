package ui

import (
	"net/http"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/web"
)

// loginCookieAge is how long a sign-in form stays usable.
const loginCookieAge = time.Hour

type loginData struct {
	Token    string
	Next     string
	Username string
	Error    string
	Expired  bool
}

// showLogin shows the sign-in form with a fresh login token, or sends a
// signed-in user on.
func (h *Handler) showLogin(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if s, _ := h.findSession(r); s != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	h.renderLogin(w, r, http.StatusOK, loginData{Next: next, Expired: r.URL.Query().Get("expired") != ""})
}

func (h *Handler) renderLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	tok, err := newToken()
	if err != nil {
		h.renderError(w, r, nil, err)
		return
	}
	d.Token = tok
	h.setCookie(w, r, loginCookie, tok, loginCookieAge)
	h.render(w, r, status, "login", &view{Title: "Sign in", Data: d})
}

// login checks the username and password (argon2id, through the user
// service) and starts a new session. A new id on every sign-in means an
// id planted in the browser before sign-in (session fixation) is useless.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, nil, rcm.Errorf(rcm.EINVALID, "The form could not be read."))
		return
	}
	d := loginData{Next: localPath(r.PostFormValue("next")), Username: r.PostFormValue("username")}
	c, err := r.Cookie(loginCookie)
	if err != nil && web.CookieSecure(r) && !web.IsSecure(r) {
		// The browser kept back the Secure cookie of a page it fetched
		// over plain HTTP: only HTTPS can sign in here, and saying so
		// beats a form that expires for ever.
		d.Error = "This server signs in over HTTPS only. Open it with https://, or ask the administrator to serve it over HTTPS."
		h.renderLogin(w, r, http.StatusForbidden, d)
		return
	}
	if err != nil || !sameOrigin(r) || !tokenEqual(r.PostFormValue(csrfField), c.Value) {
		d.Error = "The sign-in form expired. Please try again."
		h.renderLogin(w, r, http.StatusForbidden, d)
		return
	}
	ctx := r.Context()
	u, err := h.store.Authenticate(ctx, r.PostFormValue("username"), r.PostFormValue("password"))
	if err != nil {
		if rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
			h.renderError(w, r, nil, err)
			return
		}
		d.Error = rcm.ErrorMessage(err)
		h.renderLogin(w, r, http.StatusUnauthorized, d)
		return
	}
	if old, err := r.Cookie(sessionCookie); err == nil {
		if err := h.store.DeleteUISession(ctx, hashID(old.Value)); err != nil {
			h.logger.ErrorContext(ctx, "delete old session", "error", err)
		}
	}
	id, err := newToken()
	if err != nil {
		h.renderError(w, r, nil, err)
		return
	}
	csrf, err := newToken()
	if err != nil {
		h.renderError(w, r, nil, err)
		return
	}
	now := h.clock.Now()
	if err := h.store.CreateUISession(ctx, hashID(id), &sqldb.UISession{OrgID: u.OrgID, UserID: u.ID, CSRF: csrf, CreatedAt: now, SeenAt: now, Client: clientSummary(r)}); err != nil {
		h.renderError(w, r, nil, err)
		return
	}
	// Signing in is a good moment to sweep sessions nobody ended.
	if _, err := h.store.DeleteExpiredUISessions(ctx, now.Add(-h.cfg.MaxAge), now.Add(-h.cfg.IdleTimeout)); err != nil {
		h.logger.ErrorContext(ctx, "delete expired sessions", "error", err)
	}
	clearCookie(w, r, loginCookie)
	h.setCookie(w, r, sessionCookie, id, h.cfg.MaxAge)
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}
