// Package ui is OpenRCM's web workbench: the screens coders and billers
// work in (coding workbench, claims, work queues, patients, dashboard),
// rendered on the server with html/template from templates and assets
// embedded in the binary, so `rcm serve` needs nothing else on disk.
//
// The package holds no revenue-cycle logic of its own that the API lacks:
// every read and change goes through the same domain services, which check
// the signed-in user's role and audit every view of a patient. What the
// package adds is the browser's side of security: server-side sessions in
// HttpOnly cookies, a synchronizer CSRF token on every state-changing
// request, contextual escaping by html/template, and a Content-Security-
// Policy that lets only the workbench's own script and style run.
//
// One file per screen or action, after miniflux: ui.go has every route.
package ui

import (
	"context"
	"embed"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/carc"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/codingaudit"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/inbox"
	"github.com/openrcm/openrcm/internal/routemux"
	"github.com/openrcm/openrcm/kpi"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/statement/mailing"
)

//go:embed templates static
var assets embed.FS

// Store is every service the workbench reads and changes through.
// *sqldb.DB implements it; the ledger reads and the session table are its
// own methods, which the domain has no interface for yet.
type Store interface {
	rcm.OrganizationService
	rcm.PayerService
	rcm.PatientService
	rcm.PatientListService
	rcm.EncounterService
	rcm.UserService
	rcm.CredentialService
	rcm.SignInService
	rcm.MFAService
	rcm.AuditService
	rcm.ClaimService
	rcm.ScrubService
	rcm.SubmissionService
	rcm.ClearinghouseService
	rcm.QuarantineService
	rcm.FeeService
	rcm.ContractService
	rcm.AuthorizationService
	rcm.SuggestionDecisionService
	FindLineBalances(ctx context.Context, f rcm.LedgerFilter) ([]*ledger.LineBalance, error)
	LedgerTotals(ctx context.Context, f rcm.LedgerFilter) (ledger.Totals, error)
	PostPatientPayment(ctx context.Context, p rcm.PatientPayment) (*ledger.Transaction, error)
	PostPatientWriteOff(ctx context.Context, w rcm.PatientWriteOff) (*ledger.Transaction, error)
	FindServiceLineIDs(ctx context.Context, encounterID int64) ([]int64, error)
	// FindPatientBalances lists who gets a statement (the statements
	// screen).
	FindPatientBalances(ctx context.Context) ([]rcm.PatientBalance, error)
	// The statement runs' mailing list (Statements to mail).
	mailing.MailStore

	// Remittances: posting through the inbox (the same routine as the
	// clearinghouse poll), the denials and exceptions queues and the
	// CARC/RARC meanings.
	inbox.Services
	FindDenials(ctx context.Context, f remit.DenialFilter) ([]*remit.Denial, error)
	FindRemitExceptions(ctx context.Context) ([]*remit.Exception, error)
	FindRemitExceptionQueue(ctx context.Context, f remit.ExceptionFilter) ([]*remit.Exception, error)
	ResolveRemitException(ctx context.Context, id int64, kind, note string) (*remit.Exception, error)
	ApplyUnappliedMoney(ctx context.Context, ap remit.Application) (*remit.Exception, error)
	FindRemittances(ctx context.Context, f remit.RemittanceFilter) ([]*remit.RemittanceSummary, error)
	GetRemittance(ctx context.Context, id int64) (*remit.RemittanceDetail, error)
	CountRemittances(ctx context.Context) (rcm.RemitStats, error)
	CodeSet(ctx context.Context) (*carc.Set, error)
	// KPIReport computes the HFMA figures the dashboard shows.
	KPIReport(ctx context.Context, from, to time.Time) (*kpi.Report, error)

	// Eligibility: 270s sent and the 271 answers stored per coverage.
	eligibility.Store
	FindLatestEligibility(ctx context.Context, coverageID int64) (*eligibility.Record, error)

	// The A/R desk's Follow-up queue.
	FollowUpStore
	FollowUpWork
	KPIStore

	// The coding audit and practice mode (package codingaudit).
	codingaudit.Store
	codingaudit.PracticeStore

	CreateUISession(ctx context.Context, idHash string, s *rcm.UISession) error
	FindUISession(ctx context.Context, idHash string) (*rcm.UISession, error)
	TouchUISession(ctx context.Context, idHash string, t time.Time) error
	DeleteUISession(ctx context.Context, idHash string) error
	DeleteExpiredUISessions(ctx context.Context, created, seen time.Time) (int64, error)
}

