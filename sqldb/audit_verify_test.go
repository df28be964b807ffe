package sqldb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// countAudit counts the organization's audit events.
func countAudit(t *testing.T, db *sqldb.DB, org int64) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_event WHERE org_id = ?`, org).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// dropAuditTriggers removes the append-only triggers, as an attacker with
// direct access to the database would before rewriting the log.
func dropAuditTriggers(t *testing.T, db *sqldb.DB) {
	t.Helper()
	stmts := []string{
		`DROP TRIGGER audit_event_no_update`, `DROP TRIGGER audit_event_no_delete`,
		`DROP TRIGGER audit_list_patient_no_update`, `DROP TRIGGER audit_list_patient_no_delete`,
		`DROP TRIGGER audit_chain_head_forward`, `DROP TRIGGER audit_chain_head_no_delete`,
	}
	if db.Dialect() == sqldb.Postgres {
		stmts = []string{`DROP TRIGGER audit_event_no_change ON audit_event`, `DROP TRIGGER audit_list_patient_no_change ON audit_list_patient`,
			`DROP TRIGGER audit_chain_head_forward ON audit_chain_head`}
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestAuditListReadIsOneEvent: a list of twenty patients writes one audit
// event (it wrote twenty), which names all twenty, is found under each of
// them, and is covered by the chain.
func TestAuditListReadIsOneEvent(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, org := sqldbtest.Org(t, db, "Org A")
		var ids []int64
		for i := range 20 {
			p := &rcm.Patient{AccountNumber: fmt.Sprintf("L%03d", i), FirstName: "Lee", LastName: fmt.Sprintf("Listed%02d", i),
				BirthDate: rcm.MustParseDate("1970-01-01"), Sex: "M", Address: sqldbtest.Address()}
			if err := db.CreatePatient(ctx, p); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		before := countAudit(t, db, org.ID)
		list, err := db.FindPatients(ctx, rcm.PatientFilter{Name: "listed", Limit: 20})
		if err != nil || len(list) != 20 {
			t.Fatalf("FindPatients = %d patients, %v; want 20", len(list), err)
		}
		if got := countAudit(t, db, org.ID) - before; got != 1 {
			t.Errorf("a list of 20 wrote %d audit events, want 1", got)
		}
		events, err := db.FindAuditEvents(ctx, rcm.AuditFilter{PatientID: ids[7]})
		if err != nil {
			t.Fatal(err)
		}
		// Newest first: the list read, then the patient's creation.
		if len(events) != 2 || events[0].Entity != "patients" || events[1].Action != rcm.AuditCreate {
			t.Fatalf("events of patient %d = %+v; want the list read and the creation", ids[7], events)
		}
		if diff := cmp.Diff(ids, events[0].PatientIDs); diff != "" {
			t.Errorf("patients of the list event mismatch (-want +got):\n%s", diff)
		}
		if n, err := db.VerifyAuditChain(ctx); err != nil || n != before+1 {
			t.Fatalf("VerifyAuditChain = %d, %v; want %d, nil", n, err, before+1)
		}

		// The list is append-only like the events.
		for _, q := range []string{`UPDATE audit_list_patient SET patient_id = 0`, `DELETE FROM audit_list_patient`} {
			if _, err := db.ExecContext(context.Background(), q); err == nil {
				t.Errorf("%s succeeded; want the append-only trigger to refuse it", q)
			}
		}
		// Taking one patient off the list breaks the event's hash.
		dropAuditTriggers(t, db)
		if _, err := db.ExecContext(context.Background(), `DELETE FROM audit_list_patient WHERE event_id = ? AND patient_id = ?`, events[0].ID, ids[7]); err != nil {
			t.Fatal(err)
		}
		reports, err := db.CheckAuditChains(context.Background(), org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(reports) != 1 || reports[0].Break == nil || reports[0].Break.EventID != events[0].ID || !strings.Contains(reports[0].Break.Problem, "altered") {
			t.Fatalf("CheckAuditChains = %+v; want a break at event id %d", reports[0], events[0].ID)
		}
	})
}

// TestAuditListsOfEncountersAndBalances: the other lists write one event
// too, and a list that showed no one (no open balances yet) writes none.
func TestAuditListsOfEncountersAndBalances(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, org := sqldbtest.Org(t, db, "Org A")
		s := seed(t, ctx, db)
		for range 3 {
			e := &rcm.Encounter{PatientID: s.patient.ID, PracticeID: s.practice.ID, RenderingProviderID: s.provider.ID,
				DateOfService: rcm.MustParseDate("2026-01-02"), PlaceOfService: "11"}
			if err := db.CreateEncounter(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		before := countAudit(t, db, org.ID)
		if es, err := db.FindEncounters(ctx, rcm.EncounterFilter{}); err != nil || len(es) != 3 {
			t.Fatalf("FindEncounters = %d, %v", len(es), err)
		}
		if _, err := db.FindPatientBalances(ctx); err != nil {
			t.Fatal(err)
		}
		if got := countAudit(t, db, org.ID) - before; got != 1 {
			t.Errorf("a list of three encounters and an empty list wrote %d audit events, want 1", got)
		}
		events, err := db.FindAuditEvents(ctx, rcm.AuditFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range events {
			got = append(got, fmt.Sprintf("%s %s %v", e.Action, e.Entity, e.PatientIDs))
		}
		want := []string{fmt.Sprintf("read encounters [%d]", s.patient.ID)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestAuditChainTamper rewrites the log behind the application's back, the
// way an attacker with the database would, and checks that the report names
// the event where the chain breaks and what is wrong with it.
func TestAuditChainTamper(t *testing.T) {
	cases := []struct {
		name    string
		sql     []string // %[1]d is the org, %[2]d the id of event 3
		seq     int64    // the event the break is reported at
		problem string
	}{
		{"altered reason", []string{`UPDATE audit_event SET reason = 'nothing to see' WHERE id = %[2]d`}, 3, "contents do not match"},
		{"removed event", []string{`DELETE FROM audit_event WHERE id = %[2]d`}, 4, "is missing: the chain goes from event 2 to event 4"},
		{"rewritten with a fresh hash", []string{`UPDATE audit_event SET reason = 'x', hash = 'recomputed' WHERE id = %[2]d`}, 3, "contents do not match"},
		{"renumbered after a removal", []string{
			`DELETE FROM audit_event WHERE id = %[2]d`,
			`UPDATE audit_event SET seq = 3 WHERE org_id = %[1]d AND seq = 4`,
			`UPDATE audit_chain_head SET seq = seq - 1 WHERE org_id = %[1]d AND seq > 0`,
		}, 3, "does not link to event 2"},
		{"tail removed", []string{`DELETE FROM audit_event WHERE org_id = %[1]d AND seq > 3`}, 3, "later events were removed"},
		{"forged past the head", []string{`INSERT INTO audit_event (org_id, shard, seq, at, user_id, action, entity, entity_id, patient_id, reason, prev_hash, hash)
			SELECT org_id, shard, seq + 1, at, user_id, action, entity, entity_id, patient_id, 'forged', hash, 'x' FROM audit_event
			WHERE org_id = %[1]d AND seq = 4`}, 5, "past the head"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eachDialect(t, func(t *testing.T, db *sqldb.DB) {
				ctx, org := sqldbtest.Org(t, db, "Org A")
				other, _ := sqldbtest.Org(t, db, "Org B")
				s := seed(t, ctx, db) // event 1: the patient's creation
				sqldbtest.Seed(t, other, db)
				for range 3 { // events 2 to 4
					if _, err := db.FindPatientByID(ctx, s.patient.ID); err != nil {
						t.Fatal(err)
					}
				}
				var ev3 int64
				if err := db.QueryRowContext(ctx, `SELECT id FROM audit_event WHERE org_id = ? AND seq = 3`, org.ID).Scan(&ev3); err != nil {
					t.Fatal(err)
				}
				reports, err := db.CheckAuditChains(context.Background(), 0)
				if err != nil || len(reports) != 2 || reports[0].Break != nil || reports[1].Break != nil {
					t.Fatalf("before tampering: %+v, %v; want two sound chains", reports, err)
				}
				dropAuditTriggers(t, db)
				for _, q := range c.sql {
					if _, err := db.ExecContext(context.Background(), fmt.Sprintf(q, org.ID, ev3)); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
				reports, err = db.CheckAuditChains(context.Background(), 0)
				if err != nil {
					t.Fatal(err)
				}
				r := reports[0]
				if r.OrgID != org.ID || r.Break == nil {
					t.Fatalf("report %+v; want a break in organization %d", r, org.ID)
				}
				if r.Break.Seq != c.seq || !strings.Contains(r.Break.Problem, c.problem) {
					t.Errorf("break at event %d: %q; want event %d: %q", r.Break.Seq, r.Break.Problem, c.seq, c.problem)
				}
				if reports[1].Break != nil {
					t.Errorf("the other organization's chain: %+v; want it sound", reports[1].Break)
				}
				_, err = db.VerifyAuditChain(ctx)
				wantCode(t, err, rcm.ECONFLICT)
			})
		})
	}
}

func TestCheckAuditChainsUnknownOrg(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	_, err := db.CheckAuditChains(context.Background(), 42)
	wantCode(t, err, rcm.ENOTFOUND)
}

// TestCheckAuditChainsWhileWriting verifies chains while another
// connection keeps appending list reads: a busy log is not a broken one.
func TestCheckAuditChainsWhileWriting(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org Busy")
		seed(t, ctx, db)
		stop, stopped := make(chan struct{}), make(chan error, 1)
		// The checks start once the writer has written its first event, so
		// they always run against a chain that is growing.
		first := make(chan struct{})
		go func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					stopped <- nil
					return
				default:
				}
				if _, err := db.FindPatients(ctx, rcm.PatientFilter{}); err != nil {
					stopped <- err
					if n == 0 {
						close(first)
					}
					return
				}
				if n == 0 {
					close(first)
				}
			}
		}()
		<-first
		for range 20 {
			reports, err := db.CheckAuditChains(context.Background(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if b := reports[0].Break; b != nil {
				t.Fatalf("a chain being written reported broken at event %d: %s", b.Seq, b.Problem)
			}
		}
		close(stop)
		if err := <-stopped; err != nil {
			t.Fatal(err)
		}
		n, err := db.VerifyAuditChain(ctx)
		if err != nil || n < 2 {
			t.Errorf("VerifyAuditChain = %d, %v", n, err)
		}
	})
}

// TestAuditChainAcrossPages: the verifier reads a thousand events at a
// time; a chain of 2,101 verifies whole, and an altered event on the
// second page is named.
func TestAuditChainAcrossPages(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	ctx, org := sqldbtest.Org(t, db, "Org Long")
	s := seed(t, ctx, db)
	for range 2100 {
		if _, err := db.FindPatientByID(ctx, s.patient.ID); err != nil {
			t.Fatal(err)
		}
	}
	reports, err := db.CheckAuditChains(context.Background(), org.ID)
	if err != nil || reports[0].Events != 2101 || reports[0].Break != nil {
		t.Fatalf("CheckAuditChains = %+v, %v; want 2101 events, no break", reports[0], err)
	}
	dropAuditTriggers(t, db)
	if _, err := db.ExecContext(context.Background(), `UPDATE audit_event SET entity_id = 999 WHERE org_id = ? AND seq = 1500`, org.ID); err != nil {
		t.Fatal(err)
	}
	reports, err = db.CheckAuditChains(context.Background(), org.ID)
	if err != nil || reports[0].Events != 1499 || reports[0].Break == nil || reports[0].Break.Seq != 1500 {
		t.Fatalf("CheckAuditChains = %+v, %v; want a break at event 1500", reports[0], err)
	}
}
