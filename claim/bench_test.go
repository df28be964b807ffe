package claim_test

import (
	"context"

	"fmt"
	"github.com/google/go-cmp/cmp"
	"io"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/x12"
)

// seedClaims stores n ready claims of four lines each for the fixture's
// patient, straight into the tables (the benchmark times reading, scrubbing
// and writing them, not creating them).
func seedClaims(tb testing.TB, ctx context.Context, f *fixture, n int) []int64 {
	tb.Helper()
	a, _ := rcm.ActorFromContext(ctx)
	var ids []int64
	err := f.db.Transact(ctx, func(tx *sqldb.Tx) error {
		claimStmt, err := tx.PrepareContext(ctx, `INSERT INTO claim (org_id, encounter_id, patient_id, payer_id, coverage_id, control_number, frequency,
			payer_claim_number, state, prior_auth, referral, onset_date, accident_date, accident_cause, accident_state, date_of_service, place_of_service,
			total_charge, created_at) VALUES (?, ?, ?, ?, ?, ?, '1', '', 'ready', '', '', '', '', '', '', '2026-01-02', '11', 40000, '2026-01-05T09:00:00.000000000Z') RETURNING id`)
		if err != nil {
			return err
		}
		dxStmt, err := tx.PrepareContext(ctx, `INSERT INTO claim_diagnosis (org_id, claim_id, seq, code) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		lineStmt, err := tx.PrepareContext(ctx, `INSERT INTO claim_line (org_id, claim_id, seq, service_line_id, code, modifiers, units, charge, pointers, ndc, date_of_service)
			VALUES (?, ?, ?, 0, ?, ?, 1, 10000, ?, '', '')`)
		if err != nil {
			return err
		}
		lines := []struct{ code, mods, ptrs string }{{"99214", "25", "1,2"}, {"83036", "", "1"}, {"36415", "", "1"}, {"81002", "", "2"}}
		for i := 0; i < n; i++ {
			var id int64
			if err := claimStmt.QueryRowContext(ctx, a.OrgID, f.encounter.ID, f.encounter.PatientID, f.primary.ID, f.c1.ID, fmt.Sprintf("B%08d", i)).Scan(&id); err != nil {
				return err
			}
			for k, code := range []string{"E11.9", "I10"} {
				if _, err := dxStmt.ExecContext(ctx, a.OrgID, id, k+1, code); err != nil {
					return err
				}
			}
			for k, l := range lines {
				if _, err := lineStmt.ExecContext(ctx, a.OrgID, id, k+1, l.code, l.mods, l.ptrs); err != nil {
					return err
				}
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return ids
}

// BenchmarkScrubAndWrite837P loads claims of four lines from SQLite (with
// the audit of every claim read), scrubs each against the starter code sets
// and writes them all to one 837P. The target: 100,000 claims in
// under 10 s.
func BenchmarkScrubAndWrite837P(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("claims=%d", n), func(b *testing.B) {
			ctx, f := setup(b)
			ids := seedClaims(b, ctx, f, n)
			claims := make([]*rcm.Claim, len(ids))
			for i, id := range ids {
				claims[i] = &rcm.Claim{ID: id}
			}
			s := &claim.Scrubber{Today: rcm.MustParseDate("2026-03-02"), Codes: claim.CatalogChecker{Catalog: codeset.NewCatalog(codeset.Starter())}}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				bundles, err := claim.LoadAll(ctx, f.db, claims)
				if err != nil {
					b.Fatal(err)
				}
				findings := 0
				for _, bd := range bundles {
					findings += len(s.Scrub(bd))
				}
				batch := &claim.Batch{Partner: partner, Reference: "BENCH", Time: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Bundles: bundles}
				if err := claim.Write837P(io.Discard, batch, &x12.Counter{}); err != nil {
					b.Fatal(err)
				}
				if findings > 0 && i == 0 {
					b.Logf("%d findings over %d claims", findings, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n)/1000, "µs/claim")
		})
	}
}

// The bulk loader gives the same bundles as loading one claim at a time.
func TestLoadAllMatchesLoad(t *testing.T) {
	ctx, f := setup(t)
	ids := seedClaims(t, ctx, f, 3)
	claims := []*rcm.Claim{{ID: ids[2]}, {ID: ids[0]}}
	bulk, err := claim.LoadAll(ctx, f.db, claims)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range claims {
		one, err := claim.Load(ctx, f.db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		one.Claim.History = nil
		if diff := cmp.Diff(one, bulk[i]); diff != "" {
			t.Errorf("claim %d: bulk bundle mismatch (-one +bulk):\n%s", c.ID, diff)
		}
	}
	if _, err := claim.LoadAll(ctx, f.db, []*rcm.Claim{{ID: 424242}}); rcm.ErrorCode(err) != rcm.ENOTFOUND {
		t.Errorf("missing claim: %v", err)
	}
}
