package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

// creditHeld is what an entry pair e changes the credit held by.
const creditHeld = `CASE WHEN e.credit_kind = 'credit' THEN e.amount ELSE 0 END - CASE WHEN e.debit_kind = 'credit' THEN e.amount ELSE 0 END`

// FindCredits returns the organization's credit balances, largest first,
// one per patient and payer (payer 0: the patient's own money). The read
// is one audit event naming the patients.
func (db *DB) FindCredits(ctx context.Context) ([]rcm.CreditBalance, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var out []rcm.CreditBalance
	err = db.Transact(ctx, func(tx *Tx) error {
		out, err = queryAll(ctx, tx, func(s scanner) (rcm.CreditBalance, error) {
			var c rcm.CreditBalance
			var first, last string
			var payer sql.NullInt64
			var payerName sql.NullString
			var amount int64
			err := s.Scan(&c.PatientID, &c.AccountNumber, &first, &last, &payer, &payerName, &amount)
			c.PatientName, c.PayerID, c.PayerName, c.Amount = last+", "+first, payer.Int64, payerName.String, rcm.Money(amount)
			return c, err
		}, `SELECT p.id, p.account_number, p.first_name, p.last_name, y.id, y.name, CAST(SUM(`+creditHeld+`) AS BIGINT) AS held
			FROM ledger_pair e
			JOIN service_line s ON s.org_id = e.org_id AND s.id = e.line_id
			JOIN encounter enc ON enc.org_id = s.org_id AND enc.id = s.encounter_id
			JOIN patient p ON p.org_id = enc.org_id AND p.id = enc.patient_id
			LEFT JOIN payer y ON y.org_id = e.org_id AND y.id = COALESCE(CASE WHEN e.credit_kind = 'credit' THEN e.credit_payer END, CASE WHEN e.debit_kind = 'credit' THEN e.debit_payer END)
			WHERE e.org_id = ? AND (e.debit_kind = 'credit' OR e.credit_kind = 'credit')
			GROUP BY p.id, p.account_number, p.first_name, p.last_name, y.id, y.name
			HAVING SUM(`+creditHeld+`) <> 0
			ORDER BY held DESC, p.id, y.id`, a.OrgID)
		if err != nil {
			return err
		}
		ids := make([]int64, 0, len(out))
		for _, c := range out {
			if !slices.Contains(ids, c.PatientID) {
				ids = append(ids, c.PatientID)
			}
		}
		return tx.auditList(ctx, a, "credit_balances", 0, ids)
	})
	return out, err
}

// lockPatientLines locks the patient's charged lines and returns them,
// oldest service first, with their balances.
func (tx *Tx) lockPatientLines(ctx context.Context, org, patientID int64) ([]int64, map[int64]*ledger.LineBalance, error) {
	if err := tx.requirePatient(ctx, org, patientID); err != nil {
		return nil, nil, err
	}
	lines, err := queryAll(ctx, tx, func(s scanner) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	}, `SELECT s.id FROM service_line s JOIN encounter e ON e.org_id = s.org_id AND e.id = s.encounter_id
		WHERE s.org_id = ? AND e.patient_id = ? ORDER BY e.date_of_service, s.id`, org, patientID)
	if err != nil {
		return nil, nil, err
	}
	sorted := slices.Clone(lines)
	slices.Sort(sorted)
	if err := tx.lockLines(ctx, org, sorted); err != nil {
		return nil, nil, err
	}
	balances, err := tx.lineBalances(ctx, org, sorted)
	return lines, balances, err
}

