// Package web is OpenRCM's HTTP edge: the JSON API under /api/v1 (and, in
// time, the HTML workbench). It turns requests into calls on the domain
// services and their errors into HTTP statuses, and nothing more: which
// user may do what, and which organization's rows they see, is decided by
// the services from the rcm.Actor this package puts in the request context,
// so no route can reach data the services would refuse.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/internal/routemux"
)

// Config is what a Server needs. The services are interfaces so that the
// API, the workbench and tests can share one wiring; *sqldb.DB implements
// all of them.
type Config struct {
	Organizations rcm.OrganizationService
	Payers        rcm.PayerService
	Patients      rcm.PatientService
	Encounters    rcm.EncounterService
	Users         rcm.UserService
	Audit         rcm.AuditService
	// Ping reports whether the database answers; /healthz calls it so a
	// load balancer stops sending requests to a server that cannot serve
	// them.
	Ping func(context.Context) error
	// Clock times requests for the log; nil means the system clock.
	Clock rcm.Clock
	// Logger receives one line per request and every internal error; nil
	// discards them.
	Logger *slog.Logger
	// UI, when set, serves every path outside /api/ and /healthz: the web
	// workbench (package ui). It shares the request log, panic recovery
	// and security headers, and sets its own Content-Security-Policy.
	UI http.Handler
	// Transport says which proxies are trusted and whether cookies are
	// Secure on plain HTTP; the zero value trusts no proxy.
	Transport Transport
	// Observe, when set, is told of every request answered, with the route
	// pattern that matched ("" when none did), for metrics.
	Observe func(method, route string, status int, d time.Duration)
}

// Server is the HTTP handler of OpenRCM.
type Server struct {
	orgs       rcm.OrganizationService
	payers     rcm.PayerService
	patients   rcm.PatientService
	encounters rcm.EncounterService
	users      rcm.UserService
	signin     rcm.SignInService
	audit      rcm.AuditService
	ping       func(context.Context) error
	clock      rcm.Clock
	logger     *slog.Logger
	ui         http.Handler
	observe    func(method, route string, status int, d time.Duration)

	mux     *routemux.Mux
	handler http.Handler

	docState
}

