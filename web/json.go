package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/internal/jsondup"
)

// MaxBodyBytes bounds a request body. The largest legitimate body is an
// encounter with its note (at most 100,000 characters) and 50 lines, far
// below this; anything bigger is refused before it is read into memory.
const MaxBodyBytes = 1 << 20

// writeJSON writes v as the JSON response with the given status. An error
// while writing means the client has gone; there is no one left to tell.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(v); err != nil {
		// Domain types always marshal; failing here is a programming error,
		// answered without echoing anything of v.
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":{"code":"internal","message":"Internal error."}}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// decodeJSON reads the request body into v strictly: the body must be
// declared JSON, fit in MaxBodyBytes, name only fields v has, give no key
// twice in any object, and hold exactly one value. Being strict here means
// a misspelt or repeated field is an error the client sees, not a value
// silently dropped or silently chosen.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return rcm.FieldErrorf(eUnsupportedMedia, "Content-Type", "Send the body as JSON with Content-Type: application/json.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return jsonError(err)
	}
	return decodeStrict(body, v)
}

// decodeStrict decodes one JSON value from body into v: only fields v
// has, no key twice in any object (in any letter case, as the decoder
// would match them), and nothing after the value. Every door that takes
// JSON from outside decodes through it.
func decodeStrict(body []byte, v any) error {
	var dup *jsondup.Error
	if err := jsondup.Check(body); errors.As(err, &dup) {
		return rcm.FieldErrorf(rcm.EINVALID, dup.Path, "%s", dup.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return rcm.Errorf(rcm.EINVALID, "The body holds more than one JSON value; send exactly one object.")
	}
	return nil
}

// jsonError turns a decoding failure into a domain error that names the
// field where the decoder knows it.
func jsonError(err error) error {
	var (
		tooBig  *http.MaxBytesError
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooBig):
		return rcm.Errorf(eTooLarge, "The body is larger than %d bytes.", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return rcm.Errorf(rcm.EINVALID, "The body is empty; send a JSON object.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return rcm.Errorf(rcm.EINVALID, "The body ends in the middle of a JSON value.")
	case errors.As(err, &syntax):
		return rcm.Errorf(rcm.EINVALID, "The body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return rcm.Errorf(rcm.EINVALID, "The body must be a JSON %s, not %s.", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &typeErr):
		return rcm.FieldErrorf(rcm.EINVALID, typeErr.Field, "%s must be a JSON %s, not %s.", typeErr.Field, jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	}
	// The decoder reports an unknown field only as text.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		field, uerr := strconv.Unquote(name)
		if uerr != nil {
			field = name
		}
		return rcm.FieldErrorf(rcm.EINVALID, field, "Unknown field %q.", field)
	}
	// What remains are the field types' own parse errors (dates, money):
	// a domain error is passed on as it is, so the user reads its message
	// and not its Go text ("rcm error: code=invalid message=...").
	var domain *rcm.Error
	if errors.As(err, &domain) {
		return domain
	}
	return rcm.Errorf(rcm.EINVALID, "%s", err.Error())
}

// jsonKind names a Go kind as JSON calls it.
func jsonKind(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "struct", kind == "map":
		return "object"
	case kind == "slice", kind == "array":
		return "array"
	case kind == "bool":
		return "boolean"
	}
	return kind
}

// pathID reads the numeric path parameter name; ids are positive.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, rcm.FieldErrorf(rcm.EINVALID, name, "Path parameter %s must be a positive whole number.", name)
	}
	return id, nil
}

// query holds a request's query parameters after checking that each is one
// the route knows and appears at most once; a typo in a filter would
// otherwise silently widen a result.
type query struct{ v url.Values }

func parseQuery(r *http.Request, allowed ...string) (query, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return query{}, rcm.FieldErrorf(rcm.EINVALID, "query", "The query string is malformed.")
	}
	for name, vals := range v {
		known := false
		for _, a := range allowed {
			known = known || a == name
		}
		if !known && len(allowed) == 0 {
			return query{}, rcm.FieldErrorf(rcm.EINVALID, name, "Unknown query parameter %q (this route takes none).", name)
		}
		if !known {
			return query{}, rcm.FieldErrorf(rcm.EINVALID, name, "Unknown query parameter %q (this route takes: %s).", name, strings.Join(allowed, ", "))
		}
		if len(vals) > 1 {
			return query{}, rcm.FieldErrorf(rcm.EINVALID, name, "Query parameter %s is given more than once.", name)
		}
	}
	return query{v}, nil
}

// str returns a text parameter of at most maxLen bytes.
func (q query) str(name string, maxLen int) (string, error) {
	s := q.v.Get(name)
	if len(s) > maxLen {
		return "", rcm.FieldErrorf(rcm.EINVALID, name, "Query parameter %s is longer than %d characters.", name, maxLen)
	}
	// A NUL or invalid UTF-8 reaching PostgreSQL fails the query itself
	// (a 500); no name, trace or code holds control characters.
	if !printable(s) {
		return "", rcm.FieldErrorf(rcm.EINVALID, name, "Query parameter %s may hold only printable text.", name)
	}
	return s, nil
}

// int returns an integer parameter in [lo, hi], or def when absent.
func (q query) int(name string, def, lo, hi int) (int, error) {
	if !q.v.Has(name) {
		return def, nil
	}
	n, err := strconv.Atoi(q.v.Get(name))
	if err != nil || n < lo || n > hi {
		return 0, rcm.FieldErrorf(rcm.EINVALID, name, "Query parameter %s must be a whole number from %d to %d.", name, lo, hi)
	}
	return n, nil
}

// id returns an optional id parameter; 0 when absent.
func (q query) id(name string) (int64, error) {
	if !q.v.Has(name) {
		return 0, nil
	}
	id, err := strconv.ParseInt(q.v.Get(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, rcm.FieldErrorf(rcm.EINVALID, name, "Query parameter %s must be a positive whole number.", name)
	}
	return id, nil
}

// Page sizes of list routes: the stores cap a page at 1000 rows, so the API
// refuses larger pages instead of quietly returning fewer.
const (
	defaultLimit = 100
	maxLimit     = 1000
	maxOffset    = 1_000_000
)

// page reads limit and offset.
func (q query) page() (limit, offset int, err error) {
	if limit, err = q.int("limit", defaultLimit, 1, maxLimit); err != nil {
		return 0, 0, err
	}
	offset, err = q.int("offset", 0, 0, maxOffset)
	return limit, offset, err
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if !unicode.IsPrint(c) {
			return false
		}
	}
	return true
}
