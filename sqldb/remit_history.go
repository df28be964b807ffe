package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
)

// The remittance history and the resolution of posting exceptions: reads
// of what PostRemittance stored, and the one change made to it afterwards.

const remitSummaryCols = `r.id, r.payer_id, p.name, r.trace, r.handling, r.method, r.amount, r.paid_on, r.claims, r.exceptions,
	r.posted_at, r.user_id, COALESCE(u.name, '')`

const remitSummaryFrom = ` FROM remittance r
	JOIN payer p ON p.org_id = r.org_id AND p.id = r.payer_id
	LEFT JOIN app_user u ON u.org_id = r.org_id AND u.id = r.user_id`

func scanRemitSummary(s scanner) (*remit.RemittanceSummary, error) {
	r := &remit.RemittanceSummary{}
	var amount int64
	var paidOn, postedAt string
	if err := s.Scan(&r.ID, &r.PayerID, &r.PayerName, &r.Trace, &r.Handling, &r.Method, &amount, &paidOn, &r.Claims, &r.Exceptions,
		&postedAt, &r.PostedBy, &r.PostedByName); err != nil {
		return nil, err
	}
	r.Amount = rcm.Money(amount)
	var err error
	if r.PaidOn, err = parseDate(paidOn); err != nil {
		return nil, err
	}
	r.PostedAt, err = parseTime(postedAt)
	return r, err
}

// FindRemittances lists posted 835s, newest first, with what posting did
// with each: claims posted and their sums, exceptions (and how many are
// still open) and provider-level adjustments. The read is audited.
func (db *DB) FindRemittances(ctx context.Context, f remit.RemittanceFilter) ([]*remit.RemittanceSummary, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	where, args := `r.org_id = ?`, []any{a.OrgID}
	add := func(cond string, v any) {
		where += ` AND ` + cond
		args = append(args, v)
	}
	if f.PayerID > 0 {
		add(`r.payer_id = ?`, f.PayerID)
	}
	if f.Trace != "" {
		add(`r.trace = ?`, f.Trace)
	}
	if !f.PaidFrom.IsZero() {
		add(`r.paid_on >= ?`, formatDate(f.PaidFrom))
	}
	if !f.PaidTo.IsZero() {
		add(`r.paid_on <= ?`, formatDate(f.PaidTo))
	}
	// posted_at is a fixed-width UTC instant, so a day's bounds compare
	// as text: from its first instant to before the next day's.
	if !f.PostedFrom.IsZero() {
		add(`r.posted_at >= ?`, formatDate(f.PostedFrom))
	}
	if !f.PostedTo.IsZero() {
		add(`r.posted_at < ?`, formatDate(f.PostedTo.AddDays(1)))
	}
	if f.Before > 0 {
		add(`r.id < ?`, f.Before)
	}
	args = append(args, limit(f.Limit), max(f.Offset, 0))
	var out []*remit.RemittanceSummary
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		// Ids grow with posting, so id order is posting order and a
		// stable key for the next page.
		out, err = queryAll(ctx, tx, scanRemitSummary, `SELECT `+remitSummaryCols+remitSummaryFrom+`
			WHERE `+where+` ORDER BY r.id DESC LIMIT ? OFFSET ?`, args...)
		if err != nil {
			return err
		}
		if err := tx.remitTotals(ctx, a.OrgID, out); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "remittances", 0, 0)
	})
	return out, err
}

