package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
)

// Measure times, in organization o, what a biller and a manager open every
// day: the follow-up queue and its filters, the claim list, the denials
// list, the KPI report, the aging read, one more 835 posted through the
// real posting code, and the ledger check over the whole database. Each
// fast read runs five times (the median is printed with the range); the
// slow ones run once or twice.
func Measure(ctx context.Context, db *sqldb.DB, o *Org, logf func(format string, args ...any)) error {
	actx := o.Ctx(ctx)
	logf("measuring organization %s (%d claims) on %s", o.Name, o.Claims, db.Dialect())
	timeIt := func(what string, runs int, fn func() (string, error)) error {
		var ds []time.Duration
		var note string
		for range runs {
			t := time.Now()
			n, err := fn()
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			ds = append(ds, time.Since(t))
			note = n
		}
		slices.Sort(ds)
		med := ds[len(ds)/2]
		if runs == 1 {
			logf("  %-44s %10s  %s", what, fmtDur(med), note)
		} else {
			logf("  %-44s %10s  (%s-%s, %d runs) %s", what, fmtDur(med), fmtDur(ds[0]), fmtDur(ds[len(ds)-1]), runs, note)
		}
		return nil
	}
	var first []*followup.Item
	queue := []struct {
		what string
		f    func() followup.Filter
	}{
		{"follow-up queue: first page", func() followup.Filter { return followup.Filter{Limit: 50} }},
		{"follow-up queue: next page", func() followup.Filter { return followup.Filter{Limit: 50, After: first[len(first)-1]} }},
		{"follow-up queue: one payer", func() followup.Filter { return followup.Filter{Limit: 50, PayerID: o.Payers[len(o.Payers)-1]} }},
		{"follow-up queue: one category", func() followup.Filter { return followup.Filter{Limit: 50, Category: "authorization"} }},
		{"follow-up queue: unassigned", func() followup.Filter { return followup.Filter{Limit: 50, OwnerID: -1} }},
		{"follow-up queue: mine", func() followup.Filter { return followup.Filter{Limit: 50, OwnerID: o.AdminID} }},
		{"follow-up queue: due in 30 days", func() followup.Filter {
			return followup.Filter{Limit: 50, DueBy: o.Start.AddDays(dataDays + 30)}
		}},
		{"follow-up queue: closed", func() followup.Filter { return followup.Filter{Limit: 50, State: "closed"} }},
	}
	for _, q := range queue {
		if err := timeIt(q.what, 5, func() (string, error) {
			items, err := db.FindFollowUps(actx, q.f())
			if first == nil {
				first = items
			}
			return fmt.Sprintf("%d items", len(items)), err
		}); err != nil {
			return err
		}
	}
	var newest []*rcm.Claim
	claims := []struct {
		what string
		f    func() rcm.ClaimFilter
	}{
		{"claim list: first page", func() rcm.ClaimFilter { return rcm.ClaimFilter{Limit: 50} }},
		{"claim list: next page (keyset)", func() rcm.ClaimFilter { return rcm.ClaimFilter{Limit: 50, Before: newest[len(newest)-1].ID} }},
		{"claim list: page 100 (offset)", func() rcm.ClaimFilter { return rcm.ClaimFilter{Limit: 50, Offset: 4950} }},
		{"claim list: denied", func() rcm.ClaimFilter { return rcm.ClaimFilter{Limit: 50, State: rcm.ClaimDenied} }},
		{"claim list: accepted, no answer", func() rcm.ClaimFilter { return rcm.ClaimFilter{Limit: 50, State: rcm.ClaimAccepted} }},
		{"claim list: one payer", func() rcm.ClaimFilter { return rcm.ClaimFilter{Limit: 50, PayerID: o.Payers[0]} }},
		{"claim list: one payer, denied", func() rcm.ClaimFilter {
			return rcm.ClaimFilter{Limit: 50, PayerID: o.Payers[0], State: rcm.ClaimDenied}
		}},
		{"claim search: by claim number", func() rcm.ClaimFilter {
			return rcm.ClaimFilter{ControlNumber: "G" + strconv.FormatInt(o.ID, 10) + "-" + strconv.Itoa(o.Claims/2)}
		}},
		{"claim search: one patient's claims", func() rcm.ClaimFilter { return rcm.ClaimFilter{Limit: 50, PatientID: newest[0].PatientID} }},
	}
	for _, q := range claims {
		if err := timeIt(q.what, 5, func() (string, error) {
			cs, err := db.FindClaims(actx, q.f())
			if newest == nil {
				newest = cs
			}
			return fmt.Sprintf("%d claims", len(cs)), err
		}); err != nil {
			return err
		}
	}
	for _, q := range []struct {
		what string
		f    remit.DenialFilter
	}{
		{"denials: first page", remit.DenialFilter{Limit: 50}},
		{"denials: one payer", remit.DenialFilter{Limit: 50, PayerID: o.Payers[1%len(o.Payers)]}},
		{"denials: page 100 (offset)", remit.DenialFilter{Limit: 50, Offset: 4950}},
	} {
		if err := timeIt(q.what, 5, func() (string, error) {
			ds, err := db.FindDenials(actx, q.f)
			return fmt.Sprintf("%d denied lines", len(ds)), err
		}); err != nil {
			return err
		}
	}
	from, to := o.Start.Time(), o.Start.AddDays(dataDays).Time()
	if err := timeIt("KPI report: the year", 2, func() (string, error) {
		r, err := db.KPIReport(actx, from, to)
		if err != nil {
			return "", err
		}
		t := r.Total
		return fmt.Sprintf("denial rate %s, clean %s, first pass %s, %d answered, open A/R %s", pct(t.DenialRate), pct(t.CleanClaimRate),
			pct(t.FirstPassRate), t.ClaimsAnswered, t.OpenAR.Dollars()), nil
	}); err != nil {
		return err
	}
	if err := timeIt("KPI report: one month", 1, func() (string, error) {
		r, err := db.KPIReport(actx, o.Start.AddDays(180).Time(), o.Start.AddDays(210).Time())
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d answered", r.Total.ClaimsAnswered), nil
	}); err != nil {
		return err
	}
	if err := timeIt("aging: every line's balance (dashboard)", 1, func() (string, error) {
		bs, err := db.FindLineBalances(actx, rcm.LedgerFilter{})
		return fmt.Sprintf("%d lines", len(bs)), err
	}); err != nil {
		return err
	}
	if err := timeIt("aging: patient balances", 1, func() (string, error) {
		bs, err := db.FindPatientBalances(actx)
		return fmt.Sprintf("%d patients", len(bs)), err
	}); err != nil {
		return err
	}
	if err := timeIt("post one more 835 (real posting code)", 1, func() (string, error) {
		return postOne(actx, db, o)
	}); err != nil {
		return err
	}
	return timeIt("ledger check (whole database)", 1, func() (string, error) {
		reps, err := db.CheckLedger(ctx)
		if err != nil {
			return "", err
		}
		lines, bad := 0, 0
		for _, r := range reps {
			lines += r.Totals.Lines
			bad += len(r.Violations)
			for _, v := range r.Violations[:min(3, len(r.Violations))] {
				logf("    violation in %s: %s", r.OrgName, v)
			}
		}
		if bad > 0 {
			return "", fmt.Errorf("%d violations", bad)
		}
		return fmt.Sprintf("%d organizations, %d lines, no violations", len(reps), lines), nil
	})
}

