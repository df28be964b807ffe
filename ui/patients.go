package ui

import (
	"net/http"
	"strings"

	"github.com/openrcm/openrcm"
)

type patientsData struct {
	Query    string
	Patients []*rcm.Patient
}

// showPatients lists patients, narrowed by the start of a name.
func (h *Handler) showPatients(w http.ResponseWriter, r *http.Request, s *session) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > 60 {
		q = q[:60]
	}
	ps, err := h.store.FindPatients(r.Context(), rcm.PatientFilter{Name: q, Limit: listLimit})
	if err != nil {
		return err
	}
	h.renderPage(w, r, s, "patients", &view{Title: "Patients", Nav: "patients", Data: patientsData{Query: q, Patients: ps}})
	return nil
}
