package ui

import (
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openrcm/openrcm"
)

type patientsData struct {
	Query    string
	Patients []*rcm.Patient
}

// showPatients lists patients, narrowed by the start of a name.
func (h *Handler) showPatients(w http.ResponseWriter, r *http.Request, s *session) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	// A NUL or invalid UTF-8 reaching PostgreSQL fails the query itself;
	// no name holds control characters.
	if !utf8.ValidString(q) || strings.ContainsFunc(q, func(c rune) bool { return !unicode.IsPrint(c) }) {
		return rcm.FieldErrorf(rcm.EINVALID, "q", "Search by a name: printable text only.")
	}
	if len(q) > 60 {
		// Cut on a character boundary, for the same reason.
		q = strings.ToValidUTF8(q[:60], "")
	}
	ps, err := h.store.FindPatients(r.Context(), rcm.PatientFilter{Name: q, Limit: listLimit})
	if err != nil {
		return err
	}
	h.renderPage(w, r, s, "patients", &view{Title: "Patients", Nav: "patients", Data: patientsData{Query: q, Patients: ps}})
	return nil
}
