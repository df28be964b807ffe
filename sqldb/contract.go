package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/remit"
)

var _ rcm.ContractService = (*DB)(nil)

// validContract checks one rate as every door must have it.
func validContract(r *rcm.ContractRate) error {
	r.Code = strings.ToUpper(strings.TrimSpace(r.Code))
	r.Modifier = strings.ToUpper(strings.TrimSpace(r.Modifier))
	switch {
	case r.PayerID <= 0:
		return rcm.FieldErrorf(rcm.EINVALID, "payer_id", "Name the payer of the contract.")
	case len(r.Code) != 5:
		return rcm.FieldErrorf(rcm.EINVALID, "code", "code must be a five-character CPT or HCPCS code.")
	case r.Modifier != "" && len(r.Modifier) != 2:
		return rcm.FieldErrorf(rcm.EINVALID, "modifier", "modifier must be two characters.")
	case r.Allowed < 0:
		return rcm.FieldErrorf(rcm.EINVALID, "allowed", "allowed may not be negative.")
	case r.EffectiveFrom.IsZero():
		return rcm.FieldErrorf(rcm.EINVALID, "effective_from", "effective_from is required.")
	case !r.EffectiveTo.IsZero() && r.EffectiveTo.Before(r.EffectiveFrom):
		return rcm.FieldErrorf(rcm.EINVALID, "effective_to", "effective_to (%s) is before effective_from (%s).", r.EffectiveTo, r.EffectiveFrom)
	}
	return nil
}

