package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/openrcm/openrcm/ledger"
)

// kpiLedgerExprs are the four figures the KPI report reads per service
// line (KPIReport before the summary), here summed per summary row: the
// change in open A/R, charges, contractual (CO) adjustments and
// collections.
var kpiLedgerExprs = []string{
	`CASE WHEN p.debit_kind IN ('insurance_ar', 'patient_ar') THEN p.amount ELSE 0 END - CASE WHEN p.credit_kind IN ('insurance_ar', 'patient_ar') THEN p.amount ELSE 0 END`,
	`CASE WHEN p.credit_kind = 'charges' THEN p.amount ELSE 0 END - CASE WHEN p.debit_kind = 'charges' THEN p.amount ELSE 0 END`,
	`CASE WHEN p.debit_kind = 'adjusted' AND p.debit_grp = 'CO' THEN p.amount ELSE 0 END - CASE WHEN p.credit_kind = 'adjusted' AND p.credit_grp = 'CO' THEN p.amount ELSE 0 END`,
	`CASE WHEN p.debit_kind IN ('payer_paid', 'patient_paid') THEN p.amount ELSE 0 END - CASE WHEN p.credit_kind IN ('payer_paid', 'patient_paid') THEN p.amount ELSE 0 END`,
}

// kpiLedgerSelect groups ledger pairs into kpi_ledger_day rows: the pairs
// of organization ? meeting cond, each line's billed payer (its first
// charge's payer, MIN as the report always read it) read from the charges
// of the lines meeting lineCond. Every figure is multiplied by sign ("1"
// or "-1"). Its arguments: org, lineCond's, org, cond's.
func kpiLedgerSelect(sign string, cond, lineCond string) string {
	sums := ""
	for i, e := range kpiLedgerExprs {
		if i > 0 {
			sums += ",\n\t"
		}
		sums += "CAST(SUM(" + sign + " * (" + e + ")) AS BIGINT)"
	}
	return `SELECT p.org_id, substr(t.posted_at, 1, 10), COALESCE(lp.payer, 0), e.rendering_provider_id, e.date_of_service,
	` + sums + `
	FROM ledger_pair p
	JOIN ledger_txn t ON t.org_id = p.org_id AND t.id = p.txn_id
	JOIN service_line s ON s.org_id = p.org_id AND s.id = p.line_id
	JOIN encounter e ON e.org_id = s.org_id AND e.id = s.encounter_id
	LEFT JOIN (SELECT org_id, line_id, MIN(debit_payer) AS payer FROM ledger_pair WHERE org_id = ? AND op = 'charge' AND ` + lineCond + ` GROUP BY org_id, line_id) lp
		ON lp.org_id = p.org_id AND lp.line_id = p.line_id
	WHERE p.org_id = ? AND ` + cond + `
	GROUP BY p.org_id, substr(t.posted_at, 1, 10), COALESCE(lp.payer, 0), e.rendering_provider_id, e.date_of_service`
}

// idSet is the condition "column is one of ids" with its one argument: an
// array on PostgreSQL, a JSON array read by json_each on SQLite (any
// number of ids in one parameter on both).
func (tx *Tx) idSet(column string, ids []int64) (string, any) {
	if tx.Dialect() == Postgres {
		return column + " = ANY(CAST(? AS BIGINT[]))", ids
	}
	b, _ := json.Marshal(ids)
	return column + " IN (SELECT value FROM json_each(?))", string(b)
}

// addKPILedger adds (sign "1") or takes away (sign "-1") the pairs of org
// meeting cond to kpi_ledger_day, in the posting's transaction. Rows are
// written in key order so two postings of an organization take the rows
// they share in the same order.
func (tx *Tx) addKPILedger(ctx context.Context, org int64, sign, cond string, condArgs []any, lineCond string, lineArg any) error {
	args := append([]any{org, lineArg, org}, condArgs...)
	_, err := tx.ExecContext(ctx, `INSERT INTO kpi_ledger_day (org_id, day, payer_id, provider_id, date_of_service, open_change, charged, contractual, collected)
		`+kpiLedgerSelect(sign, cond, lineCond)+`
		ORDER BY 1, 2, 3, 4, 5
		ON CONFLICT (org_id, day, payer_id, provider_id, date_of_service) DO UPDATE SET
			open_change = kpi_ledger_day.open_change + excluded.open_change, charged = kpi_ledger_day.charged + excluded.charged,
			contractual = kpi_ledger_day.contractual + excluded.contractual, collected = kpi_ledger_day.collected + excluded.collected`, args...)
	if err != nil {
		return fmt.Errorf("kpi summary: %w", mapError(err))
	}
	return nil
}

