package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/openrcm/openrcm"
)

var _ rcm.InterfaceService = (*DB)(nil)

const interfaceCols = `id, org_id, kind, control_id, type, status, ack, error_field, error_text, patient_id, encounter_id, attempts, received_at, updated_at, body`

func scanInterfaceMessage(s scanner) (*rcm.InterfaceMessage, error) {
	m := &rcm.InterfaceMessage{}
	var recv, upd string
	if err := s.Scan(&m.ID, &m.OrgID, &m.Kind, &m.ControlID, &m.Type, &m.Status, &m.Ack, &m.ErrorField, &m.ErrorText,
		&m.PatientID, &m.EncounterID, &m.Attempts, &recv, &upd, &m.Body); err != nil {
		return nil, err
	}
	var err error
	if m.ReceivedAt, err = parseTime(recv); err != nil {
		return nil, err
	}
	m.UpdatedAt, err = parseTime(upd)
	return m, err
}

// FindInterfaceMessage returns a message by kind and control id and audits
// the read of its body (PHI).
func (db *DB) FindInterfaceMessage(ctx context.Context, kind, controlID string) (*rcm.InterfaceMessage, error) {
	return db.findInterfaceMessage(ctx, `kind = ? AND control_id = ?`, kind, controlID)
}

// FindInterfaceMessageByID returns a message by id and audits the read.
func (db *DB) FindInterfaceMessageByID(ctx context.Context, id int64) (*rcm.InterfaceMessage, error) {
	return db.findInterfaceMessage(ctx, `id = ?`, id)
}

func (db *DB) findInterfaceMessage(ctx context.Context, where string, args ...any) (*rcm.InterfaceMessage, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var m *rcm.InterfaceMessage
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		m, err = scanInterfaceMessage(tx.QueryRowContext(ctx, `SELECT `+interfaceCols+` FROM interface_message WHERE org_id = ? AND `+where, append([]any{a.OrgID}, args...)...))
		if errors.Is(err, sql.ErrNoRows) {
			return rcm.Errorf(rcm.ENOTFOUND, "No such interface message.")
		} else if err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "interface_message", m.ID, m.PatientID)
	})
	return m, err
}

// FindInterfaceMessages lists messages, newest first, without their
// bodies; the list read is audited.
func (db *DB) FindInterfaceMessages(ctx context.Context, f rcm.InterfaceMessageFilter) ([]*rcm.InterfaceMessage, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + interfaceCols + ` FROM interface_message WHERE org_id = ?`
	args := []any{a.OrgID}
	if f.Kind != "" {
		q += ` AND kind = ?`
		args = append(args, f.Kind)
	}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, f.Status)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit(f.Limit))
	var out []*rcm.InterfaceMessage
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		if out, err = queryAll(ctx, tx, scanInterfaceMessage, q, args...); err != nil {
			return err
		}
		ids := make([]int64, 0, len(out))
		for _, m := range out {
			m.Body = ""
			if m.PatientID != 0 {
				ids = append(ids, m.PatientID)
			}
		}
		return tx.auditList(ctx, a, "interface_messages", 0, ids)
	})
	return out, err
}

// SaveInterfaceMessage inserts the message, or updates the row of its kind
// and control id, and audits the change.
func (db *DB) SaveInterfaceMessage(ctx context.Context, m *rcm.InterfaceMessage) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWritePatients)
	if err != nil {
		return err
	}
	m.OrgID = a.OrgID
	now := db.Clock.Now().UTC()
	m.UpdatedAt = now
	return db.Transact(ctx, func(tx *Tx) error {
		var id int64
		var attempts int
		err := tx.QueryRowContext(ctx, `SELECT id, attempts FROM interface_message WHERE org_id = ? AND kind = ? AND control_id = ?`+tx.forUpdate(),
			a.OrgID, m.Kind, m.ControlID).Scan(&id, &attempts)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			m.ReceivedAt, m.Attempts = now, 1
			id, err = tx.insert(ctx, `INSERT INTO interface_message (org_id, kind, control_id, type, status, ack, error_field, error_text, patient_id, encounter_id, attempts, received_at, updated_at, body)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				a.OrgID, m.Kind, m.ControlID, m.Type, m.Status, m.Ack, m.ErrorField, m.ErrorText, m.PatientID, m.EncounterID, m.Attempts,
				formatTime(now), formatTime(now), m.Body)
			if err != nil {
				return err
			}
			m.ID = id
			return tx.audit(ctx, a, rcm.AuditCreate, "interface_message", id, m.PatientID)
		case err != nil:
			return err
		}
		m.ID, m.Attempts = id, attempts+1
		if _, err := tx.ExecContext(ctx, `UPDATE interface_message SET type = ?, status = ?, ack = ?, error_field = ?, error_text = ?, patient_id = ?, encounter_id = ?,
			attempts = ?, updated_at = ?, body = ? WHERE org_id = ? AND id = ?`,
			m.Type, m.Status, m.Ack, m.ErrorField, m.ErrorText, m.PatientID, m.EncounterID, m.Attempts, formatTime(now), m.Body, a.OrgID, id); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditUpdate, "interface_message", id, m.PatientID)
	})
}

// FindVisitEncounter returns the encounter made for an interface's visit
// number, or ENOTFOUND.
func (db *DB) FindVisitEncounter(ctx context.Context, kind, visit string) (int64, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.QueryRowContext(ctx, `SELECT encounter_id FROM interface_visit WHERE org_id = ? AND kind = ? AND visit = ?`, a.OrgID, kind, visit).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, rcm.Errorf(rcm.ENOTFOUND, "No encounter for visit %s.", visit)
	}
	return id, err
}

// SaveVisitEncounter records the encounter made for a visit number.
func (db *DB) SaveVisitEncounter(ctx context.Context, kind, visit string, encounterID int64) error {
	a, err := rcm.RequireActor(ctx, rcm.PermCode)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `INSERT INTO interface_visit (org_id, kind, visit, encounter_id) VALUES (?, ?, ?, ?)`, a.OrgID, kind, visit, encounterID)
	return mapError(err)
}
