package sqldb_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// deskClaims returns RCM_BENCH_CLAIMS (default 1,000,000), the size of
// the organizations the A/R desk benchmarks measure.
func deskClaims() int {
	if v, err := strconv.Atoi(os.Getenv("RCM_BENCH_CLAIMS")); err == nil && v > 0 {
		return v
	}
	return 1_000_000
}

// benchDesk is an organization of n claims made with a few INSERT ...
// SELECT statements before the timer starts: claim x is for a visit on day
// x % 365 of 2026 (one encounter and one service line of $205.50 each),
// billed to the fixture's payer. The seed claim made through the store
// gives the patient, payer, provider and coverage every row shares.
type benchDesk struct {
	f       *remitFixture
	db      *sqldb.DB
	org     int64
	payerID int64
	n       int
}

// day is the SQL for "2026-01-01 plus expr days" as YYYY-MM-DD.
func (d *benchDesk) day(expr string) string {
	if d.db.Dialect() == sqldb.Postgres {
		return `to_char(DATE '2026-01-01' + (` + expr + `)::int, 'YYYY-MM-DD')`
	}
	return `date('2026-01-01', '+' || (` + expr + `) || ' days')`
}

func (d *benchDesk) exec(b *testing.B, q string, args ...any) {
	b.Helper()
	if _, err := d.db.ExecContext(d.f.ctx, q, args...); err != nil {
		b.Fatalf("%v\n%s", err, q)
	}
}

const benchSeq = `WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < ?) `

func newBenchDesk(b *testing.B, dialect string) *benchDesk {
	db := sqldbtest.Open(b, dialect)
	f := newRemitFixture(b, db, "Bench Desk", false)
	c := f.claim("SEED-1", dos(), threeLines()...)
	d := &benchDesk{f: f, db: db, org: orgOf(f), payerID: c.PayerID, n: deskClaims()}
	// One encounter per claim, its note naming the claim to come, so the
	// claim and its line find it.
	d.exec(b, benchSeq+`INSERT INTO encounter (org_id, patient_id, practice_id, rendering_provider_id, date_of_service, place_of_service, note, status)
		SELECT e.org_id, e.patient_id, e.practice_id, e.rendering_provider_id, `+d.day("x % 365")+`, '11', 'BQ' || x, 'billed'
		FROM seq, encounter e WHERE e.org_id = ? AND e.id = ?`, d.n, d.org, c.EncounterID)
	d.exec(b, `INSERT INTO claim (org_id, encounter_id, patient_id, payer_id, coverage_id, control_number, frequency,
		payer_claim_number, state, prior_auth, referral, onset_date, accident_date, accident_cause, accident_state, date_of_service,
		place_of_service, total_charge, created_at)
		SELECT e.org_id, e.id, e.patient_id, ?, ?, e.note, '1', '', 'denied', '', '', '', '', '', '', e.date_of_service, '11', 20550,
			e.date_of_service || 'T09:00:00.000000000Z'
		FROM encounter e WHERE e.org_id = ? AND e.note LIKE 'BQ%'`, c.PayerID, c.CoverageID, d.org)
	d.exec(b, `INSERT INTO service_line (org_id, encounter_id, seq, code, modifiers, units, charge, pointers, ndc, date_of_service)
		SELECT org_id, id, 1, '99214', '', 1, 20550, '1', '', date_of_service FROM encounter WHERE org_id = ? AND note LIKE 'BQ%'`, d.org)
	return d
}

