package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/eligibility"
)

// ClaimStore is what the claim, eligibility and work-queue routes read and
// change through; *sqldb.DB implements it.
type ClaimStore interface {
	claim.ScrubServices
	rcm.SubmissionService
	rcm.ClearinghouseService
	eligibility.Store
	FindLatestEligibility(ctx context.Context, coverageID int64) (*eligibility.Record, error)
}

// ClaimConfig wires the claim routes to the same flows the workbench and
// the command line use, so a claim scrubs and submits alike from every
// door.
type ClaimConfig struct {
	Store ClaimStore
	// Scrubber builds the organization's claim scrubber as of a date.
	Scrubber func(ctx context.Context, today rcm.Date, orgID int64) (*claim.Scrubber, error)
	// Transport opens the clearinghouse transport a settings URL names.
	Transport func(ctx context.Context, spec string) (clearinghouse.Transport, error)
}

// RouteClaims registers the claim routes (list, read, build from an
// encounter, scrub, submit, correct, void), the eligibility check of a
// coverage and the billers' work queues.
func (s *Server) RouteClaims(cfg ClaimConfig) {
	c := claimRoutes{s: s, cfg: cfg}
	s.mux.Handle("GET /api/v1/claims", s.api(c.list))
	s.mux.Handle("GET /api/v1/claims/{id}", s.api(c.get))
	s.mux.Handle("POST /api/v1/encounters/{id}/claims", s.api(c.build))
	s.mux.Handle("POST /api/v1/claims/{id}/scrub", s.api(c.scrub))
	s.mux.Handle("POST /api/v1/claims/{id}/submit", s.api(c.submit))
	s.mux.Handle("POST /api/v1/claims/{id}/correct", s.api(c.correct))
	s.mux.Handle("POST /api/v1/claims/{id}/void", s.api(c.void))
	s.mux.Handle("POST /api/v1/coverages/{id}/eligibility", s.api(c.checkEligibility))
	s.mux.Handle("GET /api/v1/coverages/{id}/eligibility", s.api(c.latestEligibility))
	s.mux.Handle("GET /api/v1/work-queues", s.api(c.queues))
	s.describeClaims()
	s.mux.Handle("GET /api/v1/reports/billed", s.api(c.billed))
	s.describeBilled()
}

type claimRoutes struct {
	s   *Server
	cfg ClaimConfig
}

// claimStates are the states ?state= may name.
var claimStates = []string{rcm.ClaimDraft, rcm.ClaimReady, rcm.ClaimSubmitted, rcm.ClaimAccepted, rcm.ClaimRejected,
	rcm.ClaimPaid, rcm.ClaimPartlyPaid, rcm.ClaimDenied, rcm.ClaimReversed, rcm.ClaimAppealed, rcm.ClaimVoided, rcm.ClaimClosed}

func (c claimRoutes) list(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, "state", "payer_id", "patient_id", "limit", "offset")
	if err != nil {
		return err
	}
	var f rcm.ClaimFilter
	if f.State = q.v.Get("state"); f.State != "" && !slices.Contains(claimStates, f.State) {
		return rcm.FieldErrorf(rcm.EINVALID, "state", "Query parameter state must be one of %s.", strings.Join(claimStates, ", "))
	}
	if f.PayerID, err = q.id("payer_id"); err != nil {
		return err
	}
	if f.PatientID, err = q.id("patient_id"); err != nil {
		return err
	}
	if f.Limit, f.Offset, err = q.page(); err != nil {
		return err
	}
	list, err := c.cfg.Store.FindClaims(r.Context(), f)
	if err != nil {
		return err
	}
	writeList(w, "claims", list)
	return nil
}

// claimView is a claim with its last scrub's findings.
type claimView struct {
	*rcm.Claim
	Findings []rcm.ClaimFinding `json:"findings"`
}

func (c claimRoutes) view(ctx context.Context, id int64) (*claimView, error) {
	cl, err := c.cfg.Store.FindClaimByID(ctx, id)
	if err != nil {
		return nil, err
	}
	fs, err := c.cfg.Store.FindClaimFindings(ctx, id)
	if err != nil {
		return nil, err
	}
	if fs == nil {
		fs = []rcm.ClaimFinding{}
	}
	return &claimView{Claim: cl, Findings: fs}, nil
}