// rechargedLines returns the lines that pending charges (or reverses a
// charge on): their billed payer, the payer of their first charge, may
// change with this posting, so their whole contribution is taken away
// before the pairs are written and added back after.
func rechargedLines(pending []pendingPair) []int64 {
	var out []int64
	for _, p := range pending {
		if p.debit.Op == ledger.OpCharge {
			out = append(out, p.debit.Account.Line)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// kpiBeforePairs takes away the summary rows of the recharged lines.
func (tx *Tx) kpiBeforePairs(ctx context.Context, org int64, recharged []int64) error {
	if len(recharged) == 0 {
		return nil
	}
	cond, arg := tx.idSet("p.line_id", recharged)
	lineCond, lineArg := tx.idSet("line_id", recharged)
	return tx.addKPILedger(ctx, org, "-1", cond, []any{arg}, lineCond, lineArg)
}

// kpiAfterPairs adds the batch's pairs (txns) to the summary, and the
// whole of each recharged line.
func (tx *Tx) kpiAfterPairs(ctx context.Context, org int64, txns, lines, recharged []int64) error {
	lineCond, lineArg := tx.idSet("line_id", lines)
	cond, arg := tx.idSet("p.txn_id", txns)
	args := []any{arg}
	if len(recharged) > 0 {
		not, narg := tx.idSet("p.line_id", recharged)
		cond, args = cond+" AND NOT ("+not+")", append(args, narg)
	}
	if err := tx.addKPILedger(ctx, org, "1", cond, args, lineCond, lineArg); err != nil {
		return err
	}
	if len(recharged) == 0 {
		return nil
	}
	cond, arg = tx.idSet("p.line_id", recharged)
	lineCond, lineArg = tx.idSet("line_id", recharged)
	return tx.addKPILedger(ctx, org, "1", cond, []any{arg}, lineCond, lineArg)
}

// kpiKey is one kpi_ledger_day row's key; kpiSums its figures.
type kpiKey struct {
	day, dos        string
	payer, provider int64
}
type kpiSums [4]int64

// checkKPISummary compares kpi_ledger_day with its recomputation from the
// ledger, organization by organization, and adds a violation per
// difference (at most ten per organization) to the reports.
func (db *DB) checkKPISummary(ctx context.Context, reports map[int64]*LedgerReport) error {
	for org, r := range reports {
		want, err := db.kpiRows(ctx, kpiLedgerSelect("1", "1 = 1", "1 = 1"), org, org)
		if err != nil {
			return err
		}
		got, err := db.kpiRows(ctx, `SELECT org_id, day, payer_id, provider_id, date_of_service, open_change, charged, contractual, collected
			FROM kpi_ledger_day WHERE org_id = ?`, org)
		if err != nil {
			return err
		}
		bad := 0
		for _, k := range sortedKPIKeys(want, got) {
			if want[k] == got[k] {
				continue
			}
			if bad++; bad <= 10 {
				r.Violations = append(r.Violations, fmt.Sprintf("KPI summary for %s, payer %d, provider %d, service date %s: it holds %v (open A/R change, charged, contractual, collected) but the ledger gives %v; run `rcm ledger check --rebuild-kpi`.",
					k.day, k.payer, k.provider, k.dos, got[k], want[k]))
			}
		}
		if bad > 10 {
			r.Violations = append(r.Violations, fmt.Sprintf("KPI summary: %d more rows differ from the ledger.", bad-10))
		}
	}
	return nil
}

func sortedKPIKeys(a, b map[kpiKey]kpiSums) []kpiKey {
	var keys []kpiKey
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(x, y kpiKey) int {
		if x.day != y.day {
			return compareStrings(x.day, y.day)
		}
		if x.payer != y.payer {
			return int(x.payer - y.payer)
		}
		if x.provider != y.provider {
			return int(x.provider - y.provider)
		}
		return compareStrings(x.dos, y.dos)
	})
	return keys
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// kpiRows reads summary rows (org, day, payer, provider, date of service,
// four sums), leaving out rows whose sums are all zero (a line charged
// and reversed the same day leaves such a row, or none).
func (db *DB) kpiRows(ctx context.Context, query string, args ...any) (map[kpiKey]kpiSums, error) {
	out := map[kpiKey]kpiSums{}
	err := eachRow(ctx, db, func(s scanner) error {
		var k kpiKey
		var org int64
		var v kpiSums
		if err := s.Scan(&org, &k.day, &k.payer, &k.provider, &k.dos, &v[0], &v[1], &v[2], &v[3]); err != nil {
			return err
		}
		if v != (kpiSums{}) {
			out[k] = v
		}
		return nil
	}, query, args...)
	return out, err
}

// RebuildKPISummary recomputes the KPI report's summary (kpi_ledger_day)
// from the ledger, for every organization, in one transaction: the repair
// when `rcm ledger check` finds it differs, and what a bulk load (cmd/rcmgen)
// runs after writing ledger rows directly.
func (db *DB) RebuildKPISummary(ctx context.Context) error {
	return db.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM kpi_ledger_day`); err != nil {
			return err
		}
		orgs, err := queryAll(ctx, tx, func(s scanner) (int64, error) {
			var id int64
			return id, s.Scan(&id)
		}, `SELECT id FROM organization ORDER BY id`)
		if err != nil {
			return err
		}
		for _, org := range orgs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO kpi_ledger_day (org_id, day, payer_id, provider_id, date_of_service, open_change, charged, contractual, collected)
				`+kpiLedgerSelect("1", "1 = 1", "1 = 1"), org, org); err != nil {
				return fmt.Errorf("rebuild kpi summary: %w", mapError(err))
			}
		}
		return nil
	})
}
