package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
)

// AuditBreak is the first place an organization's audit chains fail to
// verify: the event (by its chain, its sequence number in the chain and its
// row id), its time, and what is wrong with it in words.
type AuditBreak struct {
	Shard   int
	Seq     int64
	EventID int64
	At      time.Time
	Problem string
}

// AuditReport is the result of CheckAuditChains for one organization:
// how many events verified before the break, and the break, if any.
type AuditReport struct {
	OrgID   int64
	OrgName string
	Events  int
	// Chains is how many chains hold events (or have a head).
	Chains int
	Break  *AuditBreak
	// Head digests the heads of every sound chain (see HeadDigest).
	// Recorded somewhere the database's users cannot write, it exposes what
	// the chains alone cannot: a log cut short with its heads rewritten to
	// match.
	Head string
}

// CheckAuditChains verifies the audit chain of one organization (org > 0)
// or of every organization. Like CheckLedger it reads without an actor: it
// is the operator's check behind `rcm audit verify`, for whoever can open
// the database directly. An unknown organization is ENOTFOUND.
func (db *DB) CheckAuditChains(ctx context.Context, org int64) ([]*AuditReport, error) {
	q := `SELECT id, name FROM organization`
	var args []any
	if org > 0 {
		q += ` WHERE id = ?`
		args = append(args, org)
	}
	reports, err := queryAll(ctx, db, func(s scanner) (*AuditReport, error) {
		r := &AuditReport{}
		return r, s.Scan(&r.OrgID, &r.OrgName)
	}, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	if org > 0 && len(reports) == 0 {
		return nil, rcm.Errorf(rcm.ENOTFOUND, "Organization %d does not exist.", org)
	}
	for _, r := range reports {
		var heads []ChainHead
		if r.Events, r.Chains, heads, r.Break, err = verifyAuditChains(ctx, db, r.OrgID); err != nil {
			return nil, fmt.Errorf("verify audit chains of organization %d: %w", r.OrgID, err)
		}
		if r.Break == nil && r.Events > 0 {
			r.Head = HeadDigest(heads)
		}
	}
	return reports, nil
}

// ChainHead is where one verified chain ends: its last event's number and
// hash.
type ChainHead struct {
	Shard int
	Seq   int64
	Hash  string
}

// HeadDigest is the SHA-256 of the lines "shard seq hash" of every
// non-empty chain in shard order: one value that names where every chain
// ended, for an operator to record outside the database. A log whose
// single chain predates shards digests as the line of chain 0 alone.
func HeadDigest(heads []ChainHead) string {
	h := sha256.New()
	for _, c := range heads {
		if c.Seq == 0 {
			continue
		}
		fmt.Fprintf(h, "%d %d %s\n", c.Shard, c.Seq, c.Hash)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// verifyAuditChains verifies every chain of the organization: those with a
// head and those with events (an event on a chain without a head was added
// outside the application). It returns the events verified, the chains,
// their heads, and the first break.
func verifyAuditChains(ctx context.Context, db *DB, org int64) (int, int, []ChainHead, *AuditBreak, error) {
	shards, err := auditChainShards(ctx, db, org)
	if err != nil {
		return 0, 0, nil, nil, err
	}
	total, chains := 0, 0
	var heads []ChainHead
	for _, shard := range shards {
		n, head, brk, err := verifyAuditChain(ctx, db, org, shard)
		total += n
		if err != nil || brk != nil {
			return total, chains, heads, brk, err
		}
		if n > 0 {
			chains++
			heads = append(heads, ChainHead{Shard: shard, Seq: int64(n), Hash: head})
		}
	}
	return total, chains, heads, nil, nil
}

// auditChainShards lists, in order, the chains that have a head or an
// event. The events' chains are found one index seek each (the next shard
// after the last), not by reading the log.
func auditChainShards(ctx context.Context, db *DB, org int64) ([]int, error) {
	shards, err := queryAll(ctx, db, func(s scanner) (int, error) {
		var n int
		return n, s.Scan(&n)
	}, `SELECT shard FROM audit_chain_head WHERE org_id = ?`, org)
	if err != nil {
		return nil, err
	}
	next := sql.NullInt64{Int64: -1 << 31, Valid: true}
	for {
		if err := db.QueryRowContext(ctx, `SELECT MIN(shard) FROM audit_event WHERE org_id = ? AND shard > ?`, org, next.Int64).Scan(&next); err != nil {
			return nil, err
		}
		if !next.Valid {
			break
		}
		shards = append(shards, int(next.Int64))
	}
	slices.Sort(shards)
	return slices.Compact(shards), nil
}

// auditPage is how many events verifyAuditChain reads at a time.
const auditPage = 1000

// verifyAuditChain walks one chain of an organization from its first event:
// each event must have the next sequence number, link to the hash of the
// one before, and hash to what it stores (with the patients of a list
// read); and the head must name the last event. It runs while others
// append: it verifies up to the head it read, and an event past that head
// is accepted only once a fresh read of the head covers it, because an
// event and its head commit together. So a row forged past the head is a
// break, and a busy log is not.
func verifyAuditChain(ctx context.Context, db *DB, org int64, shard int) (int, string, *AuditBreak, error) {
	var n int64
	prev := ""
	var last *rcm.AuditEvent
	for {
		headSeq, headHash, err := auditHeadOf(ctx, db, org, shard)
		if err != nil {
			return int(n), "", nil, err
		}
		for n < headSeq {
			events, err := queryAll(ctx, db, func(s scanner) (*rcm.AuditEvent, error) {
				return scanAuditRow(s, org)
			}, `SELECT `+auditCols+` FROM audit_event WHERE org_id = ? AND shard = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
				org, shard, n, headSeq, auditPage)
			if err != nil {
				return int(n), "", nil, err
			}
			if len(events) == 0 {
				return int(n), "", headBreak(shard, last, fmt.Sprintf("chain %d ends at event %d but its head names event %d: later events were removed", shard, n, headSeq)), nil
			}
			if err := loadAuditPatients(ctx, db, org, events); err != nil {
				return int(n), "", nil, err
			}
			for _, e := range events {
				brk := &AuditBreak{Shard: shard, Seq: e.Seq, EventID: e.ID, At: e.At}
				switch {
				case e.Seq != n+1:
					brk.Problem = fmt.Sprintf("event %d of chain %d is missing: the chain goes from event %d to event %d", n+1, shard, n, e.Seq)
				case e.PrevHash != prev:
					brk.Problem = fmt.Sprintf("it does not link to event %d of chain %d: an event before it was removed, replaced, moved or rewritten", n, shard)
				case auditHash(e) != e.Hash:
					brk.Problem = "its contents do not match its hash: the event (or the patients it names) was altered"
				}
				if brk.Problem != "" {
					return int(n), "", brk, nil
				}
				n, prev, last = e.Seq, e.Hash, e
			}
		}
		if n > 0 && headHash != prev {
			return int(n), "", headBreak(shard, last, fmt.Sprintf("the head of chain %d is not event %d's hash: the head was rewritten", shard, n)), nil
		}
		var past int64
		err = db.QueryRowContext(ctx, `SELECT COALESCE(MIN(seq), 0) FROM audit_event WHERE org_id = ? AND shard = ? AND seq > ?`, org, shard, n).Scan(&past)
		if err != nil {
			return int(n), "", nil, err
		}
		if past == 0 {
			return int(n), prev, nil, nil
		}
		again, _, err := auditHeadOf(ctx, db, org, shard)
		if err != nil {
			return int(n), "", nil, err
		}
		if again <= headSeq {
			var e *rcm.AuditEvent
			if e, err = auditEventBySeq(ctx, db, org, shard, past); err != nil {
				return int(n), "", nil, err
			}
			return int(n), "", &AuditBreak{Shard: shard, Seq: e.Seq, EventID: e.ID, At: e.At,
				Problem: fmt.Sprintf("it lies past the head of chain %d, which names event %d: it was added outside the application", shard, headSeq)}, nil
		}
	}
}

// headBreak reports a break found at the head, placed at the last event
// that verified (or at the start of an empty log).
func headBreak(shard int, last *rcm.AuditEvent, problem string) *AuditBreak {
	if last == nil {
		return &AuditBreak{Shard: shard, Problem: problem}
	}
	return &AuditBreak{Shard: shard, Seq: last.Seq, EventID: last.ID, At: last.At, Problem: problem}
}

func auditHeadOf(ctx context.Context, db *DB, org int64, shard int) (int64, string, error) {
	var seq int64
	var hash string
	err := db.QueryRowContext(ctx, `SELECT seq, hash FROM audit_chain_head WHERE org_id = ? AND shard = ?`, org, shard).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return seq, hash, err
}

func auditEventBySeq(ctx context.Context, db *DB, org int64, shard int, seq int64) (*rcm.AuditEvent, error) {
	return scanAuditRow(db.QueryRowContext(ctx, `SELECT `+auditCols+` FROM audit_event WHERE org_id = ? AND shard = ? AND seq = ?`, org, shard, seq), org)
}

const auditCols = `id, shard, seq, at, user_id, action, entity, entity_id, patient_id, reason, prev_hash, hash`

func scanAuditRow(s scanner, org int64) (*rcm.AuditEvent, error) {
	e := &rcm.AuditEvent{OrgID: org}
	var at string
	if err := s.Scan(&e.ID, &e.Shard, &e.Seq, &at, &e.UserID, &e.Action, &e.Entity, &e.EntityID, &e.PatientID, &e.Reason, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	var err error
	e.At, err = parseTime(at)
	return e, err
}

// loadAuditPatients fills in the patients of the list reads among events,
// in ascending order, as auditHash expects them.
func loadAuditPatients(ctx context.Context, q queryer, org int64, events []*rcm.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	// Pages are at most a thousand events (auditPage, limit), so the ids
	// fit one IN list, and the primary key finds each event's rows.
	byID := make(map[int64]*rcm.AuditEvent, len(events))
	args := []any{org}
	for _, e := range events {
		byID[e.ID] = e
		e.PatientIDs = nil
		args = append(args, e.ID)
	}
	rows, err := q.QueryContext(ctx, `SELECT event_id, patient_id FROM audit_list_patient
		WHERE org_id = ? AND event_id IN (?`+strings.Repeat(", ?", len(events)-1)+`) ORDER BY event_id, patient_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ev, p int64
		if err := rows.Scan(&ev, &p); err != nil {
			return err
		}
		if e := byID[ev]; e != nil {
			e.PatientIDs = append(e.PatientIDs, p)
		}
	}
	return rows.Err()
}
