package payer

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// Claim is one 837P claim (loop 2300) as the payer reads it, with what the
// enclosing loops say about the submitter, billing provider, subscriber,
// patient and payer. It holds plain values so it can wait in the state file
// between intake and the payment cycle.
type Claim struct {
	// File is the name of the 837P file the claim came in.
	File string `json:"file"`
	// Sender and Receiver are the 837P ISA05/ISA06 and ISA07/ISA08: the
	// answers go back the other way.
	SenderQual   string `json:"sender_qual"`
	Sender       string `json:"sender"`
	ReceiverQual string `json:"receiver_qual"`
	Receiver     string `json:"receiver"`
	Production   bool   `json:"production,omitempty"`
	// SubmitterName and SubmitterID are loop 1000A NM103 and NM109.
	SubmitterName string `json:"submitter_name"`
	SubmitterID   string `json:"submitter_id"`
	// BatchID is the BHT03 reference the 277CA echoes in 2200B TRN02.
	BatchID string `json:"batch_id"`

	BillingName string `json:"billing_name"`
	BillingNPI  string `json:"billing_npi"`
	BillingTIN  string `json:"billing_tin,omitempty"`

	// PayerID is loop 2010BB NM109.
	PayerID   string `json:"payer_id"`
	PayerName string `json:"payer_name,omitempty"`
	// Sequence is SBR01 of loop 2000B: P primary, S secondary, T tertiary.
	Sequence string `json:"sequence"`

	SubscriberID    string   `json:"subscriber_id"`
	SubscriberLast  string   `json:"subscriber_last"`
	SubscriberFirst string   `json:"subscriber_first,omitempty"`
	SubscriberBirth rcm.Date `json:"subscriber_birth,omitzero"`
	// Patient is set when loop 2000C names a patient other than the
	// subscriber.
	Patient *Person `json:"patient,omitempty"`

	// ID is CLM01, the patient control number every answer echoes.
	ID        string    `json:"id"`
	Charge    rcm.Money `json:"charge"`
	Place     string    `json:"place"`     // CLM05-1
	Frequency string    `json:"frequency"` // CLM05-3: 1 original, 7 replacement, 8 void
	// OriginalRef is REF*F8, the payer claim control number a
	// replacement or void refers to.
	OriginalRef      string   `json:"original_ref,omitempty"`
	ClearinghouseRef string   `json:"clearinghouse_ref,omitempty"` // REF*D9
	Diagnoses        []string `json:"diagnoses,omitempty"`         // HI, in order
	RenderingNPI     string   `json:"rendering_npi,omitempty"`     // 2310B NM109
	// Institutional is set for an 837I claim (CLM05-2 A): Place then holds
	// the facility type code, DRG the HI*DR group, Inpatient whether the
	// bill is for a stay (facility codes 11, 12, 18, 21, 22, 28, 41, 65, 66,
	// 86) and Days the statement period's covered days (DTP*434).
	Institutional bool   `json:"institutional,omitempty"`
	DRG           string `json:"drg,omitempty"`
	Inpatient     bool   `json:"inpatient,omitempty"`
	Days          int    `json:"days,omitempty"`
	Lines         []Line `json:"lines"`
	// Prior is the adjudication (loop 2320) of the payer just before this
	// one: the primary's on a secondary claim, the secondary's on a
	// tertiary claim. PriorPaid is what every earlier payer paid (the sum
	// of the 2320 AMT*D), which carve-out and non-duplication subtract.
	Prior     *Prior    `json:"prior,omitempty"`
	PriorPaid rcm.Money `json:"prior_paid,omitempty"`
	// PayerClaim is the payer claim control number the front end
	// assigned (277CA REF*1K, 835 CLP07); Received is the day it did.
	PayerClaim string   `json:"payer_claim,omitempty"`
	Received   rcm.Date `json:"received,omitzero"`
	// Overturned are the denial rules an appeal overturned: the
	// re-adjudication does not apply them.
	Overturned []string `json:"overturned,omitempty"`
	// Problem is set when the claim cannot be read into these fields
	// (for example a bad amount); the front end rejects it.
	Problem string `json:"problem,omitempty"`
	// ProblemStatus is the claim status code (STC01-2) the rejection
	// reports for Problem: 178 submitted charges, 187 dates of service,
	// 255 diagnosis code, 476 units of service.
	ProblemStatus string `json:"problem_status,omitempty"`
}

