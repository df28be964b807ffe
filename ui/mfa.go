package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/web"
)

// Stages of signing in a session can be at.
const (
	stageSignedIn = ""
	stageMFA      = "mfa"
	stageEnrol    = "enrol"
	// pendingMaxAge ends a session still waiting for its second factor
	// or enrolment: a password alone keeps nothing open for long.
	pendingMaxAge = 10 * time.Minute
)

// stagePath is the page of a stage, carrying next along.
func stagePath(stage, next string) string {
	next = localPath(next)
	var p string
	switch stage {
	case stageMFA:
		p = "/login/mfa"
	case stageEnrol:
		p = "/mfa/enrol"
	default:
		return next
	}
	if next != "/" {
		p += "?" + url.Values{"next": {next}}.Encode()
	}
	return p
}

// clientAddr is the address a request came from, for throttling and the
// security log, as the HTTP edge decides it (web.ClientAddr: the peer, or
// behind a trusted proxy the client it names).
func clientAddr(r *http.Request) string {
	if a := web.ClientAddr(r); a.IsValid() {
		return a.String()
	}
	return "unknown"
}

// setRetryAfter tells a throttled browser how many seconds to wait.
func setRetryAfter(w http.ResponseWriter, err error) {
	if wait := rcm.RetryAfter(err); wait > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
	}
}

type mfaData struct {
	CSRF  string
	Next  string
	Error string
	// Enrolment: the secret to type and the otpauth:// URI.
	Secret string
	URI    string
	// Required is set when an admin must enrol before going on.
	Required bool
	// Codes are the recovery codes, shown once after enrolment.
	Codes []string
}

// showSecondFactor asks for the code of a user whose password was right.
func (h *Handler) showSecondFactor(w http.ResponseWriter, r *http.Request, s *session) error {
	h.render(w, r, http.StatusOK, "mfa", &view{Title: "Two-step sign-in", Data: mfaData{CSRF: s.row.CSRF, Next: localPath(r.URL.Query().Get("next"))}})
	return nil
}

// verifySecondFactor checks the code (TOTP or a recovery code), throttled
// like the password, and on success starts a signed-in session under a new
// id.
func (h *Handler) verifySecondFactor(w http.ResponseWriter, r *http.Request, s *session) error {
	d := mfaData{CSRF: s.row.CSRF, Next: localPath(r.PostFormValue("next"))}
	err := h.store.VerifySecondFactor(r.Context(), s.user.ID, r.PostFormValue("code"), clientAddr(r), h.clock.Now())
	if err != nil {
		status, ok := loginStatus[rcm.ErrorCode(err)]
		if !ok {
			return err
		}
		setRetryAfter(w, err)
		d.Error = rcm.ErrorMessage(err)
		h.render(w, r, status, "mfa", &view{Title: "Two-step sign-in", Data: d})
		return nil
	}
	if err := h.startSession(w, r, s.user, stageSignedIn); err != nil {
		return err
	}
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
	return nil
}

// showEnrol shows a new (or the pending) TOTP secret as text and as an
// otpauth:// URI, with a form for the first code. Admins reach it straight
// after their password when they have no second factor; anyone else from
// the account page.
func (h *Handler) showEnrol(w http.ResponseWriter, r *http.Request, s *session) error {
	e, err := h.store.BeginTOTPEnrolment(r.Context())
	if err != nil {
		return err
	}
	h.renderEnrol(w, r, s, http.StatusOK, mfaData{Next: localPath(r.URL.Query().Get("next"))}, e)
	return nil
}

func (h *Handler) renderEnrol(w http.ResponseWriter, r *http.Request, s *session, status int, d mfaData, e *rcm.TOTPEnrolment) {
	d.CSRF, d.Secret, d.URI, d.Required = s.row.CSRF, e.Secret, e.URI, s.row.Stage == stageEnrol
	v := &view{Title: "Set up two-step sign-in", Data: d}
	if s.row.Stage == stageSignedIn {
		v.User, v.Org, v.CSRF = s.user, s.org, s.row.CSRF
	}
	h.render(w, r, status, "mfa_enrol", v)
}

// confirmEnrol turns TOTP on with the first code and shows the recovery
// codes, once. An admin who had to enrol is signed in from here, under a
// new session id.
func (h *Handler) confirmEnrol(w http.ResponseWriter, r *http.Request, s *session) error {
	d := mfaData{Next: localPath(r.PostFormValue("next"))}
	codes, err := h.store.ConfirmTOTPEnrolment(r.Context(), r.PostFormValue("code"), h.clock.Now())
	if rcm.ErrorCode(err) == rcm.EINVALID {
		e, berr := h.store.BeginTOTPEnrolment(r.Context())
		if berr != nil {
			return berr
		}
		d.Error = rcm.ErrorMessage(err)
		h.renderEnrol(w, r, s, http.StatusBadRequest, d, e)
		return nil
	} else if err != nil {
		return err
	}
	v := &view{Title: "Recovery codes"}
	if s.row.Stage == stageEnrol {
		if err := h.startSession(w, r, s.user, stageSignedIn); err != nil {
			return err
		}
	} else {
		v.User, v.Org, v.CSRF = s.user, s.org, s.row.CSRF
	}
	d.Codes = codes
	v.Data = d
	h.render(w, r, http.StatusOK, "mfa_codes", v)
	return nil
}

// disableMFA turns the user's TOTP off, given a current code.
func (h *Handler) disableMFA(w http.ResponseWriter, r *http.Request, s *session) error {
	err := h.store.DisableTOTP(r.Context(), r.PostFormValue("code"), h.clock.Now())
	if code := rcm.ErrorCode(err); code == rcm.EINVALID || code == rcm.EFORBIDDEN {
		return h.renderAccount(w, r, s, statusOf[code], &accountData{MFAError: rcm.ErrorMessage(err)})
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/account?done=mfa-off", http.StatusSeeOther)
	return nil
}
