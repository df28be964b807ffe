package web

// Routes returns the pattern of every route registered ("GET
// /patients/{id}"), sorted, for tests that must reach every route.
func (s *Server) Routes() []string { return s.mux.Patterns() }
