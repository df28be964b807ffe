package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
)

var _ rcm.EncounterService = (*DB)(nil)

const encounterCols = `id, org_id, patient_id, practice_id, rendering_provider_id, facility_id, date_of_service, place_of_service, note, status, sealed_key,
	onset_date, accident_date, accident_cause, accident_state, institutional`

// scanEncounter reads an encounter row and opens its sealed note.
func (db *DB) scanEncounter(s scanner) (*rcm.Encounter, error) {
	e := &rcm.Encounter{}
	var facility sql.NullInt64
	var dos, note, key, onset, accident, inst string
	if err := s.Scan(&e.ID, &e.OrgID, &e.PatientID, &e.PracticeID, &e.RenderingProviderID, &facility, &dos, &e.PlaceOfService, &note, &e.Status, &key,
		&onset, &accident, &e.AccidentCause, &e.AccidentState, &inst); err != nil {
		return nil, err
	}
	var err error
	if e.OnsetDate, err = parseDate(onset); err != nil {
		return nil, err
	}
	if e.AccidentDate, err = parseDate(accident); err != nil {
		return nil, err
	}
	e.FacilityID = facility.Int64
	if e.Institutional, err = institutionalOf(inst); err != nil {
		return nil, fmt.Errorf("encounter %d institutional data: %w", e.ID, err)
	}
	if e.Note, err = db.openValue("encounter", "note", e.OrgID, e.ID, key, note); err != nil {
		return nil, err
	}
	e.DateOfService, err = parseDate(dos)
	return e, err
}

// sealNote stores an encounter's note sealed.
func (tx *Tx) sealNote(ctx context.Context, org, id int64, note string) error {
	s, err := tx.db.sealRow(encounterSealed, org, id, []string{note})
	if err != nil {
		return err
	}
	return tx.writeSealed(ctx, encounterSealed, org, id, s)
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id > 0} }

// CreateEncounter stores an encounter with its diagnoses and lines, and
// audits it.
func (db *DB) CreateEncounter(ctx context.Context, e *rcm.Encounter) error {
	a, err := rcm.RequireActor(ctx, rcm.PermCode)
	if err != nil {
		return err
	}
	if err := e.Validate(); err != nil {
		return err
	}
	e.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		// The note is sealed bound to the row's id, so it follows the
		// insert in the same transaction.
		id, err := tx.insert(ctx, `INSERT INTO encounter (org_id, patient_id, practice_id, rendering_provider_id, facility_id, date_of_service, place_of_service, note, status,
			onset_date, accident_date, accident_cause, accident_state, institutional, coded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?)`,
			a.OrgID, e.PatientID, e.PracticeID, e.RenderingProviderID, nullID(e.FacilityID), formatDate(e.DateOfService), e.PlaceOfService, e.Status,
			formatDate(e.OnsetDate), formatDate(e.AccidentDate), e.AccidentCause, e.AccidentState, institutionalJSON(e.Institutional), coderOf(a, e))
		if err != nil {
			return err
		}
		e.ID = id
		if err := tx.sealNote(ctx, a.OrgID, id, e.Note); err != nil {
			return err
		}
		if err := tx.insertCodes(ctx, a.OrgID, e); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditCreate, "encounter", id, e.PatientID)
	})
}

// insertCodes writes a new encounter's diagnoses in one statement and its
// lines in another (at most 12 and 50 rows, see rcm.MaxLines), not one
// statement a row: an HL7 import makes an encounter per message.
func (tx *Tx) insertCodes(ctx context.Context, org int64, e *rcm.Encounter) error {
	if n := len(e.Diagnoses); n > 0 {
		args := make([]any, 0, 4*n)
		for i, d := range e.Diagnoses {
			args = append(args, org, e.ID, i+1, d.Code)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO encounter_diagnosis (org_id, encounter_id, seq, code) VALUES `+valueRows(4, n), args...); err != nil {
			return mapError(err)
		}
	}
	if n := len(e.Lines); n > 0 {
		args := make([]any, 0, 10*n)
		for i, l := range e.Lines {
			args = append(args, org, e.ID, i+1, l.Code, strings.Join(l.Modifiers, ","), l.Units, int64(l.Charge), joinInts(l.Pointers), l.NDC, formatDate(l.DateOfService))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_line (org_id, encounter_id, seq, code, modifiers, units, charge, pointers, ndc, date_of_service)
			VALUES `+valueRows(10, n), args...); err != nil {
			return mapError(err)
		}
	}
	return nil
}

