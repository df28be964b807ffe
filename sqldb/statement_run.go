package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/statement/mailing"
)

// Statement runs (package mailing): the runs, their statements with the
// PDF sealed like every stored file that names a patient's services, and
// the patients whose statements are held. Every read and write of a
// patient's statement is audited in its transaction.

var runStatementSealed = sealedTable{name: "run_statement", columns: []string{"pdf"}, batch: 50}

func init() { sealedTables = append(sealedTables, runStatementSealed) }

// FindStatementsDue returns the patients with a balance due, no statement
// dated after on minus cycleDays, and no hold, largest balance first.
func (db *DB) FindStatementsDue(ctx context.Context, on rcm.Date, cycleDays int) ([]rcm.PatientBalance, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	after := formatDate(on.AddDays(-cycleDays))
	var out []rcm.PatientBalance
	err = db.Transact(ctx, func(tx *Tx) error {
		all, err := patientBalances(ctx, tx, `WHERE e.org_id = ?
			AND NOT EXISTS (SELECT 1 FROM statement_hold h WHERE h.org_id = enc.org_id AND h.patient_id = enc.patient_id)
			AND NOT EXISTS (SELECT 1 FROM run_statement r WHERE r.org_id = enc.org_id AND r.patient_id = enc.patient_id AND r.statement_date > ?)`,
			a.OrgID, after)
		if err != nil {
			return err
		}
		ids := []int64{}
		for _, b := range all {
			if b.Open > 0 { // a credit or zero balance gets no statement
				out = append(out, b)
				ids = append(ids, b.PatientID)
			}
		}
		return tx.auditList(ctx, a, "patient_balances", 0, ids)
	})
	return out, err
}

const statementRunCols = `r.id, r.org_id, r.run_date, r.cycle_days, r.started_at, r.finished_at,
	(SELECT COUNT(*) FROM run_statement s WHERE s.org_id = r.org_id AND s.run_id = r.id),
	(SELECT COALESCE(SUM(s.amount), 0) FROM run_statement s WHERE s.org_id = r.org_id AND s.run_id = r.id),
	(SELECT COUNT(*) FROM run_statement s WHERE s.org_id = r.org_id AND s.run_id = r.id AND s.mailed_at <> '')`

func scanStatementRun(s scanner) (*mailing.Run, error) {
	r := &mailing.Run{}
	var on, started, finished string
	var total int64
	if err := s.Scan(&r.ID, &r.OrgID, &on, &r.CycleDays, &started, &finished, &r.Statements, &total, &r.Mailed); err != nil {
		return nil, err
	}
	r.Total = rcm.Money(total)
	var err error
	if r.Date, err = parseDate(on); err != nil {
		return nil, err
	}
	if r.StartedAt, err = parseTime(started); err != nil {
		return nil, err
	}
	r.FinishedAt, err = parseTime(finished)
	return r, err
}