// remitTotals fills the sums of the remittances from their claim
// payments, exceptions and provider adjustments, a few queries per page.
func (tx *Tx) remitTotals(ctx context.Context, org int64, rs []*remit.RemittanceSummary) error {
	byID := make(map[int64]*remit.RemittanceSummary, len(rs))
	ids := make([]int64, 0, len(rs))
	for _, r := range rs {
		byID[r.ID] = r
		ids = append(ids, r.ID)
	}
	for start := 0; start < len(ids); start += inChunk {
		chunk := ids[start:min(start+inChunk, len(ids))]
		in := inList(len(chunk))
		if err := eachRow(ctx, tx, func(s scanner) error {
			var id, paid, adjusted, patient int64
			var n int
			if err := s.Scan(&id, &n, &paid, &adjusted, &patient); err != nil {
				return err
			}
			r := byID[id]
			r.Posted, r.Paid, r.Adjusted, r.PatientResponsibility = n, rcm.Money(paid), rcm.Money(adjusted), rcm.Money(patient)
			return nil
		}, `SELECT remittance_id, COUNT(*), CAST(SUM(paid) AS BIGINT), CAST(SUM(charge - paid - patient_resp) AS BIGINT),
				CAST(SUM(patient_resp) AS BIGINT)
			FROM remit_claim WHERE org_id = ? AND remittance_id IN (`+in+`) AND outcome IN ('posted', 'reversal')
			GROUP BY remittance_id`, idArgs(org, chunk)...); err != nil {
			return err
		}
		if err := eachRow(ctx, tx, func(s scanner) error {
			var id int64
			var n int
			if err := s.Scan(&id, &n); err != nil {
				return err
			}
			byID[id].OpenExceptions = n
			return nil
		}, `SELECT remittance_id, COUNT(*) FROM remit_exception
			WHERE org_id = ? AND remittance_id IN (`+in+`) AND resolved_at = '' GROUP BY remittance_id`, idArgs(org, chunk)...); err != nil {
			return err
		}
		if err := eachRow(ctx, tx, func(s scanner) error {
			var id, total int64
			if err := s.Scan(&id, &total); err != nil {
				return err
			}
			byID[id].PLBTotal = rcm.Money(total)
			return nil
		}, `SELECT remittance_id, CAST(SUM(amount) AS BIGINT) FROM remit_plb
			WHERE org_id = ? AND remittance_id IN (`+in+`) GROUP BY remittance_id`, idArgs(org, chunk)...); err != nil {
			return err
		}
	}
	return nil
}

