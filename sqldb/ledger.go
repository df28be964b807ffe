package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

// inChunk bounds the ids in one IN list, well under both databases' limits
// on bound parameters.
const inChunk = 500

// PostLedger validates and stores transactions, in order, in one database
// transaction: all are posted or none. Each is checked with ledger.Check
// against the balances of its lines as the database holds them (the lines
// are locked on PostgreSQL, and SQLite has one writer), and after the
// inserts the balances are read back from the stored entries and the
// invariant verified again; any failure rolls everything back. A key
// already posted in the organization, or a second reversal of one
// transaction, is ECONFLICT. On success each transaction's ID is set.
func (db *DB) PostLedger(ctx context.Context, txns ...*ledger.Transaction) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	if len(txns) == 0 {
		return nil
	}
	var ids []int64
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		ids, err = tx.postLedger(ctx, a, txns)
		return err
	})
	if err != nil {
		return err
	}
	for i, t := range txns {
		t.ID = ids[i]
	}
	return nil
}

func (tx *Tx) postLedger(ctx context.Context, a rcm.Actor, txns []*ledger.Transaction) ([]int64, error) {
	lines, err := batchLines(txns)
	if err != nil {
		return nil, err
	}
	if err := tx.lockLines(ctx, a.OrgID, lines); err != nil {
		return nil, err
	}
	state, err := tx.lineBalances(ctx, a.OrgID, lines)
	if err != nil {
		return nil, err
	}
	return tx.postLedgerOn(ctx, a, txns, lines, state)
}

// batchLines returns the sorted lines a batch touches, and ECONFLICT when
// two transactions of the batch share a key.
func batchLines(txns []*ledger.Transaction) ([]int64, error) {
	var lines []int64
	seenLine := map[int64]bool{}
	keys := map[string]int{}
	for i, t := range txns {
		for _, l := range t.Lines() {
			if !seenLine[l] {
				seenLine[l] = true
				lines = append(lines, l)
			}
		}
		if t.Key != "" {
			if j, dup := keys[t.Key]; dup {
				return nil, rcm.FieldErrorf(rcm.ECONFLICT, "key", "Transactions %d and %d of the batch have the same key %s.", j+1, i+1, t.Key)
			}
			keys[t.Key] = i
		}
	}
	slices.Sort(lines)
	return lines, nil
}

