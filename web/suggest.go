package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/suggest"
)

// suggestBody is the body of POST /api/v1/codes/suggest: a note, or an
// encounter whose note is read (and the read audited).
type suggestBody struct {
	Note        string   `json:"note"`
	EncounterID int64    `json:"encounter_id"`
	DOS         rcm.Date `json:"dos"`
	Age         *int     `json:"age"`
	Sex         string   `json:"sex"`
	Setting     string   `json:"setting"`
}

// codesSuggest answers POST /api/v1/codes/suggest with the JSON of
// `rcm codes suggest --json`. The note is PHI: it is never logged, and
// naming an encounter reads it through the encounter service, which
// audits the read.
func (s *Server) codesSuggest(catalog func() *codeset.Catalog) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := rcm.RequireActor(r.Context(), rcm.PermReadPatients)
		if err != nil {
			return err
		}
		var b suggestBody
		if err := decodeJSON(w, r, &b); err != nil {
			return err
		}
		switch {
		case b.EncounterID != 0 && b.Note != "":
			return rcm.FieldErrorf(rcm.EINVALID, "note", "Give a note or an encounter_id, not both.")
		case b.EncounterID != 0:
			e, err := s.encounters.FindEncounterByID(r.Context(), b.EncounterID)
			if err != nil {
				return err
			}
			b.Note = e.Note
			if b.DOS.IsZero() {
				b.DOS = e.DateOfService
			}
		case strings.TrimSpace(b.Note) == "":
			return rcm.FieldErrorf(rcm.EINVALID, "note", "Give the note text (note) or an encounter (encounter_id).")
		}
		req := suggest.Request{Note: b.Note, DOS: b.DOS, Sex: strings.ToUpper(b.Sex), Setting: b.Setting, Org: strconv.FormatInt(a.OrgID, 10)}
		if b.Age != nil {
			if *b.Age < 0 || *b.Age > 130 {
				return rcm.FieldErrorf(rcm.EINVALID, "age", "age must be 0 to 130.")
			}
			req.Age, req.AgeKnown = *b.Age, true
		}
		e := &suggest.Engine{Catalog: catalog()}
		res, err := e.Suggest(req)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, res)
		return nil
	}
}
