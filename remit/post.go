package remit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/carc"
	"github.com/openrcm/openrcm/ledger"
)

// Store keeps remittances. PostRemittance, in one database transaction,
// claims the 835's key (payer and TRN02) — a second posting of the same
// key, even from another process at the same moment, finds it taken and
// posts nothing — then makes a Planner with newPlanner (afresh for each
// attempt of the database transaction, since a planner keeps what spans
// batches) and, batch after batch of rem's claims (ClaimBatches),
// reads the State of the claims the batch names, calls plan and writes
// what it returns: ledger transactions, claim payments, exceptions, claim
// states and secondary claims; the last batch's posting carries the
// deposit journal. Any failure rolls all of it back.
type Store interface {
	PostRemittance(ctx context.Context, rem *Remittance, newPlanner func(*Remittance) Planner) (*Result, error)
}

// Result says what a posting did.
type Result struct {
	// RemittanceID is the stored remittance; when AlreadyPosted it is the
	// earlier posting's.
	RemittanceID  int64     `json:"remittance_id"`
	AlreadyPosted bool      `json:"already_posted"`
	PostedAt      time.Time `json:"posted_at"`
	Trace         string    `json:"trace"`
	Payer         string    `json:"payer"`
	Amount        rcm.Money `json:"amount"`
	Claims        int       `json:"claims"`
	Posted        int       `json:"posted"`
	Reversals     int       `json:"reversals"`
	NoPayment     int       `json:"no_payment"`
	Exceptions    []string  `json:"exceptions,omitempty"`
	Denied        int       `json:"denied_claims"`
	// PostedAmount is the sum of CLP04 of the claims posted (reversals
	// negative); the rest of BPR02 is in exceptions or PLB.
	PostedAmount    rcm.Money `json:"posted_amount"`
	SecondaryClaims []int64   `json:"secondary_claims,omitempty"`
}

// String summarizes the result in one line for a biller.
func (r *Result) String() string {
	if r.AlreadyPosted {
		return fmt.Sprintf("835 %s from %s was already posted (remittance %d at %s); nothing was posted.",
			r.Trace, r.Payer, r.RemittanceID, r.PostedAt.Format(time.RFC3339))
	}
	return fmt.Sprintf("835 %s from %s (%s): %d claims, %d posted (%s), %d reversed, %d denied, %d without payment, %d exceptions, %d secondary claims created.",
		r.Trace, r.Payer, r.Amount.Dollars(), r.Claims, r.Posted, r.PostedAmount.Dollars(), r.Reversals, r.Denied, r.NoPayment,
		len(r.Exceptions), len(r.SecondaryClaims))
}

// Summarize adds the counts of a posting (one batch) to r.
func (r *Result) Summarize(p *Posting) {
	rem := p.Remittance
	r.Trace, r.Amount, r.Claims = rem.Trace, rem.Amount, rem.ClaimCount()
	for j, pc := range p.Claims {
		i := p.First + j
		switch pc.Outcome {
		case OutcomePosted:
			r.Posted++
			r.PostedAmount += pc.Payment.Paid
			if pc.State == rcm.ClaimDenied {
				r.Denied++
			}
		case OutcomeReversal:
			r.Reversals++
			r.PostedAmount += pc.Payment.Paid
		case OutcomeNoPayment:
			r.NoPayment++
			if pc.State == rcm.ClaimDenied {
				r.Denied++
			}
		case OutcomeException:
			r.Exceptions = append(r.Exceptions, "CLP "+strconv.Itoa(i+1)+" ("+pc.Payment.ControlNumber+"): "+pc.Exception)
		}
	}
}

// Post posts rem through the store: exactly once per payer and TRN02,
// whole or not at all. An 835 that does not balance is refused (EINVALID);
// one already posted returns a Result with AlreadyPosted set and posts
// nothing.
func Post(ctx context.Context, s Store, rem *Remittance) (*Result, error) {
	if err := rem.Balance(); err != nil {
		return nil, rcm.Errorf(rcm.EINVALID, "%s; nothing was posted.", err)
	}
	res, err := s.PostRemittance(ctx, rem, NewPlanner)
	if err != nil {
		return nil, fmt.Errorf("post 835 %s: %w", rem.Trace, err)
	}
	return res, nil
}

// Ledger is what charging needs of the ledger store.
type Ledger interface {
	PostLedger(ctx context.Context, txns ...*ledger.Transaction) error
	LineBalances(ctx context.Context, lines []int64) (map[int64]*ledger.LineBalance, error)
}

// ChargeKey is the ledger key of a claim's charges.
func ChargeKey(claimID int64) string { return "charge:claim:" + strconv.FormatInt(claimID, 10) }

