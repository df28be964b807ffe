package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/openrcm/openrcm/edit/ncci"
)

// NCCI tables are public CMS reference data shared by every organization:
// unlike the rest of the store they carry no org_id, and reading them needs
// no actor. Whoever exposes ImportNCCI beyond the command line (an API)
// must require an administrator.

// ImportNCCI stores releases, all in one transaction: if one fails, none is
// stored. A release whose content was already imported (same kind, setting
// and SHA-256 of its rows) is not stored twice; it is returned in skipped.
// Stored releases get their ID and ImportedAt.
func (db *DB) ImportNCCI(ctx context.Context, rels []*ncci.Release) (skipped []*ncci.Release, err error) {
	type blob struct {
		data []byte
		sum  string
	}
	blobs := make([]blob, len(rels))
	for i, r := range rels {
		data, err := r.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", r.Source, err)
		}
		sum := sha256.Sum256(data)
		blobs[i] = blob{data, hex.EncodeToString(sum[:])}
	}
	err = db.Transact(ctx, func(tx *Tx) error {
		skipped = skipped[:0]
		now := tx.Now()
		for i, r := range rels {
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM ncci_release WHERE kind = ? AND setting = ? AND sha256 = ?`,
				string(r.Kind), string(r.Setting), blobs[i].sum).Scan(&id)
			if err == nil {
				skipped = append(skipped, r)
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			id, err = tx.insert(ctx, `INSERT INTO ncci_release (kind, setting, source, effective, row_count, sha256, imported_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				string(r.Kind), string(r.Setting), r.Source, formatDate(r.Effective()), r.Rows(), blobs[i].sum, formatTime(now), blobs[i].data)
			if err != nil {
				return fmt.Errorf("store %s: %w", r.Source, err)
			}
			r.ID, r.ImportedAt = id, now
		}
		return nil
	})
	if err != nil {
		for _, r := range rels {
			r.ID = 0
		}
		return nil, err
	}
	return skipped, nil
}

// NCCIReleases returns every imported release with its rows, oldest first,
// the order ncci.Build wants.
func (db *DB) NCCIReleases(ctx context.Context) ([]*ncci.Release, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, kind, setting, source, imported_at, data FROM ncci_release ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rels []*ncci.Release
	for rows.Next() {
		r := &ncci.Release{}
		var kind, setting, importedAt string
		var data []byte
		if err := rows.Scan(&r.ID, &kind, &setting, &r.Source, &importedAt, &data); err != nil {
			return nil, err
		}
		r.Kind, r.Setting = ncci.Kind(kind), ncci.Setting(setting)
		if r.ImportedAt, err = parseTime(importedAt); err != nil {
			return nil, err
		}
		if err := r.UnmarshalBinary(data); err != nil {
			return nil, fmt.Errorf("NCCI release %d (%s): %w", r.ID, r.Source, err)
		}
		rels = append(rels, r)
	}
	return rels, rows.Err()
}

// LoadNCCI builds the in-memory NCCI index from every imported release.
func (db *DB) LoadNCCI(ctx context.Context) (*ncci.Edits, error) {
	rels, err := db.NCCIReleases(ctx)
	if err != nil {
		return nil, err
	}
	return ncci.Build(rels...), nil
}