// ApplyCredit pays the patient's open balance, oldest service first, out
// of the patient's own credit, once per key. More than the credit or more
// than is owed is refused, changing nothing.
func (db *DB) ApplyCredit(ctx context.Context, c rcm.CreditApplication) (*ledger.Transaction, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	t := &ledger.Transaction{Key: "apply-credit:" + c.Key, Memo: "patient credit applied"}
	err = db.Transact(ctx, func(tx *Tx) error {
		t.Entries = nil
		if err := tx.refusePostedKeys(ctx, a.OrgID, map[string]int{t.Key: 0}); err != nil {
			return err
		}
		lines, balances, err := tx.lockPatientLines(ctx, a.OrgID, c.PatientID)
		if err != nil {
			return err
		}
		if err := tx.refuseClosed(ctx, a.OrgID, tx.Now()); err != nil {
			return err
		}
		credit, owed := map[int64]rcm.Money{}, map[int64]rcm.Money{}
		var held, due rcm.Money
		for _, l := range lines {
			if b := balances[l]; b != nil {
				credit[l], owed[l] = b.Credit[0], b.Patient
				held += b.Credit[0]
				due += b.Patient
			}
		}
		switch {
		case c.Amount > held:
			return rcm.FieldErrorf(rcm.EINVALID, "amount", "The patient's credit is %s; %s is more than that.", held.Dollars(), c.Amount.Dollars())
		case c.Amount > due:
			return rcm.FieldErrorf(rcm.EINVALID, "amount", "The patient owes %s; applying %s of credit is more than that.", due.Dollars(), c.Amount.Dollars())
		}
		left := c.Amount
		var touched []int64
		for _, to := range lines {
			for _, from := range lines {
				share := min(left, owed[to], credit[from])
				if share <= 0 {
					continue
				}
				t.ApplyCredit(from, to, share)
				owed[to] -= share
				credit[from] -= share
				left -= share
				for _, l := range []int64{from, to} {
					if !slices.Contains(touched, l) {
						touched = append(touched, l)
					}
				}
			}
		}
		slices.Sort(touched)
		ids, err := tx.postLedgerOn(ctx, a, []*ledger.Transaction{t}, touched, balances)
		if err != nil {
			return err
		}
		t.ID = ids[0]
		return tx.audit(ctx, a, rcm.AuditCreate, "credit_application", t.ID, c.PatientID)
	})
	if err != nil {
		if rcm.ErrorCode(err) == rcm.ECONFLICT {
			return nil, rcm.FieldErrorf(rcm.ECONFLICT, "key", "This credit application (key %s) was already posted; nothing was posted again.", c.Key)
		}
		return nil, fmt.Errorf("apply credit: %w", err)
	}
	return t, nil
}

// heldFor sums the credit held for payer (0: the patient) over lines.
func heldFor(lines []int64, balances map[int64]*ledger.LineBalance, payer int64) rcm.Money {
	var held rcm.Money
	for _, l := range lines {
		if b := balances[l]; b != nil {
			held += b.Credit[payer]
		}
	}
	return held
}

