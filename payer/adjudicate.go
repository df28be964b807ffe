package payer

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
)

// Claim status codes of 835 CLP02.
const (
	StatusPrimary   = "1"  // processed as primary
	StatusSecondary = "2"  // processed as secondary
	StatusTertiary  = "3"  // processed as tertiary
	StatusDenied    = "4"  // denied
	StatusReversal  = "22" // reversal of previous payment
)

// COB methods a secondary payer can use.
const (
	// COBStandard pays the patient's remaining balance after the primary,
	// up to what the secondary would have paid as primary.
	COBStandard = "standard"
	// COBCarveOut subtracts the primary's payment from the secondary's
	// allowed amount and applies the secondary's cost sharing to the rest.
	COBCarveOut = "carve-out"
	// COBNonDuplication pays what the secondary would have paid as
	// primary less what the primary paid, nothing when the primary paid
	// as much.
	COBNonDuplication = "non-duplication"
)

// Built-in denial rule ids; configured rules carry their own.
const (
	RuleMemberNotFound   = "member-not-found"    // CO-31
	RuleCoverageInactive = "coverage-inactive"   // CO-26 before the plan, CO-27 after it
	RuleOtherPrimary     = "other-payer-primary" // CO-22 with MA04
	RuleRenderingNPI     = "rendering-npi"       // CO-16 with N290
	RuleDiagnosis        = "diagnosis-pointer"   // CO-16 with M76
	RuleTimelyFiling     = "timely-filing"       // CO-29
	RuleDuplicate        = "duplicate"           // OA-18
	RuleNotInContract    = "not-in-contract"     // CO-96 with N130
)

// ClaimPayment is the adjudication of one claim: everything its 835 loop
// 2100 (CLP, CAS, NM1, DTM, MOA) and 2110 loops (SVC, DTM, CAS, REF, AMT,
// LQ) say.
type ClaimPayment struct {
	ClaimID         string         `json:"claim_id"`                 // CLP01
	Status          string         `json:"status"`                   // CLP02
	Charge          rcm.Money      `json:"charge"`                   // CLP03
	Paid            rcm.Money      `json:"paid"`                     // CLP04
	PatientResp     rcm.Money      `json:"patient_resp"`             // CLP05
	FilingIndicator string         `json:"filing_indicator"`         // CLP06
	PayerClaim      string         `json:"payer_claim"`              // CLP07
	Place           string         `json:"place,omitempty"`          // CLP08
	Frequency       string         `json:"frequency,omitempty"`      // CLP09
	Adjustments     []Adjustment   `json:"adjustments,omitempty"`    // claim-level CAS
	Remarks         []string       `json:"remarks,omitempty"`        // MOA03-07
	Rules           []string       `json:"rules,omitempty"`          // claim-level rules that fired
	Patient         Person         `json:"patient"`                  // NM1*QC
	MemberID        string         `json:"member_id"`                // NM1*QC NM109
	Received        rcm.Date       `json:"received"`                 // DTM*050
	Lines           []*LinePayment `json:"lines,omitempty"`          // 2110
	PayeeName       string         `json:"payee_name"`               // 1000B N102
	PayeeNPI        string         `json:"payee_npi"`                // 1000B N104
	PayeeTIN        string         `json:"payee_tin,omitempty"`      // 1000B REF*TJ
	Payer           string         `json:"payer"`                    // which payer paid
	Receiver        string         `json:"receiver"`                 // ISA06 of the 837P, ISA08 of the 835
	ReceiverQual    string         `json:"receiver_qual"`            // ISA05 of the 837P
	Production      bool           `json:"production,omitempty"`     // ISA15 of the 837P
	ServiceFrom     rcm.Date       `json:"service_from,omitzero"`    // DTM*232
	ServiceTo       rcm.Date       `json:"service_to,omitzero"`      // DTM*233
	OriginalClaim   string         `json:"original_claim,omitempty"` // the claim a reversal undoes
	PrimaryPaid     rcm.Money      `json:"primary_paid,omitempty"`   // what the earlier payers paid, for secondary and tertiary claims
	COBMethod       string         `json:"cob_method,omitempty"`     // method used for a secondary claim
	Submitter       string         `json:"submitter,omitempty"`      // 1000A NM109 of the 837P
	SubmitterName   string         `json:"submitter_name,omitempty"` // 1000A NM103 of the 837P
	File            string         `json:"file,omitempty"`           // input file
	Sequence        string         `json:"sequence,omitempty"`       // SBR01 of the 837P
	BatchID         string         `json:"batch_id,omitempty"`       // BHT03 of the 837P
	RenderingNPI    string         `json:"rendering_npi,omitempty"`  // for the record
	ReplacedBy      string         `json:"replaced_by,omitempty"`    // set on a reversal
	Replacement     bool           `json:"replacement,omitempty"`    // a re-adjudicated replacement claim
	Voided          bool           `json:"voided,omitempty"`         // a void claim's reversal
	Deductible      rcm.Money      `json:"deductible,omitempty"`     // PR-1 total, for summaries
	Coinsurance     rcm.Money      `json:"coinsurance,omitempty"`    // PR-2 total
	Copay           rcm.Money      `json:"copay,omitempty"`          // PR-3 total
	Contractual     rcm.Money      `json:"contractual,omitempty"`    // CO-45 and CO-59 total
	Allowed         rcm.Money      `json:"allowed,omitempty"`        // sum of line allowed amounts
	// Institutional claims (837I) answer with the DRG (CLP11) and, for an
	// inpatient stay, MIA with the covered days; outpatient ones with MOA.
	Institutional bool   `json:"institutional,omitempty"`
	Inpatient     bool   `json:"inpatient,omitempty"`
	DRG           string `json:"drg,omitempty"`
	CoveredDays   int    `json:"covered_days,omitempty"`
}