// StartStatementRun returns the organization's run of the day on, made if
// there is none: the one run of the day that every worker and every retry
// of the day's job adds to.
func (db *DB) StartStatementRun(ctx context.Context, on rcm.Date, cycleDays int) (*mailing.Run, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	var r *mailing.Run
	err = db.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO statement_run (org_id, run_date, cycle_days, started_at, finished_at) VALUES (?, ?, ?, ?, '')
			ON CONFLICT (org_id, run_date) DO NOTHING`, a.OrgID, formatDate(on), cycleDays, formatTime(tx.Now())); err != nil {
			return err
		}
		r, err = scanStatementRun(tx.QueryRowContext(ctx, `SELECT `+statementRunCols+` FROM statement_run r WHERE r.org_id = ? AND r.run_date = ?`, a.OrgID, formatDate(on)))
		return err
	})
	return r, err
}

// AddRunStatements stores a page of a run's statements in one
// transaction, each audited as a statement printed for its patient. A
// patient already in the run (a retried job, a second worker) or with a
// statement dated within the run's cycle is skipped; the statements added
// are returned with their ids.
func (db *DB) AddRunStatements(ctx context.Context, runID int64, sts []*mailing.Statement) ([]*mailing.Statement, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	var added []*mailing.Statement
	err = db.Transact(ctx, func(tx *Tx) error {
		added = added[:0]
		var on string
		var cycle int
		err := tx.QueryRowContext(ctx, `SELECT run_date, cycle_days FROM statement_run WHERE org_id = ? AND id = ?`, a.OrgID, runID).Scan(&on, &cycle)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Statement run", runID)
		} else if err != nil {
			return err
		}
		runDate, err := parseDate(on)
		if err != nil {
			return err
		}
		after := formatDate(runDate.AddDays(-cycle))
		now := tx.Now()
		var refs []auditRef
		for _, st := range sts {
			if st.Amount <= 0 {
				continue
			}
			addr, err := json.Marshal(st.To.Address)
			if err != nil {
				return err
			}
			var id int64
			err = tx.QueryRowContext(ctx, `INSERT INTO run_statement (org_id, run_id, patient_id, statement_date, due_by, amount, to_name, to_address,
				for_name, pdf, created_at, mailed_at, mailed_by)
				SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, '', 0
				WHERE NOT EXISTS (SELECT 1 FROM run_statement o WHERE o.org_id = ? AND o.patient_id = ? AND o.run_id <> ? AND o.statement_date > ?)
				ON CONFLICT (org_id, run_id, patient_id) DO NOTHING RETURNING id`,
				a.OrgID, runID, st.PatientID, on, formatDate(st.DueBy), int64(st.Amount), st.To.Name, string(addr), st.To.For, formatTime(now),
				a.OrgID, st.PatientID, runID, after).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			} else if err != nil {
				return mapError(err)
			}
			sealed, err := db.sealRow(runStatementSealed, a.OrgID, id, []string{string(st.PDF)})
			if err != nil {
				return err
			}
			if err := tx.writeSealed(ctx, runStatementSealed, a.OrgID, id, sealed); err != nil {
				return err
			}
			st.ID, st.OrgID, st.RunID, st.RunDate, st.CreatedAt = id, a.OrgID, runID, runDate, now
			added = append(added, st)
			refs = append(refs, auditRef{rcm.AuditCreate, "statement", id, st.PatientID})
		}
		return tx.auditMany(ctx, a, refs)
	})
	return added, err
}

// FinishStatementRun records that the run went through every patient due
// and returns it with its counts and total.
func (db *DB) FinishStatementRun(ctx context.Context, runID int64) (*mailing.Run, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	var r *mailing.Run
	err = db.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE statement_run SET finished_at = ? WHERE org_id = ? AND id = ?`, formatTime(tx.Now()), a.OrgID, runID); err != nil {
			return err
		}
		r, err = scanStatementRun(tx.QueryRowContext(ctx, `SELECT `+statementRunCols+` FROM statement_run r WHERE r.org_id = ? AND r.id = ?`, a.OrgID, runID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Statement run", runID)
		}
		return err
	})
	return r, err
}

// FindStatementRuns returns the organization's statement runs, newest
// first, with their counts and totals.
func (db *DB) FindStatementRuns(ctx context.Context, limit int) ([]*mailing.Run, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	var out []*mailing.Run
	err = db.Transact(ctx, func(tx *Tx) error {
		out, err = queryAll(ctx, tx, scanStatementRun, `SELECT `+statementRunCols+` FROM statement_run r WHERE r.org_id = ? ORDER BY r.run_date DESC, r.id DESC LIMIT ?`, a.OrgID, limit)
		return err
	})
	return out, err
}

const runStatementCols = `s.id, s.org_id, s.run_id, r.run_date, s.patient_id, p.account_number, s.to_name, s.to_address, s.for_name, s.amount, s.due_by,
	s.created_at, s.mailed_at`

const runStatementFrom = ` FROM run_statement s JOIN statement_run r ON r.org_id = s.org_id AND r.id = s.run_id
	JOIN patient p ON p.org_id = s.org_id AND p.id = s.patient_id`

func scanRunStatement(s scanner) (*mailing.Statement, error) {
	st := &mailing.Statement{}
	var on, addr, due, created, mailed string
	var amount int64
	if err := s.Scan(&st.ID, &st.OrgID, &st.RunID, &on, &st.PatientID, &st.AccountNumber, &st.To.Name, &addr, &st.To.For, &amount, &due,
		&created, &mailed); err != nil {
		return nil, err
	}
	st.Amount = rcm.Money(amount)
	if err := json.Unmarshal([]byte(addr), &st.To.Address); err != nil {
		return nil, err
	}
	var err error
	if st.RunDate, err = parseDate(on); err != nil {
		return nil, err
	}
	if st.DueBy, err = parseDate(due); err != nil {
		return nil, err
	}
	if st.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	st.MailedAt, err = parseTime(mailed)
	return st, err
}