// valueRows is the VALUES list of n rows of ncol placeholders each.
func valueRows(ncol, n int) string {
	return strings.TrimSuffix(strings.Repeat("("+inList(ncol)+"),", n), ",")
}

// replaceCodes stores an encounter's new diagnoses and lines. Lines are
// updated in place by position, so a line keeps its id (claims and the
// ledger refer to it); lines past the new count are deleted.
func (tx *Tx) replaceCodes(ctx context.Context, org int64, e *rcm.Encounter) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM encounter_diagnosis WHERE org_id = ? AND encounter_id = ?`, org, e.ID); err != nil {
		return err
	}
	for i, d := range e.Diagnoses {
		if _, err := tx.ExecContext(ctx, `INSERT INTO encounter_diagnosis (org_id, encounter_id, seq, code) VALUES (?, ?, ?, ?)`, org, e.ID, i+1, d.Code); err != nil {
			return mapError(err)
		}
	}
	for i, l := range e.Lines {
		args := []any{l.Code, strings.Join(l.Modifiers, ","), l.Units, int64(l.Charge), joinInts(l.Pointers), l.NDC, formatDate(l.DateOfService), org, e.ID, i + 1}
		res, err := tx.ExecContext(ctx, `UPDATE service_line SET code = ?, modifiers = ?, units = ?, charge = ?, pointers = ?, ndc = ?, date_of_service = ?
			WHERE org_id = ? AND encounter_id = ? AND seq = ?`, args...)
		if err != nil {
			return mapError(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_line (code, modifiers, units, charge, pointers, ndc, date_of_service, org_id, encounter_id, seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...); err != nil {
			return mapError(err)
		}
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM service_line WHERE org_id = ? AND encounter_id = ? AND seq > ?`, org, e.ID, len(e.Lines))
	return mapError(err)
}

// loadCodes fills in the encounter's diagnoses and lines.
func (tx *Tx) loadCodes(ctx context.Context, e *rcm.Encounter) error {
	dx, err := queryAll(ctx, tx, func(s scanner) (rcm.Diagnosis, error) {
		var d rcm.Diagnosis
		return d, s.Scan(&d.Code)
	}, `SELECT code FROM encounter_diagnosis WHERE org_id = ? AND encounter_id = ? ORDER BY seq`, e.OrgID, e.ID)
	if err != nil {
		return err
	}
	e.Diagnoses = dx
	lines, err := queryAll(ctx, tx, func(s scanner) (rcm.ServiceLine, error) {
		var l rcm.ServiceLine
		var mods, ptrs, dos string
		var charge int64
		if err := s.Scan(&l.Code, &mods, &l.Units, &charge, &ptrs, &l.NDC, &dos); err != nil {
			return l, err
		}
		l.Charge = rcm.Money(charge)
		if mods != "" {
			l.Modifiers = strings.Split(mods, ",")
		}
		var err error
		if l.Pointers, err = splitInts(ptrs); err != nil {
			return l, err
		}
		l.DateOfService, err = parseDate(dos)
		return l, err
	}, `SELECT code, modifiers, units, charge, pointers, ndc, date_of_service FROM service_line WHERE org_id = ? AND encounter_id = ? ORDER BY seq`, e.OrgID, e.ID)
	e.Lines = lines
	return err
}

// FindEncounterByID returns an encounter with its codes and audits the read.
func (db *DB) FindEncounterByID(ctx context.Context, id int64) (*rcm.Encounter, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var e *rcm.Encounter
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		e, err = tx.findEncounter(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "encounter", id, e.PatientID)
	})
	return e, err
}

