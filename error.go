package rcm

import (
	"errors"
	"fmt"
)

// Error codes. They say what kind of failure happened; only the HTTP edge
// turns them into status codes.
const (
	ECONFLICT       = "conflict"
	EINTERNAL       = "internal"
	EINVALID        = "invalid"
	ENOTFOUND       = "not_found"
	EUNAUTHORIZED   = "unauthorized"
	EFORBIDDEN      = "forbidden"
	EUNPROCESSABLE  = "unprocessable"
	ENOTIMPLEMENTED = "not_implemented"
)

// Error is the domain error: a machine-readable code, the field it concerns
// (when one does) and a message fit to show a user.
type Error struct {
	Code    string
	Field   string
	Message string
}

// Error implements the error interface with the message alone. An error's
// text reaches users in more places than anyone can list (the command
// line, an error wrapped with %v, a page that prints err), so it must be
// the text fit to show them; programs read the code and field with
// ErrorCode and ErrorField.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an *Error that names the offending field, so a form or
// API client can point at it.
func FieldErrorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain, or a generic message for other errors so internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorField returns the field named by the first *Error in err's chain.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