// FindRunStatements returns the mailing list: the runs' statements, newest
// run first, then by the addressee's name (one audited read for the list).
func (db *DB) FindRunStatements(ctx context.Context, f mailing.Filter) ([]*mailing.Statement, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + runStatementCols + runStatementFrom + ` WHERE s.org_id = ?`
	args := []any{a.OrgID}
	if f.RunID != 0 {
		q += ` AND s.run_id = ?`
		args = append(args, f.RunID)
	}
	if f.Unmailed {
		q += ` AND s.mailed_at = ''`
	}
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 10000
	}
	q += ` ORDER BY r.run_date DESC, s.to_name, s.id LIMIT ?`
	args = append(args, f.Limit)
	var out []*mailing.Statement
	err = db.Transact(ctx, func(tx *Tx) error {
		if out, err = queryAll(ctx, tx, scanRunStatement, q, args...); err != nil {
			return err
		}
		ids := make([]int64, len(out))
		for i, st := range out {
			ids[i] = st.PatientID
		}
		return tx.auditList(ctx, a, "statements", f.RunID, ids)
	})
	return out, err
}

// FindRunStatementPDF returns one statement of a run with its PDF: a read
// of the patient's statement, audited.
func (db *DB) FindRunStatementPDF(ctx context.Context, id int64) (*mailing.Statement, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	var st *mailing.Statement
	err = db.Transact(ctx, func(tx *Tx) error {
		var file, key string
		row := tx.QueryRowContext(ctx, `SELECT `+runStatementCols+`, s.pdf, s.sealed_key`+runStatementFrom+` WHERE s.org_id = ? AND s.id = ?`, a.OrgID, id)
		st, err = scanRunStatement(scannerFunc(func(dest ...any) error { return row.Scan(append(dest, &file, &key)...) }))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Statement", id)
		} else if err != nil {
			return err
		}
		plain, err := db.openValue("run_statement", "pdf", a.OrgID, id, key, file)
		if err != nil {
			return err
		}
		st.PDF = []byte(plain)
		return tx.audit(ctx, a, rcm.AuditRead, "statement", id, st.PatientID)
	})
	return st, err
}

// scannerFunc makes a function a scanner.
type scannerFunc func(dest ...any) error

func (f scannerFunc) Scan(dest ...any) error { return f(dest...) }

// MarkStatementsMailed records that the statements went in the mail, and
// returns how many were not marked before.
func (db *DB) MarkStatementsMailed(ctx context.Context, ids []int64) (int, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, nil
	}
	if len(ids) > 1000 {
		return 0, rcm.FieldErrorf(rcm.EINVALID, "ids", "At most 1000 statements may be marked at once.")
	}
	in, args := placeholders(a.OrgID, ids)
	n := 0
	err = db.Transact(ctx, func(tx *Tx) error {
		n = 0
		type row struct{ id, patient int64 }
		rows, err := queryAll(ctx, tx, func(s scanner) (row, error) {
			var r row
			return r, s.Scan(&r.id, &r.patient)
		}, `SELECT id, patient_id FROM run_statement WHERE org_id = ? AND mailed_at = '' AND id IN `+in, args...)
		if err != nil {
			return err
		}
		var refs []auditRef
		for _, r := range rows {
			if _, err := tx.ExecContext(ctx, `UPDATE run_statement SET mailed_at = ?, mailed_by = ? WHERE org_id = ? AND id = ? AND mailed_at = ''`,
				formatTime(tx.Now()), a.UserID, a.OrgID, r.id); err != nil {
				return err
			}
			refs = append(refs, auditRef{rcm.AuditUpdate, "statement", r.id, r.patient})
		}
		n = len(rows)
		return tx.auditMany(ctx, a, refs)
	})
	return n, err
}

// HoldStatements stops statement runs from sending the patient a
// statement until ReleaseStatements; reason says why (a dispute, a
// payment plan).
func (db *DB) HoldStatements(ctx context.Context, patientID int64, reason string) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 200 {
		return rcm.FieldErrorf(rcm.EINVALID, "reason", "Say why the statements are held, in at most 200 characters.")
	}
	return db.Transact(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO statement_hold (org_id, patient_id, reason, held_by, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (org_id, patient_id) DO UPDATE SET reason = excluded.reason, held_by = excluded.held_by, created_at = excluded.created_at`,
			a.OrgID, patientID, reason, a.UserID, formatTime(tx.Now()))
		if err != nil {
			return mapError(err)
		}
		return tx.audit(ctx, a, rcm.AuditUpdate, "statement_hold", patientID, patientID)
	})
}

// ReleaseStatements ends the patient's statement hold; it reports whether
// there was one.
func (db *DB) ReleaseStatements(ctx context.Context, patientID int64) (bool, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return false, err
	}
	var held bool
	err = db.Transact(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM statement_hold WHERE org_id = ? AND patient_id = ?`, a.OrgID, patientID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if held = n > 0; !held || err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditUpdate, "statement_hold", patientID, patientID)
	})
	return held, err
}
