package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
)

// CodeSets stores code-set releases; it implements codeset.Store.
type CodeSets struct{ db *DB }

// CodeSets returns the code-set store of the database.
func (db *DB) CodeSets() *CodeSets { return &CodeSets{db} }

var _ codeset.Store = (*CodeSets)(nil)

// batchRows is how many rows one INSERT carries: far fewer round trips than
// one row per statement, well under both databases' placeholder limits.
const batchRows = 200

// SaveRelease writes a release in one transaction. The release row is
// created when missing; each part the release carries (codes, notes, index)
// replaces that part of the stored release, so the files of one fiscal year
// may be imported one after the other. A failure changes nothing.
func (s *CodeSets) SaveRelease(ctx context.Context, r *codeset.Release) error {
	return s.SaveReleaseCounting(ctx, r, nil)
}

// SaveReleaseCounting is SaveRelease telling stored, when not nil, how many
// rows (codes, notes, index terms) each statement wrote, so an import can
// show how far its store has come.
func (s *CodeSets) SaveReleaseCounting(ctx context.Context, r *codeset.Release, stored func(rows int)) error {
	var org any
	if r.Org != "" {
		id, err := strconv.ParseInt(r.Org, 10, 64)
		if err != nil {
			return rcm.Errorf(rcm.EINVALID, "code release owner %q is not an organization id", r.Org)
		}
		org = id
	} else if r.System == codeset.CPT {
		return rcm.Errorf(rcm.EINVALID, "a CPT release belongs to the organization that licensed it")
	}
	return s.db.Transact(ctx, func(tx *Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id, sources FROM code_release WHERE system = ? AND version = ? AND COALESCE(org_id, 0) = ?`,
			string(r.System), r.Version, orgKey(org)).Scan(&id, new(string))
		switch {
		case err == sql.ErrNoRows:
			err = tx.QueryRowContext(ctx, `INSERT INTO code_release (system, version, effective, org_id, sources) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				string(r.System), r.Version, r.Effective.String(), org, strings.Join(r.Sources, "\n")).Scan(&id)
			if err != nil {
				return fmt.Errorf("insert code release: %w", err)
			}
		case err != nil:
			return fmt.Errorf("find code release: %w", err)
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE code_release SET effective = ?, sources = sources || ? WHERE id = ?`,
				r.Effective.String(), "\n"+strings.Join(r.Sources, "\n"), id); err != nil {
				return fmt.Errorf("update code release: %w", err)
			}
		}
		if len(r.Codes) > 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM code WHERE release_id = ?`, id); err != nil {
				return err
			}
			err := insertBatches(ctx, tx, `INSERT INTO code (release_id, seq, code, billable, short_desc, long_desc) VALUES `, 6, len(r.Codes), stored,
				func(i int, args []any) []any {
					c := r.Codes[i]
					return append(args, id, i, c.Code, boolInt(c.Billable), c.Short, c.Long)
				})
			if err != nil {
				return fmt.Errorf("insert codes: %w", err)
			}
		}
		if len(r.Notes) > 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM code_note WHERE release_id = ?`, id); err != nil {
				return err
			}
			err := insertBatches(ctx, tx, `INSERT INTO code_note (release_id, seq, code, kind, chr, text) VALUES `, 6, len(r.Notes), stored,
				func(i int, args []any) []any {
					n := r.Notes[i]
					return append(args, id, i, n.Code, string(n.Kind), n.Char, n.Text)
				})
			if err != nil {
				return fmt.Errorf("insert notes: %w", err)
			}
		}
		if len(r.Index) > 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM code_index_term WHERE release_id = ?`, id); err != nil {
				return err
			}
			err := insertBatches(ctx, tx, `INSERT INTO code_index_term (release_id, seq, level, parent, term, nonessential, code, see, see_also) VALUES `, 9, len(r.Index), stored,
				func(i int, args []any) []any {
					e := r.Index[i]
					return append(args, id, i, e.Level, e.Parent, e.Term, e.NonEss, e.Code, e.See, e.SeeAlso)
				})
			if err != nil {
				return fmt.Errorf("insert index: %w", err)
			}
		}
		return nil
	})
}