// LinePayment is one service line of a ClaimPayment (835 loop 2110).
type LinePayment struct {
	Number      int          `json:"number"`
	RevenueCode string       `json:"revenue_code,omitempty"` // SVC04 on a facility line
	Qualifier   string       `json:"qualifier"`
	Code        string       `json:"code"`
	Modifiers   []string     `json:"modifiers,omitempty"`
	Charge      rcm.Money    `json:"charge"`  // SVC02
	Paid        rcm.Money    `json:"paid"`    // SVC03
	Allowed     rcm.Money    `json:"allowed"` // AMT*B6
	Units       string       `json:"units"`   // SVC05
	From        rcm.Date     `json:"from"`
	To          rcm.Date     `json:"to"`
	Control     string       `json:"control,omitempty"` // REF*6R
	Adjustments []Adjustment `json:"adjustments,omitempty"`
	Remarks     []string     `json:"remarks,omitempty"` // LQ*HE
	Rules       []string     `json:"rules,omitempty"`
	milli       int64
	denied      bool
	// base is the allowed amount before the multiple-procedure reduction.
	base rcm.Money
}

// adjudication carries one claim through the rules.
type adjudication struct {
	cfg   *Config
	st    *State
	payer *Payer
	claim *Claim
	m     *Member
	cp    *ClaimPayment
	added map[string]*Contribution
}

// adjudicate prices and pays one accepted claim, updating the state's
// accumulators and records in the order claims are adjudicated.
func adjudicate(cfg *Config, st *State, p *Payer, c *Claim) *ClaimPayment {
	pat := c.PatientName()
	from, to := c.ServiceDates()
	cp := &ClaimPayment{
		ClaimID: c.ID, Charge: c.Charge, FilingIndicator: p.FilingIndicator, PayerClaim: c.PayerClaim,
		Place: c.Place, Frequency: c.Frequency, Patient: pat, MemberID: c.SubscriberID, Received: c.Received,
		PayeeName: c.BillingName, PayeeNPI: c.BillingNPI, PayeeTIN: c.BillingTIN, Payer: p.ID,
		Receiver: c.Sender, ReceiverQual: c.SenderQual, Production: c.Production, ServiceFrom: from, ServiceTo: to,
		Submitter: c.SubmitterID, SubmitterName: c.SubmitterName, File: c.File, Sequence: c.Sequence,
		BatchID: c.BatchID, RenderingNPI: c.RenderingNPI, Replacement: c.Frequency == "7",
		Institutional: c.Institutional, Inpatient: c.Inpatient, DRG: c.DRG,
	}
	if c.Inpatient {
		cp.CoveredDays = c.Days
	}
	if cp.FilingIndicator == "" {
		cp.FilingIndicator = "ZZ"
	}
	a := &adjudication{cfg: cfg, st: st, payer: p, claim: c, cp: cp, added: map[string]*Contribution{}}
	for _, l := range c.Lines {
		cp.Lines = append(cp.Lines, &LinePayment{
			Number: l.Number, RevenueCode: l.RevenueCode, Qualifier: l.Qualifier, Code: l.Code, Modifiers: l.Modifiers, Charge: l.Charge,
			Units: l.Units, From: l.From, To: l.To, Control: l.Control, milli: l.MilliUnits,
		})
	}
	a.run()
	a.total()
	a.record()
	return cp
}