// NewServer returns a Server with every route registered. It fails when a
// service is missing, so a wiring mistake shows at start-up rather than as
// a panic on the first request that needs it.
func NewServer(cfg Config) (*Server, error) {
	if cfg.Organizations == nil || cfg.Payers == nil || cfg.Patients == nil || cfg.Encounters == nil ||
		cfg.Users == nil || cfg.Audit == nil || cfg.Ping == nil {
		return nil, errors.New("web: every service and Ping must be set")
	}
	// Tokens are checked through the throttled sign-in service, which the
	// user store provides.
	signin, ok := cfg.Users.(rcm.SignInService)
	if !ok {
		return nil, errors.New("web: Users must implement rcm.SignInService (throttled token checks)")
	}
	s := &Server{
		orgs: cfg.Organizations, payers: cfg.Payers, patients: cfg.Patients, encounters: cfg.Encounters,
		users: cfg.Users, signin: signin, audit: cfg.Audit, ping: cfg.Ping, clock: cfg.Clock, logger: cfg.Logger, ui: cfg.UI, observe: cfg.Observe,
		mux: routemux.New(),
	}
	if s.clock == nil {
		s.clock = rcm.SystemClock{}
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	s.routes()
	s.handler = cfg.Transport.Handler(s.logRequests(s.secureHeaders(s.recoverPanics(http.HandlerFunc(s.dispatch)))))
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// routes registers every route of the server: this is the one place to
// read what the server answers. Routes under /api/v1 go through s.api,
// which requires a valid token.
func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", s.handleHealthz)

	s.mux.Handle("GET /api/v1/me", s.api(s.handleMe))
	s.mux.Handle("GET /api/v1/openapi.json", s.api(s.handleOpenAPI))

	s.mux.Handle("POST /api/v1/practices", s.api(createHandler(s.orgs.CreatePractice, practiceID, "/api/v1/practices/")))
	s.mux.Handle("GET /api/v1/practices", s.api(listHandler("practices", s.orgs.FindPractices)))
	s.mux.Handle("GET /api/v1/practices/{id}", s.api(getHandler(s.orgs.FindPracticeByID)))
	s.mux.Handle("PUT /api/v1/practices/{id}", s.api(updateHandler(s.orgs.UpdatePractice, practiceID)))
	// Facilities: where services are rendered, and for institutional
	// claims the facility's kind and taxonomy (837I, UB-04).
	s.mux.Handle("POST /api/v1/facilities", s.api(createHandler(s.orgs.CreateFacility, facilityID, "/api/v1/facilities/")))
	s.mux.Handle("GET /api/v1/facilities", s.api(listHandler("facilities", s.orgs.FindFacilities)))

	s.mux.Handle("POST /api/v1/providers", s.api(createHandler(s.orgs.CreateProvider, providerID, "/api/v1/providers/")))
	s.mux.Handle("GET /api/v1/providers", s.api(listHandler("providers", s.orgs.FindProviders)))
	s.mux.Handle("GET /api/v1/providers/{id}", s.api(getHandler(s.orgs.FindProviderByID)))
	s.mux.Handle("PUT /api/v1/providers/{id}", s.api(updateHandler(s.orgs.UpdateProvider, providerID)))

	s.mux.Handle("POST /api/v1/payers", s.api(createHandler(s.payers.CreatePayer, payerID, "/api/v1/payers/")))
	s.mux.Handle("GET /api/v1/payers", s.api(listHandler("payers", s.payers.FindPayers)))
	s.mux.Handle("GET /api/v1/payers/{id}", s.api(getHandler(s.payers.FindPayerByID)))
	s.mux.Handle("PUT /api/v1/payers/{id}", s.api(updateHandler(s.payers.UpdatePayer, payerID)))

	s.mux.Handle("POST /api/v1/patients", s.api(createHandler(s.patients.CreatePatient, patientID, "/api/v1/patients/")))
	s.mux.Handle("GET /api/v1/patients", s.api(s.handleFindPatients))
	s.mux.Handle("GET /api/v1/patients/{id}", s.api(getHandler(s.patients.FindPatientByID)))
	s.mux.Handle("PUT /api/v1/patients/{id}", s.api(updateHandler(s.patients.UpdatePatient, patientID)))

	s.mux.Handle("POST /api/v1/patients/{id}/coverages", s.api(s.handleCreateCoverage))
	s.mux.Handle("GET /api/v1/patients/{id}/coverages", s.api(s.handleFindCoverages))
	s.mux.Handle("GET /api/v1/coverages/{id}", s.api(getHandler(s.patients.FindCoverageByID)))
	s.mux.Handle("PUT /api/v1/coverages/{id}", s.api(updateHandler(s.patients.UpdateCoverage, coverageID)))

	s.mux.Handle("POST /api/v1/encounters", s.api(createHandler(s.encounters.CreateEncounter, encounterID, "/api/v1/encounters/")))
	s.mux.Handle("GET /api/v1/encounters", s.api(s.handleFindEncounters))
	s.mux.Handle("GET /api/v1/encounters/{id}", s.api(getHandler(s.encounters.FindEncounterByID)))
	s.mux.Handle("PUT /api/v1/encounters/{id}", s.api(updateHandler(s.encounters.UpdateEncounter, encounterID)))

	s.mux.Handle("GET /api/v1/audit", s.api(s.handleFindAuditEvents))

	s.routeUsers()
	s.describeCore()
}

// dispatch routes a request. Requests no route matches get the JSON error
// shape the rest of the API uses (with the mux's status and Allow header)
// instead of the mux's plain-text page.
//
// Paths outside the API go to the workbench when there is one; the API's
// own answers, including its JSON 404 and 405, stay as they are.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	if s.ui != nil && r.URL.Path != "/healthz" && r.URL.Path != "/api" && !strings.HasPrefix(r.URL.Path, "/api/") && !strings.HasPrefix(r.URL.Path, "/fhir/") {
		s.ui.ServeHTTP(w, r)
		return
	}
	if _, pattern := s.mux.Handler(r); pattern == "" {
		rec := &statusRecorder{header: http.Header{}}
		s.mux.ServeHTTP(rec, r)
		allow := rec.header.Get("Allow")
		if allow != "" {
			w.Header().Set("Allow", allow)
		}
		switch rec.status {
		case http.StatusMethodNotAllowed:
			s.writeError(w, r, rcm.Errorf(eMethodNotAllowed, "Method %s is not allowed here (allowed: %s).", r.Method, allow))
		case http.StatusNotFound, 0:
			s.writeError(w, r, rcm.Errorf(rcm.ENOTFOUND, "No such route."))
		default:
			// A redirect (for example to a cleaned path): pass it on.
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.status)
		}
		return
	}
	s.mux.ServeHTTP(w, r)
}

// statusRecorder keeps the status and headers of the mux's own answer to
// an unrouted request and drops its plain-text body.
type statusRecorder struct {
	header http.Header
	status int
}

func (r *statusRecorder) Header() http.Header         { return r.header }
func (r *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// healthTimeout bounds the database check of /healthz: a probe that hangs
// is as bad as one that fails.
const healthTimeout = 3 * time.Second

// handleHealthz answers {"status":"ok"} when the database answers. It needs
// no token, so it reveals nothing but whether the server can serve.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	if err := s.ping(ctx); err != nil {
		s.logger.ErrorContext(r.Context(), "health check failed", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
