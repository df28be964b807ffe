package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/openrcm/openrcm"
)

// A visit is recorded from the patient's page: practice, rendering
// provider, facility, place of service and date; the new encounter opens
// in the coding workbench. Encounters from an EHR arrive by the API or
// the interfaces; this is the front desk's and the coder's way.

// placesOfService are the CMS place of service codes a physician practice
// uses most; the form offers these.
var placesOfService = []struct{ Code, Name string }{
	{"11", "Office"}, {"02", "Telehealth (not in the patient's home)"}, {"10", "Telehealth in the patient's home"},
	{"12", "Home"}, {"19", "Off-campus outpatient hospital"}, {"20", "Urgent care facility"}, {"21", "Inpatient hospital"},
	{"22", "On-campus outpatient hospital"}, {"23", "Emergency room, hospital"}, {"24", "Ambulatory surgical center"},
	{"31", "Skilled nursing facility"}, {"32", "Nursing facility"}, {"81", "Independent laboratory"},
}

type newEncounterData struct {
	Patient    *rcm.Patient
	Practices  []*rcm.Practice
	Providers  []*rcm.Provider
	Facilities []*rcm.Facility
	Places     []struct{ Code, Name string }
	Today      rcm.Date
}

// showNewEncounter shows the form for a new visit of the patient.
func (h *Handler) showNewEncounter(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermCode); err != nil {
		return err
	}
	p, err := h.pathPatient(r)
	if err != nil {
		return err
	}
	d := newEncounterData{Patient: p, Places: placesOfService, Today: h.today()}
	if d.Practices, err = h.store.FindPractices(ctx); err != nil {
		return err
	}
	if d.Providers, err = h.store.FindProviders(ctx); err != nil {
		return err
	}
	if d.Facilities, err = h.store.FindFacilities(ctx); err != nil {
		return err
	}
	h.renderPage(w, r, s, "encounter_new", &view{Title: "New encounter", Nav: "patients", Data: d})
	return nil
}

// createEncounter records the visit, open for coding, and opens it in the
// workbench. The practice is the rendering provider's.
func (h *Handler) createEncounter(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermCode); err != nil {
		return err
	}
	p, err := h.pathPatient(r)
	if err != nil {
		return err
	}
	provID, err := strconv.ParseInt(formText(r, "provider"), 10, 64)
	if err != nil || provID <= 0 {
		return rcm.FieldErrorf(rcm.EINVALID, "rendering_provider_id", "Choose the rendering provider.")
	}
	prov, err := h.store.FindProviderByID(ctx, provID)
	if err != nil {
		return err
	}
	e := &rcm.Encounter{PatientID: p.ID, PracticeID: prov.PracticeID, RenderingProviderID: prov.ID,
		PlaceOfService: formText(r, "place_of_service"), Note: formText(r, "note"), Status: rcm.EncounterOpen}
	if f := formText(r, "facility"); f != "" && f != "0" {
		if e.FacilityID, err = strconv.ParseInt(f, 10, 64); err != nil || e.FacilityID <= 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "facility_id", "Choose a facility from the list, or none.")
		}
	}
	if e.DateOfService, err = formDate(r, "date_of_service", true); err != nil {
		return err
	}
	if e.OnsetDate, err = formDate(r, "onset_date", false); err != nil {
		return err
	}
	if e.AccidentDate, err = formDate(r, "accident_date", false); err != nil {
		return err
	}
	e.AccidentCause, e.AccidentState = formText(r, "accident_cause"), formText(r, "accident_state")
	if err := h.store.CreateEncounter(ctx, e); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/encounters/%d?done=encounter-created", e.ID), http.StatusSeeOther)
	return nil
}
