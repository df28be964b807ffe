package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/openrcm/openrcm"
)

var _ rcm.FeeService = (*DB)(nil)

// validFee checks one entry as every door must have it.
func validFee(e *rcm.FeeScheduleEntry) error {
	e.Code = strings.ToUpper(strings.TrimSpace(e.Code))
	e.Modifier = strings.ToUpper(strings.TrimSpace(e.Modifier))
	switch {
	case len(e.Code) != 5 && !(len(e.Code) == 4 && isDigits(e.Code) && e.Code[0] == '0'):
		// A facility prices lines without HCPCS by their revenue code (NUBC
		// revenue codes are four digits with a leading zero).
		return rcm.FieldErrorf(rcm.EINVALID, "code", "code must be a five-character CPT or HCPCS code, or a four-digit revenue code.")
	case e.Modifier != "" && len(e.Modifier) != 2:
		return rcm.FieldErrorf(rcm.EINVALID, "modifier", "modifier must be two characters.")
	case e.Charge < 0:
		return rcm.FieldErrorf(rcm.EINVALID, "charge", "charge may not be negative.")
	case e.EffectiveFrom.IsZero():
		return rcm.FieldErrorf(rcm.EINVALID, "effective_from", "effective_from is required.")
	case !e.EffectiveTo.IsZero() && e.EffectiveTo.Before(e.EffectiveFrom):
		return rcm.FieldErrorf(rcm.EINVALID, "effective_to", "effective_to (%s) is before effective_from (%s).", e.EffectiveTo, e.EffectiveFrom)
	case e.PracticeID < 0 || e.ProviderID < 0:
		return rcm.FieldErrorf(rcm.EINVALID, "provider_id", "practice_id and provider_id are ids or 0 for all.")
	}
	return nil
}

// SetFee sets one charge for a code and modifier from a date (an import
// of one entry).
func (db *DB) SetFee(ctx context.Context, e rcm.FeeScheduleEntry) error {
	return db.ImportFees(ctx, []rcm.FeeScheduleEntry{e})
}

// ImportFees stores entries in one transaction: all or none. The practice
// and provider an entry names must be the organization's.
func (db *DB) ImportFees(ctx context.Context, entries []rcm.FeeScheduleEntry) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	for i := range entries {
		if err := validFee(&entries[i]); err != nil {
			if len(entries) > 1 {
				err.(*rcm.Error).Message = fmt.Sprintf("Entry %d: %s", i+1, err.(*rcm.Error).Message)
			}
			return err
		}
	}
	return db.Transact(ctx, func(tx *Tx) error {
		for i, e := range entries {
			for _, ref := range []struct {
				table string
				id    int64
			}{{"practice", e.PracticeID}, {"provider", e.ProviderID}} {
				if ref.id == 0 {
					continue
				}
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+ref.table+` WHERE org_id = ? AND id = ?`, a.OrgID, ref.id).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					return rcm.FieldErrorf(rcm.ENOTFOUND, ref.table+"_id", "Entry %d: no such %s (%d).", i+1, ref.table, ref.id)
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO fee_schedule (org_id, practice_id, provider_id, code, modifier, effective_from, effective_to, charge)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (org_id, practice_id, provider_id, code, modifier, effective_from)
				DO UPDATE SET charge = excluded.charge, effective_to = excluded.effective_to`,
				a.OrgID, e.PracticeID, e.ProviderID, e.Code, e.Modifier, formatDate(e.EffectiveFrom), formatDate(e.EffectiveTo), int64(e.Charge))
			if err != nil {
				return mapError(err)
			}
		}
		return nil
	})
}

// FindFee returns the organization-wide charge in force on a date for
// code with modifier, else for the code alone.
func (db *DB) FindFee(ctx context.Context, code, modifier string, on rcm.Date) (rcm.Money, error) {
	return db.FindFeeFor(ctx, rcm.FeeQuery{Code: code, Modifier: modifier, On: on})
}

// FindFeeFor returns the charge in force for a service. Entries that end
// before the date are out; of the rest, a modifier's own price beats the
// code's, a provider's beats a practice's beats the organization's, and
// the latest start wins.
func (db *DB) FindFeeFor(ctx context.Context, q rcm.FeeQuery) (rcm.Money, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return 0, err
	}
	on := formatDate(q.On)
	var charge int64
	err = db.QueryRowContext(ctx, `SELECT charge FROM fee_schedule
		WHERE org_id = ? AND code = ? AND modifier IN (?, '') AND practice_id IN (?, 0) AND provider_id IN (?, 0)
		AND effective_from <= ? AND (effective_to = '' OR effective_to >= ?)
		ORDER BY modifier DESC, provider_id DESC, practice_id DESC, effective_from DESC LIMIT 1`,
		a.OrgID, strings.ToUpper(q.Code), strings.ToUpper(q.Modifier), q.PracticeID, q.ProviderID, on, on).Scan(&charge)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, rcm.Errorf(rcm.ENOTFOUND, "No fee for %s on %s in the fee schedule.", q.Code, q.On)
	}
	return rcm.Money(charge), err
}

// FindFees lists the fee schedule by code, modifier, practice, provider
// and start.
func (db *DB) FindFees(ctx context.Context, f rcm.FeeFilter) ([]*rcm.FeeScheduleEntry, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	q := `SELECT practice_id, provider_id, code, modifier, effective_from, effective_to, charge FROM fee_schedule WHERE org_id = ?`
	args := []any{a.OrgID}
	if f.Code != "" {
		q += ` AND code = ?`
		args = append(args, strings.ToUpper(f.Code))
	}
	if f.PracticeID != 0 {
		q += ` AND practice_id = ?`
		args = append(args, f.PracticeID)
	}
	if f.ProviderID != 0 {
		q += ` AND provider_id = ?`
		args = append(args, f.ProviderID)
	}
	if !f.On.IsZero() {
		q += ` AND effective_from <= ? AND (effective_to = '' OR effective_to >= ?)`
		args = append(args, formatDate(f.On), formatDate(f.On))
	}
	q += ` ORDER BY code, modifier, practice_id, provider_id, effective_from LIMIT ? OFFSET ?`
	args = append(args, limit(f.Limit), max(f.Offset, 0))
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*rcm.FeeScheduleEntry
	for rows.Next() {
		e := &rcm.FeeScheduleEntry{}
		var from, to string
		var charge int64
		if err := rows.Scan(&e.PracticeID, &e.ProviderID, &e.Code, &e.Modifier, &from, &to, &charge); err != nil {
			return nil, err
		}
		e.Charge = rcm.Money(charge)
		if e.EffectiveFrom, err = parseDate(from); err != nil {
			return nil, err
		}
		if e.EffectiveTo, err = parseDate(to); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