// RequestRefund records a request to refund a credit. It moves no money:
// another user approves it (ApproveRefund). A request above the credit
// held now is refused.
func (db *DB) RequestRefund(ctx context.Context, r rcm.RefundRequest) (*rcm.Refund, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err = db.Transact(ctx, func(tx *Tx) error {
		lines, balances, err := tx.lockPatientLines(ctx, a.OrgID, r.PatientID)
		if err != nil {
			return err
		}
		if held := heldFor(lines, balances, r.PayerID); r.Amount > held {
			return refundTooLarge(held, r.Amount)
		}
		if id, err = tx.insert(ctx, `INSERT INTO credit_refund (org_id, patient_id, payer_id, amount, reason, status, requested_by, requested_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.OrgID, r.PatientID, nullID(r.PayerID), int64(r.Amount), r.Reason, rcm.RefundRequested, a.UserID, formatTime(tx.Now())); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditCreate, "credit_refund", id, r.PatientID)
	})
	if err != nil {
		return nil, err
	}
	return db.FindRefund(ctx, id)
}

func refundTooLarge(held, amount rcm.Money) error {
	return rcm.FieldErrorf(rcm.EINVALID, "amount", "The credit held is %s; a refund of %s is more than that.", held.Dollars(), amount.Dollars())
}

// ApproveRefund approves a requested refund and posts it: the credit is
// paid back in one ledger transaction, spread over the lines that hold it.
// The approver must be another user than the requester. A refund above the
// credit held now (another refund took it) is refused, changing nothing;
// of two approvals of one request, one wins.
func (db *DB) ApproveRefund(ctx context.Context, id int64) (*rcm.Refund, error) {
	return db.decideRefund(ctx, id, true)
}

// DeclineRefund closes a requested refund without moving money; the
// credit stays held.
func (db *DB) DeclineRefund(ctx context.Context, id int64) (*rcm.Refund, error) {
	return db.decideRefund(ctx, id, false)
}

func (db *DB) decideRefund(ctx context.Context, id int64, approve bool) (*rcm.Refund, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	err = db.Transact(ctx, func(tx *Tx) error {
		var patient, amount, requester int64
		var payer sql.NullInt64
		var reason, status string
		if err := tx.QueryRowContext(ctx, `SELECT patient_id, payer_id, amount, reason, status, requested_by FROM credit_refund WHERE org_id = ? AND id = ?`,
			a.OrgID, id).Scan(&patient, &payer, &amount, &reason, &status, &requester); err == sql.ErrNoRows {
			return rcm.FieldErrorf(rcm.ENOTFOUND, "refund", "Refund %d not found.", id)
		} else if err != nil {
			return err
		}
		switch {
		case status != rcm.RefundRequested:
			return rcm.FieldErrorf(rcm.ECONFLICT, "refund", "Refund %d is already %s.", id, status)
		case requester == a.UserID:
			return rcm.FieldErrorf(rcm.EFORBIDDEN, "refund", "Refund %d was requested by you; another user must approve or decline it.", id)
		}
		var txnID sql.NullInt64
		newStatus := rcm.RefundDeclined
		if approve {
			newStatus = rcm.RefundRefunded
			lines, balances, err := tx.lockPatientLines(ctx, a.OrgID, patient)
			if err != nil {
				return err
			}
			if err := tx.refuseClosed(ctx, a.OrgID, tx.Now()); err != nil {
				return err
			}
			want := rcm.Money(amount)
			if held := heldFor(lines, balances, payer.Int64); want > held {
				return refundTooLarge(held, want)
			}
			to := "the patient"
			if payer.Valid {
				to = "payer " + strconv.FormatInt(payer.Int64, 10)
			}
			t := &ledger.Transaction{Key: "refund:" + strconv.FormatInt(id, 10), Memo: "refund to " + to + ": " + reason}
			left := want
			var touched []int64
			for _, l := range lines {
				if b := balances[l]; b != nil && left > 0 {
					if share := min(left, b.Credit[payer.Int64]); share > 0 {
						t.Refund(l, payer.Int64, reason, share)
						touched = append(touched, l)
						left -= share
					}
				}
			}
			slices.Sort(touched)
			ids, err := tx.postLedgerOn(ctx, a, []*ledger.Transaction{t}, touched, balances)
			if err != nil {
				return err
			}
			txnID = sql.NullInt64{Int64: ids[0], Valid: true}
		}
		res, err := tx.ExecContext(ctx, `UPDATE credit_refund SET status = ?, decided_by = ?, decided_at = ?, txn_id = ? WHERE org_id = ? AND id = ? AND status = ?`,
			newStatus, a.UserID, formatTime(tx.Now()), txnID, a.OrgID, id, rcm.RefundRequested)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return rcm.FieldErrorf(rcm.ECONFLICT, "refund", "Refund %d was decided by someone else meanwhile.", id)
		}
		return tx.audit(ctx, a, rcm.AuditUpdate, "credit_refund", id, patient)
	})
	if err != nil {
		return nil, err
	}
	return db.FindRefund(ctx, id)
}

const refundCols = `r.id, r.patient_id, p.account_number, r.payer_id, COALESCE(y.name, ''), r.amount, r.reason, r.status,
	ru.username, r.requested_at, COALESCE(du.username, ''), r.txn_id`

const refundFrom = ` FROM credit_refund r
	JOIN patient p ON p.org_id = r.org_id AND p.id = r.patient_id
	LEFT JOIN payer y ON y.org_id = r.org_id AND y.id = r.payer_id
	LEFT JOIN app_user ru ON ru.id = r.requested_by
	LEFT JOIN app_user du ON du.id = r.decided_by `

func scanRefund(s scanner) (*rcm.Refund, error) {
	r := &rcm.Refund{}
	var payer, txn sql.NullInt64
	var amount int64
	var at string
	var requester sql.NullString
	if err := s.Scan(&r.ID, &r.PatientID, &r.AccountNumber, &payer, &r.PayerName, &amount, &r.Reason, &r.Status, &requester, &at, &r.DecidedBy, &txn); err != nil {
		return nil, err
	}
	r.PayerID, r.TxnID, r.Amount, r.RequestedBy = payer.Int64, txn.Int64, rcm.Money(amount), requester.String
	var err error
	r.RequestedAt, err = parseTime(at)
	return r, err
}

// FindRefund returns one refund, audited as a read of its patient.
func (db *DB) FindRefund(ctx context.Context, id int64) (*rcm.Refund, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var r *rcm.Refund
	err = db.Transact(ctx, func(tx *Tx) error {
		r, err = scanRefund(tx.QueryRowContext(ctx, `SELECT `+refundCols+refundFrom+`WHERE r.org_id = ? AND r.id = ?`, a.OrgID, id))
		if err == sql.ErrNoRows {
			return rcm.FieldErrorf(rcm.ENOTFOUND, "refund", "Refund %d not found.", id)
		} else if err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "credit_refund", id, r.PatientID)
	})
	return r, err
}

// FindRefunds lists refunds, newest first, with status "" for all; the
// read is one audit event naming the patients.
func (db *DB) FindRefunds(ctx context.Context, status string) ([]*rcm.Refund, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var out []*rcm.Refund
	err = db.Transact(ctx, func(tx *Tx) error {
		out, err = queryAll(ctx, tx, scanRefund, `SELECT `+refundCols+refundFrom+`WHERE r.org_id = ? AND (? = '' OR r.status = ?) ORDER BY r.id DESC`, a.OrgID, status, status)
		if err != nil {
			return err
		}
		var ids []int64
		for _, r := range out {
			if !slices.Contains(ids, r.PatientID) {
				ids = append(ids, r.PatientID)
			}
		}
		return tx.auditList(ctx, a, "credit_refunds", 0, ids)
	})
	return out, err
}
