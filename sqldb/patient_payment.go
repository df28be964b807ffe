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
// payments cannot both take the same balance. A payment above what the
// patient owes is refused (the ledger keeps no credit balances); the same
// key twice is ECONFLICT and posts nothing. The payment is audited against
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
	err = db.Transact(ctx, func(tx *Tx) error {
		if err := tx.requirePatient(ctx, a.OrgID, p.PatientID); err != nil {
			return err
		}
		// A retry of a payment already taken is told so, before its
		// amount is weighed against what is now owed.
		if err := tx.refusePostedKeys(ctx, a.OrgID, map[string]int{t.Key: 0}); err != nil {
			return err
		}
		// The patient's lines, oldest service first.
		lines, err := queryAll(ctx, tx, func(s scanner) (int64, error) {
			var id int64
			return id, s.Scan(&id)
		}, `SELECT s.id FROM service_line s JOIN encounter e ON e.org_id = s.org_id AND e.id = s.encounter_id
			WHERE s.org_id = ? AND e.patient_id = ? ORDER BY e.date_of_service, s.id`, a.OrgID, p.PatientID)
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
		if p.Amount > owed {
			return rcm.FieldErrorf(rcm.EINVALID, "amount", "The patient owes %s; a payment of %s is more than that. Post what is owed and refund or hold the rest.",
				owed.Dollars(), p.Amount.Dollars())
		}
		left := p.Amount
		var touched []int64
		for _, l := range lines {
			b := balances[l]
			if left == 0 {
				break
			}
			if b == nil || b.Patient <= 0 {
				continue
			}
			pay := min(left, b.Patient)
			t.PatientPayment(l, pay, p.Method)
			touched = append(touched, l)
			left -= pay
		}
		slices.Sort(touched)
		ids, err := tx.postLedgerOn(ctx, a, []*ledger.Transaction{t}, touched, balances)
		if err != nil {
			return err
		}
		t.ID = ids[0]
		return tx.audit(ctx, a, rcm.AuditCreate, "patient_payment", t.ID, p.PatientID)
	})
	if err != nil {
		if rcm.ErrorCode(err) == rcm.ECONFLICT {
			return nil, rcm.FieldErrorf(rcm.ECONFLICT, "key", "This payment (key %s) was already posted; nothing was posted again.", p.Key)
		}
		return nil, fmt.Errorf("patient payment: %w", err)
	}
	return t, nil
}