// ChargeClaim charges the claim's lines that have no charge yet to the
// claim's payer, at the charges billed. It is meant to run when a claim is
// submitted, so the insurance receivable exists before the payer's 835
// arrives; lines already charged (a secondary or replacement claim bills
// lines the primary charged) are left alone, and charging a claim twice
// charges nothing the second time. Posting charges a line that was never
// charged itself, so an 835 for a claim submitted before this ran still
// posts.
func ChargeClaim(ctx context.Context, l Ledger, c *rcm.Claim) error {
	ids := make([]int64, 0, len(c.Lines))
	for _, cl := range c.Lines {
		if cl.ServiceLineID <= 0 {
			return rcm.Errorf(rcm.EINVALID, "Claim %s line %s has no stored service line to charge.", c.ControlNumber, cl.Code)
		}
		ids = append(ids, cl.ServiceLineID)
	}
	bal, err := l.LineBalances(ctx, ids)
	if err != nil {
		return err
	}
	t := &ledger.Transaction{Key: ChargeKey(c.ID), Memo: "claim " + c.ControlNumber + " submitted"}
	for _, cl := range c.Lines {
		if b := bal[cl.ServiceLineID]; (b == nil || b.Charge == 0) && cl.Charge > 0 {
			t.Charge(cl.ServiceLineID, c.PayerID, cl.Charge)
		}
	}
	if len(t.Entries) == 0 {
		return nil
	}
	err = l.PostLedger(ctx, t)
	if rcm.ErrorCode(err) == rcm.ECONFLICT {
		return nil
	}
	return err
}

// DenialFilter narrows a denials list; zero fields select everything.
type DenialFilter struct {
	PayerID int64
	// Limit (at most 1,000) and Offset page through the denials, newest
	// first.
	Limit  int
	Offset int
}

// Denial is one denied line (or claim without lines) from a posted 835,
// with what the payer said and what it means.
type Denial struct {
	RemittanceID  int64     `json:"remittance_id"`
	ClaimID       int64     `json:"claim_id"`
	ControlNumber string    `json:"control_number"`
	Line          int       `json:"line,omitempty"` // 1-based claim line; 0 for the whole claim
	Code          string    `json:"code,omitempty"`
	PayerID       int64     `json:"payer_id"`
	PayerName     string    `json:"payer_name"`
	Amount        rcm.Money `json:"amount"` // what was billed and not paid
	Date          rcm.Date  `json:"date"`   // the remittance's payment date
	// Reasons are the CARCs with their groups and meanings; Remarks the
	// RARCs with theirs.
	Reasons []Reason `json:"reasons"`
	Remarks []Reason `json:"remarks,omitempty"`
}

// Reason is a code with the plain-language meaning a biller reads.
type Reason struct {
	Group   string    `json:"group,omitempty"`
	Code    string    `json:"code"`
	Amount  rcm.Money `json:"amount,omitempty"`
	Meaning string    `json:"meaning"`
}

// Explain fills the meanings of the denials' codes from set, as of each
// denial's date; a code the set does not hold says so rather than being
// left blank.
func Explain(ds []*Denial, set *carc.Set) {
	explain := func(list carc.List, r *Reason, on rcm.Date) {
		c, _, err := set.Lookup(list, r.Code, on)
		switch {
		case err != nil:
			r.Meaning = "(not in the " + string(list) + " list)"
		case c.Meaning != "":
			r.Meaning = c.Meaning
		default:
			r.Meaning = c.Description
		}
		if r.Group != "" {
			r.Meaning = Groups[r.Group] + ": " + r.Meaning
		}
	}
	for _, d := range ds {
		for i := range d.Reasons {
			explain(carc.CARC, &d.Reasons[i], d.Date)
		}
		for i := range d.Remarks {
			explain(carc.RARC, &d.Remarks[i], d.Date)
		}
	}
}

// Exception is an entry of the exceptions queue: a claim payment of a
// posted 835 that was not posted, and why.
type Exception struct {
	ID             int64     `json:"id"`
	RemittanceID   int64     `json:"remittance_id"`
	Trace          string    `json:"trace"`
	ClaimPaymentID int64     `json:"claim_payment_id"`
	ControlNumber  string    `json:"control_number"`
	Reason         string    `json:"reason"`
	Amount         rcm.Money `json:"amount"`
	CreatedAt      time.Time `json:"created_at"`
	// Applied is what of Amount was applied to claim lines since
	// (Application); Amount - Applied is still unapplied.
	Applied rcm.Money `json:"applied,omitempty"`
	// Resolution says how the exception was settled; nil while open.
	Resolution *Resolution `json:"resolution,omitempty"`
}

// WriteHook is called by a store after each write of a posting with the
// count of writes so far; an error aborts the posting. Tests use it to
// stop a posting after its N-th write, as a crash would.
type WriteHook func(n int) error

type hookKey struct{}

// WithWriteHook returns a context whose postings call h after each write.
func WithWriteHook(ctx context.Context, h WriteHook) context.Context {
	return context.WithValue(ctx, hookKey{}, h)
}

// WriteHookFrom returns the context's write hook, or nil.
func WriteHookFrom(ctx context.Context) WriteHook {
	h, _ := ctx.Value(hookKey{}).(WriteHook)
	return h
}
