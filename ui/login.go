package ui

import (
	"net/http"
	"time"

	"github.com/openrcm/openrcm"
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
	if s, _ := h.findSession(r); s != nil && s.row.Stage == stageSignedIn {
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

// login checks the username and password through the throttled sign-in
// service (per account and client address; a throttled attempt is refused
// before the password is tested) and starts a session: signed in, or
// waiting for the second factor, or, for an admin without one, for
// enrolment.
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
	res, err := h.store.SignIn(ctx, r.PostFormValue("username"), r.PostFormValue("password"), clientAddr(r))
	if err != nil {
		status, ok := loginStatus[rcm.ErrorCode(err)]
		if !ok {
			h.renderError(w, r, nil, err)
			return
		}
		setRetryAfter(w, err)
		d.Error = rcm.ErrorMessage(err)
		h.renderLogin(w, r, status, d)
		return
	}
	stage := stageSignedIn
	switch {
	case res.SecondFactor:
		stage = stageMFA
	case res.MustEnrol:
		stage = stageEnrol
	}
	if err := h.startSession(w, r, res.User, stage); err != nil {
		h.renderError(w, r, nil, err)
		return
	}
	clearCookie(w, r, loginCookie)
	http.Redirect(w, r, stagePath(stage, d.Next), http.StatusSeeOther)
}

// loginStatus is the status of a sign-in form that failed: a wrong
// password is 401, a throttled attempt 429 (with Retry-After).
var loginStatus = map[string]int{rcm.EUNAUTHORIZED: http.StatusUnauthorized, rcm.ETOOMANY: http.StatusTooManyRequests}

// startSession starts a new session at a stage of signing in and sets its
// cookie, ending the one the browser had. A new id at every step means an
// id planted in the browser before sign-in (session fixation), or taken
// from a half-finished sign-in, is useless.
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, u *rcm.User, stage string) error {
	ctx := r.Context()
	if old, err := r.Cookie(sessionCookie); err == nil {
		if err := h.store.DeleteUISession(ctx, hashID(old.Value)); err != nil {
			h.logger.ErrorContext(ctx, "delete old session", "error", err)
		}
	}
	id, err := newToken()
	if err != nil {
		return err
	}
	csrf, err := newToken()
	if err != nil {
		return err
	}
	now := h.clock.Now()
	if err := h.store.CreateUISession(ctx, hashID(id), &rcm.UISession{OrgID: u.OrgID, UserID: u.ID, CSRF: csrf, CreatedAt: now, SeenAt: now,
		Client: clientSummary(r), Stage: stage}); err != nil {
		return err
	}
	// Signing in is a good moment to sweep sessions nobody ended.
	if _, err := h.store.DeleteExpiredUISessions(ctx, now.Add(-h.cfg.MaxAge), now.Add(-h.cfg.IdleTimeout)); err != nil {
		h.logger.ErrorContext(ctx, "delete expired sessions", "error", err)
	}
	h.setCookie(w, r, sessionCookie, id, h.cfg.MaxAge)
	return nil
}
