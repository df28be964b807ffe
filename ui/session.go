package ui

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/web"
)

// Cookie names. The session cookie carries a random 256-bit id; the login
// cookie carries the token that protects the sign-in form itself from
// cross-site posting (login CSRF), before any session exists.
const (
	sessionCookie = "rcm_session"
	loginCookie   = "rcm_login"
	csrfField     = "csrf"
	// touchEvery bounds how often a session's last-seen time is written:
	// once a minute is precise enough for a 30-minute idle timeout and
	// spares the database a write per click.
	touchEvery = time.Minute
	// maxFormBytes bounds a form post; the workbench's forms are small.
	maxFormBytes = 1 << 20
	// maxUploadBytes bounds an uploaded response file. A payer's weekly
	// 835 for a large practice runs to a few megabytes.
	maxUploadBytes = 64 << 20
	// reason is what the audit log records as the purpose of the
	// workbench's reads: its users code and bill.
	reason = rcm.DefaultAuditReason
)

// session is the signed-in user of a request.
type session struct {
	idHash string
	row    *rcm.UISession
	user   *rcm.User
	org    *rcm.Organization
	actor  rcm.Actor
}

// handlerFunc is a workbench handler: it writes a page or a redirect, or
// returns an error for renderError to answer.
type handlerFunc func(w http.ResponseWriter, r *http.Request, s *session) error

// page wraps a handler that only reads: it needs a live session and runs
// with the session's actor in the context, so every service call is
// authorized (and patient reads audited) as the signed-in user.
func (h *Handler) page(fn handlerFunc) http.Handler { return h.pageIn(fn, stageSignedIn) }

// pageIn is page for sessions in one of the given stages of signing in.
func (h *Handler) pageIn(fn handlerFunc, stages ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := h.requireSession(w, r, stages...)
		if !ok {
			return
		}
		r = r.WithContext(rcm.NewContextWithActor(r.Context(), s.actor))
		if err := fn(w, r, s); err != nil {
			h.renderError(w, r, s, err)
		}
	})
}

// action wraps a handler that changes something: on top of page's checks,
// the form must carry the session's CSRF token, and a browser that says
// where the request came from must say it came from here.
func (h *Handler) action(fn handlerFunc) http.Handler { return h.actionUpTo(fn, maxFormBytes) }

// upload is action for a form that carries a file, such as an 835.
func (h *Handler) upload(fn handlerFunc) http.Handler { return h.actionUpTo(fn, maxUploadBytes) }

// actionIn is action for sessions in one of the given stages of signing in.
func (h *Handler) actionIn(fn handlerFunc, stages ...string) http.Handler {
	return h.actionUpTo(fn, maxFormBytes, stages...)
}

func (h *Handler) actionUpTo(fn handlerFunc, maxBytes int64, stages ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := h.requireSession(w, r, stages...)
		if !ok {
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
		if err := r.ParseMultipartForm(maxFormBytes); err != nil && err != http.ErrNotMultipart {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				h.renderError(w, r, s, rcm.Errorf(rcm.EINVALID, "The upload is larger than %d MB.", maxBytes>>20))
				return
			}
			h.renderError(w, r, s, rcm.Errorf(rcm.EINVALID, "The form could not be read."))
			return
		}
		if !sameOrigin(r) || !tokenEqual(r.PostFormValue(csrfField), s.row.CSRF) {
			h.renderError(w, r, s, rcm.Errorf(rcm.EFORBIDDEN, "The form expired or came from another site. Go back, reload the page and try again."))
			return
		}
		r = r.WithContext(rcm.NewContextWithActor(r.Context(), s.actor))
		if err := fn(w, r, s); err != nil {
			h.renderError(w, r, s, err)
		}
	})
}

// sameOrigin reports whether the browser's Origin header, when sent,
// names this server. Browsers send it on every cross-site POST; it backs
// up the token check and SameSite cookies.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

