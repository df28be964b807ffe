package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/openrcm/openrcm"
)

var _ rcm.OrganizationService = (*DB)(nil)

// CreateOrganization makes a new tenant.
func (db *DB) CreateOrganization(ctx context.Context, o *rcm.Organization) error {
	v := o.Name
	if v == "" || len(v) > 100 {
		return rcm.FieldErrorf(rcm.EINVALID, "name", "name is required (at most 100 characters).")
	}
	return db.Transact(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, `INSERT INTO organization (name, created_at) VALUES (?, ?)`, o.Name, formatTime(tx.Now()))
		o.ID = id
		return err
	})
}

// FindOrganizationByID returns an organization; an actor may see only its own.
func (db *DB) FindOrganizationByID(ctx context.Context, id int64) (*rcm.Organization, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	if id != a.OrgID {
		return nil, notFound("Organization", id)
	}
	o := &rcm.Organization{ID: id}
	err = db.QueryRowContext(ctx, `SELECT name FROM organization WHERE id = ?`, id).Scan(&o.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Organization", id)
	}
	return o, err
}

// CreatePractice stores a billing provider.
func (db *DB) CreatePractice(ctx context.Context, p *rcm.Practice) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	p.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, `INSERT INTO practice (org_id, name, npi, tin, taxonomy, line1, line2, city, state, zip, phone)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.OrgID, p.Name, p.NPI, p.TIN, p.Taxonomy, p.Address.Line1, p.Address.Line2, p.Address.City, p.Address.State, p.Address.ZIP, p.Phone)
		p.ID = id
		return err
	})
}

const practiceCols = `id, org_id, name, npi, tin, taxonomy, line1, line2, city, state, zip, phone`

func scanPractice(s scanner) (*rcm.Practice, error) {
	p := &rcm.Practice{}
	ad := &p.Address
	err := s.Scan(&p.ID, &p.OrgID, &p.Name, &p.NPI, &p.TIN, &p.Taxonomy, &ad.Line1, &ad.Line2, &ad.City, &ad.State, &ad.ZIP, &p.Phone)
	return p, err
}

// FindPracticeByID returns one of the organization's practices.
func (db *DB) FindPracticeByID(ctx context.Context, id int64) (*rcm.Practice, error) {
	return findSetup(ctx, db, scanPractice, "Practice", "practice", practiceCols, id)
}

// FindPractices returns the organization's practices.
func (db *DB) FindPractices(ctx context.Context) ([]*rcm.Practice, error) {
	return listSetup(ctx, db, scanPractice, "practice", practiceCols)
}

// UpdatePractice replaces a practice's fields.
func (db *DB) UpdatePractice(ctx context.Context, p *rcm.Practice) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	p.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		return tx.updateOne(ctx, "Practice", p.ID, `UPDATE practice SET name = ?, npi = ?, tin = ?, taxonomy = ?, line1 = ?, line2 = ?, city = ?, state = ?, zip = ?, phone = ?
			WHERE org_id = ? AND id = ?`,
			p.Name, p.NPI, p.TIN, p.Taxonomy, p.Address.Line1, p.Address.Line2, p.Address.City, p.Address.State, p.Address.ZIP, p.Phone, a.OrgID, p.ID)
	})
}

// CreateProvider stores a rendering provider of one of the organization's
// practices.
func (db *DB) CreateProvider(ctx context.Context, p *rcm.Provider) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	p.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, `INSERT INTO provider (org_id, practice_id, first_name, last_name, npi, taxonomy) VALUES (?, ?, ?, ?, ?, ?)`,
			a.OrgID, p.PracticeID, p.FirstName, p.LastName, p.NPI, p.Taxonomy)
		p.ID = id
		return err
	})
}

const providerCols = `id, org_id, practice_id, first_name, last_name, npi, taxonomy`

func scanProvider(s scanner) (*rcm.Provider, error) {
	p := &rcm.Provider{}
	err := s.Scan(&p.ID, &p.OrgID, &p.PracticeID, &p.FirstName, &p.LastName, &p.NPI, &p.Taxonomy)
	return p, err
}

// FindProviderByID returns one of the organization's providers.
func (db *DB) FindProviderByID(ctx context.Context, id int64) (*rcm.Provider, error) {
	return findSetup(ctx, db, scanProvider, "Provider", "provider", providerCols, id)
}

// FindProviders returns the organization's providers.
func (db *DB) FindProviders(ctx context.Context) ([]*rcm.Provider, error) {
	return listSetup(ctx, db, scanProvider, "provider", providerCols)
}

// UpdateProvider replaces a provider's fields.
func (db *DB) UpdateProvider(ctx context.Context, p *rcm.Provider) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	p.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		return tx.updateOne(ctx, "Provider", p.ID, `UPDATE provider SET practice_id = ?, first_name = ?, last_name = ?, npi = ?, taxonomy = ?
			WHERE org_id = ? AND id = ?`, p.PracticeID, p.FirstName, p.LastName, p.NPI, p.Taxonomy, a.OrgID, p.ID)
	})
}

// CreateFacility stores a service facility.
func (db *DB) CreateFacility(ctx context.Context, f *rcm.Facility) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	if err := f.Validate(); err != nil {
		return err
	}
	f.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, `INSERT INTO facility (org_id, name, npi, line1, line2, city, state, zip, taxonomy, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.OrgID, f.Name, f.NPI, f.Address.Line1, f.Address.Line2, f.Address.City, f.Address.State, f.Address.ZIP, f.Taxonomy, f.Kind)
		f.ID = id
		return err
	})
}

// FindFacilities returns the organization's facilities.
func (db *DB) FindFacilities(ctx context.Context) ([]*rcm.Facility, error) {
	return listSetup(ctx, db, scanFacility, "facility", "id, org_id, name, npi, line1, line2, city, state, zip, taxonomy, kind")
}

// findSetup reads one of the organization's practices, providers,
// facilities or payers (any signed-in user may: they are not patient data),
// or ENOTFOUND naming entity.
func findSetup[T any](ctx context.Context, db *DB, scan func(scanner) (T, error), entity, table, cols string, id int64) (T, error) {
	var zero T
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return zero, err
	}
	v, err := scan(db.QueryRowContext(ctx, `SELECT `+cols+` FROM `+table+` WHERE org_id = ? AND id = ?`, a.OrgID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return zero, notFound(entity, id)
	}
	return v, err
}

// listSetup reads all the organization's rows of a setup table, in id
// order.
func listSetup[T any](ctx context.Context, db *DB, scan func(scanner) (T, error), table, cols string) ([]T, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, db, scan, `SELECT `+cols+` FROM `+table+` WHERE org_id = ? ORDER BY id`, a.OrgID)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// queryer is a *DB or *Tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, q queryer, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// updateOne runs an UPDATE scoped by org and id, and reports ENOTFOUND when
// it matched no row.
func (tx *Tx) updateOne(ctx context.Context, what string, id int64, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return mapError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(what, id)
	}
	return nil
}

// CountOrganizations returns how many organizations the database serves.
func (db *DB) CountOrganizations(ctx context.Context) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM organization`).Scan(&n)
	return n, err
}
