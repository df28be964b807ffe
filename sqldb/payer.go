package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/openrcm/openrcm"
)

var _ rcm.PayerService = (*DB)(nil)

const payerCols = `id, org_id, name, payer_id, filing_indicator, timely_filing_days`

func scanPayer(s scanner) (*rcm.Payer, error) {
	p := &rcm.Payer{}
	err := s.Scan(&p.ID, &p.OrgID, &p.Name, &p.PayerID, &p.FilingIndicator, &p.TimelyFilingDays)
	return p, err
}

// CreatePayer stores a payer.
func (db *DB) CreatePayer(ctx context.Context, p *rcm.Payer) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	p.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, `INSERT INTO payer (org_id, name, payer_id, filing_indicator, timely_filing_days) VALUES (?, ?, ?, ?, ?)`,
			a.OrgID, p.Name, p.PayerID, p.FilingIndicator, p.TimelyFilingDays)
		p.ID = id
		return err
	})
}

// FindPayerByID returns one of the organization's payers.
func (db *DB) FindPayerByID(ctx context.Context, id int64) (*rcm.Payer, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	p, err := scanPayer(db.QueryRowContext(ctx, `SELECT `+payerCols+` FROM payer WHERE org_id = ? AND id = ?`, a.OrgID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Payer", id)
	}
	return p, err
}

// FindPayers returns the organization's payers.
func (db *DB) FindPayers(ctx context.Context) ([]*rcm.Payer, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, db, scanPayer, `SELECT `+payerCols+` FROM payer WHERE org_id = ? ORDER BY id`, a.OrgID)
}

// UpdatePayer replaces a payer's fields.
func (db *DB) UpdatePayer(ctx context.Context, p *rcm.Payer) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	p.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		return tx.updateOne(ctx, "Payer", p.ID, `UPDATE payer SET name = ?, payer_id = ?, filing_indicator = ?, timely_filing_days = ? WHERE org_id = ? AND id = ?`,
			p.Name, p.PayerID, p.FilingIndicator, p.TimelyFilingDays, a.OrgID, p.ID)
	})
}
