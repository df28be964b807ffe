package sqldb

import (
	"context"

	"github.com/openrcm/openrcm"
)

var _ rcm.QuarantineService = (*DB)(nil)

// maxReason bounds the reason stored for a quarantined file: the first
// findings say enough, and a hostile file must not fill the table.
const maxReason = 2000

// RecordQuarantine records a response file the inbox moved to the
// quarantine folder.
func (db *DB) RecordQuarantine(ctx context.Context, f *rcm.QuarantinedFile) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	if len(f.Reason) > maxReason {
		f.Reason = f.Reason[:maxReason] + "…"
	}
	return db.Transact(ctx, func(tx *Tx) error {
		f.QuarantinedAt = tx.Now()
		var err error
		f.ID, err = tx.insert(ctx, `INSERT INTO inbox_quarantine (org_id, name, stored_as, kind, reason, quarantined_at, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			a.OrgID, f.Name, f.StoredAs, f.Kind, f.Reason, formatTime(f.QuarantinedAt), a.UserID)
		return err
	})
}

// FindQuarantinedFiles lists the organization's quarantined response
// files, newest first; limit <= 0 means 100.
func (db *DB) FindQuarantinedFiles(ctx context.Context, limit int) ([]*rcm.QuarantinedFile, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 100
	}
	var out []*rcm.QuarantinedFile
	err = eachRow(ctx, db, func(s scanner) error {
		f := &rcm.QuarantinedFile{}
		var at string
		if err := s.Scan(&f.ID, &f.Name, &f.StoredAs, &f.Kind, &f.Reason, &at); err != nil {
			return err
		}
		var err error
		f.QuarantinedAt, err = parseTime(at)
		out = append(out, f)
		return err
	}, `SELECT id, name, stored_as, kind, reason, quarantined_at FROM inbox_quarantine WHERE org_id = ? ORDER BY id DESC LIMIT ?`, a.OrgID, limit)
	return out, err
}
