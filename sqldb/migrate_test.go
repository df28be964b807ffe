package sqldb_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// testKeys are the options that give a database opened by DSN the test
// keyring, which PostgreSQL needs.
func testKeys() []sqldb.Option { return []sqldb.Option{sqldb.WithKeyring(sqldbtest.Keyring())} }

// pairsMigration made the ledger one row per entry pair; depositMigration
// and kpiMigration, which came later, read the pairs.
const (
	pairsMigration   = "00410_ledger_pairs.sql"
	depositMigration = "00650_deposit.sql"
	kpiMigration     = "01420_kpi_ledger_day.sql"
)

// oldLedgerDB makes a database as it was before the ledger stored one row
// per entry pair, with a line charged and paid entry by entry in the old
// ledger_entry table, and returns its DSN, the fixture and the line.
func oldLedgerDB(t *testing.T, dialect string, entries func(org, line, payer int64) [][]any) (string, *ledgerFixture) {
	t.Helper()
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "rcm.db")
	if dialect == sqldb.Postgres {
		dsn = sqldbtest.PostgresDSN(t)
	}
	old, err := sqldb.OpenWithout(ctx, dsn, testKeys(), pairsMigration, depositMigration, kpiMigration)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	f := newLedgerFixture(t, old, "Org Old")
	line, payer := f.lines[0], f.s.payer.ID
	for id := 1; id <= 2; id++ {
		if _, err := old.ExecContext(ctx, `INSERT INTO ledger_txn (id, org_id, posted_at, user_id, ext_key, reverses, memo) VALUES (?, ?, '2026-01-05T10:00:00Z', 1, NULL, NULL, 'old')`,
			id, f.orgID); err != nil {
			t.Fatal(err)
		}
	}
	if dialect == sqldb.Postgres {
		// As if the old release had taken the ids from the sequence.
		if _, err := old.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('ledger_txn', 'id'), 2)`); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range entries(f.orgID, line, payer) {
		if _, err := old.ExecContext(ctx, `INSERT INTO ledger_entry (org_id, txn_id, seq, line_id, op, kind, payer_id, grp, side, amount, reason, method)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e...); err != nil {
			t.Fatal(err)
		}
	}
	return dsn, f
}

