package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
)

// DefaultAuditShards is how many hash chains an organization's audit log
// spreads over when audit_chain_config has no row for it.
const DefaultAuditShards = 16

// pendingAudit is an audit event recorded during a transaction and linked
// into its chain when the transaction commits (flushAudit).
type pendingAudit struct {
	e    rcm.AuditEvent
	list bool // a list read: its patients go to audit_list_patient
}

// queueAudit records an event to append when the transaction commits.
// Linking it then, not now, is what keeps unrelated work apart: the head
// row of a chain is locked only for the few statements that append to it,
// after everything else the transaction does, instead of from the first
// audited read to the commit.
func (tx *Tx) queueAudit(p pendingAudit) {
	tx.audits = append(tx.audits, p)
}

// auditMark and auditRewind let a savepoint that rolls back drop the
// events its work queued, as the rows it wrote are dropped.
func (tx *Tx) auditMark() int { return len(tx.audits) }

func (tx *Tx) auditRewind(mark int) {
	if mark < len(tx.audits) {
		tx.audits = tx.audits[:mark]
	}
}

// shardOf places a patient's events on one chain, so one patient's history
// is one chain in order; fnv spreads consecutive ids evenly.
func shardOf(patient int64, shards int) int {
	h := fnv.New32a()
	h.Write([]byte(strconv.FormatInt(patient, 10)))
	return int(h.Sum32() % uint32(shards))
}

// AuditShards returns how many chains the organization's new audit events
// spread over.
func (db *DB) AuditShards(ctx context.Context, org int64) (int, error) {
	return auditShards(ctx, db, org)
}