func orgKey(org any) int64 {
	if id, ok := org.(int64); ok {
		return id
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// insertBatches inserts n rows of cols columns, batchRows rows per
// statement; row appends the i-th row's values to args, and stored, when
// not nil, is told each statement's rows.
func insertBatches(ctx context.Context, tx *Tx, prefix string, cols, n int, stored func(rows int), row func(i int, args []any) []any) error {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	var full string
	args := make([]any, 0, batchRows*cols)
	for start := 0; start < n; start += batchRows {
		end := min(start+batchRows, n)
		query := full
		if end-start != batchRows || full == "" {
			query = prefix + strings.TrimSuffix(strings.Repeat(one+", ", end-start), ", ")
			if end-start == batchRows {
				full = query
			}
		}
		args = args[:0]
		for i := start; i < end; i++ {
			args = row(i, args)
		}
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return err
		}
		if stored != nil {
			stored(end - start)
		}
	}
	return nil
}

// Releases loads every stored release with its codes, notes and index, for
// the in-memory catalog built at start-up.
func (s *CodeSets) Releases(ctx context.Context) ([]*codeset.Release, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, system, version, effective, org_id, sources FROM code_release ORDER BY system, effective, id`)
	if err != nil {
		return nil, fmt.Errorf("list code releases: %w", err)
	}
	byID := map[int64]*codeset.Release{}
	var out []*codeset.Release
	for rows.Next() {
		var id int64
		var sys, version, eff, sources string
		var org sql.NullInt64
		if err := rows.Scan(&id, &sys, &version, &eff, &org, &sources); err != nil {
			rows.Close()
			return nil, err
		}
		d, err := rcm.ParseDate(eff)
		if err != nil {
			rows.Close()
			return nil, err
		}
		r := &codeset.Release{System: codeset.System(sys), Version: version, Effective: d, Sources: strings.Split(sources, "\n")}
		if org.Valid {
			r.Org = strconv.FormatInt(org.Int64, 10)
		}
		byID[id] = r
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The three tables are read side by side, each on its own connection,
	// and each release's slices are sized from a count first: start-up
	// waits for the largest table, not the sum, and copies nothing twice.
	// Rows are read in storage order, without ORDER BY (the code table's
	// key is not its file order, so that would sort it), and each goes to
	// its place by seq, which SaveRelease numbers from 0 without gaps.
	var wg sync.WaitGroup
	var errs [3]error
	wg.Go(func() {
		errs[0] = s.loadPart(ctx, "code", byID, func(r *codeset.Release, n int) { r.Codes = make([]codeset.Code, n) },
			`SELECT release_id, seq, code, billable, short_desc, long_desc FROM code`,
			func(rows *sql.Rows, find func(int64) *codeset.Release) error {
				var id int64
				var seq, billable int
				var c codeset.Code
				if err := rows.Scan(&id, &seq, &c.Code, &billable, &c.Short, &c.Long); err != nil {
					return err
				}
				c.Billable = billable == 1
				r := find(id)
				if seq < 0 || seq >= len(r.Codes) {
					return fmt.Errorf("code %s of release %d: seq %d out of range", c.Code, id, seq)
				}
				r.Codes[seq] = c
				return nil
			})
	})
	wg.Go(func() {
		errs[1] = s.loadPart(ctx, "code_note", byID, func(r *codeset.Release, n int) { r.Notes = make([]codeset.Note, n) },
			`SELECT release_id, seq, code, kind, chr, text FROM code_note`,
			func(rows *sql.Rows, find func(int64) *codeset.Release) error {
				var id int64
				var seq int
				var n codeset.Note
				var kind string
				if err := rows.Scan(&id, &seq, &n.Code, &kind, &n.Char, &n.Text); err != nil {
					return err
				}
				n.Kind = codeset.NoteKind(kind)
				r := find(id)
				if seq < 0 || seq >= len(r.Notes) {
					return fmt.Errorf("note %d of release %d out of range", seq, id)
				}
				r.Notes[seq] = n
				return nil
			})
	})
	wg.Go(func() {
		errs[2] = s.loadPart(ctx, "code_index_term", byID, func(r *codeset.Release, n int) { r.Index = make([]codeset.IndexEntry, n) },
			`SELECT release_id, seq, level, parent, term, nonessential, code, see, see_also FROM code_index_term`,
			func(rows *sql.Rows, find func(int64) *codeset.Release) error {
				var id int64
				var seq int
				var e codeset.IndexEntry
				if err := rows.Scan(&id, &seq, &e.Level, &e.Parent, &e.Term, &e.NonEss, &e.Code, &e.See, &e.SeeAlso); err != nil {
					return err
				}
				r := find(id)
				if seq < 0 || seq >= len(r.Index) {
					return fmt.Errorf("index term %d of release %d out of range", seq, id)
				}
				r.Index[seq] = e
				return nil
			})
	})
	wg.Wait()
	for i, what := range []string{"codes", "notes", "index"} {
		if errs[i] != nil {
			return nil, fmt.Errorf("load %s: %w", what, errs[i])
		}
	}
	return out, nil
}

// loadPart reads one table of release content: it counts each release's
// rows to size its slice (size), then hands each row of query to each,
// which finds the row's release by id.
func (s *CodeSets) loadPart(ctx context.Context, table string, byID map[int64]*codeset.Release,
	size func(*codeset.Release, int), query string, each func(*sql.Rows, func(int64) *codeset.Release) error) error {
	err := s.scan(ctx, `SELECT release_id, COUNT(*) FROM `+table+` GROUP BY release_id`, func(rows *sql.Rows) error {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		if r := byID[id]; r != nil {
			size(r, n)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Rows mostly come by release: look the release up when it changes.
	curID, cur := int64(-1), (*codeset.Release)(nil)
	find := func(id int64) *codeset.Release {
		if id != curID {
			curID, cur = id, byID[id]
		}
		return cur
	}
	return s.scan(ctx, query, func(rows *sql.Rows) error { return each(rows, find) })
}

func (s *CodeSets) scan(ctx context.Context, query string, each func(*sql.Rows) error) error {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
