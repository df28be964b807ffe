package sqldb

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/openrcm/openrcm"
)

var _ rcm.PayerService = (*DB)(nil)

const payerCols = `id, org_id, name, payer_id, filing_indicator, timely_filing_days, rules`

func scanPayer(s scanner) (*rcm.Payer, error) {
	p := &rcm.Payer{}
	var rules string
	if err := s.Scan(&p.ID, &p.OrgID, &p.Name, &p.PayerID, &p.FilingIndicator, &p.TimelyFilingDays, &rules); err != nil {
		return nil, err
	}
	if rules != "" {
		if err := json.Unmarshal([]byte(rules), &p.Rules); err != nil {
			return nil, fmt.Errorf("payer %d rules: %w", p.ID, err)
		}
	}
	return p, nil
}

func rulesJSON(rules []rcm.PayerRule) string {
	if len(rules) == 0 {
		return ""
	}
	b, _ := json.Marshal(rules)
	return string(b)
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
		id, err := tx.insert(ctx, `INSERT INTO payer (org_id, name, payer_id, filing_indicator, timely_filing_days, rules) VALUES (?, ?, ?, ?, ?, ?)`,
			a.OrgID, p.Name, p.PayerID, p.FilingIndicator, p.TimelyFilingDays, rulesJSON(p.Rules))
		p.ID = id
		return err
	})
}

// FindPayerByID returns one of the organization's payers.
func (db *DB) FindPayerByID(ctx context.Context, id int64) (*rcm.Payer, error) {
	return findSetup(ctx, db, scanPayer, "Payer", "payer", payerCols, id)
}

// FindPayers returns the organization's payers.
func (db *DB) FindPayers(ctx context.Context) ([]*rcm.Payer, error) {
	return listSetup(ctx, db, scanPayer, "payer", payerCols)
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
		return tx.updateOne(ctx, "Payer", p.ID, `UPDATE payer SET name = ?, payer_id = ?, filing_indicator = ?, timely_filing_days = ?, rules = ? WHERE org_id = ? AND id = ?`,
			p.Name, p.PayerID, p.FilingIndicator, p.TimelyFilingDays, rulesJSON(p.Rules), a.OrgID, p.ID)
	})
}
