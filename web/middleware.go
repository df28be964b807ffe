package web

import (
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/openrcm/openrcm"
)

// apiFunc is an API handler: it writes a response on success and returns
// an error otherwise, so that every failure is answered by writeError.
type apiFunc func(w http.ResponseWriter, r *http.Request) error

// Reason header. The audit log records why patient data was read or
// changed; a client says why per request, and without one the request is
// taken as routine treatment, payment or operations (the HIPAA term).
const (
	ReasonHeader  = "X-RCM-Reason"
	DefaultReason = rcm.DefaultAuditReason
	maxReasonLen  = 200
)

// api wraps an API handler: it authenticates the bearer token, puts the
// actor in the context for the services to authorize and audit with, and
// answers errors as JSON.
func (s *Server) api(fn apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, err := s.authenticate(r)
		if err == nil {
			err = scopeAllowsMethod(actor, r)
		}
		if err == nil {
			err = fn(w, r.WithContext(rcm.NewContextWithActor(r.Context(), actor)))
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

// authenticate finds the actor of a request from its bearer token and
// reason header.
func (s *Server) authenticate(r *http.Request) (rcm.Actor, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if h == "" {
		return rcm.Actor{}, rcm.FieldErrorf(rcm.EUNAUTHORIZED, "Authorization", "Send an API token: Authorization: Bearer rcm_...")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return rcm.Actor{}, rcm.FieldErrorf(rcm.EUNAUTHORIZED, "Authorization", "The Authorization header must be: Bearer rcm_...")
	}
	// Bad tokens count against the client address, and while the address
	// must wait even a good token is refused (429 with Retry-After).
	u, err := s.signin.SignInWithToken(r.Context(), strings.TrimSpace(token), clientString(r))
	if err != nil {
		return rcm.Actor{}, err
	}
	reason, err := requestReason(r)
	if err != nil {
		return rcm.Actor{}, err
	}
	return rcm.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Reason: reason, Scope: u.TokenScope}, nil
}

// clientString is ClientAddr as the throttle and the security log key
// it: the client's address, or "unknown" for a peer that is not an IP
// address (a Unix socket, a test's fake request).
func clientString(r *http.Request) string {
	if a := ClientAddr(r); a.IsValid() {
		return a.String()
	}
	return "unknown"
}

// requestReason returns the request's reason for the audit log. It is
// stored and shown to auditors, so it must be short printable text.
func requestReason(r *http.Request) (string, error) {
	vals := r.Header.Values(ReasonHeader)
	if len(vals) == 0 {
		return DefaultReason, nil
	}
	reason := strings.TrimSpace(vals[0])
	ok := len(vals) == 1 && reason != "" && utf8.ValidString(reason) && utf8.RuneCountInString(reason) <= maxReasonLen
	for _, c := range reason {
		ok = ok && unicode.IsPrint(c)
	}
	if !ok {
		return "", rcm.FieldErrorf(rcm.EINVALID, ReasonHeader, "%s must be one line of 1 to %d printable characters.", ReasonHeader, maxReasonLen)
	}
	return reason, nil
}

// contentSecurityPolicy is the default for every response: the API serves
// no active content, so nothing may load, frame or submit anywhere. Pages
// of the workbench that need more set their own.
const contentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// secureHeaders sets the headers every response carries. API answers hold
// PHI, so no cache (browser or proxy) may keep them.
func (s *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz" {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics answers a panicking handler with a JSON internal error and
// logs it, instead of dropping the connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.logger.ErrorContext(r.Context(), "handler panicked", "method", r.Method, "pattern", r.Pattern, "request_id", RequestID(r), "panic", p)
				s.writeError(w, r, rcm.Errorf(rcm.EINTERNAL, "panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// logRequests logs one line per request: method, route pattern, status and
// duration. It logs the pattern ("/api/v1/patients/{id}"), never the path,
// query or body, so names and other PHI in them stay out of the log.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.clock.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		pattern := r.Pattern
		if s.observe != nil {
			s.observe(r.Method, pattern, sw.status(), s.clock.Now().Sub(start))
		}
		if pattern == "" {
			pattern = "unmatched"
		}
		s.logger.InfoContext(r.Context(), "request", "method", r.Method, "pattern", pattern,
			"status", sw.status(), "duration", s.clock.Now().Sub(start).Round(time.Microsecond), "request_id", RequestID(r))
	})
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