// postLedgerOn posts txns given the balances of their lines as this
// transaction read them after locking the lines (lockLines): state is
// changed to the balances after the posting. It checks every transaction
// with ledger.Check, writes the transactions and their entries with
// multi-row inserts (column arrays on PostgreSQL), then reads back the
// entries it wrote, compares each with the checked one and verifies, line
// by line, that the balance before plus what is now stored equals the
// checked balance and holds the invariant; any failure rolls everything
// back.
func (tx *Tx) postLedgerOn(ctx context.Context, a rcm.Actor, txns []*ledger.Transaction, lines []int64, state map[int64]*ledger.LineBalance) ([]int64, error) {
	keys := map[string]int{}
	for i, t := range txns {
		if t.Key != "" {
			if j, dup := keys[t.Key]; dup {
				return nil, rcm.FieldErrorf(rcm.ECONFLICT, "key", "Transactions %d and %d of the batch have the same key %s.", j+1, i+1, t.Key)
			}
			keys[t.Key] = i
		}
	}
	if err := tx.refusePostedKeys(ctx, a.OrgID, keys); err != nil {
		return nil, err
	}
	// ledger.Check never changes the balances it is given (it returns new
	// ones), so the balances before are kept by pointer, not copied.
	before := make(map[int64]*ledger.LineBalance, len(lines))
	for _, l := range lines {
		if b := state[l]; b != nil {
			before[l] = b
		}
	}
	ids, err := tx.nextIDs(ctx, "ledger_txn", len(txns))
	if err != nil {
		return nil, err
	}
	now := formatTime(tx.Now())
	posted := map[int64]*ledger.Transaction{} // this batch, by id
	reversed := map[int64]bool{}              // by this batch
	var pending []pendingEntry
	txnRows := make([][]any, 0, len(txns))
	for i, t := range txns {
		var orig *ledger.Transaction
		if t.Reverses != 0 {
			if reversed[t.Reverses] {
				return nil, rcm.FieldErrorf(rcm.ECONFLICT, "reverses", "Transaction %d is reversed twice in the batch.", t.Reverses)
			}
			if orig = posted[t.Reverses]; orig == nil {
				if orig, err = tx.ledgerTxn(ctx, a.OrgID, t.Reverses); err != nil {
					return nil, err
				}
				if by, err := tx.reversedBy(ctx, a.OrgID, t.Reverses); err != nil {
					return nil, err
				} else if by != 0 {
					return nil, rcm.FieldErrorf(rcm.ECONFLICT, "reverses", "Transaction %d was already reversed by transaction %d.", t.Reverses, by)
				}
			}
		}
		after, err := ledger.Check(t, state, orig)
		if err != nil {
			return nil, err
		}
		for l, b := range after {
			state[l] = b
		}
		id := ids[i]
		txnRows = append(txnRows, []any{id, a.OrgID, now, a.UserID, sql.NullString{String: t.Key, Valid: t.Key != ""}, nullID(t.Reverses), t.Memo})
		stored := *t
		stored.ID = id
		stored.Entries = slices.Clone(t.Entries)
		posted[id] = &stored
		if t.Reverses != 0 {
			reversed[t.Reverses] = true
		}
		for seq, e := range t.Entries {
			pending = append(pending, pendingEntry{txn: id, seq: seq, e: e})
		}
	}
	if err := tx.insertMany(ctx, "ledger_txn", "id, org_id, posted_at, user_id, ext_key, reverses, memo", txnRows); err != nil {
		if rcm.ErrorCode(err) == rcm.ECONFLICT {
			return nil, rcm.FieldErrorf(rcm.ECONFLICT, "key", "A transaction of the batch, or its reversal, was posted by someone else meanwhile.")
		}
		return nil, err
	}
	if tx.Dialect() == SQLite && len(pending) > 0 {
		// Under SQLite's one write lock the next ids are known, so the
		// entries can be read back below as one range of the primary key.
		first, err := tx.nextIDs(ctx, "ledger_entry", 1)
		if err != nil {
			return nil, err
		}
		for i := range pending {
			pending[i].id = first[0] + int64(i)
		}
	}
	if err := tx.insertEntries(ctx, a.OrgID, pending); err != nil {
		return nil, err
	}
	// The invariant once more, from what the database now holds: the
	// entries just written, read back row by row and compared with what was
	// checked, then added to the balances read under lock before; a bug in
	// the inserts rolls the whole posting back here.
	if err := tx.verifyWritten(ctx, a.OrgID, ids, pending, lines, before, state); err != nil {
		return nil, err
	}
	return ids, tx.audit(ctx, a, rcm.AuditCreate, "ledger_txn", ids[0], 0)
}

