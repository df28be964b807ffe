package payer

import (
	"fmt"
	"slices"
	"strings"
)

// AppealAnswer is the payer's decision on an appeal.
type AppealAnswer struct {
	PayerClaim string
	Overturned bool
	// Rules are the denial rules the appeal was about; Reason says the
	// decision in words.
	Rules  []string
	Reason string
}

// Appeal decides a provider's appeal of an adjudicated claim, named by the
// payer claim control number. When every denial rule that fired on the
// claim is one the payer overturns on appeal (Payer.OverturnOnAppeal), the
// claim is queued for the next payment cycle as a re-adjudication: the
// cycle reverses the original payment and pays the claim again without
// those rules, in the same 835, which OpenRCM posts as usual. Otherwise
// the denial is upheld and nothing changes.
func (e *Engine) Appeal(payerClaim string) (AppealAnswer, error) {
	ans := AppealAnswer{PayerClaim: payerClaim}
	r := e.State.Claims[payerClaim]
	if r == nil || r.Payment == nil || r.Claim == nil {
		return ans, fmt.Errorf("appeal: payer claim %s is not on file", payerClaim)
	}
	if r.Reversed {
		return ans, fmt.Errorf("appeal: payer claim %s was reversed already", payerClaim)
	}
	p := e.Config.PayerByID(r.Payer)
	if p == nil {
		return ans, fmt.Errorf("appeal: payer %s is not a payer of this sandbox", r.Payer)
	}
	rules := slices.Clone(r.Payment.Rules)
	for _, l := range r.Payment.Lines {
		rules = append(rules, l.Rules...)
	}
	slices.Sort(rules)
	rules = slices.Compact(rules)
	ans.Rules = rules
	if len(rules) == 0 {
		ans.Reason = "nothing was denied: upheld"
		return ans, nil
	}
	for _, rule := range rules {
		if !slices.Contains(p.OverturnOnAppeal, rule) {
			ans.Reason = "denial by " + rule + " upheld"
			return ans, nil
		}
	}
	c := *r.Claim
	c.Lines = slices.Clone(r.Claim.Lines)
	c.Overturned = append(slices.Clone(c.Overturned), rules...)
	// The cycle reverses the original (OriginalRef) before adjudicating
	// again, as for a replacement claim; the new adjudication gets its own
	// payer claim number.
	c.Frequency, c.OriginalRef = "7", payerClaim
	c.PayerClaim = e.State.nextClaimNumber(p, c.Received)
	e.State.Pending = append(e.State.Pending, &c)
	ans.Overturned = true
	ans.Reason = "overturned on appeal (" + strings.Join(rules, ", ") + "): paid in the next cycle"
	return ans, nil
}