// ImportContractRates stores rates in one transaction: all or none. The
// payer each names must be the organization's.
func (db *DB) ImportContractRates(ctx context.Context, rates []rcm.ContractRate) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return err
	}
	for i := range rates {
		if err := validContract(&rates[i]); err != nil {
			if len(rates) > 1 {
				err.(*rcm.Error).Message = fmt.Sprintf("Rate %d: %s", i+1, err.(*rcm.Error).Message)
			}
			return err
		}
	}
	return db.Transact(ctx, func(tx *Tx) error {
		checked := map[int64]bool{}
		for _, r := range rates {
			if !checked[r.PayerID] {
				if _, err := tx.findPayer(ctx, a.OrgID, r.PayerID); err != nil {
					return err
				}
				checked[r.PayerID] = true
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO payer_contract (org_id, payer_id, code, modifier, effective_from, effective_to, allowed, per_unit)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (org_id, payer_id, code, modifier, effective_from)
				DO UPDATE SET allowed = excluded.allowed, effective_to = excluded.effective_to, per_unit = excluded.per_unit`,
				a.OrgID, r.PayerID, r.Code, r.Modifier, formatDate(r.EffectiveFrom), formatDate(r.EffectiveTo), int64(r.Allowed), boolInt(r.PerUnit))
			if err != nil {
				return mapError(err)
			}
		}
		return nil
	})
}

const contractCols = `payer_id, code, modifier, effective_from, effective_to, allowed, per_unit`

func scanContract(s scanner) (*rcm.ContractRate, error) {
	r := &rcm.ContractRate{}
	var from, to string
	var allowed, perUnit int64
	if err := s.Scan(&r.PayerID, &r.Code, &r.Modifier, &from, &to, &allowed, &perUnit); err != nil {
		return nil, err
	}
	r.Allowed, r.PerUnit = rcm.Money(allowed), perUnit != 0
	var err error
	if r.EffectiveFrom, err = parseDate(from); err != nil {
		return nil, err
	}
	r.EffectiveTo, err = parseDate(to)
	return r, err
}

// contractFor is the rate query: rates that end before the date are out;
// of the rest the modifier's own beats the code's, then the latest start.
const contractFor = `SELECT ` + contractCols + ` FROM payer_contract
	WHERE org_id = ? AND payer_id = ? AND code = ? AND modifier IN (?, '')
	AND effective_from <= ? AND (effective_to = '' OR effective_to >= ?)
	ORDER BY modifier DESC, effective_from DESC LIMIT 1`

// FindContractRateFor returns the payer's rate in force for a service.
func (db *DB) FindContractRateFor(ctx context.Context, q rcm.ContractQuery) (*rcm.ContractRate, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	on := formatDate(q.On)
	r, err := scanContract(db.QueryRowContext(ctx, contractFor, a.OrgID, q.PayerID, strings.ToUpper(q.Code), strings.ToUpper(q.Modifier), on, on))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rcm.Errorf(rcm.ENOTFOUND, "No contracted rate for %s on %s.", q.Code, q.On)
	}
	return r, err
}

// FindContractRates lists rates by payer, code, modifier and start.
func (db *DB) FindContractRates(ctx context.Context, f rcm.ContractFilter) ([]*rcm.ContractRate, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + contractCols + ` FROM payer_contract WHERE org_id = ?`
	args := []any{a.OrgID}
	if f.PayerID != 0 {
		q += ` AND payer_id = ?`
		args = append(args, f.PayerID)
	}
	if f.Code != "" {
		q += ` AND code = ?`
		args = append(args, strings.ToUpper(f.Code))
	}
	if !f.On.IsZero() {
		q += ` AND effective_from <= ? AND (effective_to = '' OR effective_to >= ?)`
		args = append(args, formatDate(f.On), formatDate(f.On))
	}
	q += ` ORDER BY payer_id, code, modifier, effective_from LIMIT ? OFFSET ?`
	args = append(args, limit(f.Limit), max(f.Offset, 0))
	var out []*rcm.ContractRate
	err = eachRow(ctx, db, func(s scanner) error {
		r, err := scanContract(s)
		out = append(out, r)
		return err
	}, q, args...)
	return out, err
}

// contractRates reads, inside a posting, the rate in force for each line
// of the claims the posting names, by service line id: the claim's payer,
// the line's code and first modifier on its date of service. Lines
// without a rate are absent.
func (tx *Tx) contractRates(ctx context.Context, org int64, claims map[int64]*rcm.Claim) (map[int64]*rcm.ContractRate, error) {
	out := map[int64]*rcm.ContractRate{}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM payer_contract WHERE org_id = ?`, org).Scan(&n); err != nil || n == 0 {
		// An organization without contracts pays no query per line.
		return out, err
	}
	for _, c := range claims {
		for _, l := range c.Lines {
			if l.ServiceLineID == 0 || l.Code == "" {
				continue
			}
			dos := l.DateOfService
			if dos.IsZero() {
				dos = c.DateOfService
			}
			mod := ""
			if len(l.Modifiers) > 0 {
				mod = l.Modifiers[0]
			}
			on := formatDate(dos)
			r, err := scanContract(tx.QueryRowContext(ctx, contractFor, org, c.PayerID, l.Code, mod, on, on))
			if errors.Is(err, sql.ErrNoRows) {
				continue
			} else if err != nil {
				return nil, err
			}
			out[l.ServiceLineID] = r
		}
	}
	return out, nil
}

// openUnderpayments opens, in the posting's transaction, a work item of
// category underpayment for each line of the batch paid below the payer's
// contract (remit.PostedLine.Underpayment decided which).
func (b *batchPoster) openUnderpayments(ctx context.Context, posting *remit.Posting, claimIDs []int64) error {
	rem := posting.Remittance
	on := rem.PaidOn
	if on.IsZero() {
		on = rcm.DateOf(b.now)
	}
	// The payer by the name the practice knows it, not as the 835 spells it.
	payerName := rem.PayerName
	var known string
	err := b.tx.QueryRowContext(ctx, `SELECT name FROM payer WHERE org_id = ? AND id = ?`, b.actor.OrgID, posting.PayerID).Scan(&known)
	switch {
	case err == nil:
		payerName = known
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	for i, pc := range posting.Claims {
		if pc.Outcome != remit.OutcomePosted {
			continue
		}
		for _, pl := range pc.Lines {
			if pl.Underpaid <= 0 {
				continue
			}
			share := pl.Payment.PatientShare()
			it := followup.UnderpaymentItem(followup.Underpaid{ClaimID: pc.ClaimID, RemitClaimID: claimIDs[i], Line: pl.ClaimLine, Code: pl.Payment.Code,
				PayerName: payerName, PaidOn: on, Allowed: pl.Expected + share, Patient: share, Expected: pl.Expected, Paid: pl.Payment.Paid})
			if err := b.tx.openItem(ctx, b.actor, it); err != nil {
				return err
			}
		}
	}
	return nil
}

// underpaidLines lists a remittance's lines paid below contract.
func (tx *Tx) underpaidLines(ctx context.Context, org, remID int64) ([]*remit.UnderpaidLine, error) {
	out := []*remit.UnderpaidLine{}
	err := eachRow(ctx, tx, func(s scanner) error {
		u := &remit.UnderpaidLine{}
		var mods string
		var expected, paid, under int64
		if err := s.Scan(&u.ClaimPaymentID, &u.ControlNumber, &u.Line, &u.Code, &mods, &expected, &paid, &under); err != nil {
			return err
		}
		u.Modifiers = splitNonEmpty(mods)
		u.Expected, u.Paid, u.Difference = rcm.Money(expected), rcm.Money(paid), rcm.Money(under)
		out = append(out, u)
		return nil
	}, `SELECT rc.id, rc.control_number, l.claim_line, l.code, l.modifiers, COALESCE(l.expected, 0), l.paid, l.underpaid
		FROM remit_line l JOIN remit_claim rc ON rc.org_id = l.org_id AND rc.id = l.remit_claim_id
		WHERE l.org_id = ? AND rc.remittance_id = ? AND l.underpaid > 0 ORDER BY rc.seq, l.seq`, org, remID)
	return out, err
}
