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
	var pending []pendingPair
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
		// ledger.Check accepted t, so its entries are pairs: 2i the debit
		// and 2i+1 the credit, on one line, of one amount.
		for i := 0; i+1 < len(t.Entries); i += 2 {
			pending = append(pending, pendingPair{txn: id, seq: i / 2, debit: t.Entries[i], credit: t.Entries[i+1]})
		}
	}
	if err := tx.insertMany(ctx, "ledger_txn", "id, org_id, posted_at, user_id, ext_key, reverses, memo", txnRows); err != nil {
		if rcm.ErrorCode(err) == rcm.ECONFLICT {
			return nil, rcm.FieldErrorf(rcm.ECONFLICT, "key", "A transaction of the batch, or its reversal, was posted by someone else meanwhile.")
		}
		return nil, err
	}
	// The KPI report's summary changes in this transaction with the
	// pairs (kpi_summary.go).
	recharged := rechargedLines(pending)
	if err := tx.kpiBeforePairs(ctx, a.OrgID, recharged); err != nil {
		return nil, err
	}
	if err := tx.insertPairs(ctx, a.OrgID, pending); err != nil {
		return nil, err
	}
	// The invariant once more, from what the database now holds: the
	// entries just written, read back row by row and compared with what was
	// checked, then added to the balances read under lock before; a bug in
	// the inserts rolls the whole posting back here.
	if err := tx.verifyWritten(ctx, a.OrgID, ids, pending, lines, before, state); err != nil {
		return nil, err
	}
	if err := tx.kpiAfterPairs(ctx, a.OrgID, ids, lines, recharged); err != nil {
		return nil, err
	}
	return ids, tx.audit(ctx, a, rcm.AuditCreate, "ledger_txn", ids[0], 0)
}

