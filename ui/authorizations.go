package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/openrcm/openrcm"
)

// A coverage's prior authorizations and referrals: the front desk or the
// biller records the payer's authorization number, the codes and units it
// covers and its dates, or a referral with the referring provider's NPI;
// claims built afterwards find and carry them.

type authorizationsData struct {
	Patient  *rcm.Patient
	Coverage *rcm.Coverage
	Payer    *rcm.Payer
	List     []*rcm.Authorization
}

// coverageOf reads the coverage the path names and its patient (both
// reads audited by the services).
func (h *Handler) coverageOf(r *http.Request) (*authorizationsData, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	cov, err := h.store.FindCoverageByID(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := h.store.FindPatientByID(ctx, cov.PatientID)
	if err != nil {
		return nil, err
	}
	payer, err := h.store.FindPayerByID(ctx, cov.PayerID)
	if err != nil {
		return nil, err
	}
	return &authorizationsData{Patient: p, Coverage: cov, Payer: payer}, nil
}

// showAuthorizations lists the coverage's authorizations and referrals
// with the units used, and the form to record one.
func (h *Handler) showAuthorizations(w http.ResponseWriter, r *http.Request, s *session) error {
	d, err := h.coverageOf(r)
	if err != nil {
		return err
	}
	if d.List, err = h.store.FindAuthorizations(r.Context(), d.Coverage.ID); err != nil {
		return err
	}
	h.renderPage(w, r, s, "authorizations", &view{Title: "Authorizations", Nav: "patients", Data: d})
	return nil
}

// createAuthorization records the form's authorization or referral.
func (h *Handler) createAuthorization(w http.ResponseWriter, r *http.Request, s *session) error {
	if _, err := rcm.RequireActor(r.Context(), rcm.PermWritePatients); err != nil {
		return err
	}
	d, err := h.coverageOf(r)
	if err != nil {
		return err
	}
	a := &rcm.Authorization{CoverageID: d.Coverage.ID, Kind: formText(r, "kind"), Number: formText(r, "number"),
		CodeFrom: formText(r, "code_from"), CodeTo: formText(r, "code_to"), ReferringNPI: formText(r, "referring_npi")}
	if u := formText(r, "units"); u != "" {
		if a.Units, err = strconv.Atoi(u); err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, "units", "Units must be a whole number, or empty for no limit.")
		}
	}
	if a.StartsOn, err = formDate(r, "starts_on", true); err != nil {
		return err
	}
	if a.EndsOn, err = formDate(r, "ends_on", true); err != nil {
		return err
	}
	if err := h.store.CreateAuthorization(r.Context(), a); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/coverages/%d/authorizations?done=authorization", d.Coverage.ID), http.StatusSeeOther)
	return nil
}