// denyClaim denies the whole claim with one claim-level CAS (835 loop
// 2100 CAS) and no service lines, which the guide allows when the payer
// did not adjudicate at the line level.
func (a *adjudication) denyClaim(rule, group, reason, remark string) {
	a.cp.Rules = append(a.cp.Rules, rule)
	a.cp.Adjustments = []Adjustment{{Group: group, Reason: reason, Amount: a.cp.Charge}}
	if remark != "" {
		a.cp.Remarks = append(a.cp.Remarks, remark)
	}
	a.cp.Lines = nil
}

// denyLine denies a service line in full with one CAS (loop 2110).
func denyLine(l *LinePayment, rule, group, reason, remark string) {
	l.denied = true
	l.Rules = append(l.Rules, rule)
	l.Adjustments = []Adjustment{{Group: group, Reason: reason, Amount: l.Charge}}
	if remark != "" {
		l.Remarks = append(l.Remarks, remark)
	}
}

// overturned reports whether an appeal overturned the rule for this
// claim, so the re-adjudication does not deny by it again.
func (a *adjudication) overturned(rule string) bool { return slices.Contains(a.claim.Overturned, rule) }

func (a *adjudication) run() {
	c, p := a.claim, a.payer
	m, _ := a.cfg.findMember(p.ID, c.SubscriberID, c.PatientName(), c.Patient != nil)
	if m == nil {
		a.denyClaim(RuleMemberNotFound, "CO", "31", "")
		return
	}
	a.m = m
	a.cp.Patient = Person{Last: m.Last, First: m.First, Birth: m.BirthDate}
	inactive := 0
	for _, l := range a.cp.Lines {
		if coverageReason(m, l.From) != "" {
			inactive++
		}
	}
	if len(a.cp.Lines) > 0 && inactive == len(a.cp.Lines) && !a.overturned(RuleCoverageInactive) {
		a.denyClaim(RuleCoverageInactive, "CO", coverageReason(m, a.cp.Lines[0].From), "")
		return
	}
	secondary := c.Prior != nil && c.Sequence != "P"
	if m.OtherPayerPrimary != "" && !secondary && !a.overturned(RuleOtherPrimary) {
		a.denyClaim(RuleOtherPrimary, "CO", "22", "MA04")
		return
	}
	if c.RenderingNPI != "" && !validNPI(c.RenderingNPI) && !a.overturned(RuleRenderingNPI) {
		a.denyClaim(RuleRenderingNPI, "CO", "16", "N290")
		return
	}
	a.lineRules()
	a.price()
	if secondary {
		a.cp.Status = StatusSecondary
		if c.Sequence == "T" {
			a.cp.Status = StatusTertiary
		}
		a.cp.PrimaryPaid = c.PriorPaid
		a.cp.COBMethod = p.COB
		if a.cp.COBMethod == "" {
			a.cp.COBMethod = COBStandard
		}
		a.payCOB()
	} else {
		a.cp.Status = StatusPrimary
		a.payPrimary()
	}
}

// coverageReason returns the CARC for a date of service outside the
// member's plan: 26 expenses incurred prior to coverage, 27 expenses
// incurred after coverage terminated.
func coverageReason(m *Member, d rcm.Date) string {
	switch {
	case d.Before(m.PlanBegin):
		return "26"
	case !m.PlanEnd.IsZero() && d.After(m.PlanEnd):
		return "27"
	}
	return ""
}

