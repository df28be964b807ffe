package ui

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/edit"
)

// workbenchData is the coding workbench of one encounter.
type workbenchData struct {
	Encounter *rcm.Encounter
	Patient   *rcm.Patient
	Age       int
	Provider  *rcm.Provider
	Payer     *rcm.Payer
	// Query and Hits are the encoder search when the page is asked for one
	// (?q=), so the search works without the script too.
	Query    string
	Hits     []codeset.Hit
	Findings []edit.Finding
	// Blocking is true when an error finding stands in the way of
	// "ready for billing".
	Blocking bool
	Editable bool
	Claims   []*rcm.Claim
	// Suggested is the suggestions from the note (?suggest=1).
	Suggested *suggestionsView
	// FormError is the message of a change the services refused.
	FormError string
	// Facility is the facility bill form's values (837I, UB-04), and
	// Providers the names its attending and operating lists offer.
	Facility  facilityForm
	Providers []*rcm.Provider
	// Words are the codes' descriptions as of the date of service
	// ("dx:E11.9", "px:99213").
	Words map[string]string
	// CSRF is the session's token, for the forms in the search results,
	// which are also rendered alone as a fragment.
	CSRF string
}

// showWorkbench shows an encounter for coding: the note on one side, the
// search, the diagnoses in claim order, the service lines and the findings
// on the other.
func (h *Handler) showWorkbench(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := h.workbench(r.Context(), s, id)
	if err != nil {
		return err
	}
	if q := strings.TrimSpace(r.URL.Query().Get("q")); q != "" {
		d.Query = q
		if d.Hits, err = h.search(r.Context(), s, q, d.Encounter.DateOfService); err != nil {
			return err
		}
	}
	if r.URL.Query().Get("suggest") != "" && d.Encounter.Note != "" {
		if d.Suggested, err = h.suggestFor(r.Context(), s, d.Encounter, d.Age, d.Patient.Sex); err != nil {
			return err
		}
	}
	h.renderPage(w, r, s, "workbench", &view{Title: "Code encounter " + strconv.FormatInt(id, 10), Nav: "encounters", Data: d})
	return nil
}