// TestLedgerPairsMigration: a ledger written entry by entry moves into
// pairs without a cent or an entry lost, and the ledger works on.
func TestLedgerPairsMigration(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			var line, payer int64
			dsn, f := oldLedgerDB(t, dialect, func(org, l, p int64) [][]any {
				line, payer = l, p
				return [][]any{
					{org, 1, 0, l, "charge", "insurance_ar", p, "", 1, 15000, "", ""},
					{org, 1, 1, l, "charge", "charges", nil, "", -1, 15000, "", ""},
					{org, 2, 0, l, "payer_payment", "payer_paid", p, "", 1, 9000, "", "ACH"},
					{org, 2, 1, l, "payer_payment", "insurance_ar", p, "", -1, 9000, "", "ACH"},
					{org, 2, 2, l, "adjustment", "adjusted", nil, "CO", 1, 4000, "45", ""},
					{org, 2, 3, l, "adjustment", "insurance_ar", p, "", -1, 4000, "45", ""},
					{org, 2, 4, l, "patient_share", "patient_ar", nil, "", 1, 2000, "2", ""},
					{org, 2, 5, l, "patient_share", "insurance_ar", p, "", -1, 2000, "2", ""},
				}
			})
			db, err := sqldb.Open(context.Background(), dsn, testKeys()...)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			got, err := db.FindLedgerTransaction(f.ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			want := new(ledger.Transaction).PayerPayment(line, payer, 9000, "ACH").Adjust(line, payer, "CO", "45", 4000).PatientShare(line, payer, "2", 2000)
			if diff := cmp.Diff(want.Entries, got.Entries); diff != "" {
				t.Errorf("migrated transaction (-want +got):\n%s", diff)
			}
			reps, err := db.CheckLedger(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			rep := reps[0]
			if len(rep.Violations) > 0 || rep.Totals.Charges != 15000 || rep.Totals.PayerPaid[payer] != 9000 || rep.Totals.PatientAR != 2000 ||
				rep.Totals.Debits != 30000 || rep.Totals.Credits != 30000 {
				t.Errorf("after migration: totals %+v, violations %v", rep.Totals, rep.Violations)
			}
			// The view shows the entries as the old table held them.
			var n, net int64
			if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*), SUM(side * amount) FROM ledger_entry`).Scan(&n, &net); err != nil || n != 8 || net != 0 {
				t.Errorf("ledger_entry view: %d entries, net %d, %v", n, net, err)
			}
			// The patient pays on the migrated balance.
			if err := db.PostLedger(f.ctx, new(ledger.Transaction).PatientPayment(line, 2000, "card")); err != nil {
				t.Fatal(err)
			}
			if bs, err := db.FindLineBalances(f.ctx, sqldb.LedgerFilter{LineID: line}); err != nil || len(bs) != 1 || bs[0].Patient != 0 || bs[0].PatientPaid != 2000 {
				t.Errorf("after a payment: %+v, %v", bs, err)
			}
		})
	}
}

// TestLedgerPairsMigrationRefusesLoneEntries: entries that do not form
// pairs (a hand edit, or a bug of an old release) stop the migration, which
// changes nothing, instead of being dropped.
func TestLedgerPairsMigrationRefusesLoneEntries(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			dsn, _ := oldLedgerDB(t, dialect, func(org, l, p int64) [][]any {
				return [][]any{
					{org, 1, 0, l, "charge", "insurance_ar", p, "", 1, 15000, "", ""},
					{org, 1, 1, l, "charge", "charges", nil, "", -1, 15000, "", ""},
					{org, 2, 0, l, "patient_payment", "patient_paid", nil, "", 1, 700, "", "cash"},
				}
			})
			ctx := context.Background()
			if db, err := sqldb.Open(ctx, dsn, testKeys()...); err == nil {
				db.Close()
				t.Fatal("migrated a ledger with a lone entry")
			} else if !strings.Contains(err.Error(), "migrate") {
				t.Errorf("error %v", err)
			}
			old, err := sqldb.OpenWithout(ctx, dsn, testKeys(), pairsMigration, depositMigration, kpiMigration)
			if err != nil {
				t.Fatal(err)
			}
			defer old.Close()
			var n int
			if err := old.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_entry`).Scan(&n); err != nil || n != 3 {
				t.Errorf("after the refused migration: %d entries, %v; want the 3 untouched", n, err)
			}
			exists := `SELECT COUNT(*) FROM sqlite_master WHERE name = 'ledger_pair'`
			if dialect == sqldb.Postgres {
				exists = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'ledger_pair'`
			}
			var pairs int
			if err := old.QueryRowContext(ctx, exists).Scan(&pairs); err != nil || pairs != 0 {
				t.Errorf("ledger_pair: %d tables, %v; want none after the refused migration", pairs, err)
			}
		})
	}
}

// TestDepositBackfill: a database whose 835s were posted before the deposit
// journal existed gets, from migration 00650, the same journal the poster
// writes today, and the whole-database check passes.
func TestDepositBackfill(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			dsn := filepath.Join(t.TempDir(), "rcm.db")
			if dialect == sqldb.Postgres {
				dsn = sqldbtest.PostgresDSN(t)
			}
			db, err := sqldb.Open(ctx, dsn, testKeys()...)
			if err != nil {
				t.Fatal(err)
			}
			f := newRemitFixture(t, db, "Org Backfill", false)
			c := f.claim("B-1", dos(), threeLines()...)
			rem := primary835("EFT700", c.ControlNumber)
			rem.Claims = append(rem.Claims, primary835("x", "NOT-OURS").Claims[0])
			rem.ProviderAdjustments = []remit.ProviderAdjustment{
				{Provider: "1234567893", FiscalPeriod: rcm.MustParseDate("2026-12-31"), Reason: "L6", Reference: "INTEREST", Amount: m("-2.50")},
				{Provider: "1234567893", FiscalPeriod: rcm.MustParseDate("2026-12-31"), Reason: "WO", Reference: "OVERPAID 88", Amount: m("40")},
			}
			rem.Amount = m("233.50")
			f.post(rem)
			entries := func(db *sqldb.DB) [][]any {
				t.Helper()
				rows, err := db.QueryContext(ctx, `SELECT remittance_id, seq, account, reason, reference, side, amount FROM deposit_entry ORDER BY remittance_id, seq`)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var out [][]any
				for rows.Next() {
					var rid, seq, side, amount int64
					var account, reason, ref string
					if err := rows.Scan(&rid, &seq, &account, &reason, &ref, &side, &amount); err != nil {
						t.Fatal(err)
					}
					out = append(out, []any{rid, seq, account, reason, ref, side, amount})
				}
				return out
			}
			want := entries(db)
			if len(want) != 5 {
				t.Fatalf("posted journal: %v", want)
			}
			// As an earlier release left it: no journal, migration 00650
			// not applied.
			drops := []string{`DROP TABLE deposit_entry`, `DELETE FROM goose_db_version WHERE version_id = 650`}
			if dialect == sqldb.SQLite {
				drops = append([]string{`DROP TRIGGER deposit_entry_no_update`, `DROP TRIGGER deposit_entry_no_delete`}, drops...)
			}
			for _, q := range drops {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			db.Close()
			db, err = sqldb.Open(ctx, dsn, testKeys()...)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if diff := cmp.Diff(want, entries(db)); diff != "" {
				t.Errorf("backfilled journal (-posted +backfilled):\n%s", diff)
			}
			reps, err := db.CheckLedger(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep := reportOf(t, reps, f); len(rep.Violations) > 0 || rep.Deposits.Received != m("233.50") || rep.Deposits.Unapplied != m("135.50") {
				t.Errorf("after the backfill: deposits %+v, violations %v", rep.Deposits, rep.Violations)
			}
		})
	}
}
