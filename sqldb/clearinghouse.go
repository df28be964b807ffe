package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/openrcm/openrcm"
)

var _ rcm.ClearinghouseService = (*DB)(nil)

// SetClearinghouse stores (or replaces) the organization's clearinghouse.
func (db *DB) SetClearinghouse(ctx context.Context, c *rcm.Clearinghouse) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	c.OrgID = a.OrgID
	prod := 0
	if c.Production {
		prod = 1
	}
	return db.Transact(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO clearinghouse (org_id, submitter_id, submitter_name, contact_name, contact_phone, receiver_id, receiver_name, production, transport)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (org_id) DO UPDATE SET submitter_id = excluded.submitter_id, submitter_name = excluded.submitter_name,
			contact_name = excluded.contact_name, contact_phone = excluded.contact_phone, receiver_id = excluded.receiver_id,
			receiver_name = excluded.receiver_name, production = excluded.production, transport = excluded.transport`,
			a.OrgID, c.SubmitterID, c.SubmitterName, c.ContactName, c.ContactPhone, c.ReceiverID, c.ReceiverName, prod, c.Transport)
		return mapError(err)
	})
}

// FindClearinghouse returns the organization's clearinghouse settings.
func (db *DB) FindClearinghouse(ctx context.Context) (*rcm.Clearinghouse, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	c := &rcm.Clearinghouse{OrgID: a.OrgID}
	var prod int
	err = db.QueryRowContext(ctx, `SELECT submitter_id, submitter_name, contact_name, contact_phone, receiver_id, receiver_name, production, transport
		FROM clearinghouse WHERE org_id = ?`, a.OrgID).Scan(&c.SubmitterID, &c.SubmitterName, &c.ContactName, &c.ContactPhone, &c.ReceiverID, &c.ReceiverName, &prod, &c.Transport)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rcm.Errorf(rcm.ENOTFOUND, "No clearinghouse is set up; run rcm clearinghouse set.")
	}
	c.Production = prod == 1
	return c, err
}
