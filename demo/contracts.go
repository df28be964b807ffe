package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/fee/contract"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/payer"
)

// contracts imports the practice's contract with each payer the sandbox
// prices by a fee list, as the CSV a biller would upload: the payer's own
// allowed amount per code, except one code of the claims the demo sent,
// which the practice negotiated $5.00 higher than the payer's system pays.
// When the 835s post, those lines are flagged as underpaid.
func (r *run) contracts(ctx context.Context) (context.Context, error) {
	cfg, err := payer.SampleConfig()
	if err != nil {
		return ctx, err
	}
	billed := map[int64][]string{}
	for _, c := range r.claims {
		for _, l := range c.Lines {
			billed[c.PayerID] = append(billed[c.PayerID], l.Code)
		}
	}
	raised := rcm.MustParseMoney("5.00")
	for _, py := range r.res.Payers {
		var fees map[string]rcm.Money
		for _, sp := range cfg.Payers {
			if strings.EqualFold(sp.ID, py.PayerID) {
				fees = sp.Contract.Fees
			}
		}
		if len(fees) == 0 || len(billed[py.ID]) == 0 {
			continue
		}
		keys := make([]string, 0, len(fees))
		for k := range fees {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var b strings.Builder
		b.WriteString("code,modifier,allowed,effective_from,per_unit\n")
		up := ""
		for _, k := range keys {
			code, mod, _ := strings.Cut(k, ":")
			amount := fees[k]
			if up == "" && mod == "" && slices.Contains(billed[py.ID], code) {
				up, amount = code, amount+raised
			}
			fmt.Fprintf(&b, "%s,%s,%s,2020-01-01,yes\n", code, mod, amount)
		}
		if up == "" {
			continue
		}
		n, err := contract.Import(ctx, r.db, nil, py, strings.NewReader(b.String()))
		if err != nil {
			return ctx, err
		}
		r.printf("%s: %d contracted rates imported; for %s the contract allows %s more than the payer's own fee list", py.Name, n, up, raised.Dollars())
		return ctx, nil
	}
	r.printf("no payer prices by a fee list: no contract imported")
	return ctx, nil
}

// underpayments shows what the postings flagged: each line paid below its
// contract, with what was expected, what was paid and the difference, as
// the follow-up desk lists it.
func (r *run) underpayments(ctx context.Context) (context.Context, error) {
	items, err := r.db.FindFollowUps(ctx, followup.Filter{Category: "underpayment", Limit: 1000})
	if err != nil {
		return ctx, err
	}
	var total rcm.Money
	for i, it := range items {
		total += it.Stake
		if i < 3 {
			r.printf("claim %s: %s", it.ControlNumber, it.Summary)
		}
	}
	if len(items) > 3 {
		r.printf("... and %d more", len(items)-3)
	}
	r.printf("%d underpaid lines on the follow-up desk, %s short of the contracts in all", len(items), total.Dollars())
	return ctx, nil
}