func (c claimRoutes) get(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := parseQuery(r); err != nil {
		return err
	}
	v, err := c.view(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// buildRequest is the body of POST /api/v1/encounters/{id}/claims.
type buildRequest struct {
	// Order is the coverage billed: 1 primary (the default), 2 secondary,
	// 3 tertiary.
	Order int `json:"order,omitempty"`
}

// build makes the claim of a coded encounter to the payer of the
// coverage of the given order, priced from the fee schedule where a line
// has no charge, and stores it in draft (claim.Build, as the workbench and
// `rcm claim build` do). The encounter becomes billed when the caller may
// code.
func (c claimRoutes) build(w http.ResponseWriter, r *http.Request) error {
	a, err := rcm.RequireActor(r.Context(), rcm.PermBill)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// Someone else's or a missing encounter is 404 whatever the body.
	e, err := c.cfg.Store.FindEncounterByID(r.Context(), id)
	if err != nil {
		return err
	}
	var req buildRequest
	if err := decodeAction(w, r, &req); err != nil {
		return err
	}
	switch {
	case req.Order == 0:
		req.Order = 1
	case req.Order < 1 || req.Order > 3:
		return rcm.FieldErrorf(rcm.EINVALID, "order", "order is 1 (primary), 2 (secondary) or 3 (tertiary).")
	}
	ctx := r.Context()
	cl, err := claim.Build(ctx, c.cfg.Store, id, req.Order)
	if err != nil {
		return err
	}
	if err := c.cfg.Store.CreateClaim(ctx, cl); err != nil {
		return err
	}
	if a.Can(rcm.PermCode) {
		if e.Status != rcm.EncounterBilled {
			e.Status = rcm.EncounterBilled
			if err := c.cfg.Store.UpdateEncounter(ctx, e); err != nil {
				return err
			}
		}
	}
	v, err := c.view(ctx, cl.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/claims/"+strconv.FormatInt(cl.ID, 10))
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// scrub runs the organization's scrubber on the claim and records the
// findings: a draft without errors becomes ready. The answer is the claim
// with the findings, each with its rule id and how to fix it.
func (c claimRoutes) scrub(w http.ResponseWriter, r *http.Request) error {
	a, id, err := c.action(w, r, nil)
	if err != nil {
		return err
	}
	ctx := r.Context()
	sc, err := c.cfg.Scrubber(ctx, c.s.today(), a.OrgID)
	if err != nil {
		return err
	}
	if _, _, err := claim.ScrubClaim(ctx, c.cfg.Store, sc, id); err != nil {
		return err
	}
	return c.answer(w, r, http.StatusOK, id)
}

// submit sends a ready claim in an 837P batch with the payer's other ready
// claims, through the organization's clearinghouse (claim.Submit). The
// idempotency key names the claim and its history, so a retried request
// resends the stored batch and never builds a second one.
func (c claimRoutes) submit(w http.ResponseWriter, r *http.Request) error {
	_, id, err := c.action(w, r, nil)
	if err != nil {
		return err
	}
	ctx := r.Context()
	cl, err := c.cfg.Store.FindClaimByID(ctx, id)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("api-claim%d-event%d", cl.ID, len(cl.History))
	if cl.State != rcm.ClaimReady {
		pending, err := c.cfg.Store.FindSubmissions(ctx, rcm.SubmissionPending)
		if err != nil {
			return err
		}
		key = ""
		for _, sub := range pending {
			if slices.Contains(sub.ClaimIDs, id) {
				key = sub.Key
			}
		}
		if key == "" {
			return rcm.Errorf(rcm.ECONFLICT, "Claim %d is %s; only a ready claim (scrubbed clean) can be submitted.", id, cl.State)
		}
	}
	ch, err := c.cfg.Store.FindClearinghouse(ctx)
	if err != nil {
		return err
	}
	t, err := c.cfg.Transport(ctx, ch.Transport)
	if err != nil {
		return err
	}
	defer t.Close()
	if _, err := claim.Submit(ctx, c.cfg.Store, t, claim.PartnerOf(ch), cl.PayerID, key, c.s.clock.Now()); err != nil {
		return err
	}
	return c.answer(w, r, http.StatusOK, id)
}

// correctRequest is the body of POST /api/v1/claims/{id}/correct and
// /void.
type correctRequest struct {
	// Reason goes into the claim's history.
	Reason string `json:"reason,omitempty"`
	// Replace asks for a replacement claim (frequency 7) instead of
	// putting the claim back to draft.
	Replace bool `json:"replace,omitempty"`
}

// correct puts a rejected or denied claim back to draft, or with
// "replace" makes a replacement claim (frequency 7) of one the payer has
// numbered; the answer is the claim to work next.
func (c claimRoutes) correct(w http.ResponseWriter, r *http.Request) error {
	var req correctRequest
	_, id, err := c.action(w, r, &req)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if req.Replace {
		cl, err := c.cfg.Store.FindClaimByID(ctx, id)
		if err != nil {
			return err
		}
		n, err := c.store(ctx, cl, rcm.FrequencyReplacement)
		if err != nil {
			return err
		}
		return c.answer(w, r, http.StatusCreated, n.ID)
	}
	if err := c.cfg.Store.MoveClaim(ctx, id, rcm.ClaimDraft, reasonOr(req.Reason, "back to draft for correction")); err != nil {
		return err
	}
	return c.answer(w, r, http.StatusOK, id)
}

// void voids a claim that never reached adjudication, or makes a void
// claim (frequency 8) of one the payer has numbered, in draft to scrub and
// submit (201 with the new claim).
func (c claimRoutes) void(w http.ResponseWriter, r *http.Request) error {
	var req correctRequest
	_, id, err := c.action(w, r, &req)
	if err != nil {
		return err
	}
	if req.Replace {
		return rcm.FieldErrorf(rcm.EINVALID, "replace", "A void replaces nothing; leave replace out.")
	}
	ctx := r.Context()
	cl, err := c.cfg.Store.FindClaimByID(ctx, id)
	if err != nil {
		return err
	}
	if rcm.CanMoveClaim(cl.State, rcm.ClaimVoided) {
		if err := c.cfg.Store.MoveClaim(ctx, id, rcm.ClaimVoided, reasonOr(req.Reason, "voided")); err != nil {
			return err
		}
		return c.answer(w, r, http.StatusOK, id)
	}
	n, err := c.store(ctx, cl, rcm.FrequencyVoid)
	if err != nil {
		return err
	}
	return c.answer(w, r, http.StatusCreated, n.ID)
}

func (c claimRoutes) store(ctx context.Context, cl *rcm.Claim, freq string) (*rcm.Claim, error) {
	n, err := claim.Correction(cl, freq)
	if err != nil {
		return nil, err
	}
	return n, c.cfg.Store.CreateClaim(ctx, n)
}

// action starts a claim action: the billing permission first (so a user
// who may not act learns nothing of the claim), the claim id, and the
// body (empty, or a JSON object of v's fields).
func (c claimRoutes) action(w http.ResponseWriter, r *http.Request, v any) (rcm.Actor, int64, error) {
	a, err := rcm.RequireActor(r.Context(), rcm.PermBill)
	if err != nil {
		return a, 0, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return a, 0, err
	}
	if v == nil {
		v = &struct{}{}
	}
	return a, id, decodeAction(w, r, v)
}

func (c claimRoutes) answer(w http.ResponseWriter, r *http.Request, status int, id int64) error {
	v, err := c.view(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, status, v)
	return nil
}

func reasonOr(reason, fallback string) string {
	if reason = strings.TrimSpace(reason); reason != "" {
		return reason
	}
	return fallback
}

// decodeAction reads the optional body of an action: nothing at all, or
// one JSON object with only v's fields. A JSON null, array or scalar is
// refused rather than taken as "no options", so a client's mistake does
// not act.
func decodeAction(w http.ResponseWriter, r *http.Request, v any) error {
	if _, err := parseQuery(r); err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return jsonError(err)
	}
	if len(body) == 0 {
		return nil
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return rcm.FieldErrorf(eUnsupportedMedia, "Content-Type", "Send the body as JSON with Content-Type: application/json.")
	}
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return rcm.Errorf(rcm.EINVALID, "The body must be a JSON object (or empty).")
	}
	return decodeStrict(body, v)
}

// eligibilityRequest is the body of POST /api/v1/coverages/{id}/eligibility.
type eligibilityRequest struct {
	// DateOfService is the day asked about; empty means today.
	DateOfService rcm.Date `json:"date_of_service,omitzero"`
	// ServiceTypes are EB03 service type codes; empty means 30 (health
	// benefit plan coverage).
	ServiceTypes []string `json:"service_types,omitempty"`
}

// eligibilitySent is the answer of an eligibility check: the 270 went out
// and its 271 will be matched by trace when it comes back.
type eligibilitySent struct {
	File  string               `json:"file"`
	Check []*eligibility.Check `json:"checks"`
}

// checkEligibility sends a 270 for the coverage through the
// organization's clearinghouse (eligibility.Send, as the workbench does).
func (c claimRoutes) checkEligibility(w http.ResponseWriter, r *http.Request) error {
	a, err := rcm.RequireActor(r.Context(), rcm.PermWritePatients)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req eligibilityRequest
	if err := decodeAction(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	st := c.cfg.Store
	cov, err := st.FindCoverageByID(ctx, id)
	if err != nil {
		return err
	}
	p, err := st.FindPatientByID(ctx, cov.PatientID)
	if err != nil {
		return err
	}
	payer, err := st.FindPayerByID(ctx, cov.PayerID)
	if err != nil {
		return err
	}
	practice, err := practiceOf(ctx, st, p.ID)
	if err != nil {
		return err
	}
	ch, err := st.FindClearinghouse(ctx)
	if err != nil {
		return err
	}
	if req.DateOfService.IsZero() {
		req.DateOfService = c.s.today()
	}
	if len(req.ServiceTypes) == 0 {
		req.ServiceTypes = []string{eligibility.DefaultServiceType}
	}
	t, err := c.cfg.Transport(ctx, ch.Transport)
	if err != nil {
		return err
	}
	defer t.Close()
	er := &eligibility.Request{Payer: payer, Practice: practice, Patient: p, Coverage: cov,
		ServiceTypes: req.ServiceTypes, DateOfService: req.DateOfService}
	partner := eligibility.Partner{SenderID: ch.SubmitterID, ReceiverID: ch.ReceiverID, Production: ch.Production}
	name, checks, err := eligibility.Send(ctx, st, t, partner, a.OrgID, []*eligibility.Request{er}, c.s.clock.Now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, eligibilitySent{File: name, Check: checks})
	return nil
}

// practiceOf is the practice asking about a patient: that of the
// patient's latest encounter, or the organization's only practice.
func practiceOf(ctx context.Context, st ClaimStore, patientID int64) (*rcm.Practice, error) {
	encs, err := st.FindEncounters(ctx, rcm.EncounterFilter{PatientID: patientID, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(encs) > 0 {
		return st.FindPracticeByID(ctx, encs[0].PracticeID)
	}
	ps, err := st.FindPractices(ctx)
	if err != nil {
		return nil, err
	}
	if len(ps) != 1 {
		return nil, rcm.Errorf(rcm.ECONFLICT, "The patient has no encounter and the organization has %d practices; record an encounter first.", len(ps))
	}
	return ps[0], nil
}

// latestEligibility answers the coverage's latest 271, 404 when none came.
func (c claimRoutes) latestEligibility(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := parseQuery(r); err != nil {
		return err
	}
	// The coverage read checks the organization and audits the look.
	if _, err := c.cfg.Store.FindCoverageByID(r.Context(), id); err != nil {
		return err
	}
	rec, err := c.cfg.Store.FindLatestEligibility(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}

// workQueues is the billers' work: claims the clearinghouse or payer
// rejected, drafts whose last scrub found errors, and batches stored but
// not yet delivered. Denials and posting exceptions have routes of their
// own.
type workQueues struct {
	Rejected []queueClaim      `json:"rejected"`
	Unclean  []queueClaim      `json:"unclean"`
	Pending  []*rcm.Submission `json:"pending"`
}

// queueClaim is a claim in a queue with why it is there and what to do.
type queueClaim struct {
	Claim    *rcm.Claim         `json:"claim"`
	Why      string             `json:"why"`
	Next     string             `json:"next"`
	Findings []rcm.ClaimFinding `json:"findings,omitempty"`
}

// queueLimit bounds each queue; a queue longer than this is worked from
// the top.
const queueLimit = 200

func (c claimRoutes) queues(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermBill); err != nil {
		return err
	}
	if _, err := parseQuery(r); err != nil {
		return err
	}
	st := c.cfg.Store
	q := workQueues{Rejected: []queueClaim{}, Unclean: []queueClaim{}}
	rejected, err := st.FindClaims(ctx, rcm.ClaimFilter{State: rcm.ClaimRejected, Limit: queueLimit})
	if err != nil {
		return err
	}
	for _, cl := range rejected {
		full, err := st.FindClaimByID(ctx, cl.ID)
		if err != nil {
			return err
		}
		why := ""
		for _, e := range full.History {
			if e.To == rcm.ClaimRejected {
				why = e.Reason
			}
		}
		q.Rejected = append(q.Rejected, queueClaim{Claim: cl, Why: why,
			Next: "Fix what the reason names, correct the claim back to draft, scrub and submit."})
	}
	drafts, err := st.FindClaims(ctx, rcm.ClaimFilter{State: rcm.ClaimDraft, Limit: queueLimit})
	if err != nil {
		return err
	}
	for _, cl := range drafts {
		fs, err := st.FindClaimFindings(ctx, cl.ID)
		if err != nil {
			return err
		}
		var errs []rcm.ClaimFinding
		for _, f := range fs {
			if f.Severity == "error" {
				errs = append(errs, f)
			}
		}
		if len(errs) > 0 {
			q.Unclean = append(q.Unclean, queueClaim{Claim: cl, Why: fmt.Sprintf("%d scrubber errors", len(errs)),
				Next: "Fix each error finding, then scrub again.", Findings: errs})
		}
	}
	if q.Pending, err = st.FindSubmissions(ctx, rcm.SubmissionPending); err != nil {
		return err
	}
	if q.Pending == nil {
		q.Pending = []*rcm.Submission{}
	}
	writeJSON(w, http.StatusOK, q)
	return nil
}

// today is the server clock's date, the day claims are scrubbed as of.
func (s *Server) today() rcm.Date {
	n := s.clock.Now()
	return rcm.Date{Year: n.Year(), Month: n.Month(), Day: n.Day()}
}

func (s *Server) describeClaims() {
	s.Describe("GET /api/v1/claims", Operation{Tag: "claim", Summary: "List claims, filtered by state, payer or patient.",
		Query: []string{"state", "payer_id", "patient_id", "limit", "offset"}, Response: rcm.Claim{}, List: "claims"})
	s.Describe("GET /api/v1/claims/{id}", Operation{Tag: "claim", Summary: "One claim with its history and its last scrub's findings.", Response: claimView{}})
	s.Describe("POST /api/v1/encounters/{id}/claims", Operation{Tag: "claim", Summary: "Build the claim of a coded encounter to the coverage of the given order, priced from the fee schedule.",
		Body: buildRequest{}, OptionalBody: true, Status: http.StatusCreated, Response: claimView{}})
	s.Describe("POST /api/v1/claims/{id}/scrub", Operation{Tag: "claim", Summary: "Scrub the claim: findings with rule ids and fixes; a clean draft becomes ready.",
		Body: struct{}{}, OptionalBody: true, Response: claimView{}})
	s.Describe("POST /api/v1/claims/{id}/submit", Operation{Tag: "claim", Summary: "Submit a ready claim in an 837P batch through the clearinghouse (idempotent).",
		Body: struct{}{}, OptionalBody: true, Response: claimView{}})
	s.Describe("POST /api/v1/claims/{id}/correct", Operation{Tag: "claim", Summary: "Back to draft for correction, or with replace a replacement claim (frequency 7, 201).",
		Body: correctRequest{}, OptionalBody: true, AlsoStatus: http.StatusCreated, Response: claimView{}})
	s.Describe("POST /api/v1/claims/{id}/void", Operation{Tag: "claim", Summary: "Void the claim, or make a void claim (frequency 8, 201) of one the payer has numbered.",
		Body: correctRequest{}, OptionalBody: true, AlsoStatus: http.StatusCreated, Response: claimView{}})
	s.Describe("POST /api/v1/coverages/{id}/eligibility", Operation{Tag: "eligibility", Summary: "Send a 270 eligibility inquiry for the coverage through the clearinghouse.",
		Body: eligibilityRequest{}, OptionalBody: true, Status: http.StatusAccepted, Response: eligibilitySent{}})
	s.Describe("GET /api/v1/coverages/{id}/eligibility", Operation{Tag: "eligibility", Summary: "The coverage's latest 271 answer.", Response: eligibility.Record{}})
	s.Describe("GET /api/v1/work-queues", Operation{Tag: "claim", Summary: "Rejected claims, drafts with scrubber errors and undelivered batches, each with what to do next.", Response: workQueues{}})
}