// lineRules applies the line-level denial rules in a fixed order:
// eligibility on the date, timely filing, diagnosis pointers, duplicate,
// then the payer's configured rules in their listed order.
func (a *adjudication) lineRules() {
	c, p, m := a.claim, a.payer, a.m
	for i, l := range a.cp.Lines {
		if r := coverageReason(m, l.From); r != "" && !a.overturned(RuleCoverageInactive) {
			denyLine(l, RuleCoverageInactive, "CO", r, "")
			continue
		}
		if p.TimelyFilingDays > 0 && c.Received.DaysSince(l.From) > p.TimelyFilingDays {
			denyLine(l, RuleTimelyFiling, "CO", "29", "")
			continue
		}
		if !a.pointersValid(c.Lines[i]) {
			denyLine(l, RuleDiagnosis, "CO", "16", "M76")
			continue
		}
		if a.duplicate(l) {
			// CARC 18 is used only with group OA (CARC list usage note).
			denyLine(l, RuleDuplicate, "OA", "18", "")
			continue
		}
		for _, r := range p.Rules {
			if !codeIn(l.Code, r.Codes) {
				continue
			}
			if a.ruleFires(r, i, l) && !a.overturned(r.ID) {
				group, reason, remark := ruleCodes(r)
				denyLine(l, r.ID, group, reason, remark)
				break
			}
		}
	}
}

// ruleCodes returns the CAS group, CARC and RARC a configured rule sends.
func ruleCodes(r Rule) (string, string, string) {
	remark := r.Remark
	switch r.Kind {
	case RuleBundle:
		if remark == "" {
			remark = "M15" // separately billed services bundled
		}
		return "CO", "97", remark
	case RuleNecessity:
		return "CO", "50", remark
	case RuleNonCovered:
		if remark == "" {
			remark = "N130" // consult plan benefit documents
		}
		return "CO", "96", remark
	case RuleFrequency:
		if remark == "" {
			remark = "N640" // exceeds number/frequency allowed within time period
		}
		return "CO", "119", remark
	}
	return "CO", "16", remark
}

func (a *adjudication) ruleFires(r Rule, i int, l *LinePayment) bool {
	switch r.Kind {
	case RuleNonCovered:
		return true
	case RuleBundle:
		for _, mod := range l.Modifiers {
			if codeIn(mod, r.Bypass) {
				return false
			}
		}
		for j, o := range a.cp.Lines {
			if j != i && !o.denied && o.From == l.From && codeIn(o.Code, r.With) {
				return true
			}
		}
		return false
	case RuleNecessity:
		for _, d := range a.lineDiagnoses(a.claim.Lines[i]) {
			for _, pre := range r.Diagnoses {
				if strings.HasPrefix(d, strings.ReplaceAll(pre, ".", "")) {
					return false
				}
			}
		}
		return true
	case RuleFrequency:
		used := l.milli
		start := l.From.AddDays(-r.PeriodDays + 1)
		for _, s := range a.services() {
			if codeIn(s.Code, r.Codes) && !s.Date.Before(start) && !s.Date.After(l.From) {
				used += s.MilliUnit
			}
		}
		for _, o := range a.cp.Lines[:i] {
			if !o.denied && codeIn(o.Code, r.Codes) && !o.From.Before(start) {
				used += o.milli
			}
		}
		return used > int64(r.Max)*1000
	}
	return false
}

// lineDiagnoses returns the codes a line points to (SV107), or every
// claim diagnosis when the line has no pointers.
func (a *adjudication) lineDiagnoses(l Line) []string {
	if len(l.Pointers) == 0 {
		return a.claim.Diagnoses
	}
	var out []string
	for _, p := range l.Pointers {
		if p >= 1 && p <= len(a.claim.Diagnoses) {
			out = append(out, a.claim.Diagnoses[p-1])
		}
	}
	return out
}

// pointersValid checks the SV107 diagnosis pointers point at HI codes.
func (a *adjudication) pointersValid(l Line) bool {
	if len(a.claim.Diagnoses) == 0 {
		return false
	}
	for _, p := range l.Pointers {
		if p < 1 || p > len(a.claim.Diagnoses) {
			return false
		}
	}
	return true
}

// services returns the member's paid services from claims not reversed.
func (a *adjudication) services() []Service {
	var out []Service
	key := memberKey(a.m)
	for _, k := range sortedKeys(a.st.Claims) {
		r := a.st.Claims[k]
		if r.Member == key && !r.Reversed {
			out = append(out, r.Services...)
		}
	}
	return out
}