// Person is a patient or member as NM1 and DMG name them.
type Person struct {
	Last  string   `json:"last"`
	First string   `json:"first,omitempty"`
	Birth rcm.Date `json:"birth,omitzero"`
}

// Line is one service line (loop 2400).
type Line struct {
	Number int `json:"number"` // LX01
	// RevenueCode is SV201 on an 837I line; Code is then the HCPCS code
	// (SV202-2), or the revenue code itself with Qualifier NU.
	RevenueCode string    `json:"revenue_code,omitempty"`
	Qualifier   string    `json:"qualifier"` // SV101-1, HC
	Code        string    `json:"code"`      // SV101-2
	Modifiers   []string  `json:"modifiers,omitempty"`
	Charge      rcm.Money `json:"charge"`
	// Units is SV104 as sent (echoed in SVC05); MilliUnits is it in
	// thousandths for pricing.
	Units      string   `json:"units"`
	MilliUnits int64    `json:"milli_units"`
	Pointers   []int    `json:"pointers,omitempty"`
	From       rcm.Date `json:"from"`
	To         rcm.Date `json:"to"`
	Control    string   `json:"control,omitempty"` // REF*6R
	// Prior is the line adjudication (loop 2430) of the payer just before
	// this one; PriorPaid is what every earlier payer paid on the line
	// (the sum of the 2430 SVD02).
	Prior     *PriorLine `json:"prior,omitempty"`
	PriorPaid rcm.Money  `json:"prior_paid,omitempty"`
}

// Prior is the claim-level adjudication of the payer before this one
// (837P loop 2320: AMT*D payer paid amount and CAS).
type Prior struct {
	// Sequence is the 2320 SBR01: where that payer stood (P, S, T, ...).
	Sequence    string       `json:"sequence,omitempty"`
	PayerID     string       `json:"payer_id"`
	Paid        rcm.Money    `json:"paid"`
	Adjustments []Adjustment `json:"adjustments,omitempty"`
}

// PriorLine is a line adjudication of the payer before this one (837P loop
// 2430: SVD02 paid amount and CAS).
type PriorLine struct {
	Paid        rcm.Money    `json:"paid"`
	Adjustments []Adjustment `json:"adjustments,omitempty"`
	// AllPaid is what every earlier payer paid on the line; set by the
	// adjudication from Line.PriorPaid or the claim's 2320s.
	AllPaid rcm.Money `json:"-"`
}

// Adjustment is one CAS triplet: group code (CAS01), reason code (CARC)
// and amount.
type Adjustment struct {
	Group  string    `json:"group"`
	Reason string    `json:"reason"`
	Amount rcm.Money `json:"amount"`
}

// Envelope is what an interchange says about its sender, kept for the
// answers.
type envelope struct {
	senderQual, sender, receiverQual, receiver string
	production                                 bool
}

// acceptedSets returns the envelopes of a file's interchanges, by ISA13,
// and its transaction sets of kind id that the 999 accepted (ISA13, GS06,
// ST02 in accepted), so a set the 999 rejects is never answered.
func acceptedSets(data []byte, id string, accepted map[string]bool) (map[string]envelope, []*x12.Transaction) {
	env := map[string]envelope{}
	rd := x12.NewReader(bytes.NewReader(data))
	for {
		seg, err := rd.Next()
		if err != nil {
			break
		}
		if seg.ID() == "ISA" {
			env[seg.String(13)] = envelope{strings.TrimSpace(seg.String(5)), strings.TrimSpace(seg.String(6)), strings.TrimSpace(seg.String(7)), strings.TrimSpace(seg.String(8)), seg.String(15) == "P"}
		}
	}
	var txs []*x12.Transaction
	// A read error after the last complete transaction set (a truncated
	// file) is already reported in the 999 or TA1; the sets read before it
	// that the validator accepted are still answered.
	_ = x12.ReadTransactions(bytes.NewReader(data), func(tx *x12.Transaction) error {
		if tx.ID == id && tx.Schema != nil && accepted[txKey(tx.Interchange, tx.Group, tx.Control)] {
			txs = append(txs, tx)
		}
		return nil
	})
	return env, txs
}