// Config is what the workbench needs.
type Config struct {
	Store Store
	// Catalog loads the code sets for the encoder search and validation.
	Catalog func(ctx context.Context) (*codeset.Catalog, error)
	// Scrubber builds the claim scrubber of an organization as of a date;
	// the command line and the workbench share it, so a claim scrubs the
	// same wherever it is scrubbed.
	Scrubber func(ctx context.Context, today rcm.Date, orgID int64) (*claim.Scrubber, error)
	// Transport opens the clearinghouse transport a settings URL names.
	Transport func(ctx context.Context, spec string) (clearinghouse.Transport, error)
	// Clock is the time for sessions, aging and scrubbing; nil means the
	// system clock.
	Clock rcm.Clock
	// Logger receives internal errors (never request data); nil discards.
	Logger *slog.Logger
	// IdleTimeout ends a session unused this long; MaxAge ends any session
	// this long after sign-in. Zero means the defaults.
	IdleTimeout time.Duration
	MaxAge      time.Duration
	// Jobs, when set, is the job queue the Jobs screen shows; without it
	// the screen says the server has none.
	Jobs JobDesk
}

// Session lifetimes. A workstation left signed in is a risk to PHI, so an
// idle session ends after half an hour, and every session after a
// working day.
const (
	DefaultIdleTimeout = 30 * time.Minute
	DefaultMaxAge      = 12 * time.Hour
)

// catalogTTL is how long a loaded code-set catalog is reused. Loading it
// reads every release from the database, far too slow for a keystroke of
// the type-ahead; a release imported meanwhile shows up within this time.
const catalogTTL = 10 * time.Minute

// Handler serves the workbench.
type Handler struct {
	cfg    Config
	store  Store
	clock  rcm.Clock
	logger *slog.Logger
	mux    *routemux.Mux
	pages  map[string]*pageTemplate

	catMu     sync.Mutex
	cat       *codeset.Catalog
	catLoaded time.Time
}

// New returns the workbench handler. It fails when a required service is
// missing, so a wiring mistake shows at start-up.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil || cfg.Catalog == nil || cfg.Scrubber == nil || cfg.Transport == nil {
		return nil, errors.New("ui: Store, Catalog, Scrubber and Transport must be set")
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	h := &Handler{cfg: cfg, store: cfg.Store, clock: cfg.Clock, logger: cfg.Logger, mux: routemux.New()}
	if h.clock == nil {
		h.clock = rcm.SystemClock{}
	}
	if h.logger == nil {
		h.logger = slog.New(slog.DiscardHandler)
	}
	var err error
	if h.pages, err = parsePages(); err != nil {
		return nil, err
	}
	h.routes()
	return h, nil
}

