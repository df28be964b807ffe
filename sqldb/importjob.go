package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/openrcm/openrcm"
)

// SaveImportUpload stores a file an admin uploaded for an import job;
// then, when not nil, runs in the same transaction with the upload's id
// (the jobs package enqueues the import there), so the file is stored
// together with the job that reads it, or not at all.
func (db *DB) SaveImportUpload(ctx context.Context, u *rcm.ImportUpload, then func(tx *sql.Tx, id int64) error) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	if a.Role != rcm.RoleAdmin {
		return rcm.Errorf(rcm.EFORBIDDEN, "Only an administrator imports code sets and edits.")
	}
	name, err := rcm.CleanFileName(u.FileName)
	if err != nil {
		return err
	}
	if len(u.Data) == 0 {
		return rcm.FieldErrorf(rcm.EINVALID, "file", "%s is empty.", name)
	}
	return db.Transact(ctx, func(tx *Tx) error {
		now := tx.Now()
		id, err := tx.insert(ctx, `INSERT INTO import_upload (org_id, file_name, size, data, created_at) VALUES (?, ?, ?, ?, ?)`,
			a.OrgID, name, len(u.Data), u.Data, formatTime(now))
		if err != nil {
			return err
		}
		u.ID, u.OrgID, u.FileName, u.Size, u.CreatedAt = id, a.OrgID, name, int64(len(u.Data)), now
		if then != nil {
			return then(tx.SQL(), id)
		}
		return nil
	})
}

// FindImportUpload returns an upload of the actor's organization with its
// bytes.
func (db *DB) FindImportUpload(ctx context.Context, id int64) (*rcm.ImportUpload, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return nil, err
	}
	u := &rcm.ImportUpload{}
	var created string
	err = db.QueryRowContext(ctx, `SELECT id, org_id, file_name, size, data, created_at FROM import_upload WHERE id = ? AND org_id = ?`,
		id, a.OrgID).Scan(&u.ID, &u.OrgID, &u.FileName, &u.Size, &u.Data, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rcm.Errorf(rcm.ENOTFOUND, "The uploaded file %d is gone: upload it again.", id)
	}
	if err != nil {
		return nil, err
	}
	u.CreatedAt, err = parseTime(created)
	return u, err
}

// DeleteImportUpload deletes an upload once its import is done.
func (db *DB) DeleteImportUpload(ctx context.Context, id int64) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `DELETE FROM import_upload WHERE id = ? AND org_id = ?`, id, a.OrgID)
	return err
}

// SaveJobProgress stores how far a job of the actor's organization is.
func (db *DB) SaveJobProgress(ctx context.Context, p rcm.JobProgress) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `INSERT INTO job_progress (job_id, org_id, phase, unit, done, total, rows_read, result, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (job_id) DO UPDATE SET phase = excluded.phase, unit = excluded.unit, done = excluded.done,
			total = excluded.total, rows_read = excluded.rows_read, result = excluded.result, updated_at = excluded.updated_at
		WHERE job_progress.org_id = excluded.org_id`,
		p.JobID, a.OrgID, p.Phase, p.Unit, p.Done, p.Total, p.Rows, p.Result, formatTime(db.Clock.Now()))
	return err
}

// FindJobProgress returns the progress saved for those of the jobs that
// belong to the actor's organization and have any, by job id.
func (db *DB) FindJobProgress(ctx context.Context, ids []int64) (map[int64]rcm.JobProgress, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return nil, err
	}
	out := map[int64]rcm.JobProgress{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{a.OrgID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := db.QueryContext(ctx, `SELECT job_id, org_id, phase, unit, done, total, rows_read, result, updated_at FROM job_progress
		WHERE org_id = ? AND job_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p rcm.JobProgress
		var updated string
		if err := rows.Scan(&p.JobID, &p.OrgID, &p.Phase, &p.Unit, &p.Done, &p.Total, &p.Rows, &p.Result, &updated); err != nil {
			return nil, err
		}
		if p.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, err
		}
		out[p.JobID] = p
	}
	return out, rows.Err()
}
