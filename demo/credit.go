package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/kpi"
)

// credits: a patient who owes pays $20.00 more than the balance at the
// front desk; the excess is held as a credit on the account, not refused;
// the front desk (the demo's admin) asks to refund it and the biller, a
// different user, approves; the ledger still balances.
func (r *run) credits(ctx context.Context) (context.Context, error) {
	owing, err := r.db.FindPatientBalances(ctx)
	if err != nil {
		return ctx, err
	}
	if len(owing) == 0 {
		r.printf("no patient owes anything: no overpayment this time")
		return ctx, nil
	}
	b := owing[len(owing)-1]
	extra := rcm.MustParseMoney("20.00")
	t, err := r.db.PostPatientPayment(ctx, rcm.PatientPayment{PatientID: b.PatientID, Amount: b.Open + extra, Method: "check", Reference: "CHK 2210", Key: "demo-overpayment-1"})
	if err != nil {
		return ctx, err
	}
	r.printf("account %s owed %s and paid %s by check (ledger transaction %d): the %s beyond the balance is held as a credit",
		b.AccountNumber, b.Open.Dollars(), (b.Open + extra).Dollars(), t.ID, extra.Dollars())
	cs, err := r.db.FindCredits(ctx)
	if err != nil {
		return ctx, err
	}
	for _, c := range cs {
		r.printf("  credit balance: account %s (%s) %s, the patient's own money", c.AccountNumber, c.PatientName, c.Amount.Dollars())
	}
	if _, err := r.db.RequestRefund(ctx, rcm.RefundRequest{PatientID: b.PatientID, Amount: extra + 1, Reason: "overpaid at the front desk"}); rcm.ErrorCode(err) != rcm.EINVALID {
		return ctx, fmt.Errorf("a refund above the credit was not refused: %v", err)
	} else {
		r.printf("a refund of %s asked: %s", (extra + 1).Dollars(), rcm.ErrorMessage(err))
	}
	ref, err := r.db.RequestRefund(ctx, rcm.RefundRequest{PatientID: b.PatientID, Amount: extra, Reason: "overpaid at the front desk"})
	if err != nil {
		return ctx, err
	}
	if _, err := r.db.ApproveRefund(ctx, ref.ID); rcm.ErrorCode(err) != rcm.EFORBIDDEN {
		return ctx, fmt.Errorf("a refund approved by its requester: %v", err)
	} else {
		r.printf("refund %d requested by %s; approving it oneself: %s", ref.ID, ref.RequestedBy, rcm.ErrorMessage(err))
	}
	users, err := r.db.FindUsers(ctx)
	if err != nil {
		return ctx, err
	}
	var approver *rcm.User
	for _, u := range users {
		if u.Role == rcm.RoleBiller {
			approver = u
		}
	}
	if approver == nil {
		return ctx, fmt.Errorf("no biller to approve the refund")
	}
	bctx := rcm.NewContextWithActor(ctx, rcm.Actor{UserID: approver.ID, OrgID: approver.OrgID, Role: approver.Role, Reason: "demo"})
	done, err := r.db.ApproveRefund(bctx, ref.ID)
	if err != nil {
		return ctx, err
	}
	r.printf("refund %d approved by %s: %s paid back to the patient of account %s (ledger transaction %d)",
		done.ID, done.DecidedBy, done.Amount.Dollars(), done.AccountNumber, done.TxnID)
	reports, err := r.db.CheckLedger(ctx)
	if err != nil {
		return ctx, err
	}
	for _, rep := range reports {
		if len(rep.Violations) > 0 {
			return ctx, fmt.Errorf("ledger broken after the refund: %s", rep.Violations[0])
		}
		if rep.OrgID == r.res.Org.ID {
			r.printf("ledger check: every line balances; credit balances held now %s", rep.Totals.Credit.Dollars())
		}
	}
	return ctx, nil
}

// managerNumbers prints the billing manager's numbers over the year to
// date, as rcm report kpi does, from what the story posted.
func (r *run) managerNumbers(ctx context.Context) (context.Context, error) {
	now := r.db.Clock.Now().UTC()
	from := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	rep, err := r.db.KPIReport(ctx, from, to)
	if err != nil {
		return ctx, err
	}
	line := func(f kpi.Figures) string {
		return fmt.Sprintf("%s: days in A/R %s, A/R over 90 days %s, net collection rate %s, denial rate %s (%d of %d claims), clean claim rate %s, first-pass resolution %s",
			f.Group, kpi.Num(f.DaysInAR), kpi.Pct(f.AROver90Pct), kpi.Pct(f.NetCollectionRate), kpi.Pct(f.DenialRate), f.ClaimsDenied, f.ClaimsAnswered,
			kpi.Pct(f.CleanClaimRate), kpi.Pct(f.FirstPassRate))
	}
	r.printf("the manager's numbers, %s to %s (rcm report kpi)", rep.From, rep.To)
	r.printf("  %s", line(rep.Total))
	for _, f := range rep.ByPayer {
		r.printf("  payer %s", line(f))
	}
	for _, f := range rep.ByProvider {
		r.printf("  provider %s", line(f))
	}
	return ctx, nil
}
