package sqldb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
)

// TestPostDepositJournal posts an 835 with a claim paid, a claim that
// matches nothing, prompt-pay interest added (PLB L6) and an earlier
// overpayment recovered (PLB WO), then a reversal of the paid claim: every
// dollar of both checks is in the deposit journal, the whole-database
// check agrees, and a PLB or deposit entry written past the poster is
// found.
func TestPostDepositJournal(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Deposit", false)
		c := f.claim("D-1", dos(), threeLines()...)
		rem := primary835("EFT500", c.ControlNumber)
		stray := primary835("x", "NOT-OURS").Claims[0]
		rem.Claims = append(rem.Claims, stray)
		rem.ProviderAdjustments = []remit.ProviderAdjustment{
			{Provider: "1234567893", FiscalPeriod: rcm.MustParseDate("2026-12-31"), Reason: "L6", Reference: "INTEREST", Amount: m("-2.50")},
			{Provider: "1234567893", FiscalPeriod: rcm.MustParseDate("2026-12-31"), Reason: "WO", Reference: "OVERPAID 88", Amount: m("40")},
		}
		// 135.50 + 135.50 + 2.50 - 40.00
		rem.Amount = m("233.50")
		res := f.post(rem)
		if res.Posted != 1 || len(res.Exceptions) != 1 {
			t.Fatalf("result: %+v", res)
		}
		want := ledger.DepositTotals{Received: m("233.50"), Applied: m("135.50"), Unapplied: m("135.50"),
			ProviderAdjustments: map[string]rcm.Money{"L6": m("-2.50"), "WO": m("40")}, Debits: m("273.50"), Credits: m("273.50")}
		got, err := db.DepositTotals(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("deposit totals (-want +got):\n%s", diff)
		}

		// The remittance's own page holds its deposit journal.
		if det, err := db.GetRemittance(f.ctx, res.RemittanceID); err != nil || !cmp.Equal(want, det.Deposit) {
			t.Errorf("GetRemittance deposit: %+v, %v", det, err)
		}

		// The payer takes the payment back in its next 835.
		rev := primary835("EFT501", c.ControlNumber)
		rev.Claims[0].Status = remit.StatusReversal
		rev.Claims[0].Charge, rev.Claims[0].Paid, rev.Claims[0].PatientResponsibility = -rev.Claims[0].Charge, -rev.Claims[0].Paid, -rev.Claims[0].PatientResponsibility
		for _, l := range rev.Claims[0].Lines {
			l.Charge, l.Paid = -l.Charge, -l.Paid
			for i := range l.Adjustments {
				l.Adjustments[i].Amount = -l.Adjustments[i].Amount
			}
		}
		rev.Amount = m("-135.50")
		if res := f.post(rev); res.Reversals != 1 {
			t.Fatalf("reversal result: %+v", res)
		}
		want.Received, want.Applied = m("98"), 0
		want.Debits, want.Credits = m("409"), m("409")
		if got, _ = db.DepositTotals(f.ctx); !cmp.Equal(want, got) {
			t.Errorf("after the reversal: %s", cmp.Diff(want, got))
		}
		reps, err := db.CheckLedger(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		rep := reportOf(t, reps, f)
		if len(rep.Violations) > 0 || rep.Remittances != 2 || !cmp.Equal(want, rep.Deposits) {
			t.Fatalf("ledger check: %d remittances, deposits %+v, violations %v", rep.Remittances, rep.Deposits, rep.Violations)
		}

		// Entries are append-only.
		if _, err := db.ExecContext(context.Background(), `UPDATE deposit_entry SET amount = amount + 1`); err == nil {
			t.Error("a deposit entry was changed")
		}
		if _, err := db.ExecContext(context.Background(), `DELETE FROM deposit_entry`); err == nil {
			t.Error("deposit entries were deleted")
		}

		// A PLB the journal does not hold, and an entry that breaks the
		// balance, written past the poster.
		var remID int64
		if err := db.QueryRowContext(context.Background(), `SELECT id FROM remittance WHERE trace = 'EFT500'`).Scan(&remID); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`INSERT INTO remit_plb (org_id, remittance_id, seq, provider, fiscal_period, reason, reference, amount) VALUES (?, ?, 9, 'X', '2026-12-31', 'CS', 'HAND EDIT', 500)`,
			`INSERT INTO deposit_entry (org_id, remittance_id, payer_id, seq, account, reason, reference, side, amount) SELECT org_id, id, payer_id, 99, 'received', '', '', 1, 700 FROM remittance WHERE org_id = ? AND id = ?`,
		} {
			if _, err := db.ExecContext(context.Background(), q, orgOf(f), remID); err != nil {
				t.Fatal(err)
			}
		}
		reps, err = db.CheckLedger(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		v := strings.Join(reportOf(t, reps, f).Violations, "\n")
		for _, want := range []string{
			"835 trace EFT500): provider adjustments in the deposit journal {L6: -$2.50, WO: $40.00} differ from its PLB segments {CS: $5.00, L6: -$2.50, WO: $40.00}",
			"835 trace EFT500): The deposit does not balance",
			"835 trace EFT500): the deposit journal received $240.50, but BPR02 is $233.50",
		} {
			if !strings.Contains(v, want) {
				t.Errorf("violations %q\nmiss %q", v, want)
			}
		}
		if strings.Contains(v, "EFT501") {
			t.Errorf("the untouched remittance is reported: %q", v)
		}
	})
}

func reportOf(t *testing.T, reps []*sqldb.LedgerReport, f *remitFixture) *sqldb.LedgerReport {
	t.Helper()
	for _, r := range reps {
		if r.OrgID == orgOf(f) {
			return r
		}
	}
	t.Fatalf("no report for organization %d", orgOf(f))
	return nil
}

func orgOf(f *remitFixture) int64 {
	a, _ := rcm.ActorFromContext(f.ctx)
	return a.OrgID
}
