package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/openrcm/openrcm"
)

// UISession is rcm.UISession; the alias keeps existing sqldb.UISession
// callers compiling now that the type lives in the domain.
type UISession = rcm.UISession

// CreateUISession stores a session under the hash of its id. Signing in
// is what makes an actor, so it takes none.
func (db *DB) CreateUISession(ctx context.Context, idHash string, s *UISession) error {
	_, err := db.ExecContext(ctx, `INSERT INTO ui_session (id_hash, org_id, user_id, csrf, created_at, seen_at, client, stage) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		idHash, s.OrgID, s.UserID, s.CSRF, formatTime(s.CreatedAt), formatTime(s.SeenAt), s.Client, s.Stage)
	return mapError(err)
}

// FindUISession returns the session stored under a hash, or ENOTFOUND.
func (db *DB) FindUISession(ctx context.Context, idHash string) (*UISession, error) {
	var s UISession
	var created, seen string
	var mustChange int
	err := db.QueryRowContext(ctx, `SELECT s.org_id, s.user_id, s.csrf, s.created_at, s.seen_at, s.client, s.stage, u.must_change_password
		FROM ui_session s JOIN app_user u ON u.id = s.user_id AND u.org_id = s.org_id WHERE s.id_hash = ?`, idHash).
		Scan(&s.OrgID, &s.UserID, &s.CSRF, &created, &seen, &s.Client, &s.Stage, &mustChange)
	s.MustChangePassword = mustChange != 0
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rcm.Errorf(rcm.ENOTFOUND, "No such session.")
	} else if err != nil {
		return nil, err
	}
	if s.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if s.SeenAt, err = parseTime(seen); err != nil {
		return nil, err
	}
	return &s, nil
}

// TouchUISession records that the session was used at t, which pushes its
// idle expiry back.
func (db *DB) TouchUISession(ctx context.Context, idHash string, t time.Time) error {
	_, err := db.ExecContext(ctx, `UPDATE ui_session SET seen_at = ? WHERE id_hash = ?`, formatTime(t), idHash)
	return err
}

// DeleteUISession ends a session (sign-out, or expiry noticed on use).
func (db *DB) DeleteUISession(ctx context.Context, idHash string) error {
	_, err := db.ExecContext(ctx, `DELETE FROM ui_session WHERE id_hash = ?`, idHash)
	return err
}

// DeleteExpiredUISessions removes sessions created before created or last
// seen before seen, so abandoned sessions do not pile up; it returns how
// many went.
func (db *DB) DeleteExpiredUISessions(ctx context.Context, created, seen time.Time) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM ui_session WHERE created_at < ? OR seen_at < ?`, formatTime(created), formatTime(seen))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
