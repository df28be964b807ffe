package sqldb

import (
	"context"
	"database/sql"
	"time"

	"github.com/openrcm/openrcm"
)

// ClosePeriod closes the organization's books through the given day (the
// last day of the month at month-end): afterwards nothing posts with a date
// on or before it, and corrections post in the open period. Administrators
// only; a close never moves back.
func (db *DB) ClosePeriod(ctx context.Context, through time.Time) error {
	a, err := rcm.RequireActor(ctx, rcm.PermManageUsers)
	if err != nil {
		return err
	}
	day := through.UTC().Format(time.DateOnly)
	return db.Transact(ctx, func(tx *Tx) error {
		cur, err := tx.closedThrough(ctx, a.OrgID)
		if err != nil {
			return err
		}
		if cur != "" && day <= cur {
			return rcm.FieldErrorf(rcm.ECONFLICT, "through", "The books are already closed through %s.", cur)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO period_close (org_id, through, closed_by, closed_at) VALUES (?, ?, ?, ?)`,
			a.OrgID, day, a.UserID, formatTime(tx.Now()))
		if err != nil {
			return mapError(err)
		}
		return tx.audit(ctx, a, rcm.AuditCreate, "period_close", 0, 0)
	})
}

// ClosedThrough returns the last day of the closed books, "" when none.
func (db *DB) ClosedThrough(ctx context.Context) (string, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return "", err
	}
	var day string
	err = db.Transact(ctx, func(tx *Tx) error {
		day, err = tx.closedThrough(ctx, a.OrgID)
		return err
	})
	return day, err
}

func (tx *Tx) closedThrough(ctx context.Context, org int64) (string, error) {
	var day sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT MAX(through) FROM period_close WHERE org_id = ?`, org).Scan(&day)
	return day.String, err
}

// refuseClosed refuses a posting dated on a day of a closed period.
func (tx *Tx) refuseClosed(ctx context.Context, org int64, dated time.Time) error {
	cur, err := tx.closedThrough(ctx, org)
	if err != nil {
		return err
	}
	if day := dated.UTC().Format(time.DateOnly); cur != "" && day <= cur {
		return rcm.FieldErrorf(rcm.EINVALID, "date", "The books are closed through %s: nothing posts dated %s. Post the correction in the open period.", cur, day)
	}
	return nil
}
