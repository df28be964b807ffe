package sqldb_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/kpi"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
)

// TestKPISummaryMatchesLedger: after real postings (an 835 with a
// transfer to the secondary payer and its secondary claim, a denial, a
// charge reversed and made again to another payer), the KPI report read
// from the running summary gives the same ledger figures, for the
// organization, each payer and each provider and for two periods, as the
// report recomputed from every ledger pair; `rcm ledger check` finds the
// summary equal to its recomputation, names a summary row changed behind
// its back, and RebuildKPISummary repairs it.
func TestKPISummaryMatchesLedger(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org KPI summary", true)
		c1 := f.claim("KS-1", dos(), threeLines()...)
		c2 := f.claim("KS-2", dos(), threeLines()...)
		c3 := f.claim("KS-3", dos(), threeLines()...)
		f.post(primary835("EFT-KS1", c1.ControlNumber))
		rem := primary835("EFT-KS2", "NOPE")
		rem.Claims = []*remit.ClaimPayment{{ControlNumber: c2.ControlNumber, Status: "4", Charge: m("205.50"),
			Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "27", Amount: m("205.50")}}}}
		rem.Amount = 0
		f.post(rem)
		charge, err := db.FindLedgerTransactionByKey(f.ctx, remit.ChargeKey(c3.ID))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.PostLedger(f.ctx, ledger.Reverse(charge, "billed to the wrong payer")); err != nil {
			t.Fatal(err)
		}
		again := &ledger.Transaction{Key: "recharge:KS-3", Memo: "claim KS-3 billed to the right payer"}
		for _, l := range c3.Lines {
			again.Charge(l.ServiceLineID, f.secondary.ID, l.Charge)
		}
		if err := db.PostLedger(f.ctx, again); err != nil {
			t.Fatal(err)
		}
		checkKPISummary(t, f, db, "")
		for _, p := range [][2]time.Time{
			{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)},
			{f.db.Clock.Now().AddDate(0, 0, -1), f.db.Clock.Now()},
		} {
			got, err := db.KPIReport(f.ctx, p[0], p[1])
			if err != nil {
				t.Fatal(err)
			}
			want := kpi.Compute(p[0], p[1], ledgerLineFacts(t, f, db, p[0], p[1]), nil, nil)
			if diff := cmp.Diff(ledgerFigures(want), ledgerFigures(got)); diff != "" {
				t.Errorf("%s to %s: summary and ledger differ (-ledger +summary):\n%s", got.From, got.To, diff)
			}
			if got.Total.OpenAR == 0 || got.Total.NetRevenue == 0 {
				t.Errorf("%s to %s: nothing open or billed: %+v", got.From, got.To, got.Total)
			}
		}
		if _, err := db.ExecContext(f.ctx, `UPDATE kpi_ledger_day SET charged = charged + 1 WHERE org_id = (SELECT org_id FROM claim WHERE id = ?)`, c1.ID); err != nil {
			t.Fatal(err)
		}
		checkKPISummary(t, f, db, "KPI summary for ")
		if err := db.RebuildKPISummary(f.ctx); err != nil {
			t.Fatal(err)
		}
		checkKPISummary(t, f, db, "")
	})
}

// checkKPISummary runs the ledger check and expects no violation, or one
// starting with want.
func checkKPISummary(t *testing.T, f *remitFixture, db *sqldb.DB, want string) {
	t.Helper()
	reps, err := db.CheckLedger(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range reps {
		got = append(got, r.Violations...)
	}
	switch {
	case want == "" && len(got) > 0:
		t.Errorf("violations: %q", got)
	case want != "" && (len(got) == 0 || !strings.HasPrefix(got[0], want)):
		t.Errorf("violations %q, want one starting %q", got, want)
	}
}

// ledgerFigures keeps the figures the ledger gives (not the claim counts).
func ledgerFigures(r *kpi.Report) map[string][4]rcm.Money {
	out := map[string][4]rcm.Money{}
	add := func(by string, fs ...kpi.Figures) {
		for _, f := range fs {
			out[by+" "+f.Group] = [4]rcm.Money{f.OpenAR, f.AROver90, f.NetRevenue, f.Collected}
		}
	}
	add("total", r.Total)
	add("payer", r.ByPayer...)
	add("provider", r.ByProvider...)
	return out
}

// ledgerLineFacts is what KPIReport read before the summary: every pair
// of the organization through the end of the period, grouped by service
// line.
func ledgerLineFacts(t *testing.T, f *remitFixture, db *sqldb.DB, from, to time.Time) []kpi.LineFacts {
	t.Helper()
	lo, hi := from.UTC().Format("2006-01-02T15:04:05.000000000Z"), to.AddDate(0, 0, 1).Add(-time.Nanosecond).UTC().Format("2006-01-02T15:04:05.000000000Z")
	names := map[string]string{"": "Self-pay"}
	rows, err := db.QueryContext(f.ctx, `SELECT CAST(id AS TEXT), name FROM payer`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			t.Fatal(err)
		}
		names[id] = name
	}
	rows.Close()
	in := `t.posted_at >= ? AND t.posted_at <= ?`
	rows, err = db.QueryContext(f.ctx, `SELECT e.date_of_service, pv.first_name, pv.last_name,
			CAST(MIN(CASE WHEN p.op = 'charge' THEN p.debit_payer END) AS TEXT),
			CAST(SUM(CASE WHEN p.debit_kind IN ('insurance_ar', 'patient_ar') THEN p.amount ELSE 0 END
				- CASE WHEN p.credit_kind IN ('insurance_ar', 'patient_ar') THEN p.amount ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN `+in+` THEN (CASE WHEN p.credit_kind = 'charges' THEN p.amount ELSE 0 END
				- CASE WHEN p.debit_kind = 'charges' THEN p.amount ELSE 0 END) ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN `+in+` THEN (CASE WHEN p.debit_kind = 'adjusted' AND p.debit_grp = 'CO' THEN p.amount ELSE 0 END
				- CASE WHEN p.credit_kind = 'adjusted' AND p.credit_grp = 'CO' THEN p.amount ELSE 0 END) ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN `+in+` THEN (CASE WHEN p.debit_kind IN ('payer_paid', 'patient_paid') THEN p.amount ELSE 0 END
				- CASE WHEN p.credit_kind IN ('payer_paid', 'patient_paid') THEN p.amount ELSE 0 END) ELSE 0 END) AS BIGINT)
		FROM ledger_pair p
		JOIN ledger_txn t ON t.org_id = p.org_id AND t.id = p.txn_id
		JOIN service_line s ON s.org_id = p.org_id AND s.id = p.line_id
		JOIN encounter e ON e.org_id = s.org_id AND e.id = s.encounter_id
		JOIN provider pv ON pv.org_id = e.org_id AND pv.id = e.rendering_provider_id
		WHERE t.posted_at <= ?
		GROUP BY s.org_id, s.id, e.date_of_service, pv.first_name, pv.last_name`, lo, hi, lo, hi, lo, hi, hi)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []kpi.LineFacts
	for rows.Next() {
		var dos, first, last string
		var payer sql.NullString
		var open, charged, co, collected int64
		if err := rows.Scan(&dos, &first, &last, &payer, &open, &charged, &co, &collected); err != nil {
			t.Fatal(err)
		}
		d, err := rcm.ParseDate(dos)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, kpi.LineFacts{Payer: names[payer.String], Provider: "Dr. " + first + " " + last, DateOfService: d.Time(),
			OpenAtEnd: rcm.Money(open), Charged: rcm.Money(charged), Contractual: rcm.Money(co), Collected: rcm.Money(collected)})
	}
	return out
}
