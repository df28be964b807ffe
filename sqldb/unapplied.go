package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/remit"
)

// ApplyUnappliedMoney applies money a check left unapplied to one claim
// line, in one transaction: the payer's payment on the line in the ledger,
// a pair of deposit entries moving the amount from the check's unapplied
// account to its applied one, the application row and, when nothing is
// left unapplied, the exception's resolution. It is refused, changing
// nothing, for more than the exception has left, more than the payer owes
// on the line, a claim of another payer, a date in a closed period or a key
// already used (ECONFLICT). The exception row is locked first, so two
// billers applying the same money are served one after the other. It
// returns the exception as it is after.
func (db *DB) ApplyUnappliedMoney(ctx context.Context, ap remit.Application) (*remit.Exception, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	if err := ap.Validate(); err != nil {
		return nil, err
	}
	key := "unapplied:" + ap.Key
	var out *remit.Exception
	err = db.Transact(ctx, func(tx *Tx) error {
		var remID, payer, amount int64
		var resolvedAt, method, trace string
		err := tx.QueryRowContext(ctx, `SELECT x.remittance_id, r.payer_id, x.amount, x.resolved_at, r.method, r.trace FROM remit_exception x
			JOIN remittance r ON r.org_id = x.org_id AND r.id = x.remittance_id
			WHERE x.org_id = ? AND x.id = ?`+tx.forUpdateOf("x"), a.OrgID, ap.ExceptionID).Scan(&remID, &payer, &amount, &resolvedAt, &method, &trace)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Posting exception", ap.ExceptionID)
		} else if err != nil {
			return err
		}
		// A retry of one already applied is told so first.
		if err := tx.refusePostedKeys(ctx, a.OrgID, map[string]int{key: 0}); err != nil {
			return err
		}
		if resolvedAt != "" {
			return rcm.Errorf(rcm.ECONFLICT, "Posting exception %d is resolved; its money is not applied again.", ap.ExceptionID)
		}
		if err := tx.refuseClosed(ctx, a.OrgID, tx.Now()); err != nil {
			return err
		}
		var applied int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(CAST(SUM(amount) AS BIGINT), 0) FROM unapplied_application WHERE org_id = ? AND exception_id = ?`,
			a.OrgID, ap.ExceptionID).Scan(&applied); err != nil {
			return err
		}
		left := rcm.Money(amount - applied)
		if ap.Amount > left {
			return rcm.FieldErrorf(rcm.EINVALID, "amount", "%s is left unapplied on check %s; %s is more than that. Nothing was applied.", left.Dollars(), trace, ap.Amount.Dollars())
		}
		var claimPayer, patient, line int64
		var cn string
		err = tx.QueryRowContext(ctx, `SELECT c.payer_id, c.patient_id, c.control_number, l.service_line_id FROM claim c
			JOIN claim_line l ON l.org_id = c.org_id AND l.claim_id = c.id AND l.seq = ?
			WHERE c.org_id = ? AND c.id = ?`, ap.Line, a.OrgID, ap.ClaimID).Scan(&claimPayer, &patient, &cn, &line)
		if errors.Is(err, sql.ErrNoRows) {
			return rcm.FieldErrorf(rcm.ENOTFOUND, "line", "Claim %d has no line %d.", ap.ClaimID, ap.Line)
		} else if err != nil {
			return err
		}
		if claimPayer != payer {
			return rcm.FieldErrorf(rcm.EINVALID, "claim_id", "Claim %s is billed to another payer than the one that sent check %s; its money pays only its own claims.", cn, trace)
		}
		if line <= 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "line", "Line %d of claim %s has no charge in the ledger.", ap.Line, cn)
		}
		if err := tx.lockLines(ctx, a.OrgID, []int64{line}); err != nil {
			return err
		}
		balances, err := tx.lineBalances(ctx, a.OrgID, []int64{line})
		if err != nil {
			return err
		}
		var owed rcm.Money
		if b := balances[line]; b != nil {
			owed = b.Insurance[payer]
		}
		if ap.Amount > owed {
			return rcm.FieldErrorf(rcm.EINVALID, "amount", "The payer owes %s on line %d of claim %s; %s is more than that. Nothing was applied.", owed.Dollars(), ap.Line, cn, ap.Amount.Dollars())
		}
		t := (&ledger.Transaction{Key: key, Memo: "unapplied money of check " + trace + " applied to claim " + cn + " line " + strconv.Itoa(ap.Line)}).
			PayerPayment(line, payer, ap.Amount, method)
		ids, err := tx.postLedgerOn(ctx, a, []*ledger.Transaction{t}, []int64{line}, balances)
		if err != nil {
			return err
		}
		now := formatTime(tx.Now())
		appID, err := tx.insert(ctx, `INSERT INTO unapplied_application (org_id, exception_id, remittance_id, claim_id, service_line_id, amount, ledger_txn_id, ext_key, user_id, applied_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.OrgID, ap.ExceptionID, remID, ap.ClaimID, line, int64(ap.Amount), ids[0], key, a.UserID, now)
		if err != nil {
			return err
		}
		var seq int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM deposit_entry WHERE org_id = ? AND remittance_id = ?`, a.OrgID, remID).Scan(&seq); err != nil {
			return err
		}
		for i, e := range []struct {
			account ledger.DepositAccount
			side    ledger.Side
		}{{ledger.DepositUnapplied, ledger.Debit}, {ledger.DepositApplied, ledger.Credit}} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO deposit_entry (org_id, remittance_id, payer_id, seq, account, reason, reference, side, amount) VALUES (?, ?, ?, ?, ?, '', '', ?, ?)`,
				a.OrgID, remID, payer, seq+int64(i)+1, string(e.account), int(e.side), int64(ap.Amount)); err != nil {
				return err
			}
		}
		if ap.Amount == left {
			if _, err := tx.ExecContext(ctx, `UPDATE remit_exception SET resolved_at = ? WHERE org_id = ? AND id = ? AND resolved_at = ''`, now, a.OrgID, ap.ExceptionID); err != nil {
				return err
			}
			if _, err := tx.insert(ctx, `INSERT INTO remit_exception_resolution (org_id, exception_id, kind, note, user_id, resolved_at) VALUES (?, ?, ?, ?, ?, ?)`,
				a.OrgID, ap.ExceptionID, remit.ResolvedApplied, "all of the unapplied money was applied to claim lines; the last "+ap.Amount.Dollars()+" to claim "+cn+" line "+strconv.Itoa(ap.Line), a.UserID, now); err != nil {
				return err
			}
		}
		if err := tx.audit(ctx, a, rcm.AuditCreate, "unapplied_application", appID, patient); err != nil {
			return err
		}
		xs, err := tx.findExceptions(ctx, a.OrgID, remit.ExceptionFilter{Status: remit.ExceptionsAll, Limit: -1}, ap.ExceptionID)
		if err != nil {
			return err
		}
		if len(xs) != 1 {
			return notFound("Posting exception", ap.ExceptionID)
		}
		out = xs[0]
		return nil
	})
	if err != nil {
		if rcm.ErrorCode(err) == rcm.ECONFLICT && rcm.ErrorField(err) == "key" {
			return nil, rcm.FieldErrorf(rcm.ECONFLICT, "key", "This application (key %s) was already posted; nothing was applied again.", ap.Key)
		}
		return nil, err
	}
	return out, nil
}
