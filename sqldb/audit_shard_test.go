package sqldb_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// makePatients stores n patients, each read twice after its creation, so
// every patient has three events on its chain.
func makePatients(t *testing.T, ctx context.Context, db *sqldb.DB, n int) []int64 {
	t.Helper()
	var ids []int64
	var have int
	a, _ := rcm.ActorFromContext(ctx)
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM patient WHERE org_id = ?`, a.OrgID).Scan(&have); err != nil {
		t.Fatal(err)
	}
	for i := have; i < have+n; i++ {
		p := &rcm.Patient{AccountNumber: fmt.Sprintf("S%04d", i), FirstName: "Shard", LastName: fmt.Sprintf("Patient%04d", i),
			BirthDate: rcm.MustParseDate("1970-01-01"), Sex: "F", Address: sqldbtest.Address()}
		if err := db.CreatePatient(ctx, p); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := db.FindPatientByID(ctx, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, p.ID)
	}
	return ids
}

// TestAuditShardsSpread: the events of many patients spread over several
// chains, each patient's events stay on one chain, and every chain
// verifies, with the report counting all of them.
func TestAuditShardsSpread(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, org := sqldbtest.Org(t, db, "Org Shards")
		ids := makePatients(t, ctx, db, 40)
		if _, err := db.FindPatients(ctx, rcm.PatientFilter{Name: "patient"}); err != nil { // one list read
			t.Fatal(err)
		}
		var chains int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT shard) FROM audit_event WHERE org_id = ?`, org.ID).Scan(&chains); err != nil {
			t.Fatal(err)
		}
		if chains < 8 || chains > sqldb.DefaultAuditShards {
			t.Errorf("40 patients' events are on %d chains; want them spread over 8 to %d", chains, sqldb.DefaultAuditShards)
		}
		for _, id := range ids {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT shard) FROM audit_event WHERE org_id = ? AND patient_id = ?`, org.ID, id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("patient %d's events are on %d chains; want 1", id, n)
			}
		}
		total := countAudit(t, db, org.ID)
		reports, err := db.CheckAuditChains(context.Background(), org.ID)
		if err != nil || reports[0].Break != nil || reports[0].Events != total || reports[0].Chains != chains || len(reports[0].Head) != 64 {
			t.Fatalf("CheckAuditChains = %+v, %v; want %d events on %d chains, no break, a head digest", reports[0], err, total, chains)
		}
		if n, err := db.VerifyAuditChain(ctx); err != nil || n != total {
			t.Errorf("VerifyAuditChain = %d, %v; want %d", n, err, total)
		}
	})
}

// TestAuditShardsAsData: the number of chains is the organization's to
// set; events written after a change go to the new chains, and the old
// and new chains all verify.
func TestAuditShardsAsData(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, org := sqldbtest.Org(t, db, "Org Config")
		wantCode(t, db.SetAuditShards(ctx, org.ID, 0), rcm.EINVALID)
		wantCode(t, db.SetAuditShards(ctx, org.ID, 1025), rcm.EINVALID)
		if err := db.SetAuditShards(ctx, org.ID, 1); err != nil {
			t.Fatal(err)
		}
		makePatients(t, ctx, db, 10)
		var top int
		if err := db.QueryRowContext(ctx, `SELECT MAX(shard) FROM audit_event WHERE org_id = ?`, org.ID).Scan(&top); err != nil || top != 0 {
			t.Fatalf("with one chain the highest chain is %d (%v); want 0", top, err)
		}
		if err := db.SetAuditShards(ctx, org.ID, 4); err != nil {
			t.Fatal(err)
		}
		if n, err := db.AuditShards(ctx, org.ID); err != nil || n != 4 {
			t.Fatalf("AuditShards = %d, %v; want 4", n, err)
		}
		makePatients(t, ctx, db, 30)
		if err := db.QueryRowContext(ctx, `SELECT MAX(shard) FROM audit_event WHERE org_id = ?`, org.ID).Scan(&top); err != nil || top < 1 || top > 3 {
			t.Fatalf("with four chains the highest chain is %d (%v); want 1 to 3", top, err)
		}
		if n, err := db.VerifyAuditChain(ctx); err != nil || n != countAudit(t, db, org.ID) {
			t.Errorf("VerifyAuditChain = %d, %v", n, err)
		}
	})
}

// TestAuditShardTamper rewrites one chain of a sharded log behind the
// application's back: each kind of tampering (an event edited, deleted,
// inserted with a correct hash, two events swapped, an event moved to
// another chain, a chain forged whole) is found and named, on the chain
// it happened to.
func TestAuditShardTamper(t *testing.T) {
	// %[1]d is the org, %[2]d the tampered chain, %[3]d its last event's seq,
	// %[4]s a forged event's hash for place 2 of the chain.
	cases := []struct {
		name    string
		sql     []string
		seq     int64 // the event of the chain the break is reported at
		problem string
	}{
		{"edited", []string{`UPDATE audit_event SET entity_id = entity_id + 1 WHERE org_id = %[1]d AND shard = %[2]d AND seq = 2`}, 2, "contents do not match"},
		{"deleted", []string{`DELETE FROM audit_event WHERE org_id = %[1]d AND shard = %[2]d AND seq = 2`}, 3, "is missing"},
		{"last deleted", []string{`DELETE FROM audit_event WHERE org_id = %[1]d AND shard = %[2]d AND seq = %[3]d`}, 0, "later events were removed"},
		{"inserted", []string{
			`UPDATE audit_event SET seq = -seq WHERE org_id = %[1]d AND shard = %[2]d AND seq >= 2`,
			`UPDATE audit_event SET seq = 1 - seq WHERE org_id = %[1]d AND shard = %[2]d AND seq < 0`,
			`UPDATE audit_chain_head SET seq = seq + 1 WHERE org_id = %[1]d AND shard = %[2]d`,
			`INSERT INTO audit_event (org_id, shard, seq, at, user_id, action, entity, entity_id, patient_id, reason, prev_hash, hash)
				SELECT org_id, shard, 2, at, user_id, 'read', 'patient', 1, 0, 'forged', hash, '%[4]s' FROM audit_event
				WHERE org_id = %[1]d AND shard = %[2]d AND seq = 1`,
		}, 3, "does not link to event 2"},
		{"reordered", []string{
			`UPDATE audit_event SET seq = -1 WHERE org_id = %[1]d AND shard = %[2]d AND seq = 2`,
			`UPDATE audit_event SET seq = 2 WHERE org_id = %[1]d AND shard = %[2]d AND seq = 3`,
			`UPDATE audit_event SET seq = 3 WHERE org_id = %[1]d AND shard = %[2]d AND seq = -1`,
		}, 2, "does not link to event 1"},
		{"forged chain", []string{`INSERT INTO audit_event (org_id, shard, seq, at, user_id, action, entity, entity_id, patient_id, reason, prev_hash, hash)
			SELECT org_id, 999, 1, at, user_id, action, entity, entity_id, patient_id, 'forged', '', hash FROM audit_event
			WHERE org_id = %[1]d AND shard = %[2]d AND seq = 1`}, 1, "past the head of chain 999"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eachDialect(t, func(t *testing.T, db *sqldb.DB) {
				ctx, org := sqldbtest.Org(t, db, "Org A")
				other, _ := sqldbtest.Org(t, db, "Org B")
				makePatients(t, ctx, db, 20)
				makePatients(t, other, db, 2)
				// The chain with the most events, and its length.
				var shard int
				var last int64
				if err := db.QueryRowContext(ctx, `SELECT shard, MAX(seq) FROM audit_event WHERE org_id = ? GROUP BY shard ORDER BY MAX(seq) DESC, shard LIMIT 1`,
					org.ID).Scan(&shard, &last); err != nil || last < 4 {
					t.Fatalf("longest chain %d has %d events (%v); want at least 4", shard, last, err)
				}
				var first rcm.AuditEvent
				if err := db.QueryRowContext(ctx, `SELECT hash, at FROM audit_event WHERE org_id = ? AND shard = ? AND seq = 1`, org.ID, shard).Scan(&first.PrevHash, new(string)); err != nil {
					t.Fatal(err)
				}
				var at string
				var user int64
				if err := db.QueryRowContext(ctx, `SELECT at, user_id FROM audit_event WHERE org_id = ? AND shard = ? AND seq = 1`, org.ID, shard).Scan(&at, &user); err != nil {
					t.Fatal(err)
				}
				when, err := time.Parse(time.RFC3339Nano, at)
				if err != nil {
					t.Fatal(err)
				}
				forged := sqldb.AuditHashOf(&rcm.AuditEvent{OrgID: org.ID, Shard: shard, Seq: 2, At: when, UserID: user, Action: "read",
					Entity: "patient", EntityID: 1, Reason: "forged", PrevHash: first.PrevHash})
				dropAuditTriggers(t, db)
				for _, q := range c.sql {
					if _, err := db.ExecContext(context.Background(), fmt.Sprintf(q, org.ID, shard, last, forged)); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
				reports, err := db.CheckAuditChains(context.Background(), 0)
				if err != nil {
					t.Fatal(err)
				}
				r := reports[0]
				if r.OrgID != org.ID || r.Break == nil {
					t.Fatalf("report %+v; want a break in organization %d", r, org.ID)
				}
				want := c.seq
				if want == 0 {
					want = last - 1
				}
				wantShard := shard
				if strings.Contains(c.problem, "999") {
					wantShard = 999
				}
				if r.Break.Shard != wantShard || r.Break.Seq != want || !strings.Contains(r.Break.Problem, c.problem) {
					t.Errorf("break at chain %d event %d: %q; want chain %d event %d: %q", r.Break.Shard, r.Break.Seq, r.Break.Problem, wantShard, want, c.problem)
				}
				if reports[1].Break != nil {
					t.Errorf("the other organization's chains: %+v; want them sound", reports[1].Break)
				}
				_, err = db.VerifyAuditChain(ctx)
				wantCode(t, err, rcm.ECONFLICT)
			})
		})
	}
}

// TestAuditShardMoved: an event moved from its chain to another breaks
// both: its own chain lost it and the other gained one past its head.
func TestAuditShardMoved(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, org := sqldbtest.Org(t, db, "Org Moved")
		makePatients(t, ctx, db, 20)
		var from, to int
		if err := db.QueryRowContext(ctx, `SELECT MIN(shard), MAX(shard) FROM audit_event WHERE org_id = ?`, org.ID).Scan(&from, &to); err != nil || from == to {
			t.Fatalf("chains %d and %d (%v); want two", from, to, err)
		}
		dropAuditTriggers(t, db)
		if _, err := db.ExecContext(ctx, `UPDATE audit_event SET shard = ?, seq = 1000 WHERE org_id = ? AND shard = ? AND seq = 2`, to, org.ID, from); err != nil {
			t.Fatal(err)
		}
		reports, err := db.CheckAuditChains(context.Background(), org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b := reports[0].Break; b == nil || b.Shard != from || !strings.Contains(b.Problem, "is missing") {
			t.Errorf("break %+v; want chain %d missing event 2", b, from)
		}
	})
}

// TestAuditHeadsOnlyMoveForward: the application's role cannot rewind or
// remove a chain's head (the triggers refuse), which with the append-only
// events keeps a truncated chain from passing as whole.
func TestAuditHeadsOnlyMoveForward(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, org := sqldbtest.Org(t, db, "Org Head")
		makePatients(t, ctx, db, 1)
		for _, q := range []string{
			`UPDATE audit_chain_head SET seq = seq - 1 WHERE org_id = ?`,
			`UPDATE audit_chain_head SET shard = shard + 1 WHERE org_id = ?`,
			`DELETE FROM audit_chain_head WHERE org_id = ?`,
		} {
			if _, err := db.ExecContext(ctx, q, org.ID); err == nil {
				t.Errorf("%s succeeded; want the trigger to refuse it", q)
			}
		}
	})
}

// TestAuditRolledBackSavepointWritesNoEvent: events queued by work that a
// savepoint rolls back are dropped with it; the work that commits keeps
// its events.
func TestAuditRolledBackSavepointWritesNoEvent(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, org := sqldbtest.Org(t, db, "Org Savepoint")
		before := countAudit(t, db, org.ID)
		err := db.Atomically(ctx, func(ctx context.Context) error {
			if err := db.CreatePatient(ctx, &rcm.Patient{AccountNumber: "K1", FirstName: "Kept", LastName: "One",
				BirthDate: rcm.MustParseDate("1970-01-01"), Sex: "F", Address: sqldbtest.Address()}); err != nil {
				return err
			}
			inner := db.Atomically(ctx, func(ctx context.Context) error {
				if err := db.CreatePatient(ctx, &rcm.Patient{AccountNumber: "R1", FirstName: "Rolled", LastName: "Back",
					BirthDate: rcm.MustParseDate("1970-01-01"), Sex: "F", Address: sqldbtest.Address()}); err != nil {
					return err
				}
				return rcm.Errorf(rcm.EINVALID, "undo")
			})
			wantCode(t, inner, rcm.EINVALID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := countAudit(t, db, org.ID) - before; got != 1 {
			t.Errorf("%d events written; want 1 (the rolled-back patient's creation dropped)", got)
		}
		if _, err := db.VerifyAuditChain(ctx); err != nil {
			t.Error(err)
		}
	})
}

// TestAuditShardsConcurrentWriters: many goroutines write audited events
// for different patients at once (on PostgreSQL, each on its own
// connection); every event is kept and every chain verifies.
func TestAuditShardsConcurrentWriters(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, org := sqldbtest.Org(t, db, "Org Busy")
		ids := makePatients(t, ctx, db, 32)
		before := countAudit(t, db, org.ID)
		const workers, each = 16, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					id := ids[(w*each+i)%len(ids)]
					if _, err := db.FindPatientByID(ctx, id); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if got := countAudit(t, db, org.ID) - before; got != workers*each {
			t.Errorf("%d events written; want %d", got, workers*each)
		}
		reports, err := db.CheckAuditChains(context.Background(), org.ID)
		if err != nil || reports[0].Break != nil || reports[0].Events != countAudit(t, db, org.ID) {
			t.Fatalf("CheckAuditChains = %+v, %v", reports[0], err)
		}
	})
}

// TestAuditLegacyChainMigrates writes a log as the single-chain release
// did (one chain, its head in audit_head, a list read among the events),
// migrates it, and checks that it verifies whole as chain 0 and that new
// events join it soundly.
func TestAuditLegacyChainMigrates(t *testing.T) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := ""
			var opts []sqldb.Option
			if d == sqldb.Postgres {
				dsn = sqldbtest.PostgresDSN(t)
				opts = append(opts, sqldb.WithKeyring(sqldbtest.Keyring()))
			} else {
				dsn = t.TempDir() + "/legacy.db"
			}
			old, err := sqldb.OpenWithout(ctx, dsn, opts, "01300_audit_shards.sql")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := old.ExecContext(ctx, `INSERT INTO organization (id, name, created_at) VALUES (7, 'Old Org', '2025-01-01T00:00:00Z')`); err != nil {
				t.Fatal(err)
			}
			at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
			prev := ""
			const n = 5
			for seq := int64(1); seq <= n; seq++ {
				e := &rcm.AuditEvent{OrgID: 7, Seq: seq, At: at.Add(time.Duration(seq) * time.Second), UserID: 1, Action: "read",
					Entity: "patient", EntityID: 40 + seq, PatientID: 40 + seq, Reason: "treatment", PrevHash: prev}
				if seq == 3 {
					e.Entity, e.EntityID, e.PatientID, e.PatientIDs = "patients", 0, 0, []int64{41, 42}
				}
				e.Hash = sqldb.AuditHashOf(e)
				if _, err := old.ExecContext(ctx, `INSERT INTO audit_event (id, org_id, seq, at, user_id, action, entity, entity_id, patient_id, reason, prev_hash, hash)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, 100+seq, e.OrgID, e.Seq, e.At.Format("2006-01-02T15:04:05.000000000Z"), e.UserID, e.Action, e.Entity,
					e.EntityID, e.PatientID, e.Reason, e.PrevHash, e.Hash); err != nil {
					t.Fatal(err)
				}
				for _, p := range e.PatientIDs {
					if _, err := old.ExecContext(ctx, `INSERT INTO audit_list_patient (org_id, event_id, patient_id) VALUES (7, ?, ?)`, 100+seq, p); err != nil {
						t.Fatal(err)
					}
				}
				prev = e.Hash
			}
			if _, err := old.ExecContext(ctx, `INSERT INTO audit_head (org_id, seq, hash) VALUES (7, ?, ?)`, n, prev); err != nil {
				t.Fatal(err)
			}
			old.Close()

			db, err := sqldb.Open(ctx, dsn, opts...)
			if err != nil {
				t.Fatalf("migrate: %v", err)
			}
			defer db.Close()
			reports, err := db.CheckAuditChains(ctx, 7)
			if err != nil {
				t.Fatal(err)
			}
			want := sqldb.HeadDigest([]sqldb.ChainHead{{Shard: 0, Seq: n, Hash: prev}})
			if r := reports[0]; r.Break != nil || r.Events != n || r.Chains != 1 || r.Head != want {
				t.Fatalf("after the migration: %+v (break %+v); want %d events on chain 0, head digest %s", r, r.Break, n, want)
			}
			var listed int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_list_patient WHERE event_id = 103`).Scan(&listed); err != nil || listed != 2 {
				t.Fatalf("the list read's patients: %d, %v; want 2 kept", listed, err)
			}
			// New events, on chain 0 (one chain configured) and others.
			actor := rcm.NewContextWithActor(ctx, rcm.Actor{UserID: 1, OrgID: 7, Role: rcm.RoleAdmin, Reason: "test"})
			if err := db.SetAuditShards(ctx, 7, 1); err != nil {
				t.Fatal(err)
			}
			makePatients(t, actor, db, 1)
			if err := db.SetAuditShards(ctx, 7, 8); err != nil {
				t.Fatal(err)
			}
			makePatients(t, actor, db, 6)
			reports, err = db.CheckAuditChains(ctx, 7)
			if err != nil {
				t.Fatal(err)
			}
			if r := reports[0]; r.Break != nil || r.Events != n+3*7 || r.Chains < 2 {
				t.Fatalf("after new events: %+v (break %+v); want %d events on several chains", r, r.Break, n+3*7)
			}
			var zero int
			if err := db.QueryRowContext(ctx, `SELECT MAX(seq) FROM audit_event WHERE org_id = 7 AND shard = 0`).Scan(&zero); err != nil || zero < n+3 {
				t.Errorf("chain 0 ends at event %d (%v); want the old chain continued past %d", zero, err, n+3)
			}
		})
	}
}