// money adds what the KPI report reads, as the 835s and the ledger would
// have left it. Claim 'BQ' || x has its visit on day k = x % 365: its line
// is charged to the payer and the claim submitted on day k+1; every 50th
// claim is rejected on day k+2 and sent again on day k+3; on day k+30 one
// 835 a day answers the claims seen 30 days before, every tenth claim
// denied in whole (nothing posted: the balance stays open), the others
// paid $120 with a CO-45 $50 adjustment and $35.50 moved to the patient,
// who pays it 20 days later on every other such claim. Visits late in the
// year are answered in 2027, outside the period.
func (d *benchDesk) money(b *testing.B) {
	actor, _ := rcm.ActorFromContext(d.f.ctx)
	a := actor.UserID
	const bq = `FROM service_line s JOIN encounter e ON e.org_id = s.org_id AND e.id = s.encounter_id WHERE s.org_id = ? AND e.note LIKE 'BQ%'`
	x := `CAST(substr(e.note, 3) AS INTEGER)`
	on := func(days string) string { return d.day(x+` % 365 + `+days) + ` || 'T10:00:00.000000000Z'` }
	txns := func(key, days, memo, where string) {
		d.exec(b, `INSERT INTO ledger_txn (org_id, posted_at, user_id, ext_key, memo) SELECT s.org_id, `+on(days)+`, ?, '`+key+`' || s.id, '`+memo+`' `+bq+where, a, d.org)
	}
	txns("bench-c:", "1", "charge", "")
	txns("bench-p:", "30", "835", " AND "+x+" % 10 <> 0")
	txns("bench-pp:", "50", "patient payment", " AND "+x+" % 20 = 1")
	payer := strconv.FormatInt(d.payerID, 10)
	for _, p := range []struct {
		key, op string
		seq     int
		amount  int
		debit   string
		credit  string
	}{
		{"bench-c:", "charge", 0, 20550, "'insurance_ar', " + payer + ", ''", "'charges', NULL, ''"},
		{"bench-p:", "payer_payment", 0, 12000, "'payer_paid', " + payer + ", ''", "'insurance_ar', " + payer + ", ''"},
		{"bench-p:", "adjustment", 1, 5000, "'adjusted', NULL, 'CO'", "'insurance_ar', " + payer + ", ''"},
		{"bench-p:", "patient_share", 2, 3550, "'patient_ar', NULL, ''", "'insurance_ar', " + payer + ", ''"},
		{"bench-pp:", "patient_payment", 0, 3550, "'patient_paid', NULL, ''", "'patient_ar', NULL, ''"},
	} {
		d.exec(b, `INSERT INTO ledger_pair (org_id, txn_id, seq, line_id, op, amount, reason, method, debit_kind, debit_payer, debit_grp, credit_kind, credit_payer, credit_grp)
			SELECT s.org_id, t.id, `+strconv.Itoa(p.seq)+`, s.id, '`+p.op+`', `+strconv.Itoa(p.amount)+`, '', '', `+p.debit+`, `+p.credit+`
			FROM service_line s JOIN ledger_txn t ON t.org_id = s.org_id AND t.ext_key = '`+p.key+`' || s.id
			WHERE s.org_id = ?`, d.org)
	}
	d.exec(b, benchSeq+`INSERT INTO remittance (org_id, payer_id, trace, trace_originator, control, handling, method, amount, paid_on, payer_name,
		claims, exceptions, posted_at, user_id)
		SELECT ?, ?, 'BENCH' || x, '1BENCH', '0001', 'I', 'ACH', 0, `+d.day("x - 1 + 30")+`, 'Bench', 0, 0, `+d.day("x - 1 + 30")+` || 'T10:00:00.000000000Z', ?
		FROM seq`, 365, d.org, d.payerID, a)
	d.exec(b, `INSERT INTO remit_claim (org_id, remittance_id, seq, claim_id, matched_by, control_number, status, charge, paid, patient_resp,
		filing_indicator, payer_claim_number, adjustments, remarks, outcome, claim_state, transferred)
		SELECT c.org_id, r.id, CAST(substr(c.control_number, 3) AS INTEGER), c.id, 'control_number', c.control_number,
			CASE WHEN CAST(substr(c.control_number, 3) AS INTEGER) % 10 = 0 THEN '4' ELSE '1' END, 20550,
			CASE WHEN CAST(substr(c.control_number, 3) AS INTEGER) % 10 = 0 THEN 0 ELSE 12000 END,
			CASE WHEN CAST(substr(c.control_number, 3) AS INTEGER) % 10 = 0 THEN 0 ELSE 3550 END, 'CI', '', '[]', '', 'posted',
			CASE WHEN CAST(substr(c.control_number, 3) AS INTEGER) % 10 = 0 THEN 'denied' ELSE 'paid' END, 0
		FROM claim c JOIN remittance r ON r.org_id = c.org_id AND r.payer_id = c.payer_id
			AND r.trace = 'BENCH' || (CAST(substr(c.control_number, 3) AS INTEGER) % 365 + 1)
		WHERE c.org_id = ? AND c.control_number LIKE 'BQ%'`, d.org)
	for _, ev := range []struct{ days, from, to, where string }{
		{"1", "ready", "submitted", ""},
		{"2", "submitted", "rejected", " AND " + x + " % 50 = 0"},
		{"3", "rejected", "submitted", " AND " + x + " % 50 = 0"},
		{"30", "submitted", "denied", " AND " + x + " % 10 = 0"},
		{"30", "submitted", "paid", " AND " + x + " % 10 <> 0"},
	} {
		d.exec(b, `INSERT INTO claim_event (org_id, claim_id, at, user_id, from_state, to_state, reason)
			SELECT c.org_id, c.id, `+on(ev.days)+`, ?, '`+ev.from+`', '`+ev.to+`', 'bench'
			FROM claim c JOIN encounter e ON e.org_id = c.org_id AND e.id = c.encounter_id WHERE c.org_id = ? AND e.note LIKE 'BQ%'`+ev.where, a, d.org)
	}
	d.exec(b, `ANALYZE`)
}

// BenchmarkKPIReport measures the manager's numbers over 2026 for an
// organization of RCM_BENCH_CLAIMS claims (default 1,000,000) in that
// year, with their charges, 835 answers, payments, adjustments, patient
// shares and payments, and submission histories (see money). The report
// is checked against what the rows were made to say before it is timed.
func BenchmarkKPIReport(b *testing.B) {
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, dialect := range sqldbtest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			d := newBenchDesk(b, dialect)
			start := time.Now()
			d.money(b)
			b.Logf("%s: %d claims made in %s", dialect, d.n, time.Since(start).Round(time.Second))
			rep, err := d.db.KPIReport(d.f.ctx, from, to)
			if err != nil {
				b.Fatal(err)
			}
			// Every tenth claim is denied on its first answer, every 50th
			// rejected before it: 10% and 98%, give or take the seed
			// claim and the year's edges.
			t := rep.Total
			if t.DenialRate == nil || *t.DenialRate < 9.5 || *t.DenialRate > 10.5 || t.CleanClaimRate == nil || *t.CleanClaimRate < 97.5 || *t.CleanClaimRate > 98.5 ||
				t.ClaimsSubmitted < d.n*99/100 || t.NetRevenue <= 0 || t.OpenAR <= 0 {
				b.Fatalf("the report does not say what the rows do: %+v", t)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := d.db.KPIReport(d.f.ctx, from, to); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFollowUpQueue measures the first page (50 items) of the
// follow-up queue, and a keyset next page, for an organization with
// RCM_BENCH_CLAIMS claims (default 1,000,000) of which every tenth has an
// open work item (100,000), plus the same page filtered by payer. The rows
// are made with INSERT ... SELECT before the timer starts (newBenchDesk).
func BenchmarkFollowUpQueue(b *testing.B) {
	for _, dialect := range sqldbtest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			d := newBenchDesk(b, dialect)
			db, f, org := d.db, d.f, d.org
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
				{"by-payer", followup.Filter{Limit: 50, PayerID: d.payerID}},
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