func (a *adjudication) duplicate(l *LinePayment) bool {
	mods := strings.Join(l.Modifiers, ":")
	for _, s := range a.services() {
		if s.Date == l.From && s.Code == l.Code && s.Modifiers == mods {
			return true
		}
	}
	return false
}

// price sets each open line's allowed amount from the contract and
// applies the multiple-procedure reduction; a code the contract does not
// price is denied CO-96 with N130.
func (a *adjudication) price() {
	ct := a.payer.Contract
	for _, l := range a.cp.Lines {
		if l.denied {
			continue
		}
		if ic := ct.Institutional; ic != nil && a.claim.Institutional {
			base, ok := ic.base(l, a.claim.Inpatient)
			if !ok || base <= 0 {
				denyLine(l, RuleNotInContract, "CO", "96", "N130")
				continue
			}
			l.base, l.Allowed = min(base, l.Charge), min(base, l.Charge)
			continue
		}
		unit, ok := a.cfg.unitPrice(ct, l.Code, l.Modifiers)
		if !ok {
			if ct.ChargePercent == 0 {
				denyLine(l, RuleNotInContract, "CO", "96", "N130")
				continue
			}
			l.base = ct.ChargePercent.Of(l.Charge)
		} else {
			l.base = mulMilli(unit, l.milli)
		}
		if l.base > l.Charge {
			l.base = l.Charge // a payer never allows more than billed
		}
		if l.base <= 0 {
			denyLine(l, RuleNotInContract, "CO", "96", "N130")
			continue
		}
		l.Allowed = l.base
	}
	mp := ct.MultipleProcedure
	if mp == nil {
		return
	}
	var ranked []*LinePayment
	for _, l := range a.cp.Lines {
		if !l.denied && codeIn(l.Code, mp.Codes) {
			ranked = append(ranked, l)
		}
	}
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].base > ranked[j].base })
	for i, l := range ranked {
		pct := mp.Percents[min(i, len(mp.Percents)-1)]
		l.Allowed = pct.Of(l.base)
	}
}

// unitPrice finds the allowed amount for one unit: the payer's fee for
// code:modifier, else its fee for the code (adjusted by a modifier
// percentage), else the base schedule times the base percentage.
func (c *Config) unitPrice(ct Contract, code string, mods []string) (rcm.Money, bool) {
	for _, m := range mods {
		if f, ok := ct.Fees[code+":"+m]; ok {
			return f, true
		}
	}
	fee, ok := ct.Fees[code]
	if !ok && ct.Base != "" {
		var b rcm.Money
		if b, ok = c.BaseSchedules[ct.Base][code]; ok {
			fee = ct.BasePercent.Of(b)
		}
	}
	if !ok {
		return 0, false
	}
	for _, m := range mods {
		if pct, ok := ct.Modifiers[m]; ok {
			fee = pct.Of(fee)
		}
	}
	return fee, true
}

// mulMilli multiplies a unit price by a quantity in thousandths, rounding
// to the cent.
func mulMilli(m rcm.Money, milli int64) rcm.Money {
	v := int64(m) * milli
	return rcm.Money((v + 500) / 1000)
}

// share is a member's cost sharing on one amount.
type share struct{ deductible, coinsurance, copay rcm.Money }

func (s share) total() rcm.Money { return s.deductible + s.coinsurance + s.copay }

// costShare works out deductible, coinsurance and copay on an allowed
// amount from the accumulator without changing it. A service with a copay
// for its service type pays the copay (once per claim) and nothing else;
// any other service meets the deductible first, then coinsurance; the
// out-of-pocket maximum caps the total.
func costShare(b Benefits, acc Accumulator, amount rcm.Money, copay rcm.Money, hasCopay bool) share {
	room := rcm.Money(-1)
	if b.OOPMax > 0 {
		room = max(0, b.OOPMax-acc.OOP)
	}
	capAt := func(v rcm.Money) rcm.Money {
		if room >= 0 && v > room {
			v = room
		}
		if room >= 0 {
			room -= v
		}
		return v
	}
	var s share
	if hasCopay {
		s.copay = capAt(min(copay, amount))
		return s
	}
	s.deductible = capAt(min(max(0, b.Deductible-acc.Deductible), amount))
	s.coinsurance = capAt(b.Coinsurance.Of(amount - s.deductible))
	return s
}