func auditShards(ctx context.Context, q rowQueryer, org int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT shards FROM audit_chain_config WHERE org_id = ?`, org).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultAuditShards, nil
	}
	return n, err
}

// SetAuditShards sets how many chains the organization's new events spread
// over (1 to 1024). Events already written keep their chains; verification
// walks every chain there is, so the number may change at any time.
func (db *DB) SetAuditShards(ctx context.Context, org int64, shards int) error {
	if shards < 1 || shards > 1024 {
		return rcm.Errorf(rcm.EINVALID, "The number of audit chains must be between 1 and 1024, not %d.", shards)
	}
	_, err := db.ExecContext(ctx, `INSERT INTO audit_chain_config (org_id, shards) VALUES (?, ?)
		ON CONFLICT (org_id) DO UPDATE SET shards = excluded.shards`, org, shards)
	return mapError(err)
}

type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type chainKey struct {
	org   int64
	shard int
}

type chainHead struct {
	seq  int64
	hash string
}

// flushAudit links the transaction's queued events into their chains and
// writes them, just before the commit. Each event goes to its patient's
// shard; events without a patient (list reads, organization records) go to
// one shard drawn at random for the transaction. The heads are locked in
// ascending (organization, shard) order, so two transactions never wait on
// each other's heads in a cycle.
func (tx *Tx) flushAudit(ctx context.Context) error {
	if len(tx.audits) == 0 {
		return nil
	}
	pending := tx.audits
	tx.audits = nil
	shardsOf := map[int64]int{}
	anyShard := map[int64]int{}
	keys := map[chainKey]bool{}
	for i := range pending {
		e := &pending[i].e
		n, ok := shardsOf[e.OrgID]
		if !ok {
			var err error
			if n, err = auditShards(ctx, tx, e.OrgID); err != nil {
				return fmt.Errorf("audit chains: %w", err)
			}
			shardsOf[e.OrgID] = n
			anyShard[e.OrgID] = rand.IntN(n)
		}
		if e.PatientID > 0 {
			e.Shard = shardOf(e.PatientID, n)
		} else {
			e.Shard = anyShard[e.OrgID]
		}
		keys[chainKey{e.OrgID, e.Shard}] = true
	}
	heads, err := tx.lockHeads(ctx, keys)
	if err != nil {
		return err
	}
	const cols = `org_id, shard, seq, at, user_id, action, entity, entity_id, patient_id, reason, prev_hash, hash`
	var rows [][]any
	for i := range pending {
		e := &pending[i].e
		k := chainKey{e.OrgID, e.Shard}
		h := heads[k]
		e.Seq, e.PrevHash = h.seq+1, h.hash
		e.Hash = auditHash(e)
		heads[k] = chainHead{e.Seq, e.Hash}
		row := []any{e.OrgID, e.Shard, e.Seq, formatTime(e.At), e.UserID, e.Action, e.Entity, e.EntityID, e.PatientID, e.Reason, e.PrevHash, e.Hash}
		if !pending[i].list {
			rows = append(rows, row)
			continue
		}
		// A list read needs its id for its patients: write the plain
		// events before it first, so ids keep the order events happened.
		if err := tx.insertMany(ctx, "audit_event", cols, rows); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		rows = rows[:0]
		id, err := tx.insert(ctx, `INSERT INTO audit_event (`+cols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, row...)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		pr := make([][]any, len(e.PatientIDs))
		for j, p := range e.PatientIDs {
			pr[j] = []any{e.OrgID, id, p}
		}
		if err := tx.insertMany(ctx, "audit_list_patient", "org_id, event_id, patient_id", pr); err != nil {
			return fmt.Errorf("audit patients: %w", err)
		}
	}
	if err := tx.insertMany(ctx, "audit_event", cols, rows); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	for _, k := range sortedKeys(keys) {
		h := heads[k]
		if _, err := tx.ExecContext(ctx, `UPDATE audit_chain_head SET seq = ?, hash = ? WHERE org_id = ? AND shard = ?`, h.seq, h.hash, k.org, k.shard); err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
	}
	return nil
}

func sortedKeys(keys map[chainKey]bool) []chainKey {
	out := make([]chainKey, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b chainKey) int {
		return cmp.Or(cmp.Compare(a.org, b.org), cmp.Compare(a.shard, b.shard))
	})
	return out
}

// lockHeads locks (on PostgreSQL; SQLite's writer already holds the
// database) and reads the heads of the chains, making a head a chain lacks.
func (tx *Tx) lockHeads(ctx context.Context, keys map[chainKey]bool) (map[chainKey]chainHead, error) {
	heads := make(map[chainKey]chainHead, len(keys))
	sorted := sortedKeys(keys)
	for start := 0; start < len(sorted); {
		org := sorted[start].org
		end := start
		for end < len(sorted) && sorted[end].org == org {
			end++
		}
		group := sorted[start:end]
		start = end
		if err := tx.readHeads(ctx, org, group, heads); err != nil {
			return nil, err
		}
		var missing []chainKey
		for _, k := range group {
			if _, ok := heads[k]; !ok {
				missing = append(missing, k)
			}
		}
		if len(missing) == 0 {
			continue
		}
		// A new chain: insert-if-absent, then lock, so two first events of
		// one chain queue on its row instead of colliding.
		for _, k := range missing {
			if _, err := tx.ExecContext(ctx, `INSERT INTO audit_chain_head (org_id, shard, seq, hash) VALUES (?, ?, 0, '') ON CONFLICT DO NOTHING`, k.org, k.shard); err != nil {
				return nil, fmt.Errorf("audit head: %w", err)
			}
		}
		if err := tx.readHeads(ctx, org, missing, heads); err != nil {
			return nil, err
		}
		for _, k := range missing {
			if _, ok := heads[k]; !ok {
				return nil, fmt.Errorf("audit head of chain %d of organization %d is missing", k.shard, k.org)
			}
		}
	}
	return heads, nil
}

func (tx *Tx) readHeads(ctx context.Context, org int64, keys []chainKey, into map[chainKey]chainHead) error {
	args := []any{org}
	for _, k := range keys {
		args = append(args, k.shard)
	}
	rows, err := tx.QueryContext(ctx, `SELECT shard, seq, hash FROM audit_chain_head WHERE org_id = ? AND shard IN (`+
		strings.TrimSuffix(strings.Repeat("?, ", len(keys)), ", ")+`) ORDER BY shard`+tx.forUpdate(), args...)
	if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var shard int
		var h chainHead
		if err := rows.Scan(&shard, &h.seq, &h.hash); err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
		into[chainKey{org, shard}] = h
	}
	return rows.Err()
}
