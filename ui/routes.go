package ui

// Routes returns the pattern of every route registered ("GET
// /patients/{id}"), sorted, for tests that must reach every route.
func (h *Handler) Routes() []string { return h.mux.Patterns() }
