package sqldb

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

// DepositTotals sums the deposit journals of the organization's
// remittances: what payers sent, what was applied to lines or left
// unapplied, and the provider-level adjustments by reason. It reads no
// patient data.
func (db *DB) DepositTotals(ctx context.Context) (ledger.DepositTotals, error) {
	var t ledger.DepositTotals
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return t, err
	}
	deposits, err := depositSums(ctx, db, `WHERE org_id = ?`, a.OrgID)
	if err != nil {
		return t, err
	}
	for _, d := range deposits {
		t.Merge(*d)
	}
	return t, nil
}

type remitKey struct{ org, id int64 }

// depositSums returns each remittance's deposit totals.
func depositSums(ctx context.Context, q queryer, where string, args ...any) (map[remitKey]*ledger.DepositTotals, error) {
	out := map[remitKey]*ledger.DepositTotals{}
	err := eachRow(ctx, q, func(s scanner) error {
		var k remitKey
		var account, reason string
		var side, amount int64
		if err := s.Scan(&k.org, &k.id, &account, &reason, &side, &amount); err != nil {
			return err
		}
		t := out[k]
		if t == nil {
			t = &ledger.DepositTotals{}
			out[k] = t
		}
		return t.AddSum(ledger.DepositAccount(account), reason, ledger.Side(side), rcm.Money(amount))
	}, `SELECT org_id, remittance_id, account, reason, side, CAST(SUM(amount) AS BIGINT)
		FROM deposit_entry `+where+` GROUP BY org_id, remittance_id, account, reason, side`, args...)
	return out, err
}

// checkDeposits verifies every remittance's deposit journal against what
// the database holds besides it: it balances; received is the stored
// BPR02; applied is the change its claim payments' ledger transactions
// made to the payer's payer-paid accounts; unapplied is the CLP04 of its
// exceptions; the provider adjustments are its stored PLB by reason. It
// adds the totals and any violation to the organizations' reports.
func (db *DB) checkDeposits(ctx context.Context, reports map[int64]*LedgerReport) error {
	deposits, err := depositSums(ctx, db, ``)
	if err != nil {
		return err
	}
	type remittance struct {
		key    remitKey
		trace  string
		amount int64
	}
	rems, err := queryAll(ctx, db, func(s scanner) (remittance, error) {
		var r remittance
		return r, s.Scan(&r.key.org, &r.key.id, &r.trace, &r.amount)
	}, `SELECT org_id, id, trace, amount FROM remittance ORDER BY org_id, id`)
	if err != nil {
		return err
	}
	// sums reads (org, remittance, label, amount) rows by remittance and
	// label.
	sums := func(query string) (map[remitKey]map[string]int64, error) {
		out := map[remitKey]map[string]int64{}
		err := eachRow(ctx, db, func(s scanner) error {
			var k remitKey
			var label string
			var v int64
			if err := s.Scan(&k.org, &k.id, &label, &v); err != nil {
				return err
			}
			if out[k] == nil {
				out[k] = map[string]int64{}
			}
			out[k][label] = v
			return nil
		}, query)
		return out, err
	}
	applied, err := sums(`SELECT r.org_id, r.id, '', CAST(SUM(
			CASE WHEN p.debit_kind = 'payer_paid' AND p.debit_payer = r.payer_id THEN p.amount ELSE 0 END -
			CASE WHEN p.credit_kind = 'payer_paid' AND p.credit_payer = r.payer_id THEN p.amount ELSE 0 END) AS BIGINT)
		FROM remittance r
		JOIN remit_claim rc ON rc.org_id = r.org_id AND rc.remittance_id = r.id
		JOIN ledger_pair p ON p.org_id = rc.org_id AND p.txn_id = rc.ledger_txn_id
		GROUP BY r.org_id, r.id`)
	if err != nil {
		return err
	}
	unapplied, err := sums(`SELECT org_id, remittance_id, '', CAST(SUM(amount) AS BIGINT) FROM remit_exception GROUP BY org_id, remittance_id`)
	if err != nil {
		return err
	}
	// Unapplied money applied later (ApplyUnappliedMoney) left the
	// exceptions' sum and joined the applied one, through its own ledger
	// transaction.
	later, err := sums(`SELECT a.org_id, a.remittance_id, '', CAST(SUM(
			CASE WHEN p.debit_kind = 'payer_paid' AND p.debit_payer = r.payer_id THEN p.amount ELSE 0 END -
			CASE WHEN p.credit_kind = 'payer_paid' AND p.credit_payer = r.payer_id THEN p.amount ELSE 0 END) AS BIGINT)
		FROM unapplied_application a
		JOIN remittance r ON r.org_id = a.org_id AND r.id = a.remittance_id
		JOIN ledger_pair p ON p.org_id = a.org_id AND p.txn_id = a.ledger_txn_id
		GROUP BY a.org_id, a.remittance_id`)
	if err != nil {
		return err
	}
	laterSum, err := sums(`SELECT org_id, remittance_id, '', CAST(SUM(amount) AS BIGINT) FROM unapplied_application GROUP BY org_id, remittance_id`)
	if err != nil {
		return err
	}
	plb, err := sums(`SELECT org_id, remittance_id, reason, CAST(SUM(amount) AS BIGINT) FROM remit_plb GROUP BY org_id, remittance_id, reason`)
	if err != nil {
		return err
	}
	for _, r := range rems {
		rep := reports[r.key.org]
		d := deposits[r.key]
		if d == nil {
			d = &ledger.DepositTotals{}
		}
		rep.Remittances++
		rep.Deposits.Merge(*d)
		bad := func(format string, args ...any) {
			rep.Violations = append(rep.Violations, fmt.Sprintf("Remittance %d (835 trace %s): ", r.key.id, r.trace)+fmt.Sprintf(format, args...))
		}
		if err := d.Verify(); err != nil {
			bad("%s", rcm.ErrorMessage(err))
		}
		if d.Received != rcm.Money(r.amount) {
			bad("the deposit journal received %s, but BPR02 is %s.", d.Received.Dollars(), rcm.Money(r.amount).Dollars())
		}
		if l, n := later[r.key][""], laterSum[r.key][""]; l != n {
			bad("applications of its unapplied money hold %s, but their ledger transactions paid %s onto lines.", rcm.Money(n).Dollars(), rcm.Money(l).Dollars())
		}
		if a := rcm.Money(applied[r.key][""] + later[r.key][""]); d.Applied != a {
			bad("the deposit journal applied %s, but its claim payments' ledger transactions paid %s onto lines.", d.Applied.Dollars(), a.Dollars())
		}
		if u := rcm.Money(unapplied[r.key][""] - laterSum[r.key][""]); d.Unapplied != u {
			bad("the deposit journal left %s unapplied, but its exceptions hold %s.", d.Unapplied.Dollars(), u.Dollars())
		}
		stored := map[string]rcm.Money{}
		for reason, v := range plb[r.key] {
			if v != 0 {
				stored[reason] = rcm.Money(v)
			}
		}
		if !maps.Equal(stored, d.ProviderAdjustments) {
			bad("provider adjustments in the deposit journal %v differ from its PLB segments %v.", moneyByKey(d.ProviderAdjustments), moneyByKey(stored))
		}
	}
	return nil
}

func moneyByKey(m map[string]rcm.Money) string {
	s := "{"
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			s += ", "
		}
		s += k + ": " + m[k].Dollars()
	}
	return s + "}"
}