// accKey names the accumulator of a member's plan year holding date d.
func accKey(m *Member, d rcm.Date) string {
	month := time.Month(m.PlanYearMonth)
	if month == 0 {
		month = time.January
	}
	start := rcm.Date{Year: d.Year, Month: month, Day: 1}
	if d.Before(start) {
		start.Year--
	}
	return memberKey(m) + "/" + start.String()
}

func memberKey(m *Member) string { return m.Payer + "/" + m.SubscriberID + "/" + m.ID }

func (a *adjudication) acc(d rcm.Date) (*Accumulator, *Contribution) {
	k := accKey(a.m, d)
	acc := a.st.Accumulators[k]
	if acc == nil {
		acc = &Accumulator{}
		a.st.Accumulators[k] = acc
	}
	c := a.added[k]
	if c == nil {
		c = &Contribution{Key: k}
		a.added[k] = c
	}
	return acc, c
}

// copayFor returns the member's copay for a line's service type, unless a
// copay for that type was already taken on this claim.
func (a *adjudication) copayFor(l *LinePayment, used map[string]bool) (rcm.Money, bool) {
	st := a.cfg.ServiceTypeOf(l.Code)
	cp, ok := a.m.Benefits.Copays[st]
	if !ok || st == "" || used[st] {
		return 0, false
	}
	used[st] = true
	return cp, true
}

// payPrimary pays each open line: allowed less cost sharing, with the
// write-down as CO-45 (above the fee schedule) and CO-59 (multiple
// procedure reduction), and PR-1, PR-2, PR-3 for the patient.
func (a *adjudication) payPrimary() {
	used := map[string]bool{}
	for _, l := range a.cp.Lines {
		if l.denied {
			continue
		}
		acc, con := a.acc(l.From)
		copay, has := a.copayFor(l, used)
		s := costShare(a.m.Benefits, *acc, l.Allowed, copay, has)
		apply(acc, con, s.deductible, s.total())
		l.Paid = l.Allowed - s.total()
		l.Adjustments = append(l.Adjustments, writeDown(l)...)
		l.Adjustments = append(l.Adjustments, patientAdjustments(s)...)
	}
}

func apply(acc *Accumulator, con *Contribution, ded, oop rcm.Money) {
	acc.Deductible += ded
	acc.OOP += oop
	con.Deductible += ded
	con.OOP += oop
}

func writeDown(l *LinePayment) []Adjustment {
	var out []Adjustment
	if d := l.Charge - l.base; d > 0 {
		out = append(out, Adjustment{"CO", "45", d})
	}
	if d := l.base - l.Allowed; d > 0 {
		out = append(out, Adjustment{"CO", "59", d})
	}
	return out
}

func patientAdjustments(s share) []Adjustment {
	var out []Adjustment
	for _, x := range []struct {
		reason string
		amt    rcm.Money
	}{{"1", s.deductible}, {"2", s.coinsurance}, {"3", s.copay}} {
		if x.amt > 0 {
			out = append(out, Adjustment{"PR", x.reason, x.amt})
		}
	}
	return out
}

// priorLines returns the primary's paid amount and patient-responsibility
// adjustments per line: from loop 2430 when present, else the claim-level
// 2320 amounts shared out by charge.
func (a *adjudication) priorLines() []PriorLine {
	c := a.claim
	out := make([]PriorLine, len(c.Lines))
	has2430 := false
	for i, l := range c.Lines {
		if l.Prior != nil {
			has2430 = true
			out[i] = *l.Prior
			out[i].AllPaid = l.PriorPaid
		}
	}
	if has2430 || len(c.Lines) == 0 {
		return out
	}
	weights := make([]rcm.Money, len(c.Lines))
	for i, l := range c.Lines {
		weights[i] = l.Charge
	}
	for i, v := range prorate(c.Prior.Paid, weights) {
		out[i].Paid = v
	}
	for i, v := range prorate(c.PriorPaid, weights) {
		out[i].AllPaid = v
	}
	for _, adj := range c.Prior.Adjustments {
		for i, v := range prorate(adj.Amount, weights) {
			if v != 0 {
				out[i].Adjustments = append(out[i].Adjustments, Adjustment{adj.Group, adj.Reason, v})
			}
		}
	}
	return out
}

