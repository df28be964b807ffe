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
	MemberID string
	// MemberError says why the member ID searched for cannot be one.
	MemberError string
	Patients    []*rcm.Patient
}

// showPatients lists patients, narrowed by the start of a name or by a
// whole member ID (member IDs are stored encrypted, so a part of one finds
// nothing).
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
	d := patientsData{Query: q, MemberID: strings.TrimSpace(r.URL.Query().Get("member"))}
	if d.MemberID != "" && !rcm.ValidMemberID(d.MemberID) {
		d.MemberError = "A member ID is 2 to 80 letters, digits and punctuation (no * ~ : ^); give the whole ID."
		h.renderPage(w, r, s, "patients", &view{Title: "Patients", Nav: "patients", Data: d})
		return nil
	}
	ps, err := h.store.FindPatients(r.Context(), rcm.PatientFilter{Name: q, MemberID: d.MemberID, Limit: listLimit})
	if err != nil {
		return err
	}
	d.Patients = ps
	h.renderPage(w, r, s, "patients", &view{Title: "Patients", Nav: "patients", Data: d})
	return nil
}
