package remit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

// State is what the store knows, inside the posting's database
// transaction, about the claims an 835 names: Plan decides everything from
// it, so the decision and the writes see the same database.
type State struct {
	// Payer is the stored payer the 835 comes from.
	Payer *rcm.Payer
	// Claims are the claims the 835 names, by patient control number
	// (CLP01), with their lines.
	Claims map[string]*rcm.Claim
	// ByPayerNumber are claims found by the payer's claim number (CLP07)
	// for CLPs whose control number matched no claim.
	ByPayerNumber map[string]*rcm.Claim
	// Balances are the ledger balances of every line of those claims; a
	// line never posted to is absent.
	Balances map[int64]*ledger.LineBalance
	// Posted is, per claim id, the latest posting of a payment to the
	// claim that has not been reversed, for claims a CLP reverses.
	Posted map[int64]*PriorPosting
	// Coverages are the coverages of the patients of the claims, for
	// finding the next payer of a claim.
	Coverages map[int64][]*rcm.Coverage
	// Today dates a posting when the 835 carries no payment date.
	Today rcm.Date
	// Contracts are the payer's contracted rates in force for the lines
	// of those claims on their dates of service, by service line id; a
	// line without a rate is absent.
	Contracts map[int64]*rcm.ContractRate
}

// PriorPosting is a claim payment posted before, as a reversal needs it.
type PriorPosting struct {
	ClaimPaymentID int64
	Paid           rcm.Money
	Txn            *ledger.Transaction
}

// Posting is the plan of a posting: everything the store writes, in one
// database transaction.
type Posting struct {
	Remittance *Remittance
	PayerID    int64
	// First is the 0-based index in the 835 of the first CLP of Claims:
	// a store posts a large 835 in batches of claims.
	First int
	// Claims holds one entry per CLP of the batch, in file order.
	Claims []*PostedClaim
	// Ledger holds the ledger transactions; PostedClaim.Txn indexes it.
	Ledger []*ledger.Transaction
	// Moves are the claim state changes, in order.
	Moves []Move
	// Deposit is the remittance's deposit journal: BPR02 and the PLB
	// adjustments against what was applied to lines and what is left
	// unapplied in the exceptions queue, over every batch. Only the
	// posting of the last batch has it.
	Deposit []ledger.DepositEntry
}

// Outcomes of a claim payment.
const (
	OutcomePosted    = "posted"    // money posted to the ledger
	OutcomeReversal  = "reversal"  // a previous posting reversed
	OutcomeException = "exception" // nothing posted; in the exceptions queue
	OutcomeNoPayment = "no_payment"
)

// PostedClaim is the plan for one CLP.
type PostedClaim struct {
	Payment *ClaimPayment
	// ClaimID is the matched claim, 0 when none matched.
	ClaimID int64
	// MatchedBy is "control_number" or "payer_claim_number".
	MatchedBy string
	Outcome   string
	// Exception says why the CLP is in the exceptions queue.
	Exception string
	// Txn indexes Posting.Ledger, -1 when nothing is posted.
	Txn int
	// Reverses is the claim payment a reversal undoes.
	Reverses int64
	// State is the claim's state after this CLP.
	State string
	Lines []*PostedLine
	// Secondary is the claim to the next payer made from this payment,
	// nil when none is due.
	Secondary *rcm.Claim
	// Transferred is what moves to the next payer's balance.
	Transferred rcm.Money
}

// PostedLine is the plan for one SVC.
type PostedLine struct {
	Payment *LinePayment
	// ServiceLineID is the matched line (0 when unmatched); ClaimLine is
	// its 1-based position on the claim.
	ServiceLineID int64
	ClaimLine     int
	// Match says how the line matched: exact, modifier_dropped,
	// code_changed (SVC06), or claim_level when the 835 had no SVC.
	Match string
	// Denied marks a line the payer paid nothing on and left nothing for
	// the patient to pay: a denial with its CARC and RARC.
	Denied bool
	// Contract is the payer's contracted rate for the line, nil when
	// none; Expected is what the payer should have paid under it (the
	// allowed amount, times the units when per unit, less the patient's
	// share) and Underpaid how much less it paid (0 when it paid enough).
	Contract  *rcm.ContractRate
	Expected  rcm.Money
	Underpaid rcm.Money
	// Overpaid is what the payer paid beyond what it owed on the line,
	// held as its credit on the line.
	Overpaid rcm.Money
}

