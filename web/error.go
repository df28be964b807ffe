package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/openrcm/openrcm"
)

// Codes of failures that only HTTP has. They live beside the domain codes
// in statusOf, so every code-to-status decision is made in one table.
const (
	eTooLarge         = "too_large"
	eUnsupportedMedia = "unsupported_media_type"
	eMethodNotAllowed = "method_not_allowed"
	eUnavailable      = "unavailable"
)

// statusOf maps an error code to its HTTP status. It is the only place
// where the API decides status codes; a code missing here is answered as an
// internal error.
var statusOf = map[string]int{
	rcm.EINVALID:        http.StatusBadRequest,
	rcm.EUNPROCESSABLE:  http.StatusUnprocessableEntity,
	rcm.ENOTFOUND:       http.StatusNotFound,
	rcm.ECONFLICT:       http.StatusConflict,
	rcm.EUNAUTHORIZED:   http.StatusUnauthorized,
	rcm.EFORBIDDEN:      http.StatusForbidden,
	rcm.EINTERNAL:       http.StatusInternalServerError,
	rcm.ENOTIMPLEMENTED: http.StatusNotImplemented,
	rcm.ETOOMANY:        http.StatusTooManyRequests,
	eTooLarge:           http.StatusRequestEntityTooLarge,
	eUnsupportedMedia:   http.StatusUnsupportedMediaType,
	eMethodNotAllowed:   http.StatusMethodNotAllowed,
	eUnavailable:        http.StatusServiceUnavailable,
}

// errorBody is the JSON shape of every API error:
// {"error":{"code":"invalid","field":"npi","message":"..."}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// writeError answers with err as JSON. Internal errors are logged with
// their text and answered with a generic message and the request id, so
// neither SQL nor stack details reach a client, yet the id finds the log
// line; the log carries the route, never request data.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := rcm.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		code, status = rcm.EINTERNAL, http.StatusInternalServerError
	}
	detail := errorDetail{Code: code, Field: rcm.ErrorField(err), Message: rcm.ErrorMessage(err)}
	if status >= http.StatusInternalServerError {
		var e *rcm.Error
		if code == rcm.EINTERNAL || !errors.As(err, &e) {
			id := RequestID(r)
			s.logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "pattern", r.Pattern, "request_id", id, "error", err)
			detail = errorDetail{Code: rcm.EINTERNAL, Message: InternalErrorMessage(id)}
		}
	}
	if wait := rcm.RetryAfter(err); wait > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="openrcm"`)
	}
	writeJSON(w, status, errorBody{detail})
}

// InternalErrorMessage is what a user is told of an internal error: that
// it happened, and the request id under which its details were logged.
func InternalErrorMessage(requestID string) string {
	return "Internal error (request id " + requestID + "). The details are in the server log."
}
