package sqldb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
)

// auditRef names one read or change to record.
type auditRef struct {
	action, entity      string
	entityID, patientID int64
}

// audit appends an event to one of the organization's hash chains, in the
// caller's transaction: the record of a read or change commits or rolls
// back with it.
func (tx *Tx) audit(ctx context.Context, a rcm.Actor, action, entity string, entityID, patientID int64) error {
	return tx.auditMany(ctx, a, []auditRef{{action, entity, entityID, patientID}})
}

// auditMany queues events, in order, to join their chains when the
// transaction commits (flushAudit): a read or change is recorded if and
// only if it commits.
func (tx *Tx) auditMany(ctx context.Context, a rcm.Actor, refs []auditRef) error {
	now := tx.Now()
	for _, r := range refs {
		tx.queueAudit(pendingAudit{e: rcm.AuditEvent{
			OrgID: a.OrgID, At: now, UserID: a.UserID, Action: r.action,
			Entity: r.entity, EntityID: r.entityID, PatientID: r.patientID, Reason: a.Reason,
		}})
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
	// So is the chain of an event off chain 0, which continues the single
	// chain of the releases before shards: its events hash as they did.
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
	if e.Shard != 0 {
		f := "shard=" + strconv.Itoa(e.Shard)
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
	q += ` ORDER BY id DESC LIMIT ? OFFSET ?`
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

// VerifyAuditChain walks each of the organization's chains from its first
// event and checks every link and every hash, and that each head matches
// its chain's last event.
func (db *DB) VerifyAuditChain(ctx context.Context) (int, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadAudit)
	if err != nil {
		return 0, err
	}
	n, _, _, brk, err := verifyAuditChains(ctx, db, a.OrgID)
	if err != nil {
		return n, err
	}
	if brk != nil {
		return n, rcm.Errorf(rcm.ECONFLICT, "Audit chain %d broken at event %d (id %d): %s", brk.Shard, brk.Seq, brk.EventID, brk.Problem)
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
