package ui

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/web"
)

// pageTemplate is one screen: its own template file parsed together with
// the layout and the shared partials.
type pageTemplate struct{ t *template.Template }

// view is what every page template gets: who is signed in and where, the
// CSRF token for its forms, and the screen's own data.
type view struct {
	Title  string
	Nav    string
	User   *rcm.User
	Org    *rcm.Organization
	CSRF   string
	Notice string
	Data   any
}

// Can reports whether the signed-in user's role holds a permission. It
// only decides which buttons to show; the services decide what happens.
func (v *view) Can(perm string) bool { return v.User != nil && rcm.RoleCan(v.User.Role, perm) }

var funcs = template.FuncMap{
	"money": func(m rcm.Money) string { return m.Dollars() },
	"date": func(d rcm.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	},
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"join": strings.Join,
	"inc":  func(i int) int { return i + 1 },
	// args passes several values to a template (read back with index).
	"args":  func(v ...any) []any { return v },
	"state": func(s string) string { return strings.ReplaceAll(s, "_", " ") },
	// clpStatus says a CLP02 claim status code in words ("4 denied").
	"clpStatus": func(code string) string {
		if w, ok := remit.ClaimStatuses[code]; ok {
			return code + " " + w
		}
		return code
	},
	"ints": func(v []int) string {
		s := make([]string, len(v))
		for i, n := range v {
			s[i] = strconv.Itoa(n)
		}
		return strings.Join(s, ",")
	},
	"pct": func(n, d int) string {
		if d == 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(d))
	},
	"relationship": func(code string) string { return rcm.Relationships[code] },
	"resolution": func(kind string) string {
		if kind == remit.ResolvedApplied {
			return "Applied to claim lines"
		}
		for _, k := range remit.ResolutionKinds {
			if k.Kind == kind {
				return k.Label
			}
		}
		return kind
	},
	// minutes is a period as whole minutes, for the Jobs screen.
	"minutes": func(d time.Duration) int64 { return int64(d / time.Minute) },
}

// parsePages parses every screen's template once, at start-up, so a
// template error stops the server instead of the first request.
func parsePages() (map[string]*pageTemplate, error) {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*pageTemplate{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("ui: parse %s: %w", n, err)
		}
		pages[base] = &pageTemplate{t}
	}
	return pages, nil
}

// notices are the messages a redirect after an action may ask a page to
// show (?done=key); only these fixed texts can appear, never request text.
var notices = map[string]string{
	"appealed":          "Appeal recorded: the claim shows appealed, and its letter is below.",
	"scrubbed-clean":    "Scrubbed: no errors. The claim is ready to submit.",
	"patient-created":   "The patient is registered. Add their coverage, then record an encounter.",
	"authorization":     "Recorded. Claims built from now on find it by code and date of service.",
	"encounter-created": "The encounter is recorded. Code it: diagnoses first, then the services.",
	"scrubbed-dirty":    "Scrubbed: the claim has errors to fix before it can be submitted.",
	"submitted":         "Submitted to the clearinghouse.",
	"corrected":         "The claim is back in draft for correction; fix it, scrub it and submit it again.",
	"replacement":       "A replacement claim (frequency 7) was made; scrub and submit it.",
	"voided":            "The claim is voided.",
	"void-claim":        "A void claim (frequency 8) was made; scrub and submit it to tell the payer.",
	"ready":             "Coding is complete: the encounter is ready for billing.",
	"built":             "Claim built from the encounter.",
	"saved":             "Saved.",
	"payment":           "Payment posted to the patient's balance, oldest service first.",
	"write-off":         "Written off the patient's balance, oldest service first.",
	"coverage":          "Coverage saved. Claims built from now on use it; a claim already built keeps the coverage it was built with.",
	"resolved":          "The posting exception is resolved.",
	"applied":           "The unapplied money is applied to the claim line.",
	"mfa-off":           "Two-step sign-in is off.",
	"assigned":          "Assigned; each item's log records it.",
	"mailed":            "Marked mailed: the statements leave the list to mail.",
	"noted":             "Noted in the item's log.",
	"item-closed":       "The work item is closed with its outcome.",
	"eligibility":       "Eligibility check (270) sent to the clearinghouse. The answer shows here once its 271 is in (Remittances, Check the clearinghouse).",
}