// workbench loads an encounter and everything its screen shows. The
// patient is read through the patient service, which audits the view.
func (h *Handler) workbench(ctx context.Context, s *session, id int64) (*workbenchData, error) {
	e, err := h.store.FindEncounterByID(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := h.store.FindPatientByID(ctx, e.PatientID)
	if err != nil {
		return nil, err
	}
	prov, err := h.store.FindProviderByID(ctx, e.RenderingProviderID)
	if err != nil {
		return nil, err
	}
	d := &workbenchData{Encounter: e, Patient: p, Provider: prov, Age: p.BirthDate.AgeOn(e.DateOfService), CSRF: s.row.CSRF,
		Editable: e.Status != rcm.EncounterBilled && s.actor.Can(rcm.PermCode)}
	covs, err := h.store.FindCoverages(ctx, e.PatientID)
	if err != nil {
		return nil, err
	}
	for _, c := range covs {
		if c.Order == 1 && c.ActiveOn(e.DateOfService) {
			if d.Payer, err = h.store.FindPayerByID(ctx, c.PayerID); err != nil {
				return nil, err
			}
		}
	}
	if s.actor.Can(rcm.PermBill) {
		cs, err := h.store.FindClaims(ctx, rcm.ClaimFilter{PatientID: e.PatientID, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if c.EncounterID == e.ID {
				d.Claims = append(d.Claims, c)
			}
		}
	}
	d.Facility = facilityFormOf(e)
	if d.Editable {
		if d.Providers, err = h.store.FindProviders(ctx); err != nil {
			return nil, err
		}
	}
	if d.Findings, err = h.codingFindings(ctx, s, e, p); err != nil {
		return nil, err
	}
	d.Blocking = claim.HasErrors(d.Findings)
	d.Words = h.encounterWords(ctx, s, e)
	return d, nil
}

// Rules of the workbench's own findings: what a claim needs before the
// code sets are even asked.
const (
	ruleNoDiagnosis = "ENC-DX"
	ruleNoLines     = "ENC-LINES"
	rulePointer     = "ENC-POINTER"
)

// codingFindings checks an encounter's codes the way the scrubber will
// check its claim (the same code-set checker, as of the date of service,
// for this patient's age and sex), plus what makes an encounter billable
// at all, so the coder sees the findings while coding rather than after.
func (h *Handler) codingFindings(ctx context.Context, s *session, e *rcm.Encounter, p *rcm.Patient) ([]edit.Finding, error) {
	var fs []edit.Finding
	add := func(rule string, lines []int, msg, fix string) {
		fs = append(fs, edit.Finding{Rule: rule, Severity: edit.Error, Lines: lines, DateOfService: e.DateOfService, Message: msg, Fix: fix})
	}
	if len(e.Diagnoses) == 0 {
		add(ruleNoDiagnosis, nil, "No diagnosis is coded.", "Search for the diagnosis the note documents and add it; the first listed is the principal one.")
	}
	if len(e.Lines) == 0 {
		add(ruleNoLines, nil, "No service line is coded.", "Add the procedure or visit code with its units and diagnosis pointers.")
	}
	for i, l := range e.Lines {
		// A facility's lines (837I SV2) carry no diagnosis pointers.
		if len(l.Pointers) == 0 && e.Institutional == nil {
			add(rulePointer, []int{i + 1}, fmt.Sprintf("Line %d (%s) points at no diagnosis.", i+1, l.Code), "Enter the number of the diagnosis that supports the line.")
		}
		for _, ptr := range l.Pointers {
			if ptr < 1 || ptr > len(e.Diagnoses) {
				add(rulePointer, []int{i + 1}, fmt.Sprintf("Line %d (%s) points at diagnosis %d, but %d are coded.", i+1, l.Code, ptr, len(e.Diagnoses)),
					"Point the line at one of the listed diagnoses.")
			}
		}
	}
	cat, err := h.catalog(ctx)
	if err != nil {
		return nil, err
	}
	cl := &rcm.Claim{DateOfService: e.DateOfService, PlaceOfService: e.PlaceOfService, Diagnoses: e.Diagnoses}
	for _, l := range e.Lines {
		cl.Lines = append(cl.Lines, rcm.ClaimLine{ServiceLine: l})
	}
	checker := claim.CatalogChecker{Catalog: cat, Org: strconv.FormatInt(s.actor.OrgID, 10)}
	fs = append(fs, checker.CheckCodes(&claim.Bundle{Claim: cl, Patient: p})...)
	// Errors first, as the scrubber lists them.
	var errs, rest []edit.Finding
	for _, f := range fs {
		if f.Severity == edit.Error {
			errs = append(errs, f)
		} else {
			rest = append(rest, f)
		}
	}
	return append(errs, rest...), nil
}

// search runs the encoder search as of a date of service.
func (h *Handler) search(ctx context.Context, s *session, q string, dos rcm.Date) ([]codeset.Hit, error) {
	cat, err := h.catalog(ctx)
	if err != nil {
		return nil, err
	}
	if len(q) > 100 {
		q = q[:100]
	}
	return cat.Search(codeset.Query{Text: q, Org: strconv.FormatInt(s.actor.OrgID, 10), DOS: dos, Limit: 15}), nil
}

// searchCodes answers the type-ahead: the search results as an HTML
// fragment the script puts under the search box. The encounter names the
// date of service, so a code is offered only as of the day it is used.
func (h *Handler) searchCodes(w http.ResponseWriter, r *http.Request, s *session) error {
	if _, err := rcm.RequireActor(r.Context(), rcm.PermCode); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.URL.Query().Get("encounter"), 10, 64)
	if err != nil || id <= 0 {
		return rcm.FieldErrorf(rcm.EINVALID, "encounter", "Name the encounter the search is for.")
	}
	e, err := h.store.FindEncounterByID(r.Context(), id)
	if err != nil {
		return err
	}
	d := &workbenchData{Encounter: e, Editable: e.Status != rcm.EncounterBilled, Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	if d.Query != "" {
		if d.Hits, err = h.search(r.Context(), s, d.Query, e.DateOfService); err != nil {
			return err
		}
	}
	d.CSRF = s.row.CSRF
	return h.renderPartial(w, r, "workbench", "code-results", d)
}