func tokenEqual(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// requireSession finds the request's live session in one of stages (a
// signed-in one when none are given). Without one it sends the browser to
// sign in (a page fetched by the type-ahead gets a 401 instead, as a
// redirect would only confuse the script) and returns false; a session
// still signing in is sent to its next step, and no other page.
func (h *Handler) requireSession(w http.ResponseWriter, r *http.Request, stages ...string) (*session, bool) {
	if len(stages) == 0 {
		stages = []string{stageSignedIn}
	}
	s, expired := h.findSession(r)
	if s != nil && slices.Contains(stages, s.row.Stage) {
		// An admin's forced reset sends a signed-in user to the change
		// form before any other page.
		if s.row.Stage == stageSignedIn && s.row.MustChangePassword && !passwordChangeRoute(r) {
			http.Redirect(w, r, "/account", http.StatusSeeOther)
			return nil, false
		}
		return s, true
	}
	if s != nil {
		http.Redirect(w, r, stagePath(s.row.Stage, ""), http.StatusSeeOther)
		return nil, false
	}
	clearCookie(w, r, sessionCookie)
	if r.Header.Get("X-RCM-Partial") != "" {
		http.Error(w, "Sign in again.", http.StatusUnauthorized)
		return nil, false
	}
	q := url.Values{}
	if r.Method == http.MethodGet && r.URL.Path != "/" {
		q.Set("next", r.URL.RequestURI())
	}
	if expired {
		q.Set("expired", "1")
	}
	target := "/login"
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil, false
}

// findSession loads the session of the request's cookie, ending it when
// it has expired; expired reports that a session existed but timed out.
func (h *Handler) findSession(r *http.Request) (s *session, expired bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil, false
	}
	ctx := r.Context()
	idHash := hashID(c.Value)
	row, err := h.store.FindUISession(ctx, idHash)
	if err != nil {
		if rcm.ErrorCode(err) != rcm.ENOTFOUND {
			h.logger.ErrorContext(ctx, "find session", "error", err)
		}
		return nil, false
	}
	now := h.clock.Now()
	if now.Sub(row.CreatedAt) > h.cfg.MaxAge || now.Sub(row.SeenAt) > h.cfg.IdleTimeout ||
		row.Stage != stageSignedIn && now.Sub(row.CreatedAt) > pendingMaxAge {
		if err := h.store.DeleteUISession(ctx, idHash); err != nil {
			h.logger.ErrorContext(ctx, "delete expired session", "error", err)
		}
		return nil, true
	}
	if now.Sub(row.SeenAt) > touchEvery {
		if err := h.store.TouchUISession(ctx, idHash, now); err != nil {
			h.logger.ErrorContext(ctx, "touch session", "error", err)
		}
	}
	// The user's role is read on every request, so a change of role (or a
	// removed user) takes effect at once, not at the next sign-in.
	ctx = rcm.NewContextWithActor(ctx, rcm.Actor{UserID: row.UserID, OrgID: row.OrgID, Reason: reason})
	u, err := h.store.FindUserByID(ctx, row.UserID)
	if err != nil {
		return nil, false
	}
	actor := rcm.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Reason: reason}
	org, err := h.store.FindOrganizationByID(rcm.NewContextWithActor(ctx, actor), u.OrgID)
	if err != nil {
		return nil, false
	}
	return &session{idHash: idHash, row: row, user: u, org: org, actor: actor}, false
}

// newToken returns 256 random bits, URL-safe.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashID is what the store keeps of a session id. The id has 256 random
// bits, so a fast hash cannot be reversed by guessing.
func hashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// setCookie sets an HttpOnly, SameSite=Lax cookie for the whole site,
// Secure as web.CookieSecure decides: over TLS, behind a trusted proxy
// that says https, and on any server not listening on loopback only. Lax
// (not Strict) lets a link from an e-mail open a claim without signing in
// again; every change still needs the CSRF token.
func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: web.CookieSecure(r), MaxAge: int(maxAge / time.Second),
	})
}

func clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	if _, err := r.Cookie(name); err != nil {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", HttpOnly: true, MaxAge: -1, SameSite: http.SameSiteLaxMode,
		Secure: web.CookieSecure(r)})
}

// maxNextLen bounds the next parameter; no workbench path comes near it.
const maxNextLen = 2048

// localPath returns next when it is an absolute path on this site, and "/"
// for anything else, so the sign-in form cannot be made to redirect away.
// Prefix checks alone are not enough: browsers drop tabs and newlines from
// URLs and read a backslash as a slash, so "/\t/evil.example" reaches
// another origin. A control character or backslash anywhere, raw or
// percent-encoded, is refused, and what url.Parse makes of the rest must be
// a path with no scheme or host that starts with one slash only.
func localPath(next string) string {
	if next == "" || len(next) > maxNextLen || next[0] != '/' || strings.HasPrefix(next, "//") || hasUnsafeByte(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || hasUnsafeByte(u.Path) {
		return "/"
	}
	return next
}

// hasUnsafeByte reports whether s holds an ASCII control character or a
// backslash.
func hasUnsafeByte(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return true
		}
	}
	return false
}
