package sqldb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
)

// auditRef names one read or change to record.
type auditRef struct {
	action, entity      string
	entityID, patientID int64
}

// audit appends an event to the organization's hash chain, in the caller's
// transaction: the record of a read or change commits or rolls back with it.
func (tx *Tx) audit(ctx context.Context, a rcm.Actor, action, entity string, entityID, patientID int64) error {
	return tx.auditMany(ctx, a, []auditRef{{action, entity, entityID, patientID}})
}

// auditMany appends events in order. The chain head row is locked and
// updated once, which serializes concurrent writers of one organization on
// PostgreSQL (row lock) and on SQLite (single writer), and keeps bulk reads
// (a batch of claims going out) to one statement per event.
func (tx *Tx) auditMany(ctx context.Context, a rcm.Actor, refs []auditRef) error {
	if len(refs) == 0 {
		return nil
	}
	// Insert-if-absent, then lock the head: concurrent first events of an
	// organization queue on the one row instead of colliding.
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_head (org_id, seq, hash) VALUES (?, 0, '') ON CONFLICT DO NOTHING`, a.OrgID); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	var seq int64
	var prev string
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE org_id = ?`+tx.forUpdate(), a.OrgID).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO audit_event (org_id, seq, at, user_id, action, entity, entity_id, patient_id, reason, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer stmt.Close()
	for _, r := range refs {
		seq++
		e := rcm.AuditEvent{
			OrgID: a.OrgID, Seq: seq, At: tx.Now(), UserID: a.UserID, Action: r.action,
			Entity: r.entity, EntityID: r.entityID, PatientID: r.patientID, Reason: a.Reason, PrevHash: prev,
		}
		e.Hash = auditHash(&e)
		if _, err := stmt.ExecContext(ctx, e.OrgID, e.Seq, formatTime(e.At), e.UserID, e.Action, e.Entity, e.EntityID, e.PatientID, e.Reason, e.PrevHash, e.Hash); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		prev = e.Hash
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE org_id = ?`, seq, prev, a.OrgID); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

// forUpdate locks the selected row on PostgreSQL; SQLite's immediate
// transactions already hold the database's write lock.
func (tx *Tx) forUpdate() string {
	if tx.db.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// auditHash is the SHA-256 over every field of the event and the previous
// hash, so changing any field of any event (or any patient of a list read)
// breaks every later link.
func auditHash(e *rcm.AuditEvent) string {
	h := sha256.New()
	for _, f := range []string{
		strconv.FormatInt(e.OrgID, 10), strconv.FormatInt(e.Seq, 10), formatTime(e.At),
		strconv.FormatInt(e.UserID, 10), e.Action, e.Entity, strconv.FormatInt(e.EntityID, 10),
		strconv.FormatInt(e.PatientID, 10), e.Reason, e.PrevHash,
	} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	// The patients of a list read are one more field; an event without
	// them hashes as it did before lists existed, so older chains verify.
	if len(e.PatientIDs) > 0 {
		ids := make([]string, len(e.PatientIDs))
		for i, id := range e.PatientIDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		f := strings.Join(ids, ",")
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// FindAuditEvents returns the organization's audit events, newest first.
func (db *DB) FindAuditEvents(ctx context.Context, f rcm.AuditFilter) ([]*rcm.AuditEvent, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadAudit)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + auditCols + ` FROM audit_event WHERE org_id = ?`
	args := []any{a.OrgID}
	if f.PatientID > 0 {
		q += ` AND (patient_id = ? OR id IN (SELECT event_id FROM audit_list_patient WHERE org_id = ? AND patient_id = ?))`
		args = append(args, f.PatientID, a.OrgID, f.PatientID)
	}
	q += ` ORDER BY seq DESC LIMIT ? OFFSET ?`
	args = append(args, limit(f.Limit), max(f.Offset, 0))
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*rcm.AuditEvent
	for rows.Next() {
		e, err := scanAuditRow(rows, a.OrgID)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, loadAuditPatients(ctx, db, a.OrgID, out)
}

// VerifyAuditChain walks the organization's chain from the first event and
// checks every link and every hash, and that the head matches the last.
func (db *DB) VerifyAuditChain(ctx context.Context) (int, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadAudit)
	if err != nil {
		return 0, err
	}
	n, brk, err := verifyAuditChain(ctx, db, a.OrgID)
	if err != nil {
		return n, err
	}
	if brk != nil {
		return n, rcm.Errorf(rcm.ECONFLICT, "Audit chain broken at event %d (id %d): %s", brk.Seq, brk.EventID, brk.Problem)
	}
	return n, nil
}

// limit bounds a page size: default 100, at most 1000.
func limit(n int) int {
	switch {
	case n <= 0:
		return 100
	case n > 1000:
		return 1000
	}
	return n
}