// answerKind says how the sandbox answers one kind of inquiry file.
type answerKind struct {
	id, answer   string // ST01 of the inquiry and of the answer: "270" and "271"
	functionalID string // GS01 of the answer
	version      string // GS08 of the answer
	// write answers one accepted inquiry set in the open group.
	write func(w *x12.Writer, tx *x12.Transaction, now time.Time) error
}

// answerInquiries answers every accepted inquiry set of a file in one
// interchange, from the payer back to the sender.
func (e *Engine) answerInquiries(name string, data []byte, accepted map[string]bool, now time.Time, q answerKind) ([]File, error) {
	env, txs := acceptedSets(data, q.id, accepted)
	if len(txs) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	ev := env[txs[0].Interchange]
	w := x12.NewWriter(&buf, x12.DefaultDelimiters, e.Newline, e.State)
	if err := w.StartInterchange(x12.InterchangeHeader{
		SenderQual: isaQual(ev.receiverQual), Sender: clean(orDefault(ev.receiver, "UNKNOWN"), 15),
		ReceiverQual: isaQual(ev.senderQual), Receiver: clean(orDefault(ev.sender, "UNKNOWN"), 15),
		Time: now, Production: ev.production,
	}); err != nil {
		return nil, err
	}
	if err := w.StartGroup(x12.GroupHeader{FunctionalID: q.functionalID, Sender: gsID(ev.receiver), Receiver: gsID(ev.sender), Time: now, Version: q.version}); err != nil {
		return nil, err
	}
	for _, tx := range txs {
		if err := q.write(w, tx, now); err != nil {
			return nil, fmt.Errorf("write %s for %s: %w", q.answer, name, err)
		}
	}
	if err := w.EndGroup(); err != nil {
		return nil, err
	}
	if err := w.EndInterchange(); err != nil {
		return nil, err
	}
	return []File{{Name: name + "." + q.answer, Data: buf.Bytes()}}, nil
}

// readClaims maps the transaction sets of an 837P file to claims. Only the
// sets in accepted (ISA13/GS06/ST02) are read, so a set the 999 rejects is
// never adjudicated.
func readClaims(name string, data []byte, accepted map[string]bool) []*Claim {
	env, txs := acceptedSets(data, "837", accepted)
	var out []*Claim
	for _, tx := range txs {
		out = append(out, claimsOf(name, env[tx.Interchange], tx)...)
	}
	return out
}

func txKey(isa, gs, st string) string { return isa + "/" + gs + "/" + st }

// claimsOf walks the loop tree: 2000A billing provider > 2000B subscriber
// (with 2010BA, 2010BB and claims) > 2000C patient (with its claims).
func claimsOf(file string, env envelope, tx *x12.Transaction) []*Claim {
	base := Claim{File: file, SenderQual: env.senderQual, Sender: env.sender, ReceiverQual: env.receiverQual, Receiver: env.receiver, Production: env.production}
	if s := tx.Root.Segment("BHT"); s != nil {
		base.BatchID = s.String(3)
	}
	for _, l := range tx.Loops("1000A") {
		if s := l.Segment("NM1"); s != nil {
			base.SubmitterName, base.SubmitterID = personName(s), s.String(9)
		}
	}
	var out []*Claim
	for _, a := range tx.Loops("2000A") {
		bp := base
		for _, l := range childLoops(a, "2010AA") {
			if s := l.Segment("NM1"); s != nil {
				bp.BillingName, bp.BillingNPI = personName(s), s.String(9)
			}
			if s := l.Segment("REF", "EI"); s != nil {
				bp.BillingTIN = s.String(2)
			}
		}
		for _, b := range childLoops(a, "2000B") {
			sub := bp
			if s := b.Segment("SBR"); s != nil {
				sub.Sequence = s.String(1)
			}
			for _, l := range childLoops(b, "2010BA") {
				if s := l.Segment("NM1"); s != nil {
					sub.SubscriberLast, sub.SubscriberFirst, sub.SubscriberID = s.String(3), s.String(4), s.String(9)
				}
				if s := l.Segment("DMG"); s != nil {
					sub.SubscriberBirth, _ = rcm.ParseDate(s.String(2))
				}
			}
			for _, l := range childLoops(b, "2010BB") {
				if s := l.Segment("NM1"); s != nil {
					sub.PayerID, sub.PayerName = s.String(9), s.String(3)
				}
			}
			for _, c := range childLoops(b, "2300") {
				cl := sub
				out = append(out, readClaim(&cl, c))
			}
			for _, p := range childLoops(b, "2000C") {
				pat := sub
				pat.Patient = &Person{}
				for _, l := range childLoops(p, "2010CA") {
					if s := l.Segment("NM1"); s != nil {
						pat.Patient.Last, pat.Patient.First = s.String(3), s.String(4)
					}
					if s := l.Segment("DMG"); s != nil {
						pat.Patient.Birth, _ = rcm.ParseDate(s.String(2))
					}
				}
				for _, c := range childLoops(p, "2300") {
					cl := pat
					out = append(out, readClaim(&cl, c))
				}
			}
		}
	}
	return out
}