// prorate splits total in proportion to weights, in whole cents, the last
// share taking the remainder so the parts add up exactly.
func prorate(total rcm.Money, weights []rcm.Money) []rcm.Money {
	var sum rcm.Money
	for _, w := range weights {
		sum += w
	}
	out := make([]rcm.Money, len(weights))
	if sum <= 0 {
		if len(out) > 0 {
			out[len(out)-1] = total
		}
		return out
	}
	var given rcm.Money
	for i, w := range weights {
		if i == len(weights)-1 {
			out[i] = total - given
			break
		}
		out[i] = rcm.Money(int64(total) * int64(w) / int64(sum))
		given += out[i]
	}
	return out
}

// payCOB pays each open line as a secondary or later payer. The earlier
// payers' impact (all the payer just before did not leave to the patient)
// is OA-23; this payer pays part of the patient's balance per its COB
// method, carve-out and non-duplication subtracting what every earlier
// payer paid; what the patient still owes stays PR under the reason codes
// of the payer just before (deductible, coinsurance, copay).
func (a *adjudication) payCOB() {
	prior := a.priorLines()
	used := map[string]bool{}
	for i, l := range a.cp.Lines {
		if l.denied {
			continue
		}
		pl := prior[i]
		var pr []Adjustment
		var balance rcm.Money
		for _, adj := range pl.Adjustments {
			if adj.Group == "PR" && adj.Amount > 0 {
				pr = append(pr, adj)
				balance += adj.Amount
			}
		}
		balance = min(max(0, balance), l.Charge)
		acc, con := a.acc(l.From)
		copay, has := a.copayFor(l, used)
		var pay rcm.Money
		var s share
		switch a.cp.COBMethod {
		case COBCarveOut:
			base := max(0, l.Allowed-pl.AllPaid)
			s = costShare(a.m.Benefits, *acc, base, copay, has)
			pay = base - s.total()
		case COBNonDuplication:
			s = costShare(a.m.Benefits, *acc, l.Allowed, copay, has)
			pay = l.Allowed - s.total() - pl.AllPaid
		default:
			s = costShare(a.m.Benefits, *acc, l.Allowed, copay, has)
			pay = l.Allowed - s.total()
		}
		pay = min(max(0, pay), balance)
		left := balance - pay
		// The deductible the secondary applied counts as met even where
		// the primary's payment covered it; out of pocket is what the
		// patient still owes.
		apply(acc, con, s.deductible, left)
		l.Paid = pay
		if d := l.Charge - balance; d > 0 {
			l.Adjustments = append(l.Adjustments, Adjustment{"OA", "23", d})
		}
		sort.SliceStable(pr, func(i, j int) bool { return prOrder(pr[i].Reason) < prOrder(pr[j].Reason) })
		for _, adj := range pr {
			if left == 0 {
				break
			}
			v := min(adj.Amount, left)
			l.Adjustments = append(l.Adjustments, Adjustment{"PR", adj.Reason, v})
			left -= v
		}
	}
}

// prOrder sorts patient responsibility: deductible, coinsurance, copay,
// then any other reason.
func prOrder(reason string) int {
	switch reason {
	case "1":
		return 0
	case "2":
		return 1
	case "3":
		return 2
	}
	return 3
}

// total sums the lines into CLP03/CLP04/CLP05 and settles the claim
// status.
func (a *adjudication) total() {
	cp := a.cp
	cp.Paid, cp.PatientResp = 0, 0
	for _, adj := range cp.Adjustments {
		if adj.Group == "PR" {
			cp.PatientResp += adj.Amount
		}
	}
	for _, l := range cp.Lines {
		cp.Paid += l.Paid
		cp.Allowed += l.Allowed
		for _, adj := range l.Adjustments {
			switch {
			case adj.Group == "PR":
				cp.PatientResp += adj.Amount
				switch adj.Reason {
				case "1":
					cp.Deductible += adj.Amount
				case "2":
					cp.Coinsurance += adj.Amount
				case "3":
					cp.Copay += adj.Amount
				}
			case adj.Group == "CO" && (adj.Reason == "45" || adj.Reason == "59"):
				cp.Contractual += adj.Amount
			}
		}
	}
	if len(cp.Lines) > 0 {
		var sum rcm.Money
		for _, l := range cp.Lines {
			sum += l.Charge
		}
		cp.Charge = sum
	}
	// Denied (CLP02 4) means no line was considered for payment: a
	// claim-level denial or every line denied. A secondary that pays
	// nothing because the primary covered all is still processed (2).
	open := false
	for _, l := range cp.Lines {
		open = open || !l.denied
	}
	if !open {
		cp.Status = StatusDenied
	}
}