// verifyWritten reads back the entries of this batch (pending, in the
// order they were written) and refuses the batch unless every stored row is
// the entry that was checked and, line by line, the balance before plus the
// stored entries equals the checked balance and holds the invariant. On
// SQLite the entries' ids were reserved under the write lock, so they are
// read as one range of the table's primary key; on PostgreSQL by their
// transactions. Reading the rows themselves costs less than having the
// database group them: a batch has about as many groups as rows.
func (tx *Tx) verifyWritten(ctx context.Context, org int64, ids []int64, pending []pendingEntry, lines []int64,
	before, state map[int64]*ledger.LineBalance) error {
	const cols = `SELECT org_id, txn_id, seq, line_id, op, kind, payer_id, grp, side, amount, reason, method FROM ledger_entry `
	n := 0
	got := make(map[int64]*ledger.LineBalance, len(lines)) // before plus the stored entries
	var b *ledger.LineBalance
	read := func(query string, args ...any) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var rowOrg, txn, line int64
			var seq, side int
			var payer sql.NullInt64
			var op, kind, grp, reason, method string
			var amount int64
			if err := rows.Scan(&rowOrg, &txn, &seq, &line, &op, &kind, &payer, &grp, &side, &amount, &reason, &method); err != nil {
				return err
			}
			if n >= len(pending) {
				return rcm.Errorf(rcm.EINTERNAL, "ledger: more entries stored than written")
			}
			p := &pending[n]
			e := &p.e
			if rowOrg != org || txn != p.txn || seq != p.seq || line != e.Account.Line || op != string(e.Op) || kind != string(e.Account.Kind) ||
				payer.Int64 != e.Account.Payer || payer.Valid != (e.Account.Payer != 0) || grp != e.Account.Group || side != int(e.Side) ||
				amount != int64(e.Amount) || reason != e.Reason || method != e.Method {
				return rcm.Errorf(rcm.EINTERNAL, "ledger transaction %d entry %d: stored entry differs from the checked one", p.txn, p.seq)
			}
			n++
			if b == nil || b.Line != line {
				if b = got[line]; b == nil {
					if prev := before[line]; prev != nil {
						b = prev.Clone()
					} else {
						b = &ledger.LineBalance{Line: line}
					}
					got[line] = b
				}
			}
			b.Apply(*e)
		}
		return rows.Err()
	}
	if len(pending) > 0 && tx.Dialect() == SQLite {
		// Every row from the first reserved id on was written by this
		// transaction, which holds the one write lock: a row more than
		// PostLedger wrote is read too, and refused below.
		if err := read(cols+`WHERE id >= ? ORDER BY id`, pending[0].id); err != nil {
			return err
		}
		// And no row of these transactions lies outside that range (the
		// transactions' ids were reserved the same way, so they are one
		// range too).
		var stored int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_entry WHERE txn_id BETWEEN ? AND ?`, ids[0], ids[len(ids)-1]).Scan(&stored); err != nil {
			return err
		}
		if stored != len(pending) {
			return rcm.Errorf(rcm.EINTERNAL, "ledger: %d entries written, %d stored", len(pending), stored)
		}
	} else {
		for start := 0; start < len(ids); start += tx.idChunk() {
			chunk := ids[start:min(start+tx.idChunk(), len(ids))]
			in, args := tx.idIn("txn_id", org, chunk)
			if err := read(cols+`WHERE org_id = ? AND `+in+` ORDER BY txn_id, seq`, args...); err != nil {
				return err
			}
		}
	}
	if n != len(pending) {
		return rcm.Errorf(rcm.EINTERNAL, "ledger: %d entries written, %d stored", len(pending), n)
	}
	for _, l := range lines {
		b := got[l]
		if b == nil {
			if b = before[l]; b == nil {
				b = &ledger.LineBalance{Line: l}
			}
		}
		if err := b.Verify(); err != nil {
			return err
		}
		want := state[l]
		if want == nil {
			want = &ledger.LineBalance{Line: l}
		}
		if !ledger.Equal(b, want) {
			return rcm.Errorf(rcm.EINTERNAL, "ledger line %d: stored balance differs from the checked one", l)
		}
	}
	return nil
}

// insertMany writes rows into table with multi-row INSERTs, preparing the
// statement for a full chunk once and reusing it: parsing a statement of
// hundreds of rows costs as much as running it.
func (tx *Tx) insertMany(ctx context.Context, table, cols string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	ncol := len(rows[0])
	per := max(1, 8000/ncol)
	one := "(" + inList(ncol) + ")"
	query := func(n int) string {
		return "INSERT INTO " + table + " (" + cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", n), ",")
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, per*ncol)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r...)
		}
		var err error
		if len(chunk) == per && len(rows) > per {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, query(per)); err != nil {
					return fmt.Errorf("%s: %w", table, err)
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, query(len(chunk)), args...)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", table, mapError(err))
		}
	}
	return nil
}

type pendingEntry struct {
	id  int64 // reserved on SQLite; 0 on PostgreSQL, which assigns it
	txn int64
	seq int
	e   ledger.Entry
}

// insertEntries writes entries with multi-row INSERTs: one statement per
// few hundred rows instead of one per row.
func (tx *Tx) insertEntries(ctx context.Context, org int64, entries []pendingEntry) error {
	const cols = "org_id, txn_id, seq, line_id, op, kind, payer_id, grp, side, amount, reason, method"
	if tx.Dialect() == Postgres {
		return tx.insertEntryArrays(ctx, org, entries)
	}
	withID := len(entries) > 0 && entries[0].id != 0
	ncol := 12
	if withID {
		ncol++
	}
	// One backing array for all the rows' arguments, and the few distinct
	// strings, payers and sides boxed once: a batch has up to millions of
	// entries, and boxing each value on its own is an allocation the
	// garbage collector then has to trace.
	flat := make([]any, 0, len(entries)*ncol)
	rows := make([][]any, len(entries))
	boxed := map[string]any{}
	str := func(s string) any {
		v, ok := boxed[s]
		if !ok {
			v = s
			boxed[s] = v
		}
		return v
	}
	payers := map[int64]any{}
	orgArg, debit, credit := any(org), any(int(ledger.Debit)), any(int(ledger.Credit))
	for i, p := range entries {
		e := p.e
		start := len(flat)
		if withID {
			flat = append(flat, p.id)
		}
		payer, ok := payers[e.Account.Payer]
		if !ok {
			payer = nullID(e.Account.Payer)
			payers[e.Account.Payer] = payer
		}
		var side any
		switch e.Side {
		case ledger.Debit:
			side = debit
		case ledger.Credit:
			side = credit
		default:
			side = int(e.Side)
		}
		flat = append(flat, orgArg, p.txn, p.seq, e.Account.Line, str(string(e.Op)), str(string(e.Account.Kind)), payer,
			str(e.Account.Group), side, int64(e.Amount), str(e.Reason), str(e.Method))
		rows[i] = flat[start:len(flat):len(flat)]
	}
	names := cols
	if withID {
		names = "id, " + cols
	}
	if err := tx.insertMany(ctx, "ledger_entry", names, rows); err != nil {
		return fmt.Errorf("ledger entries: %w", err)
	}
	return nil
}

// entryArrayChunk bounds the entries of one INSERT ... unnest statement.
const entryArrayChunk = 20000

// insertEntryArrays writes entries on PostgreSQL as one array per column
// through unnest: a statement of 12 parameters instead of thousands, so
// neither the driver nor the server handles each value as a parameter of
// its own.
func (tx *Tx) insertEntryArrays(ctx context.Context, org int64, entries []pendingEntry) error {
	for start := 0; start < len(entries); start += entryArrayChunk {
		chunk := entries[start:min(start+entryArrayChunk, len(entries))]
		n := len(chunk)
		txn, line, payer, amount := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		seq, side := make([]int32, n), make([]int16, n)
		op, kind, grp, reason, method := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		for i, p := range chunk {
			e := p.e
			txn[i], seq[i], line[i], op[i], kind[i] = p.txn, int32(p.seq), e.Account.Line, string(e.Op), string(e.Account.Kind)
			payer[i], grp[i], side[i], amount[i], reason[i], method[i] = e.Account.Payer, e.Account.Group, int16(e.Side), int64(e.Amount), e.Reason, e.Method
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_entry (org_id, txn_id, seq, line_id, op, kind, payer_id, grp, side, amount, reason, method)
			SELECT CAST(? AS BIGINT), t.txn, t.seq, t.line, t.op, t.kind, NULLIF(t.payer, 0), t.grp, t.side, t.amount, t.reason, t.method
			FROM unnest(CAST(? AS BIGINT[]), CAST(? AS INTEGER[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS BIGINT[]),
				CAST(? AS TEXT[]), CAST(? AS SMALLINT[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]))
				AS t(txn, seq, line, op, kind, payer, grp, side, amount, reason, method)`,
			org, txn, seq, line, op, kind, payer, grp, side, amount, reason, method); err != nil {
			return fmt.Errorf("ledger entries: %w", mapError(err))
		}
	}
	return nil
}

