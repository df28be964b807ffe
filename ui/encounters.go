package ui

import (
	"net/http"

	"github.com/openrcm/openrcm"
)

// encounterRow is one encounter of the coding list.
type encounterRow struct {
	Encounter *rcm.Encounter
	Patient   *rcm.Patient
	Provider  *rcm.Provider
}

type encountersData struct {
	Status   string
	Statuses []string
	Rows     []encounterRow
	// Fallback says the default queue was empty, so the list shows every
	// encounter instead of nothing.
	Fallback bool
}

// showEncounters lists encounters by status, open ones first by default:
// the coder's queue. Each patient shown is read (and audited) through the
// patient service.
func (h *Handler) showEncounters(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	status := r.URL.Query().Get("status")
	chosen := status != ""
	switch status {
	case rcm.EncounterOpen, rcm.EncounterCoded, rcm.EncounterBilled, "all":
	default:
		status = rcm.EncounterOpen
	}
	f := rcm.EncounterFilter{Status: status, Limit: 200}
	if status == "all" {
		f.Status = ""
	}
	es, err := h.store.FindEncounters(ctx, f)
	if err != nil {
		return err
	}
	d := encountersData{Status: status, Statuses: []string{rcm.EncounterOpen, rcm.EncounterCoded, rcm.EncounterBilled, "all"}}
	if len(es) == 0 && !chosen {
		// Nothing waits for coding: show every encounter rather than an
		// empty page, and say so.
		if es, err = h.store.FindEncounters(ctx, rcm.EncounterFilter{Limit: 200}); err != nil {
			return err
		}
		d.Status, d.Fallback = "all", true
	}
	providers, err := h.store.FindProviders(ctx)
	if err != nil {
		return err
	}
	byID := map[int64]*rcm.Provider{}
	for _, p := range providers {
		byID[p.ID] = p
	}
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.PatientID
	}
	patients, err := readPatients(ctx, h.store, ids)
	if err != nil {
		return err
	}
	for _, e := range es {
		p := patients[e.PatientID]
		if p == nil {
			if p, err = h.store.FindPatientByID(ctx, e.PatientID); err != nil {
				return err
			}
			patients[e.PatientID] = p
		}
		d.Rows = append(d.Rows, encounterRow{Encounter: e, Patient: p, Provider: byID[e.RenderingProviderID]})
	}
	h.renderPage(w, r, s, "encounters", &view{Title: "Encounters", Nav: "encounters", Data: d})
	return nil
}
