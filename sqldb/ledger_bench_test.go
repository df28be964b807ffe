package sqldb_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// BenchmarkPostClaimPayments measures remittance posting: one op is one
// claim of four lines, each line getting its payment, a CO-45 contractual
// adjustment and a PR-2 coinsurance share (12 entry pairs per claim, one
// transaction with its own 835 key), posted in batches of 500 claims per
// database transaction as an 835 file would be. The encounters and their
// charges are made before the timer starts. Run a fixed count with, for
// example, -benchtime=10000x; the claims_per_s and s_per_100k_claims
// metrics extrapolate linearly to the 100,000-claim target.
func BenchmarkPostClaimPayments(b *testing.B) {
	for _, dialect := range sqldbtest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			ctx, _ := sqldbtest.Org(b, db, "Bench")
			s := seedTB(b, ctx, db)
			payer := s.payer.ID
			const perBatch = 500
			m := rcm.MustParseMoney
			charge := m("125.00")
			// Setup: b.N encounters of four lines, charged to the payer.
			lines := make([][]int64, b.N)
			var charges []*ledger.Transaction
			for i := range lines {
				e := &rcm.Encounter{PatientID: s.patient.ID, PracticeID: s.practice.ID, RenderingProviderID: s.provider.ID,
					DateOfService: rcm.MustParseDate("2026-01-02"), PlaceOfService: "11", Diagnoses: []rcm.Diagnosis{{Code: "I10"}}}
				for _, c := range []string{"99214", "93000", "36415", "81002"} {
					e.Lines = append(e.Lines, rcm.ServiceLine{Code: c, Units: 1, Charge: charge, Pointers: []int{1}})
				}
				if err := db.CreateEncounter(ctx, e); err != nil {
					b.Fatal(err)
				}
				ids, err := db.FindServiceLineIDs(ctx, e.ID)
				if err != nil {
					b.Fatal(err)
				}
				lines[i] = ids
				t := new(ledger.Transaction)
				for _, l := range ids {
					t.Charge(l, payer, charge)
				}
				charges = append(charges, t)
				if len(charges) == perBatch || i == len(lines)-1 {
					if err := db.PostLedger(ctx, charges...); err != nil {
						b.Fatal(err)
					}
					charges = charges[:0]
				}
			}
			// A live PostgreSQL database has planner statistics from
			// autovacuum; a table made seconds ago has none, and without them
			// the planner reads the whole journal for each batch's IN lists.
			if dialect == sqldb.Postgres {
				if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			start, cpu := time.Now(), processCPU()
			batch := make([]*ledger.Transaction, 0, perBatch)
			for i := 0; i < b.N; i++ {
				t := &ledger.Transaction{Key: fmt.Sprintf("835:ACME1:TRN%d:%d", i/perBatch, i%perBatch)}
				for _, l := range lines[i] {
					t.PayerPayment(l, payer, m("80.00"), "ACH").
						Adjust(l, payer, "CO", "45", m("25.00")).
						PatientShare(l, payer, "2", m("20.00"))
				}
				batch = append(batch, t)
				if len(batch) == perBatch || i == b.N-1 {
					if err := db.PostLedger(ctx, batch...); err != nil {
						b.Fatal(err)
					}
					batch = batch[:0]
				}
			}
			elapsed, cpu := time.Since(start), processCPU()-cpu
			b.StopTimer()
			perClaim := elapsed.Seconds() / float64(b.N)
			b.ReportMetric(1/perClaim, "claims_per_s")
			b.ReportMetric(perClaim*100000, "s_per_100k_claims")
			b.ReportMetric(cpu.Seconds()*1e6/float64(b.N), "cpu_µs/claim")
		})
	}
}
