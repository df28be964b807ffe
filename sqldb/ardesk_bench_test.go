package sqldb_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// BenchmarkFollowUpQueue measures the first page (50 items) of the
// follow-up queue, and a keyset next page, for an organization with
// RCM_BENCH_CLAIMS claims (default 1,000,000) of which every tenth has an
// open work item (100,000), plus the same page filtered by payer. The rows
// are made with one INSERT ... SELECT each before the timer starts; one
// encounter serves every claim, since the queue reads claims, patients
// and payers, not encounters.
func BenchmarkFollowUpQueue(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("RCM_BENCH_CLAIMS")); err == nil && v > 0 {
		n = v
	}
	for _, dialect := range sqldbtest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			f := newRemitFixture(b, db, "Bench Desk", false)
			c := f.claim("SEED-1", dos(), threeLines()...)
			org := orgOf(f)
			seq := `WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < ?) `
			if _, err := db.ExecContext(f.ctx, seq+`INSERT INTO claim (org_id, encounter_id, patient_id, payer_id, coverage_id, control_number, frequency,
				payer_claim_number, state, prior_auth, referral, onset_date, accident_date, accident_cause, accident_state, date_of_service,
				place_of_service, total_charge, created_at)
				SELECT ?, ?, ?, ?, ?, 'BQ' || x, '1', '', 'denied', '', '', '', '', '', '', '2026-01-02', '11', 20550, '2026-02-01T00:00:00Z' FROM seq`,
				n, org, c.EncounterID, c.PatientID, c.PayerID, c.CoverageID); err != nil {
				b.Fatal(err)
			}
			// Every tenth claim has an open item; deadlines spread over a
			// year, stakes over $0-$999.
			if _, err := db.ExecContext(f.ctx, `INSERT INTO followup_item (org_id, claim_id, patient_id, payer_id, line_code, kind, category, reasons,
				summary, stake, opened_on, appeal_by, filing_by, due, owner_id, follow_up, state, outcome, source, closed_at)
				SELECT org_id, id, patient_id, payer_id, '99214', 'denial', 'bundling', 'CO-97', 'bench', (id * 7919) % 100000,
				'2026-02-03', '2026-08-02', '2026-07-01', '2026-01-01', 0, '', 'open', '', 'bench:' || id, ''
				FROM claim WHERE org_id = ? AND control_number LIKE 'BQ%' AND id % 10 = 0`, org); err != nil {
				b.Fatal(err)
			}
			if dialect == sqldb.Postgres {
				if _, err := db.ExecContext(f.ctx, `UPDATE followup_item SET due = to_char(DATE '2026-01-01' + (id % 365)::int, 'YYYY-MM-DD') WHERE org_id = $1`, org); err != nil {
					b.Fatal(err)
				}
				if _, err := db.ExecContext(f.ctx, `ANALYZE`); err != nil {
					b.Fatal(err)
				}
			} else if _, err := db.ExecContext(f.ctx, `UPDATE followup_item SET due = date('2026-01-01', '+' || (id % 365) || ' days') WHERE org_id = ?`, org); err != nil {
				b.Fatal(err)
			}
			first, err := db.FindFollowUps(f.ctx, followup.Filter{Limit: 50})
			if err != nil || len(first) != 50 {
				b.Fatalf("first page: %d items, %v", len(first), err)
			}
			for _, bc := range []struct {
				name string
				f    followup.Filter
			}{
				{"first-page", followup.Filter{Limit: 50}},
				{"next-page", followup.Filter{Limit: 50, After: first[49]}},
				{"by-payer", followup.Filter{Limit: 50, PayerID: c.PayerID}},
			} {
				b.Run(bc.name, func(b *testing.B) {
					b.ReportAllocs()
					for i := 0; i < b.N; i++ {
						items, err := db.FindFollowUps(f.ctx, bc.f)
						if err != nil || len(items) != 50 {
							b.Fatalf("%d items, %v", len(items), err)
						}
					}
				})
			}
		})
	}
}