// routes registers every route of the workbench. GET routes only read;
// every POST changes something and goes through the CSRF check (h.action).
func (h *Handler) routes() {
	h.mux.Handle("GET /static/", h.static())
	h.mux.HandleFunc("GET /login", h.showLogin)
	h.mux.HandleFunc("POST /login", h.login)
	h.mux.Handle("POST /logout", h.actionIn(h.logout, stageSignedIn, stageMFA, stageEnrol))
	h.mux.Handle("GET /login/mfa", h.pageIn(h.showSecondFactor, stageMFA))
	h.mux.Handle("POST /login/mfa", h.actionIn(h.verifySecondFactor, stageMFA))
	h.mux.Handle("GET /mfa/enrol", h.pageIn(h.showEnrol, stageEnrol, stageSignedIn))
	h.mux.Handle("POST /mfa/enrol", h.actionIn(h.confirmEnrol, stageEnrol, stageSignedIn))
	h.mux.Handle("POST /account/mfa/disable", h.action(h.disableMFA))

	h.mux.Handle("GET /{$}", h.page(h.showDashboard))

	h.mux.Handle("GET /encounters", h.page(h.showEncounters))
	h.mux.Handle("GET /encounters/{id}", h.page(h.showWorkbench))
	h.mux.Handle("GET /codes/search", h.page(h.searchCodes))
	h.mux.Handle("POST /encounters/{id}/diagnoses", h.action(h.addDiagnosis))
	h.mux.Handle("POST /encounters/{id}/diagnoses/{n}/remove", h.action(h.removeDiagnosis))
	h.mux.Handle("POST /encounters/{id}/diagnoses/{n}/up", h.action(h.moveDiagnosisUp))
	h.mux.Handle("POST /encounters/{id}/lines", h.action(h.addLine))
	h.mux.Handle("POST /encounters/{id}/lines/{n}", h.action(h.updateLine))
	h.mux.Handle("POST /encounters/{id}/lines/{n}/remove", h.action(h.removeLine))
	h.mux.Handle("POST /encounters/{id}/facility", h.action(h.saveFacility))
	h.mux.Handle("POST /encounters/{id}/ready", h.action(h.markReady))
	h.mux.Handle("POST /encounters/{id}/claim", h.action(h.buildClaim))

	h.mux.Handle("GET /claims", h.page(h.showClaims))
	h.mux.Handle("GET /claims/{id}", h.page(h.showClaim))
	h.mux.Handle("GET /claims/{id}/837p", h.page(h.downloadSubmission))
	h.mux.Handle("GET /claims/{id}/cms1500.pdf", h.page(h.downloadClaimForm))
	h.mux.Handle("GET /statements", h.page(h.showStatements))
	h.mux.Handle("GET /statements/print.zip", h.page(h.printStatements))
	h.mux.Handle("GET /statements/mail", h.page(h.showMailList))
	h.mux.Handle("GET /statements/mail/print.zip", h.page(h.printMailList))
	h.mux.Handle("GET /statements/mail/{id}", h.page(h.downloadRunStatement))
	h.mux.Handle("POST /statements/mail/mailed", h.action(h.markMailed))
	h.mux.Handle("POST /claims/{id}/scrub", h.action(h.scrubClaim))
	h.mux.Handle("POST /claims/{id}/submit", h.action(h.submitClaim))
	h.mux.Handle("POST /claims/{id}/correct", h.action(h.correctClaim))
	h.mux.Handle("POST /claims/{id}/void", h.action(h.voidClaim))

	h.mux.Handle("GET /queues", h.page(h.showQueues))
	h.mux.Handle("GET /followups", h.page(h.showFollowUps))
	h.mux.Handle("POST /claims/{id}/appeal", h.action(h.appealClaim))
	h.mux.Handle("GET /claims/{id}/appeal-letter.pdf", h.page(h.downloadAppealLetter))
	h.mux.Handle("GET /followups/{id}", h.page(h.showFollowUpItem))
	h.mux.Handle("POST /followups/assign", h.action(h.assignFollowUps))
	h.mux.Handle("POST /followups/{id}/note", h.action(h.noteFollowUp))
	h.mux.Handle("POST /followups/{id}/close", h.action(h.closeFollowUp))
	h.mux.Handle("GET /queues/denials.csv", h.page(h.downloadDenials))
	h.mux.Handle("GET /claims/{id}/status.csv", h.page(h.downloadClaimStatus))
	h.mux.Handle("GET /reports/kpi", h.page(h.showKPI))

	h.mux.Handle("GET /patients", h.page(h.showPatients))
	h.mux.Handle("GET /patients/{id}", h.page(h.showPatient))
	h.mux.Handle("POST /patients/{id}/eligibility", h.action(h.checkEligibility))
	h.mux.Handle("POST /patients/{id}", h.action(h.updatePatient))
	h.mux.Handle("POST /patients/{id}/coverages", h.action(h.addCoverage))
	h.mux.Handle("POST /patients/{id}/coverages/{cov}", h.action(h.updateCoverage))
	h.mux.Handle("POST /patients/{id}/payments", h.action(h.recordPayment))
	h.mux.Handle("POST /patients/{id}/write-offs", h.action(h.recordWriteOff))
	h.mux.Handle("GET /patients/{id}/statement.pdf", h.page(h.downloadStatement))
	h.mux.Handle("GET /patients/new", h.page(h.showNewPatient))
	h.mux.Handle("POST /patients", h.action(h.createPatient))
	h.mux.Handle("GET /patients/{id}/encounters/new", h.page(h.showNewEncounter))
	h.mux.Handle("POST /patients/{id}/encounters", h.action(h.createEncounter))
	h.mux.Handle("GET /fees", h.page(h.showFees))
	h.mux.Handle("POST /fees", h.upload(h.uploadFees))
	h.mux.Handle("GET /coverages/{id}/authorizations", h.page(h.showAuthorizations))
	h.mux.Handle("POST /coverages/{id}/authorizations", h.action(h.createAuthorization))

	h.mux.Handle("GET /remittances", h.page(h.showRemittances))
	h.mux.Handle("POST /remittances", h.upload(h.uploadRemittance))
	h.mux.Handle("POST /remittances/poll", h.action(h.pollClearinghouse))
	h.mux.Handle("GET /remittances/{id}", h.page(h.showRemittance))
	h.mux.Handle("POST /remittances/exceptions/{id}/resolve", h.action(h.resolveException))
	h.mux.Handle("POST /remittances/exceptions/{id}/apply", h.action(h.applyUnapplied))

	h.mux.Handle("GET /jobs", h.page(h.showJobs))
	h.mux.Handle("POST /jobs/retry", h.action(h.retryJob))
	h.mux.Handle("POST /jobs/cancel", h.action(h.cancelJob))
	h.mux.Handle("POST /jobs/schedule", h.action(h.setSchedule))
	h.mux.Handle("GET /jobs/{id}", h.page(h.showJob))
	h.mux.Handle("GET /imports", h.page(h.showImports))
	h.mux.Handle("POST /imports", h.actionUpTo(h.uploadImport, importUploadBytes))

	h.mux.Handle("GET /account", h.page(h.showAccount))
	h.mux.Handle("POST /account/password", h.action(h.changePassword))
	h.mux.Handle("POST /account/sessions/{sid}/end", h.action(h.endOwnSession))
	h.mux.Handle("POST /account/tokens/{tid}/revoke", h.action(h.revokeOwnToken))
	h.mux.Handle("GET /users", h.page(h.showUsers))
	h.mux.Handle("GET /users/{id}", h.page(h.showUser))
	h.mux.Handle("POST /users/{id}/reset", h.action(h.resetPassword))
	h.mux.Handle("POST /users/{id}/sessions/{sid}/end", h.action(h.endUserSession))
	h.mux.Handle("POST /users/{id}/tokens/{tid}/revoke", h.action(h.revokeUserToken))

	// Computer-assisted coding: the coder's decision on a suggestion, and
	// the suggestions' accuracy on real use.
	h.mux.Handle("POST /encounters/{id}/suggestions", h.action(h.decideSuggestion))
	h.mux.Handle("GET /codes/suggestions", h.page(h.showSuggestionStats))
	h.mux.Handle("GET /contracts", h.page(h.showContracts))
	h.mux.Handle("POST /contracts", h.upload(h.uploadContract))
	h.mux.Handle("POST /contracts/rate", h.action(h.saveContractRate))
	h.mux.Handle("GET /coding-audits", h.page(h.showCodingAudits))
	h.mux.Handle("POST /coding-audits", h.action(h.drawCodingAudit))
	h.mux.Handle("GET /coding-audits/{id}", h.page(h.showCodingAudit))
	h.mux.Handle("POST /coding-audits/{id}/encounters/{encounter}", h.action(h.recodeEncounter))
	h.mux.Handle("GET /coding-audits/{id}/report", h.page(h.showAuditReport))
	h.mux.Handle("GET /coding-audits/{id}/report.csv", h.page(h.downloadAuditReport))
	h.mux.Handle("GET /coding-audits/{id}/report.pdf", h.page(h.downloadAuditReport))
	h.mux.Handle("GET /practice", h.page(h.showPractice))
	h.mux.Handle("POST /practice", h.action(h.submitPractice))
}

// ServeHTTP implements http.Handler. Every workbench response carries its
// own Content-Security-Policy (the API's forbids everything) and is kept
// out of caches, since its pages hold PHI.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "same-origin")
	if _, pattern := h.mux.Handler(r); pattern == "" {
		h.renderError(w, r, nil, rcm.Errorf(rcm.ENOTFOUND, "There is no such page."))
		return
	}
	h.mux.ServeHTTP(w, r)
}

// contentSecurityPolicy lets the workbench load only its own script,
// style and images, post forms only to itself, and be framed by no one:
// even if hostile text slipped past escaping, no inline script would run.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// catalog returns the code-set catalog, reloading it after catalogTTL.
func (h *Handler) catalog(ctx context.Context) (*codeset.Catalog, error) {
	h.catMu.Lock()
	defer h.catMu.Unlock()
	now := time.Now()
	if h.cat == nil || now.Sub(h.catLoaded) > catalogTTL {
		cat, err := h.cfg.Catalog(ctx)
		if err != nil {
			return nil, err
		}
		h.cat, h.catLoaded = cat, now
	}
	return h.cat, nil
}

// today is the date the workbench works on (aging, scrubbing).
func (h *Handler) today() rcm.Date { return rcm.DateOf(h.clock.Now()) }