// childLoops returns the direct children of n with the given loop id.
func childLoops(n *x12.Node, id string) []*x12.Node {
	var out []*x12.Node
	for _, c := range n.Children {
		if c.ID == id {
			out = append(out, c)
		}
	}
	return out
}

// personName joins NM103 and NM104 for a person, or NM103 alone.
func personName(s *x12.Segment) string {
	if f := s.String(4); f != "" && s.String(2) == "1" {
		return s.String(3) + " " + f
	}
	return s.String(3)
}

func readClaim(cl *Claim, n *x12.Node) *Claim {
	problem := func(status, format string, args ...any) {
		if cl.Problem == "" {
			cl.Problem, cl.ProblemStatus = fmt.Sprintf(format, args...), status
		}
	}
	clm := n.Segment("CLM")
	if clm == nil {
		problem("21", "loop 2300 has no CLM segment")
		return cl
	}
	cl.ID = clm.String(1)
	var err error
	if cl.Charge, err = rcm.ParseMoney(clm.String(2)); err != nil {
		problem("178", "CLM02 claim charge %q is not an amount", clm.String(2))
	}
	cl.Place, cl.Frequency = string(clm.Component(5, 1)), string(clm.Component(5, 3))
	if string(clm.Component(5, 2)) == "A" {
		cl.Institutional = true
		cl.Inpatient = rcm.InpatientBill("0" + cl.Place + "1")
		if s := n.Segment("DTP", "434"); s != nil {
			from, to, err := dateRange(s.String(2), s.String(3))
			if err != nil {
				problem("187", "DTP*434 statement period %q: %v", s.String(3), err)
			} else if cl.Days = to.DaysSince(from); cl.Days == 0 {
				cl.Days = 1
			}
		}
	}
	if s := n.Segment("REF", "F8"); s != nil {
		cl.OriginalRef = s.String(2)
	}
	if s := n.Segment("REF", "D9"); s != nil {
		cl.ClearinghouseRef = s.String(2)
	}
	for _, s := range n.Segments {
		if s.ID() != "HI" {
			continue
		}
		q := string(s.Component(1, 1))
		if q == "DR" {
			cl.DRG = string(s.Component(1, 2))
		}
		if q != "ABK" && q != "ABF" && q != "BK" && q != "BF" {
			continue
		}
		for i := 1; i <= s.Len(); i++ {
			if c := string(s.Component(i, 2)); c != "" {
				cl.Diagnoses = append(cl.Diagnoses, c)
			}
		}
	}
	for _, l := range childLoops(n, "2310B") {
		if s := l.Segment("NM1"); s != nil {
			cl.RenderingNPI = s.String(9)
		}
	}
	// Each earlier payer that adjudicated the claim has a 2320; the one
	// this payer follows is the one whose SBR01 comes last before the
	// claim's own (the secondary's on a tertiary claim), whatever the
	// order of the loops. Without SBR01 the first 2320 is taken.
	for _, o := range childLoops(n, "2320") {
		amt := o.Segment("AMT", "D")
		if amt == nil {
			continue
		}
		p := &Prior{}
		if p.Paid, err = rcm.ParseMoney(amt.String(2)); err != nil {
			problem("178", "2320 AMT02 payer paid amount %q is not an amount", amt.String(2))
		}
		if s := o.Segment("SBR"); s != nil {
			p.Sequence = s.String(1)
		}
		for _, l := range childLoops(o, "2330B") {
			if s := l.Segment("NM1"); s != nil {
				p.PayerID = s.String(9)
			}
		}
		p.Adjustments = readCAS(o, problem)
		cl.PriorPaid += p.Paid
		if cl.Prior == nil || precedes(cl.Prior.Sequence, p.Sequence, cl.Sequence) {
			cl.Prior = p
		}
	}
	for _, l := range childLoops(n, "2400") {
		cl.Lines = append(cl.Lines, readLine(cl, l, problem))
	}
	return cl
}