func (tx *Tx) findEncounter(ctx context.Context, org, id int64) (*rcm.Encounter, error) {
	e, err := tx.db.scanEncounter(tx.QueryRowContext(ctx, `SELECT `+encounterCols+` FROM encounter WHERE org_id = ? AND id = ?`+tx.forUpdate(), org, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Encounter", id)
	} else if err != nil {
		return nil, err
	}
	return e, tx.loadCodes(ctx, e)
}

// FindEncounters lists encounters, newest date of service first, and audits
// the read as one event naming their patients.
func (db *DB) FindEncounters(ctx context.Context, f rcm.EncounterFilter) ([]*rcm.Encounter, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + encounterCols + ` FROM encounter WHERE org_id = ?`
	args := []any{a.OrgID}
	if f.PatientID > 0 {
		q += ` AND patient_id = ?`
		args = append(args, f.PatientID)
	}
	if len(f.IDs) > 0 {
		if len(f.IDs) > 1000 {
			return nil, rcm.FieldErrorf(rcm.EINVALID, "ids", "At most 1000 encounters may be read at once.")
		}
		q += ` AND id IN (?` + strings.Repeat(", ?", len(f.IDs)-1) + `)`
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, f.Status)
	}
	if f.After != nil {
		q += ` AND (date_of_service < ? OR (date_of_service = ? AND id < ?))`
		args = append(args, formatDate(f.After.DateOfService), formatDate(f.After.DateOfService), f.After.ID)
	}
	q += ` ORDER BY date_of_service DESC, id DESC LIMIT ? OFFSET ?`
	args = append(args, limit(f.Limit), max(f.Offset, 0))
	var out []*rcm.Encounter
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		if out, err = queryAll(ctx, tx, tx.db.scanEncounter, q, args...); err != nil {
			return err
		}
		patients := make([]int64, len(out))
		for i, e := range out {
			if err := tx.loadCodes(ctx, e); err != nil {
				return err
			}
			patients[i] = e.PatientID
		}
		return tx.auditList(ctx, a, "encounters", 0, patients)
	})
	return out, err
}

// UpdateEncounter replaces an encounter's fields and codes. A billed
// encounter is frozen: its claims point at its lines, so a change goes
// through a corrected claim instead.
func (db *DB) UpdateEncounter(ctx context.Context, e *rcm.Encounter) error {
	a, err := rcm.RequireActor(ctx, rcm.PermCode)
	if err != nil {
		return err
	}
	if err := e.Validate(); err != nil {
		return err
	}
	e.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		cur, err := tx.findEncounter(ctx, a.OrgID, e.ID)
		if err != nil {
			return err
		}
		return tx.updateEncounter(ctx, a, cur, e)
	})
}

// coderOf is the user who codes e when e is saved as coded (the coding
// audit's frame), else none (0): saving an open encounter, or billing it,
// leaves its coder as it was.
func coderOf(a rcm.Actor, e *rcm.Encounter) int64 {
	if e.Status == rcm.EncounterCoded {
		return a.UserID
	}
	return 0
}

// updateEncounter saves e over cur (the stored encounter, read in the same
// transaction) and audits the change.
func (tx *Tx) updateEncounter(ctx context.Context, a rcm.Actor, cur, e *rcm.Encounter) error {
	if cur.Status == rcm.EncounterBilled {
		return rcm.Errorf(rcm.ECONFLICT, "Encounter %d is billed; correct it through a replacement claim.", e.ID)
	}
	if cur.PatientID != e.PatientID {
		return rcm.FieldErrorf(rcm.EINVALID, "patient_id", "An encounter cannot move to another patient.")
	}
	err := tx.updateOne(ctx, "Encounter", e.ID, `UPDATE encounter SET practice_id = ?, rendering_provider_id = ?, facility_id = ?, date_of_service = ?,
		place_of_service = ?, status = ?, onset_date = ?, accident_date = ?, accident_cause = ?, accident_state = ?, institutional = ?,
		coded_by = CASE WHEN ? > 0 THEN ? ELSE coded_by END WHERE org_id = ? AND id = ?`,
		e.PracticeID, e.RenderingProviderID, nullID(e.FacilityID), formatDate(e.DateOfService), e.PlaceOfService, e.Status,
		formatDate(e.OnsetDate), formatDate(e.AccidentDate), e.AccidentCause, e.AccidentState, institutionalJSON(e.Institutional),
		coderOf(a, e), coderOf(a, e), a.OrgID, e.ID)
	if err != nil {
		return err
	}
	if err := tx.sealNote(ctx, a.OrgID, e.ID, e.Note); err != nil {
		return err
	}
	if err := tx.replaceCodes(ctx, a.OrgID, e); err != nil {
		return err
	}
	return tx.audit(ctx, a, rcm.AuditUpdate, "encounter", e.ID, e.PatientID)
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

func splitInts(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	out := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}
