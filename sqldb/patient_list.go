package sqldb

import (
	"context"

	"github.com/openrcm/openrcm"
)

// PatientListTotals counts the patients f matches, on every page, and sums
// their open balances, in one query. It returns figures, no patient, so it
// writes no audit event: the rows a list shows are audited by the reads
// that show them (FindPatients, FindPatientBalancesOf).
func (db *DB) PatientListTotals(ctx context.Context, f rcm.PatientFilter) (rcm.PatientListTotals, error) {
	var t rcm.PatientListTotals
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return t, err
	}
	f.After, f.Limit, f.Offset = nil, 0, 0
	where, args, err := db.patientWhere(a.OrgID, f)
	if err != nil {
		return t, err
	}
	var open int64
	err = db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(CAST(SUM(b.balance) AS BIGINT), 0)
		FROM patient LEFT JOIN (
			SELECT enc.patient_id AS pid, CAST(SUM(`+patientAR+`) AS BIGINT) AS balance
			FROM ledger_pair e
			JOIN service_line s ON s.org_id = e.org_id AND s.id = e.line_id
			JOIN encounter enc ON enc.org_id = s.org_id AND enc.id = s.encounter_id
			WHERE e.org_id = ? AND (e.debit_kind = 'patient_ar' OR e.credit_kind = 'patient_ar')
			GROUP BY enc.patient_id
		) b ON b.pid = patient.id
		WHERE `+where, append([]any{a.OrgID}, args...)...).Scan(&t.Patients, &open)
	t.Open = rcm.Money(open)
	return t, err
}

// FindPatientBalancesOf returns the open balances of these patients, one
// query for a page of a list; patients with none are left out. The read is
// one audit event naming the patients with a balance.
func (db *DB) FindPatientBalancesOf(ctx context.Context, patientIDs []int64) ([]rcm.PatientBalance, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	if len(patientIDs) == 0 {
		return nil, nil
	}
	if len(patientIDs) > 1000 {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "ids", "At most 1000 patients may be read at once.")
	}
	in, args := placeholders(a.OrgID, patientIDs)
	var out []rcm.PatientBalance
	err = db.Transact(ctx, func(tx *Tx) error {
		if out, err = patientBalances(ctx, tx, `WHERE e.org_id = ? AND enc.patient_id IN `+in, args...); err != nil {
			return err
		}
		ids := make([]int64, len(out))
		for i, p := range out {
			ids[i] = p.PatientID
		}
		return tx.auditList(ctx, a, "patient_balances", 0, ids)
	})
	return out, err
}

// FindPrimaryCoverages returns each patient's primary coverage: the first
// in order among those in effect on asOf, else the first in order. One
// query for the page; one audit event naming the patients.
func (db *DB) FindPrimaryCoverages(ctx context.Context, patientIDs []int64, asOf rcm.Date) (map[int64]*rcm.Coverage, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	out := map[int64]*rcm.Coverage{}
	if len(patientIDs) == 0 {
		return out, nil
	}
	if len(patientIDs) > 1000 {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "ids", "At most 1000 patients may be read at once.")
	}
	in, args := placeholders(a.OrgID, patientIDs)
	err = db.Transact(ctx, func(tx *Tx) error {
		covs, err := queryAll(ctx, tx, tx.db.scanCoverage, `SELECT `+coverageCols+` FROM coverage WHERE org_id = ? AND patient_id IN `+in+` ORDER BY patient_id, ord, effective_from, id`, args...)
		if err != nil {
			return err
		}
		inEffect := map[int64]bool{}
		for _, c := range covs {
			now := !asOf.Before(c.EffectiveFrom) && (c.EffectiveTo.IsZero() || !asOf.After(c.EffectiveTo))
			if out[c.PatientID] == nil || now && !inEffect[c.PatientID] {
				out[c.PatientID] = c
				inEffect[c.PatientID] = now
			}
		}
		ids := make([]int64, 0, len(out))
		for id := range out {
			ids = append(ids, id)
		}
		return tx.auditList(ctx, a, "coverages", 0, ids)
	})
	return out, err
}