func readLine(cl *Claim, n *x12.Node, problem func(string, string, ...any)) Line {
	var ln Line
	if s := n.Segment("LX"); s != nil {
		ln.Number, _ = strconv.Atoi(s.String(1))
	}
	if sv2 := n.Segment("SV2"); sv2 != nil {
		readInstitutionalLine(&ln, sv2, problem)
	} else if sv := n.Segment("SV1"); sv != nil {
		readProfessionalLine(&ln, sv, problem)
	} else {
		problem("454", "loop 2400 has no SV1 or SV2 segment")
		return ln
	}
	var err error
	if s := n.Segment("DTP", "472"); s != nil {
		ln.From, ln.To, err = dateRange(s.String(2), s.String(3))
		if err != nil {
			problem("187", "line %d DTP*472 date %q: %v", ln.Number, s.String(3), err)
		}
	} else {
		problem("187", "line %d has no DTP*472 service date", ln.Number)
	}
	if s := n.Segment("REF", "6R"); s != nil {
		ln.Control = s.String(2)
	}
	// One 2430 per earlier payer, named by SVD01 (its 2330B NM109): the
	// one of the payer this one follows, else the first.
	for _, l := range childLoops(n, "2430") {
		svd := l.Segment("SVD")
		if svd == nil {
			continue
		}
		p := &PriorLine{}
		if p.Paid, err = rcm.ParseMoney(svd.String(2)); err != nil {
			problem("178", "line %d SVD02 paid amount %q is not an amount", ln.Number, svd.String(2))
		}
		p.Adjustments = readCAS(l, problem)
		ln.PriorPaid += p.Paid
		if ln.Prior == nil || cl.Prior != nil && svd.String(1) == cl.Prior.PayerID {
			ln.Prior = p
		}
	}
	return ln
}

// payerSequence ranks the SBR01 payer responsibility codes: P primary, S
// secondary, T tertiary, then A to H for the fourth to eleventh payer; 0
// for anything else.
func payerSequence(code string) int {
	if i := strings.Index("PSTABCDEFGH", code); len(code) == 1 && i >= 0 {
		return i + 1
	}
	return 0
}

// precedes reports whether the 2320 of sequence next, rather than the one
// of sequence cur, is the adjudication of the payer just before the claim's
// own sequence: the latest payer before it. A 2320 without a known
// sequence, or at or after the claim's own, never wins over one with.
func precedes(cur, next, own string) bool {
	c, n, o := payerSequence(cur), payerSequence(next), payerSequence(own)
	if n == 0 || o > 0 && n >= o {
		return false
	}
	if c == 0 || o > 0 && c >= o {
		return true
	}
	return n > c
}

// readCAS reads every CAS segment of a loop: up to six triplets each
// (CAS02/03, 05/06, ... 17/18).
func readCAS(n *x12.Node, problem func(string, string, ...any)) []Adjustment {
	var out []Adjustment
	for _, s := range n.Segments {
		if s.ID() != "CAS" {
			continue
		}
		for i := 2; i <= 17; i += 3 {
			reason := s.String(i)
			if reason == "" {
				continue
			}
			amt, err := rcm.ParseMoney(s.String(i + 1))
			if err != nil {
				problem("178", "CAS %s-%s amount %q is not an amount", s.String(1), reason, s.String(i+1))
				continue
			}
			out = append(out, Adjustment{Group: s.String(1), Reason: reason, Amount: amt})
		}
	}
	return out
}