// Underpayment checks a paid line against the payer's contract. The
// contractual expectation is allowed = paid + patient responsibility, so
// the payer owes the contract's allowed amount (per unit times the units
// paid, or billed when the payer gives none) less the patient's share; a
// line paid less than that is underpaid by the difference. A denied line
// is a denial, not an underpayment, and is left alone.
func (pl *PostedLine) Underpayment(rate *rcm.ContractRate, billedUnits int) {
	if rate == nil || pl.Denied {
		return
	}
	l := pl.Payment
	units := l.Units
	if units < 1 {
		units = billedUnits
	}
	pl.Contract = rate
	pl.Expected = max(rate.Expected(units)-l.PatientShare(), 0)
	pl.Underpaid = max(pl.Expected-l.Paid, 0)
}

// Line match kinds.
const (
	MatchExact           = "exact"
	MatchModifierDropped = "modifier_dropped"
	MatchCodeChanged     = "code_changed"
	MatchClaimLevel      = "claim_level"
)

// Move is a claim state change made by the posting.
type Move struct {
	ClaimID  int64
	From, To string
	Reason   string
}

// postable are the claim states a payment may be posted in: the claim
// went out and the payer may answer.
var postable = map[string]bool{
	rcm.ClaimSubmitted: true, rcm.ClaimAccepted: true, rcm.ClaimPaid: true, rcm.ClaimPartlyPaid: true,
	rcm.ClaimDenied: true, rcm.ClaimReversed: true, rcm.ClaimAppealed: true,
}

// Key returns the ledger key of the n-th (0-based) CLP of an 835 from
// payer with trace number trace: the same 835 always yields the same keys,
// so the ledger refuses a second posting of any of its claims.
func Key(payer int64, trace string, n int) string {
	return "835:" + strconv.FormatInt(payer, 10) + ":" + trace + ":" + strconv.Itoa(n)
}

// Plan decides how to post rem given st: which claim and line each payment
// is for, the ledger transactions, the claim states, the exceptions and
// the secondary claims. It refuses an 835 that does not balance. It
// changes st.Balances as the posting would, CLP after CLP, so two CLPs
// for one claim in one 835 see each other. It is the posting of all of
// rem's claims, read whole into rem.Claims, as one batch (see NewPlanner).
func Plan(rem *Remittance, st *State) (*Posting, error) {
	return NewPlanner(rem)(st, 0, rem.Claims)
}

// Planner plans one batch of an 835's claim payments: claims are the CLPs
// first, first+1, ... (0-based) of the 835, and st is what the store read
// for them after writing the batches before. The posting of the last batch
// carries the deposit journal of the whole 835.
type Planner func(st *State, first int, claims []*ClaimPayment) (*Posting, error)

// NewPlanner returns the Planner of rem. A store posts a large 835 in
// batches, so that what it holds at once is bounded by a batch rather than
// the file; the planner keeps what spans batches: the payments this 835
// reverses (so two reversals cannot undo one payment), the prior postings
// a reversal undoes as they were before the 835 (the store's later reads
// see this 835's own writes), and the running sums of the deposit journal.
// All of it is small: a few words per reversal and two sums.
func NewPlanner(rem *Remittance) Planner {
	pl := &planner{rem: rem, total: rem.ClaimCount(), reversed: map[int64]int64{}, prior: map[int64]*PriorPosting{}}
	return pl.plan
}

type planner struct {
	rem                *Remittance
	total              int
	checked            bool
	reversed           map[int64]int64
	prior              map[int64]*PriorPosting
	applied, unapplied rcm.Money
}

