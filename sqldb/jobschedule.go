package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/openrcm/openrcm"
)

// SQL returns the database's connection pool, for River (package jobs),
// which keeps its queue in the same database so that a job is enqueued in
// the transaction of the change that causes it.
func (db *DB) SQL() *sql.DB { return db.db }

// SQL returns the transaction, for River's InsertTx.
func (tx *Tx) SQL() *sql.Tx { return tx.tx }

// SetJobSchedule stores the actor's organization's schedule for a kind of
// job. then, when not nil, runs in the same transaction (the jobs package
// enqueues the kind's first run there), so a schedule is saved together
// with what it starts, or not at all.
func (db *DB) SetJobSchedule(ctx context.Context, s rcm.JobSchedule, then func(tx *sql.Tx) error) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	s.OrgID = a.OrgID
	if err := s.Validate(); err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO job_schedule (org_id, kind, every_seconds, enabled, updated_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (org_id, kind) DO UPDATE SET every_seconds = excluded.every_seconds,
				enabled = excluded.enabled, updated_at = excluded.updated_at`,
			s.OrgID, s.Kind, int64(s.Every/time.Second), s.Enabled, formatTime(tx.Now())); err != nil {
			return err
		}
		if then != nil {
			return then(tx.SQL())
		}
		return nil
	})
}

// FindJobSchedules returns the actor's organization's schedules, by kind.
func (db *DB) FindJobSchedules(ctx context.Context) ([]rcm.JobSchedule, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	return db.jobSchedules(ctx, `SELECT org_id, kind, every_seconds, enabled FROM job_schedule WHERE org_id = ? ORDER BY kind`, a.OrgID)
}

// AllJobSchedules returns every organization's id and every schedule an
// admin set, for the scheduler, which runs for all organizations as the
// system and acts for each one in turn.
func (db *DB) AllJobSchedules(ctx context.Context) (orgs []int64, schedules []rcm.JobSchedule, err error) {
	rows, err := db.QueryContext(ctx, `SELECT id FROM organization ORDER BY id`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, nil, err
		}
		orgs = append(orgs, id)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	schedules, err = db.jobSchedules(ctx, `SELECT org_id, kind, every_seconds, enabled FROM job_schedule ORDER BY org_id, kind`)
	return orgs, schedules, err
}

func (db *DB) jobSchedules(ctx context.Context, q string, args ...any) ([]rcm.JobSchedule, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rcm.JobSchedule
	for rows.Next() {
		var s rcm.JobSchedule
		var secs int64
		if err := rows.Scan(&s.OrgID, &s.Kind, &secs, &s.Enabled); err != nil {
			return nil, err
		}
		s.Every = time.Duration(secs) * time.Second
		out = append(out, s)
	}
	return out, rows.Err()
}

// Totals counts the 835 claim payments posted and the claims sent in
// submissions, across organizations, for the metrics.
func (db *DB) Totals(ctx context.Context) (posted, submitted int64, err error) {
	err = db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM remit_claim), (SELECT count(*) FROM submission_claim)`).Scan(&posted, &submitted)
	return posted, submitted, err
}

// CodeSetVersion names the state of the code-set and NCCI releases: it
// changes when a release is imported or removed, by any process, so every
// server can see, with one cheap query, that its loaded catalogue is stale.
func (db *DB) CodeSetVersion(ctx context.Context) (string, error) {
	var n1, m1, n2, m2 int64
	err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM code_release), (SELECT coalesce(max(id), 0) FROM code_release),
		(SELECT count(*) FROM ncci_release), (SELECT coalesce(max(id), 0) FROM ncci_release)`).Scan(&n1, &m1, &n2, &m2)
	return fmt.Sprintf("codes %d/%d ncci %d/%d", n1, m1, n2, m2), err
}
