package sqldb

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
)

// DefaultRekeyBatch is how many rows one rekeying transaction changes: small
// enough that a server running beside `rcm keys rotate` waits on it for
// milliseconds, not for the whole table.
const DefaultRekeyBatch = 200

// auditRekey is the audit action of sealing or re-wrapping an
// organization's stored values; the event names the key in its reason.
const auditRekey = "rekey"

// KeyCount is how many rows of a table have their sealed fields under one
// key; KeyID "" counts rows still in plaintext.
type KeyCount struct {
	Table string
	KeyID string
	Rows  int64
}

// KeyStatus counts, for each table with sealed fields, the rows under each
// key id, for `rcm keys status`.
func (db *DB) KeyStatus(ctx context.Context) ([]KeyCount, error) {
	var out []KeyCount
	for _, t := range sealedTables {
		counts, err := queryAll(ctx, db, func(s scanner) (KeyCount, error) {
			c := KeyCount{Table: t.name}
			return c, s.Scan(&c.KeyID, &c.Rows)
		}, `SELECT sealed_key, count(*) FROM `+t.name+` GROUP BY sealed_key ORDER BY sealed_key`)
		if err != nil {
			return nil, fmt.Errorf("key status of %s: %w", t.name, err)
		}
		out = append(out, counts...)
	}
	return out, nil
}

// RekeyCount is what a rekeying pass did to one table.
type RekeyCount struct {
	Table string
	// Sealed counts rows that were plaintext and are now sealed.
	Sealed int64
	// Rewrapped counts rows moved from an older key to the newest.
	Rewrapped int64
}

// SealPlaintext seals the rows an earlier release wrote in plaintext, batch
// rows a transaction (0 means DefaultRekeyBatch). Open calls it, so the
// sensitive fields of an upgraded database are sealed before it serves;
// rows already sealed are left alone.
func (db *DB) SealPlaintext(ctx context.Context, batch int) ([]RekeyCount, error) {
	return db.rekey(ctx, batch, `sealed_key = ''`, nil, "sealed plaintext fields")
}

// RotateKeys moves every sealed row to the newest key of the keyring: rows
// under an older key have their data keys re-wrapped (the ciphertext stays)
// and their blind index recomputed; plaintext rows are sealed. It works in
// transactions of batch rows (0 means DefaultRekeyBatch), so it runs while
// the server serves, and an interrupted run is finished by running it
// again: only rows not yet under the newest key are touched. Afterwards
// KeyStatus shows every row under the newest key, and older keys can leave
// the key file. Each batch audits one event per organization it changed.
func (db *DB) RotateKeys(ctx context.Context, batch int) ([]RekeyCount, error) {
	cur := db.keys.Current()
	return db.rekey(ctx, batch, `sealed_key <> ?`, []any{cur}, "rotated to key "+cur)
}

// rekeyRow is one row as stored, read for rekeying.
type rekeyRow struct {
	id, org int64
	key     string
	values  []string
}

func (db *DB) rekey(ctx context.Context, batch int, cond string, condArgs []any, reason string) ([]RekeyCount, error) {
	if batch <= 0 {
		batch = DefaultRekeyBatch
	}
	var out []RekeyCount
	for _, t := range sealedTables {
		count := RekeyCount{Table: t.name}
		batch := batch
		if t.batch > 0 {
			batch = min(batch, t.batch)
		}
		id := t.idColumn()
		q := `SELECT ` + id + `, org_id, sealed_key, ` + strings.Join(t.columns, ", ") + ` FROM ` + t.name +
			` WHERE ` + id + ` > ? AND ` + cond + ` ORDER BY ` + id + ` LIMIT ?`
		for after := int64(0); ; {
			var rows []rekeyRow
			var sealedN, rewrapped int64
			err := db.Transact(ctx, func(tx *Tx) error {
				sealedN, rewrapped = 0, 0
				var err error
				rows, err = queryAll(ctx, tx, func(s scanner) (rekeyRow, error) {
					r := rekeyRow{values: make([]string, len(t.columns))}
					dest := []any{&r.id, &r.org, &r.key}
					for i := range r.values {
						dest = append(dest, &r.values[i])
					}
					return r, s.Scan(dest...)
				}, q+tx.forUpdate(), append(append([]any{after}, condArgs...), batch)...)
				if err != nil {
					return err
				}
				orgs := map[int64]bool{}
				for _, r := range rows {
					s, err := db.resealRow(t, r)
					if err != nil {
						return err
					}
					upd, args := sealedUpdate(t, s)
					res, err := tx.ExecContext(ctx, upd+` WHERE org_id = ? AND `+id+` = ? AND sealed_key = ?`, append(args, r.org, r.id, r.key)...)
					if err != nil {
						return err
					}
					if n, _ := res.RowsAffected(); n == 0 {
						continue // written meanwhile, under the newest key
					}
					if r.key == "" {
						sealedN++
					} else {
						rewrapped++
					}
					orgs[r.org] = true
				}
				ids := make([]int64, 0, len(orgs))
				for org := range orgs {
					ids = append(ids, org)
				}
				slices.Sort(ids)
				for _, org := range ids {
					a := rcm.Actor{OrgID: org, Reason: reason}
					if err := tx.audit(ctx, a, auditRekey, t.name, 0, 0); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return out, fmt.Errorf("rekey %s after id %d: %w", t.name, after, err)
			}
			count.Sealed += sealedN
			count.Rewrapped += rewrapped
			if len(rows) < batch {
				break
			}
			after = rows[len(rows)-1].id
		}
		out = append(out, count)
	}
	return out, nil
}

// resealRow returns a row's values under the newest key.
func (db *DB) resealRow(t sealedTable, r rekeyRow) (sealed, error) {
	if r.key == "" {
		return db.sealRow(t, r.org, r.id, r.values)
	}
	s := sealed{values: make([]string, len(t.columns)), key: db.keys.Current()}
	for i, col := range t.columns {
		v, _, err := db.keys.Rewrap(r.values[i], aad(t.name, col, r.org, r.id))
		if err != nil {
			return s, fmt.Errorf("%s %d %s: %w", t.name, r.id, col, err)
		}
		s.values[i] = v
		if col == t.indexed {
			plain, err := db.openValue(t.name, col, r.org, r.id, r.key, r.values[i])
			if err != nil {
				return s, err
			}
			if s.index, err = db.keys.Index(s.key, indexScope(r.org), normalizeMemberID(plain)); err != nil {
				return s, err
			}
		}
	}
	return s, nil
}