// postOne posts, through remit.Post, an 835 paying a claim the generator
// left without an answer (claim number G<org>-7, then every 20th): the
// real posting reads the generated balances, checks them and writes on
// them, so it fails if they are not what a posting would have left.
func postOne(ctx context.Context, db *sqldb.DB, o *Org) (string, error) {
	var c *rcm.Claim
	for x := 7; x < o.Claims; x += 20 {
		cs, err := db.FindClaims(ctx, rcm.ClaimFilter{ControlNumber: "G" + strconv.FormatInt(o.ID, 10) + "-" + strconv.Itoa(x)})
		if err != nil {
			return "", err
		}
		if len(cs) == 1 && cs[0].State == rcm.ClaimAccepted {
			c = cs[0]
			break
		}
	}
	if c == nil {
		return "", fmt.Errorf("no claim without an answer left")
	}
	full, err := db.FindClaimByID(ctx, c.ID)
	if err != nil {
		return "", err
	}
	var payerID, payerName string
	if err := db.QueryRowContext(ctx, `SELECT payer_id, name FROM payer WHERE org_id = ? AND id = ?`, o.ID, full.PayerID).Scan(&payerID, &payerName); err != nil {
		return "", err
	}
	cp := &remit.ClaimPayment{ControlNumber: full.ControlNumber, Status: "1", FilingIndicator: "CI", PayerClaimNumber: "PCNONE" + strconv.FormatInt(c.ID, 10)}
	for _, l := range full.Lines {
		co := l.Charge / 4
		pay := l.Charge - co
		cp.Lines = append(cp.Lines, &remit.LinePayment{Qualifier: "HC", Code: l.Code, Charge: l.Charge, Paid: pay, Units: l.Units,
			DateOfService: l.DateOfService, Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: co}}})
		cp.Charge += l.Charge
		cp.Paid += pay
	}
	rem := &remit.Remittance{Control: "0001", Handling: "I", Amount: cp.Paid, CreditDebit: "C", Method: "ACH", PaidOn: rcm.DateOf(time.Now()),
		Trace: "GENONE" + strconv.FormatInt(time.Now().UnixNano(), 10), TraceOriginator: "1GEN", PayerName: payerName, PayerIdentifier: payerID,
		PayeeName: "Synthetic", PayeeID: "1234567893", Claims: []*remit.ClaimPayment{cp}}
	res, err := remit.Post(ctx, db, rem)
	if err != nil {
		return "", err
	}
	if res.Posted != 1 || len(res.Exceptions) > 0 {
		return "", fmt.Errorf("claim %s: posted %d, exceptions %v", full.ControlNumber, res.Posted, res.Exceptions)
	}
	return fmt.Sprintf("claim %s paid %s", full.ControlNumber, cp.Paid.Dollars()), nil
}

func pct(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64) + "%"
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d.Microseconds()))
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