// record keeps the claim in the state: its payment for a later reversal,
// its paid services for the duplicate and frequency rules, and what it
// added to the accumulators.
func (a *adjudication) record() {
	r := &ClaimRecord{Payer: a.payer.ID, Payment: a.cp, Claim: a.claim}
	if a.m != nil {
		r.Member = memberKey(a.m)
	}
	for _, l := range a.cp.Lines {
		if !l.denied {
			r.Services = append(r.Services, Service{Date: l.From, Code: l.Code, Modifiers: strings.Join(l.Modifiers, ":"), MilliUnit: l.milli})
		}
	}
	for _, k := range sortedKeys(a.added) {
		if c := a.added[k]; c.Deductible != 0 || c.OOP != 0 {
			r.Added = append(r.Added, *c)
		}
	}
	a.st.Claims[a.cp.PayerClaim] = r
}

// reverse undoes an earlier payment: the 835 reports the original claim
// again with CLP02 22 and every amount negated, and the state takes back
// its accumulator contributions and services.
func reverse(st *State, r *ClaimRecord, byClaim string) *ClaimPayment {
	o := r.Payment
	cp := *o
	cp.Status, cp.OriginalClaim, cp.ReplacedBy = StatusReversal, o.PayerClaim, byClaim
	cp.Charge, cp.Paid, cp.PatientResp = -o.Charge, -o.Paid, -o.PatientResp
	cp.Deductible, cp.Coinsurance, cp.Copay, cp.Contractual, cp.Allowed = -o.Deductible, -o.Coinsurance, -o.Copay, -o.Contractual, -o.Allowed
	cp.Replacement = false
	cp.Adjustments = negate(o.Adjustments)
	cp.Lines = nil
	for _, l := range o.Lines {
		nl := *l
		nl.Charge, nl.Paid, nl.Allowed = -l.Charge, -l.Paid, -l.Allowed
		nl.Adjustments = negate(l.Adjustments)
		cp.Lines = append(cp.Lines, &nl)
	}
	for _, c := range r.Added {
		if acc := st.Accumulators[c.Key]; acc != nil {
			acc.Deductible -= c.Deductible
			acc.OOP -= c.OOP
		}
	}
	r.Reversed = true
	return &cp
}

func negate(adjs []Adjustment) []Adjustment {
	var out []Adjustment
	for _, a := range adjs {
		out = append(out, Adjustment{a.Group, a.Reason, -a.Amount})
	}
	return out
}

// findMember finds the member a claim or 270 names: by member ID for a
// subscriber, or by subscriber ID, last name and birth date for a
// dependent. A name or birth date that does not match is not a match
// (CARC 31, patient cannot be identified as our insured). known reports
// whether any member of the payer carries the ID.
func (c *Config) findMember(payer, id string, p Person, dependent bool) (m *Member, known bool) {
	for _, x := range c.Members {
		if x.Payer != payer || id == "" {
			continue
		}
		if x.ID == id || x.SubscriberID == id {
			known = true
		}
		var idMatch bool
		if dependent {
			idMatch = x.SubscriberID == id || x.ID == id && x.SubscriberID == ""
		} else {
			idMatch = x.ID == id && x.SubscriberID == ""
		}
		if !idMatch || !strings.EqualFold(x.Last, p.Last) {
			continue
		}
		if !p.Birth.IsZero() && p.Birth != x.BirthDate {
			continue
		}
		if dependent && x.SubscriberID == id && p.First != "" && !strings.EqualFold(x.First, p.First) {
			continue
		}
		return x, true
	}
	return nil, known
}

// validNPI checks an NPI's Luhn check digit (with the 80840 prefix the
// NPI standard adds), which catches most typing errors.
func validNPI(npi string) bool {
	if len(npi) != 10 || !digits(npi) {
		return false
	}
	s := "80840" + npi[:9]
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10-sum%10)%10 == int(npi[9]-'0')
}