// dateRange reads a D8 or RD8 date (DTP02/DTP03).
func dateRange(qual, v string) (rcm.Date, rcm.Date, error) {
	if qual == "RD8" {
		a, b, ok := strings.Cut(v, "-")
		if !ok {
			return rcm.Date{}, rcm.Date{}, fmt.Errorf("RD8 needs two dates")
		}
		from, err := rcm.ParseDate(a)
		if err != nil {
			return from, from, err
		}
		to, err := rcm.ParseDate(b)
		return from, to, err
	}
	d, err := rcm.ParseDate(v)
	return d, d, err
}

// milli reads a quantity (SV104, type R) into thousandths.
func milli(s string) (int64, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if len(frac) > 3 || !digits(whole) || frac != "" && !digits(frac) || len(whole) > 9 {
		return 0, fmt.Errorf("not a quantity with at most three decimals")
	}
	for len(frac) < 3 {
		frac += "0"
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*1000 + f, nil
}

// ServiceDates returns the earliest and latest line dates of service.
func (c *Claim) ServiceDates() (rcm.Date, rcm.Date) {
	var from, to rcm.Date
	for _, l := range c.Lines {
		if from.IsZero() || l.From.Before(from) {
			from = l.From
		}
		if to.IsZero() || l.To.After(to) {
			to = l.To
		}
	}
	return from, to
}

// PatientName returns the patient's last name, first name and birth date:
// loop 2010CA when the patient is a dependent, else the subscriber.
func (c *Claim) PatientName() Person {
	if c.Patient != nil {
		return *c.Patient
	}
	return Person{Last: c.SubscriberLast, First: c.SubscriberFirst, Birth: c.SubscriberBirth}
}

// readProfessionalLine reads an 837P SV1: procedure, charge, units and
// diagnosis pointers.
func readProfessionalLine(ln *Line, sv *x12.Segment, problem func(string, string, ...any)) {
	ln.Qualifier, ln.Code = string(sv.Component(1, 1)), string(sv.Component(1, 2))
	for j := 3; j <= 6; j++ {
		if m := string(sv.Component(1, j)); m != "" {
			ln.Modifiers = append(ln.Modifiers, m)
		}
	}
	var err error
	if ln.Charge, err = rcm.ParseMoney(sv.String(2)); err != nil {
		problem("178", "line %d SV102 charge %q is not an amount", ln.Number, sv.String(2))
	}
	ln.Units = sv.String(4)
	if ln.MilliUnits, err = milli(ln.Units); err != nil {
		problem("476", "line %d SV104 units %q: %v", ln.Number, ln.Units, err)
	}
	for j := 1; j <= 4; j++ {
		if p := sv.Component(7, j); len(p) > 0 {
			v, err := strconv.Atoi(string(p))
			if err != nil {
				problem("255", "line %d SV107 pointer %q is not a number", ln.Number, p)
				continue
			}
			ln.Pointers = append(ln.Pointers, v)
		}
	}
}

// readInstitutionalLine reads an 837I SV2: the revenue code (SV201), the
// HCPCS code when given (SV202), charge (SV203) and units (SV205). A line
// billed by revenue code alone is priced and answered (835 SVC01 NU) by
// that code.
func readInstitutionalLine(ln *Line, sv *x12.Segment, problem func(string, string, ...any)) {
	ln.RevenueCode = sv.String(1)
	ln.Qualifier, ln.Code = string(sv.Component(2, 1)), string(sv.Component(2, 2))
	for j := 3; j <= 6; j++ {
		if m := string(sv.Component(2, j)); m != "" {
			ln.Modifiers = append(ln.Modifiers, m)
		}
	}
	if ln.Code == "" {
		ln.Qualifier, ln.Code = "NU", ln.RevenueCode
	}
	var err error
	if ln.Charge, err = rcm.ParseMoney(sv.String(3)); err != nil {
		problem("178", "line %d SV203 charge %q is not an amount", ln.Number, sv.String(3))
	}
	ln.Units = sv.String(5)
	if ln.MilliUnits, err = milli(ln.Units); err != nil {
		problem("476", "line %d SV205 units %q: %v", ln.Number, ln.Units, err)
	}
}
