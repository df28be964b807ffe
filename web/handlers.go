package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/openrcm/openrcm"
)

// The resources of the API follow one shape: POST to the collection
// creates (201 with a Location), GET on the collection lists, GET and PUT
// on /{id} read and replace. The generic handlers below hold that shape;
// routes that filter or nest have their own handlers.

// idField returns a pointer to a record's ID, so the generic handlers can
// set it from the path.
type idField[T any] func(*T) *int64

func practiceID(p *rcm.Practice) *int64   { return &p.ID }
func providerID(p *rcm.Provider) *int64   { return &p.ID }
func payerID(p *rcm.Payer) *int64         { return &p.ID }
func patientID(p *rcm.Patient) *int64     { return &p.ID }
func coverageID(c *rcm.Coverage) *int64   { return &c.ID }
func encounterID(e *rcm.Encounter) *int64 { return &e.ID }
func facilityID(f *rcm.Facility) *int64   { return &f.ID }

// createHandler decodes a new record, has the service store it and answers
// 201 with the stored record. An id in the body is refused: the store
// assigns ids.
func createHandler[T any](create func(context.Context, *T) error, id idField[T], location string) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := parseQuery(r); err != nil {
			return err
		}
		v := new(T)
		if err := decodeJSON(w, r, v); err != nil {
			return err
		}
		if *id(v) != 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "id", "Leave id out when creating; it is assigned.")
		}
		if err := create(r.Context(), v); err != nil {
			return err
		}
		w.Header().Set("Location", location+strconv.FormatInt(*id(v), 10))
		writeJSON(w, http.StatusCreated, v)
		return nil
	}
}

// getHandler answers the record with the path's id.
func getHandler[T any](find func(context.Context, int64) (*T, error)) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := parseQuery(r); err != nil {
			return err
		}
		v, err := find(r.Context(), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

// updateHandler replaces the record with the path's id by the body. The
// body may repeat the id but not name another: a client that PUTs one
// record's JSON to another's URL has made a mistake worth hearing about.
func updateHandler[T any](update func(context.Context, *T) error, id idField[T]) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		pid, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := parseQuery(r); err != nil {
			return err
		}
		v := new(T)
		if err := decodeJSON(w, r, v); err != nil {
			return err
		}
		if bid := *id(v); bid != 0 && bid != pid {
			return rcm.FieldErrorf(rcm.EINVALID, "id", "The body's id (%d) is not the id in the path (%d).", bid, pid)
		}
		*id(v) = pid
		if err := update(r.Context(), v); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

// listHandler answers every record of an unfiltered collection as
// {"<key>": [...]}; an object leaves room for paging fields later.
func listHandler[T any](key string, find func(context.Context) ([]*T, error)) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := parseQuery(r); err != nil {
			return err
		}
		list, err := find(r.Context())
		if err != nil {
			return err
		}
		writeList(w, key, list)
		return nil
	}
}

// writeList writes {"<key>": [...]}, with [] rather than null for none.
func writeList[T any](w http.ResponseWriter, key string, list []*T) {
	if list == nil {
		list = []*T{}
	}
	writeJSON(w, http.StatusOK, map[string]any{key: list})
}

// handleMe answers the signed-in user.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) error {
	a, err := rcm.RequireActor(r.Context(), "")
	if err != nil {
		return err
	}
	u, err := s.users.FindUserByID(r.Context(), a.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// maxNameQuery bounds the name search; no first or last name is longer.
const maxNameQuery = 60

// handleFindPatients lists patients: ?name= matches the start of a first
// or last name; ?member_id= a whole member ID of one of their coverages;
// limit and offset page.
func (s *Server) handleFindPatients(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, "name", "member_id", "limit", "offset")
	if err != nil {
		return err
	}
	var f rcm.PatientFilter
	if f.Name, err = q.str("name", maxNameQuery); err != nil {
		return err
	}
	if f.MemberID = q.v.Get("member_id"); q.v.Has("member_id") && !rcm.ValidMemberID(f.MemberID) {
		return rcm.FieldErrorf(rcm.EINVALID, "member_id", "member_id must be a whole member ID: 2 to 80 printable characters without * ~ : ^.")
	}
	if f.Limit, f.Offset, err = q.page(); err != nil {
		return err
	}
	list, err := s.patients.FindPatients(r.Context(), f)
	if err != nil {
		return err
	}
	writeList(w, "patients", list)
	return nil
}

// handleCreateCoverage adds a coverage to the patient in the path.
func (s *Server) handleCreateCoverage(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c := &rcm.Coverage{}
	if err := decodeJSON(w, r, c); err != nil {
		return err
	}
	if c.ID != 0 {
		return rcm.FieldErrorf(rcm.EINVALID, "id", "Leave id out when creating; it is assigned.")
	}
	if c.PatientID != 0 && c.PatientID != pid {
		return rcm.FieldErrorf(rcm.EINVALID, "patient_id", "The body's patient_id (%d) is not the patient in the path (%d).", c.PatientID, pid)
	}
	c.PatientID = pid
	if err := s.patients.CreateCoverage(r.Context(), c); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/coverages/"+strconv.FormatInt(c.ID, 10))
	writeJSON(w, http.StatusCreated, c)
	return nil
}

// handleFindCoverages lists the coverages of the patient in the path.
func (s *Server) handleFindCoverages(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := parseQuery(r); err != nil {
		return err
	}
	list, err := s.patients.FindCoverages(r.Context(), pid)
	if err != nil {
		return err
	}
	writeList(w, "coverages", list)
	return nil
}

// handleFindEncounters lists encounters, newest first, filtered by
// ?patient_id= and ?status=.
func (s *Server) handleFindEncounters(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, "patient_id", "status", "limit", "offset")
	if err != nil {
		return err
	}
	var f rcm.EncounterFilter
	if f.PatientID, err = q.id("patient_id"); err != nil {
		return err
	}
	switch f.Status = q.v.Get("status"); f.Status {
	case "", rcm.EncounterOpen, rcm.EncounterCoded, rcm.EncounterBilled:
	default:
		return rcm.FieldErrorf(rcm.EINVALID, "status", "Query parameter status must be open, coded or billed.")
	}
	if f.Limit, f.Offset, err = q.page(); err != nil {
		return err
	}
	list, err := s.encounters.FindEncounters(r.Context(), f)
	if err != nil {
		return err
	}
	writeList(w, "encounters", list)
	return nil
}

// handleFindAuditEvents lists audit events, newest first, optionally for
// one patient. The service lets only auditors and admins read them.
func (s *Server) handleFindAuditEvents(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, "patient_id", "limit", "offset")
	if err != nil {
		return err
	}
	var f rcm.AuditFilter
	if f.PatientID, err = q.id("patient_id"); err != nil {
		return err
	}
	if f.Limit, f.Offset, err = q.page(); err != nil {
		return err
	}
	list, err := s.audit.FindAuditEvents(r.Context(), f)
	if err != nil {
		return err
	}
	writeList(w, "events", list)
	return nil
}
