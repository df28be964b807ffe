package sqldb

import (
	"context"
	"fmt"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/carc"
)

// ImportCodeList replaces the stored list (CARC or RARC) with codes, in
// one transaction: a failed import leaves the old list in place. The lists
// are reference data shared by every organization, so this is an
// operator's action (the `rcm carc import` command), not a tenant's.
func (db *DB) ImportCodeList(ctx context.Context, list carc.List, codes []carc.Code) error {
	if list != carc.CARC && list != carc.RARC {
		return fmt.Errorf("import code list: unknown list %q", list)
	}
	return db.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM x12_code WHERE list = ?`, string(list)); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO x12_code (list, code, description, usage, notes, start_date, last_modified, stop_date)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range codes {
			if c.List != list {
				return fmt.Errorf("import %s list: code %s belongs to the %s list", list, c.Code, c.List)
			}
			if _, err := stmt.ExecContext(ctx, string(list), c.Code, c.Description, c.Usage, c.Notes,
				dateOrEmpty(c.Start), dateOrEmpty(c.LastModified), dateOrEmpty(c.Stop)); err != nil {
				return fmt.Errorf("import %s %s: %w", list, c.Code, mapError(err))
			}
		}
		return nil
	})
}

func dateOrEmpty(d rcm.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// CodeSet returns the imported CARC and RARC lists as a lookup set, with
// the starter meanings attached. A list not imported yet is filled from the
// starter list, so remittances can still be explained in a fresh database.
func (db *DB) CodeSet(ctx context.Context) (*carc.Set, error) {
	codes, err := queryAll(ctx, db, func(s scanner) (carc.Code, error) {
		var c carc.Code
		var list, start, mod, stop string
		if err := s.Scan(&list, &c.Code, &c.Description, &c.Usage, &c.Notes, &start, &mod, &stop); err != nil {
			return c, err
		}
		c.List = carc.List(list)
		var err error
		if c.Start, err = parseDate(start); err != nil {
			return c, err
		}
		if c.LastModified, err = parseDate(mod); err != nil {
			return c, err
		}
		c.Stop, err = parseDate(stop)
		return c, err
	}, `SELECT list, code, description, usage, notes, start_date, last_modified, stop_date FROM x12_code ORDER BY list, code`)
	if err != nil {
		return nil, err
	}
	have := map[carc.List]bool{}
	for _, c := range codes {
		have[c.List] = true
	}
	for _, c := range carc.Starter() {
		if !have[c.List] {
			codes = append(codes, c)
		}
	}
	return carc.NewSet(codes...), nil
}
