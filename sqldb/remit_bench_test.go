package sqldb_test

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
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
			for i := 0; i < b.N; i++ {
				cp := &remit.ClaimPayment{ControlNumber: fmt.Sprintf("B%07d", i), Status: "1", Charge: m("500"), Paid: m("320"),
					PatientResponsibility: m("80"), FilingIndicator: "12"}
				for _, code := range codes {
					cp.Lines = append(cp.Lines, &remit.LinePayment{Code: code, Charge: m("125"), Paid: m("80"), Units: 1, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("25")}, {Group: "PR", Reason: "2", Amount: m("20")}}})
				}
				rem.Claims = append(rem.Claims, cp)
				rem.Amount += cp.Paid
			}
			benchClaims(b, f, codes, b.N)
			// A live PostgreSQL database has planner statistics from
			// autovacuum; tables filled seconds ago have none.
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
			start, cpu := time.Now(), processCPU()
			res, err := remit.Post(f.ctx, db, rem)
			elapsed, cpu := time.Since(start), processCPU()-cpu
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
			// On a shared machine wall time also counts waiting for a core;
			// the process's CPU time (all threads, GC included) does not.
			b.ReportMetric(cpu.Seconds()*1e6/float64(b.N), "cpu_µs/claim")
		})
	}
}

// benchClaims makes n submitted claims of one encounter each, with one
// service line per code charged at $125 to the fixture's payer, as
// CreateEncounter and CreateClaim would store them but with multi-row
// inserts: made one at a time, 100,000 claims take longer to set up than
// to post. The charges go through PostLedger, checked like any posting.
func benchClaims(b testing.TB, f *remitFixture, codes []string, n int) {
	b.Helper()
	ctx, db := f.ctx, f.db
	a, _ := rcm.ActorFromContext(ctx)
	org, payer := a.OrgID, f.s.payer.ID
	const charge = 12500
	first := func(table string) int64 {
		var id int64
		if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+table).Scan(&id); err != nil {
			b.Fatal(err)
		}
		return id
	}
	enc, line, claim, cline := first("encounter"), first("service_line"), first("claim"), first("claim_line")
	insert := func(table, cols string, rows [][]any) {
		ncol := len(rows[0])
		for start := 0; start < len(rows); start += 500 {
			chunk := rows[start:min(start+500, len(rows))]
			var q strings.Builder
			q.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
			var args []any
			for i, r := range chunk {
				if i > 0 {
					q.WriteByte(',')
				}
				q.WriteString("(" + strings.TrimSuffix(strings.Repeat("?,", ncol), ",") + ")")
				args = append(args, r...)
			}
			if _, err := db.ExecContext(ctx, q.String(), args...); err != nil {
				b.Fatalf("%s: %v", table, err)
			}
		}
	}
	day := dos().String()
	now := sqldbtest.Start.Format("2006-01-02T15:04:05.000000000Z")
	const per = 2000 // claims per round, and per PostLedger transaction
	for done := 0; done < n; done += per {
		var encs, diags, lines, claims, cdiags, clines [][]any
		var charges []*ledger.Transaction
		for i := done; i < min(done+per, n); i++ {
			e, c := enc+int64(i), claim+int64(i)
			encs = append(encs, []any{e, org, f.s.patient.ID, f.s.practice.ID, f.s.provider.ID, day, "11", "", string(rcm.EncounterCoded)})
			diags = append(diags, []any{org, e, 1, "I10"})
			claims = append(claims, []any{c, org, e, f.s.patient.ID, payer, f.cov1.ID, fmt.Sprintf("B%07d", i), "1", "", "submitted",
				"", "", "", "", "", "", day, "11", int64(len(codes) * charge), now})
			cdiags = append(cdiags, []any{org, c, 1, "I10"})
			t := &ledger.Transaction{}
			for j, code := range codes {
				l := line + int64(i*len(codes)+j)
				lines = append(lines, []any{l, org, e, j + 1, code, "", 1, charge, "1", "", day})
				clines = append(clines, []any{cline + int64(i*len(codes)+j), org, c, j + 1, l, code, "", 1, charge, "1", "", day})
				t.Charge(l, payer, charge)
			}
			charges = append(charges, t)
		}
		insert("encounter", "id, org_id, patient_id, practice_id, rendering_provider_id, date_of_service, place_of_service, note, status", encs)
		insert("encounter_diagnosis", "org_id, encounter_id, seq, code", diags)
		insert("service_line", "id, org_id, encounter_id, seq, code, modifiers, units, charge, pointers, ndc, date_of_service", lines)
		insert("claim", `id, org_id, encounter_id, patient_id, payer_id, coverage_id, control_number, frequency, payer_claim_number, state,
			prior_auth, referral, onset_date, accident_date, accident_cause, accident_state, date_of_service, place_of_service, total_charge, created_at`, claims)
		insert("claim_diagnosis", "org_id, claim_id, seq, code", cdiags)
		insert("claim_line", "id, org_id, claim_id, seq, service_line_id, code, modifiers, units, charge, pointers, ndc, date_of_service", clines)
		if err := db.PostLedger(ctx, charges...); err != nil {
			b.Fatal(err)
		}
	}
	if db.Dialect() == sqldb.Postgres {
		// The rows above were given their ids; move the identity sequences
		// past them.
		for _, table := range []string{"encounter", "service_line", "claim", "claim_line"} {
			if _, err := db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT MAX(id) FROM `+table+`))`); err != nil {
				b.Fatal(err)
			}
		}
	}
}
