// Package routemux is an http.ServeMux that remembers the pattern of every
// route registered on it, so that tests (the attack suite in
// internal/attack) can walk every route of the API and the workbench,
// including routes added after they were written, instead of a hand-kept
// list that a new route could slip past.
package routemux

import (
	"net/http"
	"slices"
)

// Mux is an http.ServeMux that remembers its patterns.
type Mux struct {
	*http.ServeMux
	patterns []string
}

// New returns an empty Mux.
func New() *Mux { return &Mux{ServeMux: http.NewServeMux()} }

// Handle registers a route and remembers its pattern.
func (m *Mux) Handle(pattern string, h http.Handler) {
	m.ServeMux.Handle(pattern, h)
	m.patterns = append(m.patterns, pattern)
}

// HandleFunc registers a route and remembers its pattern.
func (m *Mux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.ServeMux.HandleFunc(pattern, h)
	m.patterns = append(m.patterns, pattern)
}

// Patterns returns the pattern of every route registered so far
// ("GET /patients/{id}"), sorted. Routes are registered before the mux
// serves, so it is not safe to call while routes are being added.
func (m *Mux) Patterns() []string {
	p := slices.Clone(m.patterns)
	slices.Sort(p)
	return p
}
