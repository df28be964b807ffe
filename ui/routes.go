package ui

import (
	"net/http"
	"slices"
)

// routeMux is an http.ServeMux that remembers the pattern of every route
// registered on it, so that tests (the attack suite in internal/attack)
// can walk every route, including routes added after they were written,
// instead of a hand-kept list that a new route could slip past.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

func newRouteMux() *routeMux { return &routeMux{ServeMux: http.NewServeMux()} }

// Handle registers a route and remembers its pattern.
func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.ServeMux.Handle(pattern, h)
	m.patterns = append(m.patterns, pattern)
}

// HandleFunc registers a route and remembers its pattern.
func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.ServeMux.HandleFunc(pattern, h)
	m.patterns = append(m.patterns, pattern)
}

// Routes returns the pattern of every route registered so far
// ("GET /patients/{id}"), sorted. Routes are registered before the
// Handler serves, so it is not safe to call while routes are being added.
func (h *Handler) Routes() []string {
	p := slices.Clone(h.mux.patterns)
	slices.Sort(p)
	return p
}
