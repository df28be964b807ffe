package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/openrcm/openrcm"
)

// The front desk registers a new patient from the screens: demographics
// and the practice's account number; coverages and encounters are added
// from the patient's page. The patient service validates, checks the
// role and audits the creation, as it does for the API.

type newPatientData struct {
	Sexes []string
}

// showNewPatient shows the registration form.
func (h *Handler) showNewPatient(w http.ResponseWriter, r *http.Request, s *session) error {
	if _, err := rcm.RequireActor(r.Context(), rcm.PermWritePatients); err != nil {
		return err
	}
	h.renderPage(w, r, s, "patient_new", &view{Title: "New patient", Nav: "patients", Data: newPatientData{Sexes: rcm.Sexes}})
	return nil
}

// createPatient registers the patient on the form and opens their page.
func (h *Handler) createPatient(w http.ResponseWriter, r *http.Request, s *session) error {
	if _, err := rcm.RequireActor(r.Context(), rcm.PermWritePatients); err != nil {
		return err
	}
	p := &rcm.Patient{AccountNumber: formText(r, "account_number"), FirstName: formText(r, "first_name"),
		MiddleName: formText(r, "middle_name"), LastName: formText(r, "last_name"),
		Sex: strings.ToUpper(formText(r, "sex")), Phone: formText(r, "phone"), Address: formAddress(r)}
	var err error
	if p.BirthDate, err = formDate(r, "birth_date", true); err != nil {
		return err
	}
	if err := h.store.CreatePatient(r.Context(), p); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/patients/%d?done=patient-created", p.ID), http.StatusSeeOther)
	return nil
}