func (pl *planner) plan(st *State, first int, claims []*ClaimPayment) (*Posting, error) {
	rem := pl.rem
	if !pl.checked {
		if err := rem.Balance(); err != nil {
			return nil, rcm.Errorf(rcm.EINVALID, "%s; nothing was posted.", err)
		}
		pl.checked = true
	}
	if st.Payer == nil {
		return nil, rcm.Errorf(rcm.ENOTFOUND, "The 835's payer is unknown.")
	}
	p := &Posting{Remittance: rem, PayerID: st.Payer.ID, First: first}
	states := map[int64]string{} // claim states as the plan moves them
	for j, cp := range claims {
		i := first + j
		pc := &PostedClaim{Payment: cp, Txn: -1}
		p.Claims = append(p.Claims, pc)
		c := st.Claims[cp.ControlNumber]
		pc.MatchedBy = "control_number"
		if c == nil && cp.PayerClaimNumber != "" {
			c, pc.MatchedBy = st.ByPayerNumber[cp.PayerClaimNumber], "payer_claim_number"
		}
		if c == nil {
			pc.MatchedBy = ""
			pc.Outcome = OutcomeException
			pc.Exception = fmt.Sprintf("No claim has patient control number %q or payer claim number %q.", cp.ControlNumber, cp.PayerClaimNumber)
			continue
		}
		pc.ClaimID = c.ID
		state, ok := states[c.ID]
		if !ok {
			state = c.State
		}
		if err := pl.planClaim(p, st, pc, c, state, Key(st.Payer.ID, rem.Trace, i)); err != nil {
			return nil, err
		}
		if pc.Outcome == OutcomeException {
			continue
		}
		if pc.State != state {
			p.Moves = append(p.Moves, Move{ClaimID: c.ID, From: state, To: pc.State,
				Reason: fmt.Sprintf("835 %s CLP %d: %s", rem.Trace, i+1, ClaimStatuses[cp.Status])})
			states[c.ID] = pc.State
		}
	}
	applied, unapplied := p.sums()
	pl.applied += applied
	pl.unapplied += unapplied
	if first+len(claims) >= pl.total {
		// Plan has checked that the 835 balances and that each posted
		// claim applies exactly its CLP04, so a deposit that does not
		// balance is a fault of the plan: the whole 835 is refused rather
		// than posted with a cent unaccounted for.
		var err error
		if p.Deposit, err = DepositFor(rem, p.PayerID, pl.applied, pl.unapplied); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// sums returns what a posting applies to the payer's payer-paid accounts
// and what it leaves unapplied (the CLP04 of its exceptions).
func (p *Posting) sums() (applied, unapplied rcm.Money) {
	applied = ledger.PayerPaidChange(p.PayerID, p.Ledger)
	for _, pc := range p.Claims {
		if pc.Outcome == OutcomeException {
			unapplied += pc.Payment.Paid
		}
	}
	return applied, unapplied
}

// DepositOf journals a posting's deposit from the posting itself: BPR02,
// the PLB adjustments, the change of the payer's payer-paid accounts made
// by its ledger transactions, and the CLP04 of its exceptions. The store
// compares it with Posting.Deposit before writing.
func DepositOf(p *Posting) ([]ledger.DepositEntry, error) {
	applied, unapplied := p.sums()
	return DepositFor(p.Remittance, p.PayerID, applied, unapplied)
}

// Sums returns what a posting (one batch) applies to the payer's
// payer-paid accounts and what it leaves unapplied: a store posting in
// batches adds them up and checks the last batch's deposit journal with
// DepositFor.
func (p *Posting) Sums() (applied, unapplied rcm.Money) { return p.sums() }

// DepositFor journals the deposit of rem from what its posting applied to
// lines and left unapplied in all, with BPR02 and the PLB adjustments. A
// paper check's unapplied money (Remittance.Unapplied) is unapplied too.
func DepositFor(rem *Remittance, payer int64, applied, unapplied rcm.Money) ([]ledger.DepositEntry, error) {
	unapplied += rem.Unapplied
	var plb []ledger.ProviderAdjustment
	for _, pa := range rem.ProviderAdjustments {
		plb = append(plb, ledger.ProviderAdjustment{Reason: pa.Reason, Reference: pa.Reference, Amount: pa.Amount})
	}
	d, err := ledger.Deposit(rem.Amount, applied, unapplied, plb)
	if err != nil {
		return nil, rcm.Errorf(rcm.EINTERNAL, "835 %s: %s Nothing was posted.", rem.Trace, rcm.ErrorMessage(err))
	}
	return d, nil
}

func except(pc *PostedClaim, format string, args ...any) error {
	pc.Outcome = OutcomeException
	pc.Exception = fmt.Sprintf(format, args...)
	pc.Lines = nil
	pc.Secondary = nil
	pc.Transferred = 0
	return nil
}

func (pl *planner) planClaim(p *Posting, st *State, pc *PostedClaim, c *rcm.Claim, state, key string) error {
	cp := pc.Payment
	switch {
	case c.PayerID != st.Payer.ID:
		return except(pc, "Claim %s was billed to another payer (payer %d), not to the 835's payer %s.", c.ControlNumber, c.PayerID, st.Payer.Name)
	case !postable[state]:
		return except(pc, "Claim %s is %s; a payment can be posted only to a claim that was submitted.", c.ControlNumber, state)
	}
	if cp.Status == StatusReversal {
		return pl.planReversal(p, st, pc, c, state)
	}
	if cp.Paid < 0 {
		return except(pc, "Claim payment of %s is negative without being a reversal (CLP02 22).", cp.Paid)
	}
	if why := matchLines(pc, c); why != "" {
		return except(pc, "%s", why)
	}
	next := nextCoverage(st, c)
	payer := st.Payer.ID
	t := &ledger.Transaction{Key: key, Memo: fmt.Sprintf("835 %s claim %s", p.Remittance.Trace, c.ControlNumber)}
	var prior []rcm.PriorLine
	var transferred rcm.Money
	for _, pl := range pc.Lines {
		l := pl.Payment
		line := pl.ServiceLineID
		// owed is what the payer owes on the line before its payment: its
		// open balance, less what its adjustments and the patient's
		// share take off below.
		var owed rcm.Money
		if b := st.Balances[line]; b == nil || b.Charge == 0 {
			// The line was never charged (the claim went out before
			// charging at submission was wired): charge it now to the
			// claim's payer, at the charge billed.
			t.Charge(line, c.PayerID, c.Lines[pl.ClaimLine-1].Charge)
			owed = c.Lines[pl.ClaimLine-1].Charge
		} else {
			owed = b.Insurance[payer]
		}
		var share rcm.Money
		// The adjustments are written after the payment, as an 835 lists
		// them; owed needs them first.
		at := &ledger.Transaction{}
		for _, a := range l.Adjustments {
			switch {
			case a.Amount == 0:
			case a.Reason == "23" && len(c.Prior) > 0:
				// CARC 23, the impact of prior payers' adjudication: on
				// a claim to a later payer it restates what the earlier
				// payers paid and adjusted, which the ledger already
				// holds, so it moves nothing.
			case a.Group == "PR" && a.Amount < 0:
				return except(pc, "Line %s has a negative patient responsibility %s outside a reversal.", l.Code, a.Amount)
			case a.Group == "PR" && next != nil:
				share += a.Amount
				owed -= a.Amount
			case a.Group == "PR":
				at.PatientShare(line, payer, a.Reason, a.Amount)
				owed -= a.Amount
			default:
				at.Adjust(line, payer, a.Group, a.Reason, a.Amount)
				owed -= a.Amount
			}
		}
		if l.Paid > 0 {
			// A payment beyond what the payer owes on the line (a later
			// payer paying more than was left to it, a line already
			// paid) is received all the same: the excess is held as the
			// payer's credit on the line, to be refunded to it, never
			// refused or lost.
			pay := l.Paid
			if owed >= 0 && pay > owed {
				pl.Overpaid = pay - owed
				pay = owed
			}
			if pay > 0 {
				t.PayerPayment(line, payer, pay, p.Remittance.Method)
			}
			if pl.Overpaid > 0 {
				t.Overpayment(line, payer, pl.Overpaid, p.Remittance.Method)
			}
		}
		t.Entries = append(t.Entries, at.Entries...)
		if share > 0 {
			// Coordination of benefits: what the primary leaves to the
			// patient is billed to the next payer first.
			t.PayerTransfer(line, payer, next.PayerID, share)
			transferred += share
		}
		pl.Denied = l.Paid == 0 && l.PatientShare() == 0 && len(l.Adjustments) > 0 && !(len(c.Prior) > 0 && onlyPrior(l.Adjustments))
		if len(c.Prior) == 0 {
			// A later payer pays after the earlier ones, not its whole
			// contract: only a first payer's line is held to it.
			pl.Underpayment(st.Contracts[line], c.Lines[pl.ClaimLine-1].Units)
		}
		prior = append(prior, rcm.PriorLine{Line: pl.ClaimLine, Code: l.Code, Modifiers: l.Modifiers, Units: l.Units,
			Paid: l.Paid, Adjustments: nonZero(l.Adjustments)})
	}
	if applied := ledger.PayerPaidChange(payer, []*ledger.Transaction{t}); applied != cp.Paid {
		// The 835 balances (CLP04 = CLP03 - adjustments), yet its service
		// lines pay another amount: CLP03 is not the sum of SVC02, or a
		// line pays a negative amount outside a reversal. Which figure is
		// right would be a guess.
		return except(pc, "The service lines of claim %s pay %s in all, but CLP04 pays %s.", c.ControlNumber, applied.Dollars(), cp.Paid.Dollars())
	}
	pc.State = claimState(cp, pc.Lines)
	if pc.State != state && !rcm.CanMoveClaim(state, pc.State) {
		return except(pc, "Claim %s is %s and cannot become %s.", c.ControlNumber, state, pc.State)
	}
	if len(t.Entries) == 0 {
		pc.Outcome = OutcomeNoPayment
	} else {
		after, err := ledger.Check(t, st.Balances, nil)
		if err != nil {
			return except(pc, "The ledger refuses the payment: %s", rcm.ErrorMessage(err))
		}
		for l, b := range after {
			st.Balances[l] = b
		}
		pc.Txn = len(p.Ledger)
		p.Ledger = append(p.Ledger, t)
		pc.Outcome = OutcomePosted
	}
	if transferred > 0 {
		pc.Transferred = transferred
		if cp.Status != "19" && cp.Status != "20" && cp.Status != "21" {
			// 19, 20 and 21: the payer forwarded the claim itself (a
			// crossover), so a claim of ours would be a duplicate.
			pc.Secondary = secondaryClaim(p.Remittance, st, c, next, prior, cp)
		}
	}
	return nil
}

func nonZero(as []rcm.Adjustment) []rcm.Adjustment {
	var out []rcm.Adjustment
	for _, a := range as {
		if a.Amount != 0 {
			out = append(out, a)
		}
	}
	return out
}

// claimState is the claim's state after an adjudication: denied when the
// payer denied it (CLP02 4) or paid nothing and left nothing to the
// patient; partly paid when some line was denied; else paid.
func claimState(cp *ClaimPayment, lines []*PostedLine) string {
	if cp.Status == StatusDenied || (cp.Paid == 0 && cp.PatientResponsibility == 0 && patientShare(lines) == 0) {
		return rcm.ClaimDenied
	}
	for _, l := range lines {
		if l.Denied {
			return rcm.ClaimPartlyPaid
		}
	}
	return rcm.ClaimPaid
}

func patientShare(lines []*PostedLine) rcm.Money {
	var s rcm.Money
	for _, l := range lines {
		s += l.Payment.PatientShare()
	}
	return s
}

func (pl *planner) planReversal(p *Posting, st *State, pc *PostedClaim, c *rcm.Claim, state string) error {
	if !rcm.CanMoveClaim(state, rcm.ClaimReversed) {
		return except(pc, "Claim %s is %s; a reversal cannot apply to it.", c.ControlNumber, state)
	}
	// The payment to reverse is the claim's latest as it stood before this
	// 835: the first batch that reverses the claim reads it, and later
	// batches reuse it, whatever this 835 has posted or reversed since.
	prev, seen := pl.prior[c.ID]
	if !seen {
		prev = st.Posted[c.ID]
		pl.prior[c.ID] = prev
	}
	if prev == nil || pl.reversed[prev.ClaimPaymentID] != 0 {
		return except(pc, "Reversal of claim %s, but no posted payment of it is left to reverse.", c.ControlNumber)
	}
	if -pc.Payment.Paid != prev.Paid {
		return except(pc, "Reversal of claim %s takes back %s, but %s was posted.", c.ControlNumber, -pc.Payment.Paid, prev.Paid)
	}
	t := ledger.Reverse(prev.Txn, fmt.Sprintf("835 %s reversal of claim %s", p.Remittance.Trace, c.ControlNumber))
	after, err := ledger.Check(t, st.Balances, prev.Txn)
	if err != nil {
		return except(pc, "The ledger refuses the reversal: %s", rcm.ErrorMessage(err))
	}
	for l, b := range after {
		st.Balances[l] = b
	}
	pl.reversed[prev.ClaimPaymentID] = 1
	pc.Txn = len(p.Ledger)
	p.Ledger = append(p.Ledger, t)
	pc.Outcome = OutcomeReversal
	pc.Reverses = prev.ClaimPaymentID
	pc.State = rcm.ClaimReversed
	return nil
}

// matchLines matches each SVC to a line of the claim, or returns why it
// cannot. An 835 without SVC segments pays the claim as a whole, which is
// unambiguous only on a one-line claim.
func matchLines(pc *PostedClaim, c *rcm.Claim) string {
	cp := pc.Payment
	if len(cp.Lines) == 0 {
		if denyAll(pc, c) {
			return ""
		}
		if len(c.Lines) != 1 {
			return fmt.Sprintf("The 835 pays claim %s as a whole (no SVC), but the claim has %d lines; which line gets what would be a guess.", c.ControlNumber, len(c.Lines))
		}
		l := c.Lines[0]
		lp := &LinePayment{Code: l.Code, Modifiers: l.Modifiers, Charge: cp.Charge, Paid: cp.Paid, Units: l.Units,
			DateOfService: l.DateOfService, Adjustments: cp.Adjustments}
		if cp.Charge != l.Charge {
			return fmt.Sprintf("The 835 charges %s for claim %s, billed at %s.", cp.Charge, c.ControlNumber, l.Charge)
		}
		pc.Lines = []*PostedLine{{Payment: lp, ServiceLineID: l.ServiceLineID, ClaimLine: 1, Match: MatchClaimLevel}}
		return ""
	}
	if len(cp.Adjustments) > 0 {
		if len(c.Lines) != 1 || len(cp.Lines) != 1 {
			return fmt.Sprintf("Claim-level adjustments (CAS in loop 2100) on claim %s cannot be assigned to one of its lines.", c.ControlNumber)
		}
	}
	used := make([]bool, len(c.Lines))
	for j, l := range cp.Lines {
		idx, how := matchLine(l, c, used)
		if idx < 0 {
			return fmt.Sprintf("Service line %d of claim %s (%s, %s) matches no unpaid line of the claim by code, modifiers, date and charge.",
				j+1, c.ControlNumber, procedureText(l.Code, l.Modifiers), l.Charge)
		}
		used[idx] = true
		lp := l
		if len(cp.Adjustments) > 0 {
			// One line, one SVC: the claim-level adjustments are the line's.
			cl := *l
			cl.Adjustments = append(slices.Clone(cp.Adjustments), l.Adjustments...)
			cl.Charge = cp.Charge
			cl.Paid = cp.Paid
			lp = &cl
		}
		pc.Lines = append(pc.Lines, &PostedLine{Payment: lp, ServiceLineID: c.Lines[idx].ServiceLineID, ClaimLine: idx + 1, Match: how})
	}
	return ""
}

// denyAll posts a claim-level denial of a claim with several lines: the
// 835 pays nothing, names no line, and denies the whole charge for one
// group and reason. Then every line is denied in full for that reason;
// nothing is apportioned, so nothing is guessed. It reports whether it
// applied.
func denyAll(pc *PostedClaim, c *rcm.Claim) bool {
	cp := pc.Payment
	if cp.Paid != 0 || len(cp.Adjustments) != 1 || cp.Adjustments[0].Amount != cp.Charge || cp.Charge != c.TotalCharge() {
		return false
	}
	adj := cp.Adjustments[0]
	for i, l := range c.Lines {
		a := adj
		a.Amount = l.Charge
		lp := &LinePayment{Code: l.Code, Modifiers: l.Modifiers, Charge: l.Charge, Units: l.Units, DateOfService: l.DateOfService,
			Adjustments: []rcm.Adjustment{a}, Remarks: cp.Remarks}
		pc.Lines = append(pc.Lines, &PostedLine{Payment: lp, ServiceLineID: l.ServiceLineID, ClaimLine: i + 1, Match: MatchClaimLevel})
	}
	return true
}

func procedureText(code string, mods []string) string {
	if len(mods) == 0 {
		return code
	}
	return code + "-" + strings.Join(mods, "-")
}

// matchLine finds the claim line an SVC pays: first exactly (code,
// modifiers, date and charge); then by the procedure as billed when the
// payer changed it (SVC06); then allowing modifiers the payer dropped.
// Date and charge must always agree: the charge is what was billed, and a
// line of another date is another service.
func matchLine(l *LinePayment, c *rcm.Claim, used []bool) (int, string) {
	dos := l.DateOfService
	try := func(code string, mods []string, subset bool) int {
		for i, cl := range c.Lines {
			if used[i] || lineCode(c, i) != code || cl.Charge != l.Charge {
				continue
			}
			d := cl.DateOfService
			if d.IsZero() {
				d = c.DateOfService
			}
			if !dos.IsZero() && d != dos {
				continue
			}
			if subset && isSubset(mods, cl.Modifiers) || !subset && slices.Equal(mods, cl.Modifiers) {
				return i
			}
		}
		return -1
	}
	if l.OriginalCode != "" {
		if i := try(l.OriginalCode, l.OriginalModifiers, false); i >= 0 {
			return i, MatchCodeChanged
		}
		if i := try(l.OriginalCode, l.OriginalModifiers, true); i >= 0 {
			return i, MatchCodeChanged
		}
	}
	if i := try(l.Code, l.Modifiers, false); i >= 0 {
		return i, MatchExact
	}
	if i := try(l.Code, l.Modifiers, true); i >= 0 {
		return i, MatchModifierDropped
	}
	return -1, ""
}

// lineCode is the code an 835 names a claim line by: its procedure code,
// or for a facility line billed by revenue code alone, that revenue code
// (835 SVC01 NU).
func lineCode(c *rcm.Claim, i int) string {
	if code := c.Lines[i].Code; code != "" || c.Institutional == nil {
		return code
	}
	return c.Institutional.RevenueCodeOf(i)
}

func isSubset(sub, of []string) bool {
	for _, m := range sub {
		if !slices.Contains(of, m) {
			return false
		}
	}
	return len(sub) < len(of)
}

// nextCoverage returns the patient's coverage of the order after the
// claim's, in force on the date of service, or nil.
func nextCoverage(st *State, c *rcm.Claim) *rcm.Coverage {
	covs := st.Coverages[c.PatientID]
	order := 0
	for _, cov := range covs {
		if cov.ID == c.CoverageID {
			order = cov.Order
		}
	}
	if order == 0 {
		return nil
	}
	for _, cov := range covs {
		if cov.Order == order+1 && cov.ActiveOn(c.DateOfService) && cov.PayerID != c.PayerID {
			return cov
		}
	}
	return nil
}

// secondaryClaim builds the claim to the next payer: the primary claim's
// lines and codes, with the primary's adjudication in Prior (837P loops
// 2320 and 2430). Its diagnoses are copied by the store.
func secondaryClaim(rem *Remittance, st *State, c *rcm.Claim, next *rcm.Coverage, lines []rcm.PriorLine, cp *ClaimPayment) *rcm.Claim {
	on := rem.PaidOn
	if on.IsZero() {
		on = rem.ProductionDate
	}
	if on.IsZero() {
		on = st.Today
	}
	s := *c
	s.ID, s.State, s.History = 0, rcm.ClaimDraft, nil
	s.PayerID, s.CoverageID = next.PayerID, next.ID
	s.Frequency, s.PayerClaimNumber, s.ReplacesClaimID = rcm.FrequencyOriginal, "", 0
	s.ControlNumber = SecondaryControlNumber(c.ControlNumber, next.Order)
	s.Lines = slices.Clone(c.Lines)
	var share rcm.Money
	for _, l := range lines {
		for _, a := range l.Adjustments {
			if a.Group == "PR" {
				share += a.Amount
			}
		}
	}
	if cp.PatientResponsibility > share {
		share = cp.PatientResponsibility
	}
	s.Prior = append(slices.Clone(c.Prior), rcm.PriorPayment{CoverageID: c.CoverageID, PayerID: c.PayerID, Paid: cp.Paid,
		PatientResponsibility: share, Adjustments: nonZero(cp.Adjustments), AdjudicatedOn: on, Lines: lines})
	return &s
}

// SecondaryControlNumber is the patient control number (CLM01) of the
// claim to the payer of the given coverage order made from a claim: the
// claim's number with its order suffix ("-1", as claim.Build makes it)
// replaced, or with "-<order>" added. CLM01 holds at most 38 characters.
func SecondaryControlNumber(primary string, order int) string {
	base := primary
	if i := strings.LastIndexByte(base, '-'); i > 0 && len(base)-i == 2 && base[i+1] >= '1' && base[i+1] <= '9' {
		base = base[:i]
	}
	suffix := "-" + strconv.Itoa(order)
	if len(base)+len(suffix) > 38 {
		base = base[:38-len(suffix)]
	}
	return base + suffix
}

// onlyPrior reports whether every adjustment is CARC 23, the prior
// payers' impact: a later payer owing nothing more is not a denial.
func onlyPrior(as []rcm.Adjustment) bool {
	for _, a := range as {
		if a.Reason != "23" {
			return false
		}
	}
	return true
}
