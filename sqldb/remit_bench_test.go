package sqldb_test

import (
	"fmt"
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// BenchmarkPostRemittance measures remit.Post end to end: one op is one
// claim payment (CLP) of four service lines, each paid with a CO-45
// contractual adjustment and a PR-2 coinsurance, in one 835 of b.N claims
// posted in one database transaction: matching, ledger (12 entry pairs per
// claim, invariant checked before and after), claim and line payment rows,
// claim states and their history, and the audit trail. The claims are made,
// submitted and charged before the timer starts. Run a fixed count with,
// for example, -benchtime=5000x.
func BenchmarkPostRemittance(b *testing.B) {
	for _, dialect := range sqldbtest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			f := newRemitFixture(b, db, "Bench", false)
			codes := []string{"99214", "93000", "36415", "81002"}
			rem := &remit.Remittance{Handling: "I", Method: "ACH", PaidOn: rcm.MustParseDate("2026-02-03"), Trace: "BENCH",
				PayerName: "ACME HEALTH", PayerIdentifier: "ACME1"}
			var charges []*ledger.Transaction
			for i := 0; i < b.N; i++ {
				cn := fmt.Sprintf("B%07d", i)
				e := &rcm.Encounter{PatientID: f.s.patient.ID, PracticeID: f.s.practice.ID, RenderingProviderID: f.s.provider.ID,
					DateOfService: dos(), PlaceOfService: "11", Status: rcm.EncounterCoded, Diagnoses: []rcm.Diagnosis{{Code: "I10"}}}
				cp := &remit.ClaimPayment{ControlNumber: cn, Status: "1", Charge: m("500"), Paid: m("320"), PatientResponsibility: m("80"), FilingIndicator: "12"}
				for _, code := range codes {
					e.Lines = append(e.Lines, rcm.ServiceLine{Code: code, Units: 1, Charge: m("125"), Pointers: []int{1}})
					cp.Lines = append(cp.Lines, &remit.LinePayment{Code: code, Charge: m("125"), Paid: m("80"), Units: 1, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("25")}, {Group: "PR", Reason: "2", Amount: m("20")}}})
				}
				rem.Claims = append(rem.Claims, cp)
				rem.Amount += cp.Paid
				if err := db.CreateEncounter(f.ctx, e); err != nil {
					b.Fatal(err)
				}
				ids, err := db.FindServiceLineIDs(f.ctx, e.ID)
				if err != nil {
					b.Fatal(err)
				}
				c := &rcm.Claim{EncounterID: e.ID, PatientID: f.s.patient.ID, PayerID: f.s.payer.ID, CoverageID: f.cov1.ID, ControlNumber: cn,
					Frequency: "1", DateOfService: dos(), PlaceOfService: "11", Diagnoses: e.Diagnoses}
				t := &ledger.Transaction{}
				for j, l := range e.Lines {
					c.Lines = append(c.Lines, rcm.ClaimLine{ServiceLineID: ids[j], ServiceLine: l})
					t.Charge(ids[j], f.s.payer.ID, l.Charge)
				}
				if err := db.CreateClaim(f.ctx, c); err != nil {
					b.Fatal(err)
				}
				if _, err := db.ExecContext(f.ctx, `UPDATE claim SET state = 'submitted' WHERE id = ?`, c.ID); err != nil {
					b.Fatal(err)
				}
				if charges = append(charges, t); len(charges) == 500 || i == b.N-1 {
					if err := db.PostLedger(f.ctx, charges...); err != nil {
						b.Fatal(err)
					}
					charges = charges[:0]
				}
			}
			if dialect == sqldb.Postgres {
				if _, err := db.ExecContext(f.ctx, `ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			if p := os.Getenv("RCM_PROFILE"); p != "" {
				out, err := os.Create(p)
				if err != nil {
					b.Fatal(err)
				}
				pprof.StartCPUProfile(out)
				defer pprof.StopCPUProfile()
			}
			start := time.Now()
			res, err := remit.Post(f.ctx, db, rem)
			elapsed := time.Since(start)
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			if res.Posted != b.N {
				b.Fatalf("posted %d of %d: %v", res.Posted, b.N, res.Exceptions)
			}
			perClaim := elapsed.Seconds() / float64(b.N)
			b.ReportMetric(1/perClaim, "claims_per_s")
			b.ReportMetric(perClaim*100000, "s_per_100k_claims")
		})
	}
}