// renderPage renders a screen inside the layout for a signed-in user.
func (h *Handler) renderPage(w http.ResponseWriter, r *http.Request, s *session, name string, v *view) {
	v.User, v.Org, v.CSRF = s.user, s.org, s.row.CSRF
	v.Notice = notices[r.URL.Query().Get("done")]
	h.render(w, r, http.StatusOK, name, v)
}

// render executes a page into a buffer first, so a template failure
// becomes an error page rather than half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	p, ok := h.pages[name]
	if !ok {
		id := web.RequestID(r)
		h.logger.ErrorContext(r.Context(), "no such template", "template", name, "request_id", id)
		http.Error(w, web.InternalErrorMessage(id), http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := p.t.ExecuteTemplate(&buf, "layout", v); err != nil {
		id := web.RequestID(r)
		h.logger.ErrorContext(r.Context(), "render", "template", name, "request_id", id, "error", err)
		http.Error(w, web.InternalErrorMessage(id), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// renderPartial executes one named template of a page without the
// layout: the fragment the type-ahead script swaps into the page.
func (h *Handler) renderPartial(w http.ResponseWriter, r *http.Request, page, name string, data any) error {
	var buf bytes.Buffer
	if err := h.pages[page].t.ExecuteTemplate(&buf, name, data); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err := buf.WriteTo(w)
	return err
}

// statusOf maps a domain error code to the HTTP status of the error page.
var statusOf = map[string]int{
	rcm.EINVALID:        http.StatusBadRequest,
	rcm.EUNPROCESSABLE:  http.StatusUnprocessableEntity,
	rcm.ENOTFOUND:       http.StatusNotFound,
	rcm.ECONFLICT:       http.StatusConflict,
	rcm.EUNAUTHORIZED:   http.StatusUnauthorized,
	rcm.EFORBIDDEN:      http.StatusForbidden,
	rcm.ENOTIMPLEMENTED: http.StatusNotImplemented,
	rcm.ETOOMANY:        http.StatusTooManyRequests,
}

type errorData struct {
	Status  int
	Message string
}

// renderError answers a failed request with a page that says what went
// wrong in the domain's words. Internal errors are logged by route and
// request id and shown as a generic message with that id, so no SQL or stack text reaches the browser
// and no request data (PHI) reaches the log.
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, s *session, err error) {
	code := rcm.ErrorCode(err)
	status, ok := statusOf[code]
	var e *rcm.Error
	msg := rcm.ErrorMessage(err)
	if !ok || !errors.As(err, &e) || code == rcm.EINTERNAL {
		id := web.RequestID(r)
		h.logger.ErrorContext(r.Context(), "workbench request failed", "method", r.Method, "pattern", r.Pattern, "request_id", id, "error", err)
		status, msg = http.StatusInternalServerError, web.InternalErrorMessage(id)
	}
	setRetryAfter(w, err)
	v := &view{Title: http.StatusText(status), Data: errorData{Status: status, Message: msg}}
	if s != nil {
		v.User, v.Org, v.CSRF = s.user, s.org, s.row.CSRF
	}
	h.render(w, r, status, "error", v)
}

// static serves the embedded stylesheet and script, and nothing else: a
// directory (/static/ itself included) is not found rather than listed,
// since these paths answer without sign-in.
func (h *Handler) static() http.Handler {
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if st, err := fs.Stat(sub, name); err != nil || st.IsDir() || strings.HasSuffix(name, "/") {
			h.renderError(w, r, nil, rcm.Errorf(rcm.ENOTFOUND, "There is no such page."))
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		http.ServeFileFS(w, r, sub, name)
	})
}

// pathID reads a positive id from the path.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, rcm.Errorf(rcm.ENOTFOUND, "There is no such page.")
	}
	return id, nil
}
