package sqldb

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

// PostPatientPayment applies a patient's payment to their open balance,
// oldest service first, in one ledger transaction: the lines are locked
// and their balances read in the same database transaction, so two
// payments cannot both take the same balance. What is paid beyond what
// the patient owes is held as the patient's credit on their newest line
// (ledger.Overpayment), never refused: it is applied or refunded later
// (credit.go). The same key twice is ECONFLICT and posts nothing. The payment is audited against
// the patient.
func (db *DB) PostPatientPayment(ctx context.Context, p rcm.PatientPayment) (*ledger.Transaction, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	t := &ledger.Transaction{Key: "patient-payment:" + p.Key, Memo: strings.TrimSpace("patient payment " + p.Method + " " + p.Reference)}
	return db.applyToPatient(ctx, a, p.PatientID, p.Amount, "payment", p.Key, t, "patient_payment", func(line int64, amount rcm.Money) {
		t.PatientPayment(line, amount, p.Method)
	}, func(line int64, amount rcm.Money) {
		t.Overpayment(line, 0, amount, p.Method)
	})
}

// PostPatientWriteOff writes off part of a patient's open balance, oldest
// service first, under the same rules as a payment: within what is owed,
// once per key, audited.
func (db *DB) PostPatientWriteOff(ctx context.Context, w rcm.PatientWriteOff) (*ledger.Transaction, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	t := &ledger.Transaction{Key: "patient-write-off:" + w.Key, Memo: "patient write-off " + w.Reason}
	return db.applyToPatient(ctx, a, w.PatientID, w.Amount, "write-off", w.Key, t, "patient_write_off", func(line int64, amount rcm.Money) {
		t.WriteOff(line, 0, w.Reason, amount)
	}, nil)
}

// applyToPatient spreads amount over the patient's open balance, oldest
// service first, with entry adding each line's share to t, and posts t as
// the actor a (already checked for billing). What is beyond the balance
// goes to over on the newest line, or is refused when over is nil.
func (db *DB) applyToPatient(ctx context.Context, a rcm.Actor, patientID int64, amount rcm.Money, what, key string, t *ledger.Transaction, entity string,
	entry, over func(line int64, amount rcm.Money)) (*ledger.Transaction, error) {
	err := db.Transact(ctx, func(tx *Tx) error {
		// Transact may run this again after a serialization failure: the
		// entries are planned anew from the balances read then.
		t.Entries = nil
		if err := tx.requirePatient(ctx, a.OrgID, patientID); err != nil {
			return err
		}
		if err := tx.refuseClosed(ctx, a.OrgID, tx.Now()); err != nil {
			return err
		}
		// A retry of one already posted is told so, before its amount is
		// weighed against what is now owed.
		if err := tx.refusePostedKeys(ctx, a.OrgID, map[string]int{t.Key: 0}); err != nil {
			return err
		}
		// The patient's lines, oldest service first.
		lines, err := queryAll(ctx, tx, func(s scanner) (int64, error) {
			var id int64
			return id, s.Scan(&id)
		}, `SELECT s.id FROM service_line s JOIN encounter e ON e.org_id = s.org_id AND e.id = s.encounter_id
			WHERE s.org_id = ? AND e.patient_id = ? ORDER BY e.date_of_service, s.id`, a.OrgID, patientID)
		if err != nil {
			return err
		}
		sorted := slices.Clone(lines)
		slices.Sort(sorted)
		if err := tx.lockLines(ctx, a.OrgID, sorted); err != nil {
			return err
		}
		balances, err := tx.lineBalances(ctx, a.OrgID, sorted)
		if err != nil {
			return err
		}
		var owed rcm.Money
		for _, l := range lines {
			if b := balances[l]; b != nil {
				owed += b.Patient
			}
		}
		// A credit is held on the newest line that was charged.
		var newest int64
		for _, l := range lines {
			if b := balances[l]; b != nil && b.Charge > 0 {
				newest = l
			}
		}
		if amount > owed && (over == nil || newest == 0) {
			if over != nil {
				return rcm.FieldErrorf(rcm.EINVALID, "patient_id", "The patient has no service on file to hold a credit of %s against.", (amount - owed).Dollars())
			}
			return rcm.FieldErrorf(rcm.EINVALID, "amount", "The patient owes %s; a %s of %s is more than that.", owed.Dollars(), what, amount.Dollars())
		}
		left := amount
		var touched []int64
		for _, l := range lines {
			b := balances[l]
			if left == 0 {
				break
			}
			if b == nil || b.Patient <= 0 {
				continue
			}
			share := min(left, b.Patient)
			entry(l, share)
			touched = append(touched, l)
			left -= share
		}
		if left > 0 {
			over(newest, left)
			if !slices.Contains(touched, newest) {
				touched = append(touched, newest)
			}
		}
		slices.Sort(touched)
		ids, err := tx.postLedgerOn(ctx, a, []*ledger.Transaction{t}, touched, balances)
		if err != nil {
			return err
		}
		t.ID = ids[0]
		return tx.audit(ctx, a, rcm.AuditCreate, entity, t.ID, patientID)
	})
	if err != nil {
		if rcm.ErrorCode(err) == rcm.ECONFLICT {
			return nil, rcm.FieldErrorf(rcm.ECONFLICT, "key", "This %s (key %s) was already posted; nothing was posted again.", what, key)
		}
		return nil, fmt.Errorf("patient %s: %w", what, err)
	}
	return t, nil
}