// eachRow runs a query and calls fn on each row.
func eachRow(ctx context.Context, q queryer, fn func(scanner) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// GetRemittance returns a posted 835 with its claim payments, provider
// adjustments and exceptions (with their resolutions). The read is one
// audit event for the remittance naming each patient whose claim it pays,
// so the patient's trail shows it.
func (db *DB) GetRemittance(ctx context.Context, id int64) (*remit.RemittanceDetail, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var d *remit.RemittanceDetail
	err = db.Transact(ctx, func(tx *Tx) error {
		s, err := scanRemitSummary(tx.QueryRowContext(ctx, `SELECT `+remitSummaryCols+remitSummaryFrom+` WHERE r.org_id = ? AND r.id = ?`, a.OrgID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Remittance", id)
		} else if err != nil {
			return err
		}
		if err := tx.remitTotals(ctx, a.OrgID, []*remit.RemittanceSummary{s}); err != nil {
			return err
		}
		// Empty lists, not nil: a remittance without PLBs has none.
		d = &remit.RemittanceDetail{Summary: *s, ClaimPayments: []*remit.ClaimPaymentRecord{}, ProviderAdjustments: []*remit.ProviderAdjustmentRecord{},
			Exceptions: []*remit.Exception{}, Underpayments: []*remit.UnderpaidLine{}}
		claims, err := queryAll(ctx, tx, func(s scanner) (*remit.ClaimPaymentRecord, error) {
			c := &remit.ClaimPaymentRecord{}
			var claimID, patientID sql.NullInt64
			var charge, paid, patient int64
			if err := s.Scan(&c.ID, &c.Seq, &claimID, &patientID, &c.ControlNumber, &c.PayerClaimNumber, &c.Status, &charge, &paid, &patient,
				&c.Outcome, &c.ClaimState); err != nil {
				return nil, err
			}
			c.ClaimID, c.PatientID = claimID.Int64, patientID.Int64
			c.Charge, c.Paid, c.PatientResponsibility = rcm.Money(charge), rcm.Money(paid), rcm.Money(patient)
			return c, nil
		}, `SELECT rc.id, rc.seq, rc.claim_id, cl.patient_id, rc.control_number, rc.payer_claim_number, rc.status, rc.charge, rc.paid,
				rc.patient_resp, rc.outcome, rc.claim_state
			FROM remit_claim rc LEFT JOIN claim cl ON cl.org_id = rc.org_id AND cl.id = rc.claim_id
			WHERE rc.org_id = ? AND rc.remittance_id = ? ORDER BY rc.seq`, a.OrgID, id)
		if err != nil {
			return err
		}
		plbs, err := queryAll(ctx, tx, func(s scanner) (*remit.ProviderAdjustmentRecord, error) {
			p := &remit.ProviderAdjustmentRecord{}
			var period string
			var amount int64
			if err := s.Scan(&p.Seq, &p.Provider, &period, &p.Reason, &p.Reference, &amount); err != nil {
				return nil, err
			}
			p.Amount = rcm.Money(amount)
			var err error
			p.FiscalPeriod, err = parseDate(period)
			return p, err
		}, `SELECT seq, provider, fiscal_period, reason, reference, amount FROM remit_plb
			WHERE org_id = ? AND remittance_id = ? ORDER BY seq`, a.OrgID, id)
		if err != nil {
			return err
		}
		xs, err := tx.findExceptions(ctx, a.OrgID, remit.ExceptionFilter{Status: remit.ExceptionsAll, RemittanceID: id, Limit: -1}, 0)
		if err != nil {
			return err
		}
		deposits, err := depositSums(ctx, tx, `WHERE org_id = ? AND remittance_id = ?`, a.OrgID, id)
		if err != nil {
			return err
		}
		if dt := deposits[remitKey{a.OrgID, id}]; dt != nil {
			d.Deposit = *dt
		}
		d.ClaimPayments = append(d.ClaimPayments, claims...)
		d.ProviderAdjustments = append(d.ProviderAdjustments, plbs...)
		d.Exceptions = append(d.Exceptions, xs...)
		if d.Underpayments, err = tx.underpaidLines(ctx, a.OrgID, id); err != nil {
			return err
		}
		var patients []int64
		for _, c := range d.ClaimPayments {
			patients = append(patients, c.PatientID)
		}
		return tx.auditList(ctx, a, "remittance", id, patients)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// FindRemitExceptionQueue lists posting exceptions, oldest first: the open
// ones by default, resolved ones (with their resolutions) on request. The
// read is audited; coders and auditors may read it, only billers and
// admins resolve.
func (db *DB) FindRemitExceptionQueue(ctx context.Context, f remit.ExceptionFilter) ([]*remit.Exception, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	switch f.Status {
	case "", remit.ExceptionsOpen, remit.ExceptionsResolved, remit.ExceptionsAll:
	default:
		return nil, rcm.FieldErrorf(rcm.EINVALID, "status", "status must be open, resolved or all.")
	}
	if f.RemittanceID < 0 || f.Limit < 0 || f.Offset < 0 {
		return nil, rcm.Errorf(rcm.EINVALID, "remittance, limit and offset may not be negative.")
	}
	var out []*remit.Exception
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		if out, err = tx.findExceptions(ctx, a.OrgID, f, 0); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "remit_exceptions", 0, 0)
	})
	return out, err
}

// findExceptions reads exceptions with their resolutions; a negative
// Limit reads them all, and id > 0 reads only that one.
func (tx *Tx) findExceptions(ctx context.Context, org int64, f remit.ExceptionFilter, id int64) ([]*remit.Exception, error) {
	where, args := `x.org_id = ?`, []any{org}
	if id > 0 {
		where, args = where+` AND x.id = ?`, append(args, id)
	}
	switch f.Status {
	case "", remit.ExceptionsOpen:
		where += ` AND x.resolved_at = ''`
	case remit.ExceptionsResolved:
		where += ` AND x.resolved_at <> ''`
	}
	if f.RemittanceID > 0 {
		where, args = where+` AND x.remittance_id = ?`, append(args, f.RemittanceID)
	}
	page := ``
	if f.Limit >= 0 {
		page, args = ` LIMIT ? OFFSET ?`, append(args, limit(f.Limit), max(f.Offset, 0))
	}
	return queryAll(ctx, tx, func(s scanner) (*remit.Exception, error) {
		e := &remit.Exception{}
		var amount int64
		var at string
		var kind, note, userName, resolvedAt sql.NullString
		var userID sql.NullInt64
		var applied int64
		if err := s.Scan(&e.ID, &e.RemittanceID, &e.Trace, &e.ClaimPaymentID, &e.ControlNumber, &e.Reason, &amount, &at,
			&kind, &note, &userID, &userName, &resolvedAt, &applied); err != nil {
			return nil, err
		}
		e.Amount, e.Applied = rcm.Money(amount), rcm.Money(applied)
		var err error
		if e.CreatedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		if kind.Valid {
			e.Resolution = &remit.Resolution{ExceptionID: e.ID, Kind: kind.String, Note: note.String, UserID: userID.Int64, UserName: userName.String}
			if e.Resolution.ResolvedAt, err = parseTime(resolvedAt.String); err != nil {
				return nil, err
			}
		}
		return e, nil
	}, `SELECT x.id, x.remittance_id, r.trace, x.remit_claim_id, c.control_number, x.reason, x.amount, x.created_at,
			z.kind, z.note, z.user_id, u.name, z.resolved_at,
			COALESCE((SELECT CAST(SUM(ua.amount) AS BIGINT) FROM unapplied_application ua WHERE ua.org_id = x.org_id AND ua.exception_id = x.id), 0)
		FROM remit_exception x
		JOIN remittance r ON r.org_id = x.org_id AND r.id = x.remittance_id
		JOIN remit_claim c ON c.org_id = x.org_id AND c.id = x.remit_claim_id
		LEFT JOIN remit_exception_resolution z ON z.org_id = x.org_id AND z.exception_id = x.id
		LEFT JOIN app_user u ON u.org_id = z.org_id AND u.id = z.user_id
		WHERE `+where+` ORDER BY x.id`+page, args...)
}

// ResolveRemitException settles a posting exception: kind says how (see
// remit.ResolutionKinds) and note what was done. An exception is resolved
// once; resolving it again is ECONFLICT and changes nothing. Only billers
// and admins may resolve, and the change is audited.
func (db *DB) ResolveRemitException(ctx context.Context, id int64, kind, note string) (*remit.Exception, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	if err := remit.ValidateResolution(kind, note); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	var out *remit.Exception
	err = db.Transact(ctx, func(tx *Tx) error {
		var resolvedAt string
		var patientID sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT x.resolved_at, cl.patient_id FROM remit_exception x
			JOIN remit_claim rc ON rc.org_id = x.org_id AND rc.id = x.remit_claim_id
			LEFT JOIN claim cl ON cl.org_id = rc.org_id AND cl.id = rc.claim_id
			WHERE x.org_id = ? AND x.id = ?`+tx.forUpdateOf("x"), a.OrgID, id).Scan(&resolvedAt, &patientID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Posting exception", id)
		} else if err != nil {
			return err
		}
		if resolvedAt != "" {
			return errAlreadyResolved(id)
		}
		now := formatTime(tx.Now())
		// The guarded update is what makes resolving once hold under
		// concurrency: a second resolver waits for the first's row lock and
		// then matches nothing.
		res, err := tx.ExecContext(ctx, `UPDATE remit_exception SET resolved_at = ? WHERE org_id = ? AND id = ? AND resolved_at = ''`, now, a.OrgID, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return errAlreadyResolved(id)
		}
		if _, err := tx.insert(ctx, `INSERT INTO remit_exception_resolution (org_id, exception_id, kind, note, user_id, resolved_at)
			VALUES (?, ?, ?, ?, ?, ?)`, a.OrgID, id, kind, note, a.UserID, now); rcm.ErrorCode(err) == rcm.ECONFLICT {
			return errAlreadyResolved(id)
		} else if err != nil {
			return err
		}
		if err := tx.audit(ctx, a, rcm.AuditUpdate, "remit_exception", id, patientID.Int64); err != nil {
			return err
		}
		xs, err := tx.findExceptions(ctx, a.OrgID, remit.ExceptionFilter{Status: remit.ExceptionsAll, Limit: -1}, id)
		if err != nil {
			return err
		}
		if len(xs) != 1 {
			return notFound("Posting exception", id)
		}
		out = xs[0]
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func errAlreadyResolved(id int64) error {
	return rcm.Errorf(rcm.ECONFLICT, "Posting exception %d is already resolved; a resolution is not changed.", id)
}

// forUpdateOf locks the rows of one table of a join on PostgreSQL (FOR
// UPDATE alone would refuse the outer join).
func (tx *Tx) forUpdateOf(table string) string {
	if tx.Dialect() == Postgres {
		return " FOR UPDATE OF " + table
	}
	return ""
}