// verifyWritten reads back the entry pairs of this batch (pending, in the
// order they were written) and refuses the batch unless every stored row is
// the pair that was checked and, line by line, the balance before plus the
// stored entries equals the checked balance and holds the invariant. On
// SQLite the transactions' ids were reserved under the write lock, so the
// pairs are read as one range of the table's primary key, to its end: a row
// more than was written is read too. On PostgreSQL they are read by their
// transactions. Reading the rows themselves costs less than having the
// database group them: a batch has about as many groups as rows.
func (tx *Tx) verifyWritten(ctx context.Context, org int64, ids []int64, pending []pendingPair, lines []int64,
	before, state map[int64]*ledger.LineBalance) error {
	const cols = `SELECT org_id, txn_id, seq, line_id, op, amount, reason, method, debit_kind, debit_payer, debit_grp,
		credit_kind, credit_payer, credit_grp FROM ledger_pair `
	n := 0
	got := make(map[int64]*ledger.LineBalance, len(lines)) // before plus the stored entries
	var b *ledger.LineBalance
	read := func(query string, args ...any) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		// The text columns are compared, never kept: RawBytes reuses one
		// buffer per column instead of a string per value.
		var op, reason, method, dKind, dGrp, cKind, cGrp sql.RawBytes
		for rows.Next() {
			var rowOrg, txn, line, amount int64
			var seq int
			var dPayer, cPayer sql.NullInt64
			if err := rows.Scan(&rowOrg, &txn, &seq, &line, &op, &amount, &reason, &method, &dKind, &dPayer, &dGrp, &cKind, &cPayer, &cGrp); err != nil {
				return err
			}
			if n >= len(pending) {
				return rcm.Errorf(rcm.EINTERNAL, "ledger: more entry pairs stored than written")
			}
			p := &pending[n]
			d, c := &p.debit, &p.credit
			if rowOrg != org || txn != p.txn || seq != p.seq || line != d.Account.Line || string(op) != string(d.Op) || amount != int64(d.Amount) ||
				string(reason) != d.Reason || string(method) != d.Method || !sameAccount(d.Account, dKind, dPayer, dGrp) || !sameAccount(c.Account, cKind, cPayer, cGrp) {
				return rcm.Errorf(rcm.EINTERNAL, "ledger transaction %d pair %d: stored pair differs from the checked one", p.txn, p.seq)
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
			b.Apply(*d)
			b.Apply(*c)
		}
		return rows.Err()
	}
	if len(pending) > 0 && tx.Dialect() == SQLite {
		// Every pair of a transaction from the first reserved id on was
		// written by this database transaction, which holds the one write
		// lock.
		if err := read(cols+`WHERE txn_id >= ? ORDER BY txn_id, seq`, ids[0]); err != nil {
			return err
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
		return rcm.Errorf(rcm.EINTERNAL, "ledger: %d entry pairs written, %d stored", len(pending), n)
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

// sameAccount reports whether a stored side of a pair is the account a.
func sameAccount(a ledger.Account, kind []byte, payer sql.NullInt64, grp []byte) bool {
	return string(kind) == string(a.Kind) && payer.Int64 == a.Payer && payer.Valid == (a.Payer != 0) && string(grp) == a.Group
}

// insertMany writes rows into table with multi-row INSERTs of a few fixed
// sizes (chunks): parsing a statement of hundreds of rows costs as much as
// running it, and fixed texts let the statements stay prepared from one
// transaction to the next (stmtcache.go).
func (tx *Tx) insertMany(ctx context.Context, table, cols string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	ncol := len(rows[0])
	one := "(" + inList(ncol) + ")"
	query := func(n int) string {
		return "INSERT INTO " + table + " (" + cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", n), ",")
	}
	args := make([]any, 0, min(len(rows), maxChunk(ncol))*ncol)
	for _, chunk := range chunks(len(rows), maxChunk(ncol)) {
		args = args[:0]
		for _, r := range rows[chunk.from:chunk.to] {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, query(chunk.to-chunk.from), args...); err != nil {
			return fmt.Errorf("%s: %w", table, mapError(err))
		}
	}
	return nil
}

// maxChunk is the most rows of ncol values one multi-row statement takes:
// a power of two, at most 128 rows and 8,000 values.
func maxChunk(ncol int) int {
	n := 128
	for n > 1 && n*ncol > 8000 {
		n /= 2
	}
	return n
}

// span is a range of rows [from, to).
type span struct{ from, to int }

// chunks cuts n rows into spans of per rows (a power of two) and the rest
// into spans of smaller powers of two, so a statement for any n has one of
// a few texts.
func chunks(n, per int) []span {
	var out []span
	at := 0
	for size := per; size > 0; size /= 2 {
		for n-at >= size {
			out = append(out, span{at, at + size})
			at += size
		}
	}
	return out
}

// pendingPair is an entry pair to store: one row of ledger_pair.
type pendingPair struct {
	txn           int64
	seq           int // the pair's index in its transaction
	debit, credit ledger.Entry
}

// insertPairs writes entry pairs with multi-row INSERTs: one statement per
// few hundred rows instead of one per row.
func (tx *Tx) insertPairs(ctx context.Context, org int64, pairs []pendingPair) error {
	const cols = "org_id, txn_id, seq, line_id, op, amount, reason, method, debit_kind, debit_payer, debit_grp, credit_kind, credit_payer, credit_grp"
	if tx.Dialect() == Postgres {
		return tx.insertPairArrays(ctx, org, pairs)
	}
	const ncol = 14
	// One backing array for all the rows' arguments, and the few distinct
	// strings and payers boxed once: a batch has up to millions of pairs,
	// and boxing each value on its own is an allocation the garbage
	// collector then has to trace.
	flat := make([]any, 0, len(pairs)*ncol)
	rows := make([][]any, len(pairs))
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
	payer := func(id int64) any {
		v, ok := payers[id]
		if !ok {
			v = nullID(id)
			payers[id] = v
		}
		return v
	}
	orgArg := any(org)
	for i, p := range pairs {
		d, c := p.debit, p.credit
		start := len(flat)
		flat = append(flat, orgArg, p.txn, p.seq, d.Account.Line, str(string(d.Op)), int64(d.Amount), str(d.Reason), str(d.Method),
			str(string(d.Account.Kind)), payer(d.Account.Payer), str(d.Account.Group),
			str(string(c.Account.Kind)), payer(c.Account.Payer), str(c.Account.Group))
		rows[i] = flat[start:len(flat):len(flat)]
	}
	if err := tx.insertMany(ctx, "ledger_pair", cols, rows); err != nil {
		return fmt.Errorf("ledger entries: %w", err)
	}
	return nil
}

// pairArrayChunk bounds the pairs of one INSERT ... unnest statement.
const pairArrayChunk = 20000

// insertPairArrays writes pairs on PostgreSQL as one array per column
// through unnest: a statement of 14 parameters instead of thousands, so
// neither the driver nor the server handles each value as a parameter of
// its own.
func (tx *Tx) insertPairArrays(ctx context.Context, org int64, pairs []pendingPair) error {
	for start := 0; start < len(pairs); start += pairArrayChunk {
		chunk := pairs[start:min(start+pairArrayChunk, len(pairs))]
		n := len(chunk)
		txn, line, amount, dPayer, cPayer := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		seq := make([]int32, n)
		op, reason, method := make([]string, n), make([]string, n), make([]string, n)
		dKind, dGrp, cKind, cGrp := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		for i, p := range chunk {
			d, c := p.debit, p.credit
			txn[i], seq[i], line[i], op[i], amount[i], reason[i], method[i] = p.txn, int32(p.seq), d.Account.Line, string(d.Op), int64(d.Amount), d.Reason, d.Method
			dKind[i], dPayer[i], dGrp[i] = string(d.Account.Kind), d.Account.Payer, d.Account.Group
			cKind[i], cPayer[i], cGrp[i] = string(c.Account.Kind), c.Account.Payer, c.Account.Group
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_pair (org_id, txn_id, seq, line_id, op, amount, reason, method,
				debit_kind, debit_payer, debit_grp, credit_kind, credit_payer, credit_grp)
			SELECT CAST(? AS BIGINT), t.txn, t.seq, t.line, t.op, t.amount, t.reason, t.method,
				t.dkind, NULLIF(t.dpayer, 0), t.dgrp, t.ckind, NULLIF(t.cpayer, 0), t.cgrp
			FROM unnest(CAST(? AS BIGINT[]), CAST(? AS INTEGER[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS BIGINT[]),
				CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]),
				CAST(? AS TEXT[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]))
				AS t(txn, seq, line, op, amount, reason, method, dkind, dpayer, dgrp, ckind, cpayer, cgrp)`,
			org, txn, seq, line, op, amount, reason, method, dKind, dPayer, dGrp, cKind, cPayer, cGrp); err != nil {
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
		rows, err := tx.QueryContext(ctx, `SELECT `+pairSumCols+` FROM ledger_pair WHERE org_id = ? AND `+in+` GROUP BY `+pairSumCols0, args...)
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

// pairSumCols0 are the columns that group entry pairs into sums that
// LineBalance.ApplySum takes (both sides of each); pairSumCols adds the sum.
const (
	pairSumCols0 = `line_id, op, reason, debit_kind, debit_payer, debit_grp, credit_kind, credit_payer, credit_grp`
	pairSumCols  = pairSumCols0 + `, CAST(SUM(amount) AS BIGINT)`
)

// scanSums applies rows of pairSumCols, optionally preceded by org_id when
// the query selects it, to balances: each row's sum to its debit account
// and to its credit account.
func scanSums(rows *sql.Rows, balance func(org, line int64) *ledger.LineBalance) error {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	withOrg := len(cols) == 11
	// The text columns take a handful of values (operations, account
	// kinds, groups, reason codes): each is made a string once.
	var org, line, amount int64
	var dPayer, cPayer sql.NullInt64
	var op, reason, dKind, dGrp, cKind, cGrp sql.RawBytes
	dest := []any{&line, &op, &reason, &dKind, &dPayer, &dGrp, &cKind, &cPayer, &cGrp, &amount}
	if withOrg {
		dest = append([]any{&org}, dest...)
	}
	strs := map[string]string{}
	str := func(b []byte) string {
		if s, ok := strs[string(b)]; ok {
			return s
		}
		s := string(b)
		strs[s] = s
		return s
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		b := balance(org, line)
		o, r := ledger.Op(str(op)), str(reason)
		b.ApplySum(o, ledger.Account{Line: line, Kind: ledger.Kind(str(dKind)), Payer: dPayer.Int64, Group: str(dGrp)}, ledger.Debit, r, rcm.Money(amount))
		b.ApplySum(o, ledger.Account{Line: line, Kind: ledger.Kind(str(cKind)), Payer: cPayer.Int64, Group: str(cGrp)}, ledger.Credit, r, rcm.Money(amount))
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
	pairs, err := queryAll(ctx, tx, func(s scanner) ([2]ledger.Entry, error) {
		var d ledger.Entry
		var dPayer, cPayer sql.NullInt64
		var op, dKind, cKind string
		var amount int64
		c := ledger.Entry{Side: ledger.Credit}
		err := s.Scan(&d.Account.Line, &op, &amount, &d.Reason, &d.Method, &dKind, &dPayer, &d.Account.Group, &cKind, &cPayer, &c.Account.Group)
		d.Op, d.Side, d.Amount, d.Account.Kind, d.Account.Payer = ledger.Op(op), ledger.Debit, rcm.Money(amount), ledger.Kind(dKind), dPayer.Int64
		c.Op, c.Amount, c.Reason, c.Method = d.Op, d.Amount, d.Reason, d.Method
		c.Account.Line, c.Account.Kind, c.Account.Payer = d.Account.Line, ledger.Kind(cKind), cPayer.Int64
		return [2]ledger.Entry{d, c}, err
	}, `SELECT line_id, op, amount, reason, method, debit_kind, debit_payer, debit_grp, credit_kind, credit_payer, credit_grp
		FROM ledger_pair WHERE org_id = ? AND txn_id = ? ORDER BY seq`, org, id)
	for _, p := range pairs {
		t.Entries = append(t.Entries, p[0], p[1])
	}
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

// LedgerFilter is rcm.LedgerFilter; the alias keeps existing
// sqldb.LedgerFilter callers compiling now that the type lives in the
// domain.
type LedgerFilter = rcm.LedgerFilter

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
	rows, err := db.QueryContext(ctx, `SELECT `+pairSumCols+`
		FROM ledger_pair e
		JOIN service_line s ON s.org_id = e.org_id AND s.id = e.line_id
		JOIN encounter enc ON enc.org_id = s.org_id AND enc.id = s.encounter_id
		WHERE `+where+`
		GROUP BY `+pairSumCols0, args...)
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

// PatientBalance is the domain type; the alias keeps older callers compiling.
type PatientBalance = rcm.PatientBalance

// FindPatientBalances returns the organization's patients with an open
// balance, largest first. The read is one audit event naming them all.
func (db *DB) FindPatientBalances(ctx context.Context) ([]PatientBalance, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var out []PatientBalance
	err = db.Transact(ctx, func(tx *Tx) error {
		if out, err = patientBalances(ctx, tx, `WHERE e.org_id = ?`, a.OrgID); err != nil {
			return err
		}
		ids := make([]int64, len(out))
		for i, p := range out {
			ids[i] = p.PatientID
		}
		return tx.auditList(ctx, a, "patient_balances", 0, ids)
	})
	return out, err
}

// patientAR is what an entry pair e changes the patient's receivable by.
const patientAR = `CASE WHEN e.debit_kind = 'patient_ar' THEN e.amount ELSE 0 END - CASE WHEN e.credit_kind = 'patient_ar' THEN e.amount ELSE 0 END`

func patientBalances(ctx context.Context, q queryer, where string, args ...any) ([]PatientBalance, error) {
	return queryAll(ctx, q, func(s scanner) (PatientBalance, error) {
		var p PatientBalance
		var open int64
		err := s.Scan(&p.OrgID, &p.PatientID, &p.AccountNumber, &open)
		p.Open = rcm.Money(open)
		return p, err
	}, `SELECT e.org_id, enc.patient_id, p.account_number, CAST(SUM(`+patientAR+`) AS BIGINT) AS balance
		FROM ledger_pair e
		JOIN service_line s ON s.org_id = e.org_id AND s.id = e.line_id
		JOIN encounter enc ON enc.org_id = s.org_id AND enc.id = s.encounter_id
		JOIN patient p ON p.org_id = enc.org_id AND p.id = enc.patient_id
		`+where+` AND (e.debit_kind = 'patient_ar' OR e.credit_kind = 'patient_ar')
		GROUP BY e.org_id, enc.patient_id, p.account_number
		HAVING SUM(`+patientAR+`) <> 0
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
	rows, err := db.QueryContext(ctx, `SELECT org_id, `+pairSumCols+` FROM ledger_pair GROUP BY org_id, `+pairSumCols0+` ORDER BY org_id, line_id`)
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
	// Each stored pair balances by construction (one amount for its debit
	// and its credit); a transaction must hold pairs 0..n-1, n > 0.
	type broken struct{ org, txn, pairs, last int64 }
	bad, err := queryAll(ctx, db, func(s scanner) (broken, error) {
		var b broken
		return b, s.Scan(&b.org, &b.txn, &b.pairs, &b.last)
	}, `SELECT t.org_id, t.id, COUNT(p.seq), COALESCE(MAX(p.seq), -1)
		FROM ledger_txn t LEFT JOIN ledger_pair p ON p.org_id = t.org_id AND p.txn_id = t.id
		GROUP BY t.org_id, t.id
		HAVING COUNT(p.seq) = 0 OR MAX(p.seq) <> COUNT(p.seq) - 1 OR MIN(p.seq) <> 0 ORDER BY t.org_id, t.id`)
	if err != nil {
		return nil, err
	}
	for _, b := range bad {
		reports[b.org].Violations = append(reports[b.org].Violations,
			fmt.Sprintf("Transaction %d: it has %d entry pairs, numbered up to %d; a transaction holds pairs 0 to n-1, at least one.", b.txn, b.pairs, b.last))
	}
	if err := db.checkDeposits(ctx, reports); err != nil {
		return nil, err
	}
	if err := db.checkKPISummary(ctx, reports); err != nil {
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