// idChunk is how many ids one query takes: an IN list of parameters on
// SQLite, one array parameter on PostgreSQL.
func (tx *Tx) idChunk() int {
	if tx.Dialect() == Postgres {
		return 10000
	}
	return inChunk
}

// idIn returns the condition "column is one of ids" and its arguments,
// preceded by org: an IN list on SQLite, = ANY of one array on PostgreSQL.
func (tx *Tx) idIn(column string, org int64, ids []int64) (string, []any) {
	if tx.Dialect() == Postgres {
		return column + " = ANY(CAST(? AS BIGINT[]))", []any{org, ids}
	}
	return column + " IN (" + inList(len(ids)) + ")", idArgs(org, ids)
}

// inList returns "?,?,...,?" for n parameters.
func inList(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func idArgs(org int64, ids []int64) []any {
	args := make([]any, 0, len(ids)+1)
	args = append(args, org)
	for _, id := range ids {
		args = append(args, id)
	}
	return args
}

// lockLines checks that every line exists in the organization and, on
// PostgreSQL, locks them in id order (no deadlock between two postings), so
// two postings to one line run one after the other.
func (tx *Tx) lockLines(ctx context.Context, org int64, lines []int64) error {
	for start := 0; start < len(lines); start += tx.idChunk() {
		chunk := lines[start:min(start+tx.idChunk(), len(lines))]
		in, args := tx.idIn("id", org, chunk)
		rows, err := tx.QueryContext(ctx, `SELECT id FROM service_line WHERE org_id = ? AND `+in+` ORDER BY id`+tx.forUpdate(), args...)
		if err != nil {
			return err
		}
		found := map[int64]bool{}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			found[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, l := range chunk {
			if !found[l] {
				return rcm.FieldErrorf(rcm.ENOTFOUND, "line", "Service line %d not found.", l)
			}
		}
	}
	return nil
}

// refusePostedKeys returns ECONFLICT when a key was posted before.
func (tx *Tx) refusePostedKeys(ctx context.Context, org int64, keys map[string]int) error {
	all := make([]string, 0, len(keys))
	for k := range keys {
		all = append(all, k)
	}
	slices.Sort(all)
	for start := 0; start < len(all); start += inChunk {
		chunk := all[start:min(start+inChunk, len(all))]
		args := []any{org}
		for _, k := range chunk {
			args = append(args, k)
		}
		// No ORDER BY id LIMIT 1: SQLite would walk the whole table in id
		// order looking for a match instead of using the key's index.
		type posted struct {
			key string
			id  int64
		}
		found, err := queryAll(ctx, tx, func(s scanner) (posted, error) {
			var p posted
			return p, s.Scan(&p.key, &p.id)
		}, `SELECT ext_key, id FROM ledger_txn WHERE org_id = ? AND ext_key IN (`+inList(len(chunk))+`)`, args...)
		if err != nil {
			return err
		}
		if len(found) > 0 {
			first := slices.MinFunc(found, func(a, b posted) int { return cmp.Compare(a.id, b.id) })
			return rcm.FieldErrorf(rcm.ECONFLICT, "key", "Already posted as transaction %d (key %s); nothing was posted.", first.id, first.key)
		}
	}
	return nil
}

// lineBalances sums the stored entries of lines into balances; a line
// without entries is absent from the map.
func (tx *Tx) lineBalances(ctx context.Context, org int64, lines []int64) (map[int64]*ledger.LineBalance, error) {
	out := map[int64]*ledger.LineBalance{}
	for start := 0; start < len(lines); start += tx.idChunk() {
		chunk := lines[start:min(start+tx.idChunk(), len(lines))]
		in, args := tx.idIn("line_id", org, chunk)
		rows, err := tx.QueryContext(ctx, `SELECT line_id, op, kind, payer_id, grp, side, reason, CAST(SUM(amount) AS BIGINT)
			FROM ledger_entry WHERE org_id = ? AND `+in+`
			GROUP BY line_id, op, kind, payer_id, grp, side, reason`, args...)
		if err != nil {
			return nil, err
		}
		if err := scanSums(rows, func(_, line int64) *ledger.LineBalance {
			b := out[line]
			if b == nil {
				b = &ledger.LineBalance{Line: line}
				out[line] = b
			}
			return b
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scanSums applies rows of (line, op, kind, payer, group, side, reason,
// sum), optionally preceded by org_id when balance takes it, to balances.
func scanSums(rows *sql.Rows, balance func(org, line int64) *ledger.LineBalance) error {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	withOrg := len(cols) == 9
	for rows.Next() {
		var org, line int64
		var payer sql.NullInt64
		var op, kind, grp, reason string
		var side int
		var amount int64
		dest := []any{&line, &op, &kind, &payer, &grp, &side, &reason, &amount}
		if withOrg {
			dest = append([]any{&org}, dest...)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		balance(org, line).ApplySum(ledger.Op(op), ledger.Account{Line: line, Kind: ledger.Kind(kind), Payer: payer.Int64, Group: grp},
			ledger.Side(side), reason, rcm.Money(amount))
	}
	return rows.Err()
}

// ledgerTxn reads a stored transaction with its entries.
func (tx *Tx) ledgerTxn(ctx context.Context, org, id int64) (*ledger.Transaction, error) {
	t := &ledger.Transaction{ID: id}
	var key sql.NullString
	var rev sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT ext_key, reverses, memo FROM ledger_txn WHERE org_id = ? AND id = ?`, org, id).Scan(&key, &rev, &t.Memo)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rcm.FieldErrorf(rcm.ENOTFOUND, "reverses", "Ledger transaction %d not found.", id)
	} else if err != nil {
		return nil, err
	}
	t.Key, t.Reverses = key.String, rev.Int64
	t.Entries, err = queryAll(ctx, tx, func(s scanner) (ledger.Entry, error) {
		var e ledger.Entry
		var payer sql.NullInt64
		var op, kind string
		var side int
		var amount int64
		err := s.Scan(&e.Account.Line, &op, &kind, &payer, &e.Account.Group, &side, &amount, &e.Reason, &e.Method)
		e.Op, e.Account.Kind, e.Account.Payer, e.Side, e.Amount = ledger.Op(op), ledger.Kind(kind), payer.Int64, ledger.Side(side), rcm.Money(amount)
		return e, err
	}, `SELECT line_id, op, kind, payer_id, grp, side, amount, reason, method FROM ledger_entry WHERE org_id = ? AND txn_id = ? ORDER BY seq`, org, id)
	return t, err
}

// reversedBy returns the transaction that reversed id, 0 if none.
func (tx *Tx) reversedBy(ctx context.Context, org, id int64) (int64, error) {
	var by int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM ledger_txn WHERE org_id = ? AND reverses = ?`, org, id).Scan(&by)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return by, err
}

// FindServiceLineIDs returns the ids of an encounter's service lines in
// claim order: the accounts of the ledger are kept per line id.
func (db *DB) FindServiceLineIDs(ctx context.Context, encounterID int64) ([]int64, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	ids, err := queryAll(ctx, db, func(s scanner) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	}, `SELECT id FROM service_line WHERE org_id = ? AND encounter_id = ? ORDER BY seq`, a.OrgID, encounterID)
	if err == nil && len(ids) == 0 {
		err = notFound("Encounter", encounterID)
	}
	return ids, err
}

// FindLedgerTransaction returns a posted transaction with its entries, for
// example to build its reversal with ledger.Reverse.
func (db *DB) FindLedgerTransaction(ctx context.Context, id int64) (*ledger.Transaction, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	var t *ledger.Transaction
	err = db.Transact(ctx, func(tx *Tx) error {
		t, err = tx.ledgerTxn(ctx, a.OrgID, id)
		return err
	})
	return t, err
}

// FindLedgerTransactionByKey returns the transaction posted with a source
// key, so a poster that was refused with ECONFLICT can say what was posted.
func (db *DB) FindLedgerTransactionByKey(ctx context.Context, key string) (*ledger.Transaction, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	var t *ledger.Transaction
	err = db.Transact(ctx, func(tx *Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM ledger_txn WHERE org_id = ? AND ext_key = ?`, a.OrgID, key).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return rcm.Errorf(rcm.ENOTFOUND, "No ledger transaction with key %s.", key)
		} else if err != nil {
			return err
		}
		t, err = tx.ledgerTxn(ctx, a.OrgID, id)
		return err
	})
	return t, err
}

// LedgerFilter selects the service lines whose balances to read; zero
// fields select everything.
type LedgerFilter struct {
	LineID      int64
	EncounterID int64
	PatientID   int64
}

// FindLineBalances returns the balances of the organization's lines that
// have ledger entries and match f, in line order.
func (db *DB) FindLineBalances(ctx context.Context, f LedgerFilter) ([]*ledger.LineBalance, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	where, args := `e.org_id = ?`, []any{a.OrgID}
	if f.LineID != 0 {
		where, args = where+` AND e.line_id = ?`, append(args, f.LineID)
	}
	if f.EncounterID != 0 {
		where, args = where+` AND s.encounter_id = ?`, append(args, f.EncounterID)
	}
	if f.PatientID != 0 {
		where, args = where+` AND enc.patient_id = ?`, append(args, f.PatientID)
	}
	rows, err := db.QueryContext(ctx, `SELECT e.line_id, e.op, e.kind, e.payer_id, e.grp, e.side, e.reason, CAST(SUM(e.amount) AS BIGINT)
		FROM ledger_entry e
		JOIN service_line s ON s.org_id = e.org_id AND s.id = e.line_id
		JOIN encounter enc ON enc.org_id = s.org_id AND enc.id = s.encounter_id
		WHERE `+where+`
		GROUP BY e.line_id, e.op, e.kind, e.payer_id, e.grp, e.side, e.reason`, args...)
	if err != nil {
		return nil, err
	}
	byLine := map[int64]*ledger.LineBalance{}
	if err := scanSums(rows, func(_, line int64) *ledger.LineBalance {
		b := byLine[line]
		if b == nil {
			b = &ledger.LineBalance{Line: line}
			byLine[line] = b
		}
		return b
	}); err != nil {
		return nil, err
	}
	out := make([]*ledger.LineBalance, 0, len(byLine))
	for _, b := range byLine {
		out = append(out, b)
	}
	slices.SortFunc(out, func(x, y *ledger.LineBalance) int { return cmp.Compare(x.Line, y.Line) })
	return out, nil
}

// LedgerTotals sums the balances of the lines matching f: charges,
// payments, adjustments by group, patient responsibility by reason, and
// open A/R by payer.
func (db *DB) LedgerTotals(ctx context.Context, f LedgerFilter) (ledger.Totals, error) {
	var t ledger.Totals
	lines, err := db.FindLineBalances(ctx, f)
	if err != nil {
		return t, err
	}
	for _, b := range lines {
		t.Add(b)
	}
	return t, nil
}

// PatientBalance is a patient's open balance over all their lines.
type PatientBalance struct {
	OrgID         int64     `json:"-"`
	PatientID     int64     `json:"patient_id"`
	AccountNumber string    `json:"account_number"`
	Open          rcm.Money `json:"open"`
}

// FindPatientBalances returns the organization's patients with an open
// balance, largest first.
func (db *DB) FindPatientBalances(ctx context.Context) ([]PatientBalance, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	return patientBalances(ctx, db, `WHERE e.org_id = ?`, a.OrgID)
}

func patientBalances(ctx context.Context, q queryer, where string, args ...any) ([]PatientBalance, error) {
	return queryAll(ctx, q, func(s scanner) (PatientBalance, error) {
		var p PatientBalance
		var open int64
		err := s.Scan(&p.OrgID, &p.PatientID, &p.AccountNumber, &open)
		p.Open = rcm.Money(open)
		return p, err
	}, `SELECT e.org_id, enc.patient_id, p.account_number, CAST(SUM(e.side * e.amount) AS BIGINT) AS balance
		FROM ledger_entry e
		JOIN service_line s ON s.org_id = e.org_id AND s.id = e.line_id
		JOIN encounter enc ON enc.org_id = s.org_id AND enc.id = s.encounter_id
		JOIN patient p ON p.org_id = enc.org_id AND p.id = enc.patient_id
		`+where+` AND e.kind = 'patient_ar'
		GROUP BY e.org_id, enc.patient_id, p.account_number
		HAVING SUM(e.side * e.amount) <> 0
		ORDER BY e.org_id, balance DESC, enc.patient_id`, args...)
}

// LedgerReport is the result of CheckLedger for one organization.
type LedgerReport struct {
	OrgID   int64
	OrgName string
	Totals  ledger.Totals
	// PayerNames maps payer row ids to "name (payer ID)" for printing.
	PayerNames map[int64]string
	Patients   []PatientBalance
	// Remittances is the number of 835s posted; Deposits sums their
	// deposit journals (ledger.Deposit).
	Remittances int
	Deposits    ledger.DepositTotals
	// Violations name every line or transaction that breaks the ledger's
	// rules; empty when the ledger is sound.
	Violations []string
}

// CheckLedger verifies the whole database, every organization: each line's
// invariant (debits equal credits, charge equals payments + adjustments +
// open balances, no receivable below zero), that every transaction
// balances, that each remittance's deposit journal balances and agrees with
// its BPR02, PLB, exceptions and ledger postings, and it returns the totals
// per organization. It reads without an actor: it is the operator's check
// behind `rcm ledger check`, for whoever can open the database directly.
func (db *DB) CheckLedger(ctx context.Context) ([]*LedgerReport, error) {
	reports := map[int64]*LedgerReport{}
	orgs, err := queryAll(ctx, db, func(s scanner) (*LedgerReport, error) {
		r := &LedgerReport{PayerNames: map[int64]string{}}
		return r, s.Scan(&r.OrgID, &r.OrgName)
	}, `SELECT id, name FROM organization ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for _, r := range orgs {
		reports[r.OrgID] = r
	}
	rows, err := db.QueryContext(ctx, `SELECT org_id, line_id, op, kind, payer_id, grp, side, reason, CAST(SUM(amount) AS BIGINT)
		FROM ledger_entry GROUP BY org_id, line_id, op, kind, payer_id, grp, side, reason ORDER BY org_id, line_id`)
	if err != nil {
		return nil, err
	}
	var cur *ledger.LineBalance
	var curOrg int64
	flush := func() {
		if cur == nil {
			return
		}
		r := reports[curOrg]
		if err := cur.Verify(); err != nil {
			r.Violations = append(r.Violations, rcm.ErrorMessage(err))
		}
		r.Totals.Add(cur)
	}
	if err := scanSums(rows, func(org, line int64) *ledger.LineBalance {
		if cur == nil || cur.Line != line || curOrg != org {
			flush()
			cur, curOrg = &ledger.LineBalance{Line: line}, org
		}
		return cur
	}); err != nil {
		return nil, err
	}
	flush()
	type unbalanced struct{ org, txn, net int64 }
	bad, err := queryAll(ctx, db, func(s scanner) (unbalanced, error) {
		var u unbalanced
		return u, s.Scan(&u.org, &u.txn, &u.net)
	}, `SELECT t.org_id, t.id, CAST(COALESCE(SUM(e.side * e.amount), 0) AS BIGINT)
		FROM ledger_txn t LEFT JOIN ledger_entry e ON e.org_id = t.org_id AND e.txn_id = t.id
		GROUP BY t.org_id, t.id
		HAVING COALESCE(SUM(e.side * e.amount), 0) <> 0 OR COUNT(e.id) = 0 ORDER BY t.org_id, t.id`)
	if err != nil {
		return nil, err
	}
	for _, u := range bad {
		reports[u.org].Violations = append(reports[u.org].Violations,
			fmt.Sprintf("Transaction %d: debits minus credits is %s (or it has no entries).", u.txn, rcm.Money(u.net)))
	}
	if err := db.checkDeposits(ctx, reports); err != nil {
		return nil, err
	}
	pats, err := patientBalances(ctx, db, `WHERE 1 = 1`)
	if err != nil {
		return nil, err
	}
	for _, p := range pats {
		reports[p.OrgID].Patients = append(reports[p.OrgID].Patients, p)
	}
	type payerName struct {
		org, id int64
		name    string
	}
	names, err := queryAll(ctx, db, func(s scanner) (payerName, error) {
		var p payerName
		var pid string
		err := s.Scan(&p.org, &p.id, &p.name, &pid)
		p.name += " (" + pid + ")"
		return p, err
	}, `SELECT org_id, id, name, payer_id FROM payer`)
	if err != nil {
		return nil, err
	}
	for _, p := range names {
		reports[p.org].PayerNames[p.id] = p.name
	}
	return orgs, nil
}
