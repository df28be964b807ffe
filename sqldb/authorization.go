package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/openrcm/openrcm"
)

var _ rcm.AuthorizationService = (*DB)(nil)

// CreateAuthorization records an authorization or referral on one of the
// organization's coverages; it is a change to the patient's record, so
// it is audited.
func (db *DB) CreateAuthorization(ctx context.Context, au *rcm.Authorization) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWritePatients)
	if err != nil {
		return err
	}
	if err := au.Validate(); err != nil {
		return err
	}
	au.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		var patientID int64
		err := tx.QueryRowContext(ctx, `SELECT patient_id FROM coverage WHERE org_id = ? AND id = ?`, a.OrgID, au.CoverageID).Scan(&patientID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Coverage", au.CoverageID)
		} else if err != nil {
			return err
		}
		id, err := tx.insert(ctx, `INSERT INTO coverage_authorization (org_id, coverage_id, kind, number, code_from, code_to, units, starts_on, ends_on, referring_npi)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.OrgID, au.CoverageID, au.Kind, au.Number, au.CodeFrom, au.CodeTo, au.Units,
			formatDate(au.StartsOn), formatDate(au.EndsOn), au.ReferringNPI)
		if err != nil {
			return err
		}
		au.ID, au.Used = id, 0
		return tx.audit(ctx, a, rcm.AuditCreate, "authorization", id, patientID)
	})
}

// FindAuthorizations lists a coverage's authorizations, oldest start
// first, with the units used.
func (db *DB) FindAuthorizations(ctx context.Context, coverageID int64) ([]*rcm.Authorization, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var out []*rcm.Authorization
	err = db.Transact(ctx, func(tx *Tx) error {
		var patientID int64
		err := tx.QueryRowContext(ctx, `SELECT patient_id FROM coverage WHERE org_id = ? AND id = ?`, a.OrgID, coverageID).Scan(&patientID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Coverage", coverageID)
		} else if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT z.id, z.org_id, z.coverage_id, z.kind, z.number, z.code_from, z.code_to, z.units, z.starts_on, z.ends_on, z.referring_npi,
			COALESCE((SELECT SUM(u.units) FROM coverage_authorization_use u WHERE u.authorization_id = z.id), 0)
			FROM coverage_authorization z WHERE z.org_id = ? AND z.coverage_id = ? ORDER BY z.starts_on, z.id`, a.OrgID, coverageID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			z := &rcm.Authorization{}
			var starts, ends string
			if err := rows.Scan(&z.ID, &z.OrgID, &z.CoverageID, &z.Kind, &z.Number, &z.CodeFrom, &z.CodeTo, &z.Units, &starts, &ends, &z.ReferringNPI, &z.Used); err != nil {
				return err
			}
			if z.StartsOn, err = parseDate(starts); err != nil {
				return err
			}
			if z.EndsOn, err = parseDate(ends); err != nil {
				return err
			}
			out = append(out, z)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "authorization", coverageID, patientID)
	})
	return out, err
}

// UseAuthorization sets the units a service line uses of an
// authorization: the same line again replaces its use, so rebuilding a
// claim does not use the units twice. Units beyond the authorization's
// are refused.
func (db *DB) UseAuthorization(ctx context.Context, authID, serviceLineID int64, units int) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	if units <= 0 {
		return rcm.FieldErrorf(rcm.EINVALID, "units", "A service line uses at least one unit.")
	}
	return db.Transact(ctx, func(tx *Tx) error {
		var limit int
		var number string
		err := tx.QueryRowContext(ctx, `SELECT units, number FROM coverage_authorization WHERE org_id = ? AND id = ?`+tx.forUpdate(), a.OrgID, authID).Scan(&limit, &number)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Authorization", authID)
		} else if err != nil {
			return err
		}
		if limit > 0 {
			var others int
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(units), 0) FROM coverage_authorization_use WHERE authorization_id = ? AND service_line_id <> ?`,
				authID, serviceLineID).Scan(&others); err != nil {
				return err
			}
			if others+units > limit {
				return rcm.Errorf(rcm.ECONFLICT, "Authorization %s is used up: %d of %d units used, %d more asked.", number, others, limit, units)
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO coverage_authorization_use (org_id, authorization_id, service_line_id, units) VALUES (?, ?, ?, ?)
			ON CONFLICT (authorization_id, service_line_id) DO UPDATE SET units = excluded.units`, a.OrgID, authID, serviceLineID, units)
		return mapError(err)
	})
}
