package eligibility

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// Status is what a 271 says of the coverage as a whole.
type Status string

// Statuses.
const (
	// Active: an EB01 1 to 5 (active coverage, capitated or pending
	// investigation but in force).
	Active Status = "active"
	// Inactive: an EB01 6, 7 or 8 and no active one.
	Inactive Status = "inactive"
	// Rejected: the payer answered with an AAA instead of benefits; the
	// Rejections say why and what to do.
	Rejected Status = "rejected"
	// Unknown: the answer has neither a status nor a rejection.
	Unknown Status = "unknown"
)

// Result is the payer's answer to one inquiry (one TRN), or to a whole
// inquiry it rejected before reaching the patients.
type Result struct {
	// Trace is the TRN02 of the TRN*2 that echoes the inquiry's trace
	// number, and Originator its TRN03; both are empty when the payer
	// rejected the whole inquiry at the 2100A or 2100B level.
	Trace      string `json:"trace,omitempty"`
	Originator string `json:"originator,omitempty"`
	// PayerTrace is a TRN*1 the payer (or a clearinghouse) added of its own.
	PayerTrace string `json:"payer_trace,omitempty"`
	// Reference is BHT03, which echoes the 270's reference.
	Reference string `json:"reference,omitempty"`
	// Control is the ST02 of the 271 the answer came in.
	Control string `json:"control,omitempty"`
	Payer   string `json:"payer,omitempty"`    // 2100A NM103
	PayerID string `json:"payer_id,omitempty"` // 2100A NM109
	// MemberID is the 2100C NM109 as the payer returned it (payers may
	// correct the one asked about).
	MemberID string `json:"member_id,omitempty"`
	// Dependent reports that the answer is about a 2000D dependent.
	Dependent   bool     `json:"dependent,omitempty"`
	Status      Status   `json:"status"`
	PlanBegin   rcm.Date `json:"plan_begin,omitzero"`
	PlanEnd     rcm.Date `json:"plan_end,omitzero"`
	PlanName    string   `json:"plan_name,omitempty"`
	GroupNumber string   `json:"group_number,omitempty"` // REF*6P REF02
	GroupName   string   `json:"group_name,omitempty"`   // REF*6P REF03
	PlanNumber  string   `json:"plan_number,omitempty"`  // REF*18
	// Benefits are the EB loops (2110C or 2110D) in file order.
	Benefits   []Benefit   `json:"benefits,omitempty"`
	Rejections []Rejection `json:"rejections,omitempty"`
}

// Benefit is one EB segment with the HSD, DTP, MSG and 2120 loops that
// qualify it.
type Benefit struct {
	Code          string   `json:"code"`                     // EB01
	CoverageLevel string   `json:"coverage_level,omitempty"` // EB02: IND, FAM, ESP ...
	ServiceTypes  []string `json:"service_types,omitempty"`  // EB03 repetitions
	InsuranceType string   `json:"insurance_type,omitempty"` // EB04
	Plan          string   `json:"plan,omitempty"`           // EB05
	Period        string   `json:"period,omitempty"`         // EB06
	// Amount is EB07 (HasAmount tells zero from absent).
	Amount    rcm.Money `json:"amount,omitempty"`
	HasAmount bool      `json:"has_amount,omitempty"`
	// Percent is EB08 in basis points: the guide writes 20% as .2, which
	// is 2000 here, so no float touches it.
	Percent    int    `json:"percent_bp,omitempty"`
	HasPercent bool   `json:"has_percent,omitempty"`
	Quantity   string `json:"quantity,omitempty"`      // EB10
	Unit       string `json:"quantity_unit,omitempty"` // EB09
	// AuthRequired is EB11: Y, N or U.
	AuthRequired string `json:"auth_required,omitempty"`
	// Network is EB12: Y in network, N out of network, W either, U unknown.
	Network   string   `json:"network,omitempty"`
	Procedure string   `json:"procedure,omitempty"` // EB13-2
	Begin     rcm.Date `json:"begin,omitzero"`
	End       rcm.Date `json:"end,omitzero"`
	// Limits are the HSD delivery or calendar patterns in words.
	Limits   []string `json:"limits,omitempty"`
	Messages []string `json:"messages,omitempty"`
	Entities []Entity `json:"entities,omitempty"`
}

// Entity is a 2120C/2120D benefit related entity: the primary care
// provider, another payer, whom to contact.
type Entity struct {
	Role string `json:"role"` // NM101
	Name string `json:"name,omitempty"`
	ID   string `json:"id,omitempty"`
}

// Rejection is an AAA segment: the payer could not answer, and says why and
// what to do next.
type Rejection struct {
	// Loop is where the AAA was: 2000A or 2100A (the payer), 2100B (the
	// provider), 2100C or 2100D (the person), 2110C or 2110D (one benefit).
	Loop     string `json:"loop"`
	Valid    bool   `json:"valid"`     // AAA01 Y: the request was valid but could not be answered
	Reason   string `json:"reason"`    // AAA03
	FollowUp string `json:"follow_up"` // AAA04
}

// Explain says the rejection in words, with the follow-up action.
func (r Rejection) Explain() string {
	why, ok := rejectReasons[r.Reason]
	what := why.what
	if !ok {
		what = "the payer rejected the inquiry"
	}
	s := fmt.Sprintf("%s (reject reason %s).", capitalize(what), r.Reason)
	if why.fix != "" {
		s += " " + why.fix
	}
	if f, ok := followUps[r.FollowUp]; ok && !strings.Contains(s, f) {
		s += " Payer: " + f
	}
	return s
}

// ParseError reports a 271 that cannot be read: where, and why. It wraps
// ErrNot271, ErrBadValue or the X12 reader's *x12.ParseError.
type ParseError struct {
	Control   string // ST02 of the transaction, when known
	Segment   int64  // 1-based position of the segment in its transaction
	SegmentID string
	Element   int
	Err       error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("read 271")
	if e.Control != "" {
		fmt.Fprintf(&b, " transaction %s", e.Control)
	}
	if e.Segment > 0 {
		fmt.Fprintf(&b, " segment %d", e.Segment)
	}
	if e.SegmentID != "" {
		fmt.Fprintf(&b, " %s", e.SegmentID)
	}
	if e.Element > 0 {
		fmt.Fprintf(&b, "%02d", e.Element)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns the cause so errors.Is and errors.As work.
func (e *ParseError) Unwrap() error { return e.Err }

// Read271 reads every 271 transaction set in r and returns one Result per
// inquiry answered (per 2000C or 2000D loop with a TRN, or per person loop
// with benefits or a rejection), and one Result without a trace for a 271
// that rejects the whole inquiry at the payer or provider level. It reads
// 005010X279A1 answers and the older 005010X279 ones alike, without
// requiring the answer to validate: payers' 271s often bend the guide, and
// the front desk still needs the answer.
func Read271(r io.Reader) ([]Result, error) {
	var out []Result
	n := 0
	err := x12.ReadTransactions(r, func(tx *x12.Transaction) error {
		n++
		if tx.ID != "271" {
			return &ParseError{Control: tx.Control, Segment: 1, SegmentID: "ST", Element: 1, Err: fmt.Errorf("%w: transaction set %q", ErrNot271, tx.ID)}
		}
		res, err := readTransaction(tx)
		out = append(out, res...)
		return err
	})
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, &ParseError{Err: err}
	}
	if n == 0 {
		return nil, &ParseError{Err: fmt.Errorf("%w: no ST transaction set found", ErrNot271)}
	}
	return out, nil
}

// segments returns the transaction's segments in file order. The loop tree
// places LE (which closes a 2120 loop) in its 2110 parent, so walking the
// tree would put it before the loop it closes; ordinals restore the order.
func segments(tx *x12.Transaction) []*x12.Segment {
	var all []*x12.Segment
	var walk func(*x12.Node)
	walk = func(n *x12.Node) {
		all = append(all, n.Segments...)
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(tx.Root)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Ordinal < all[j].Ordinal })
	return all
}

// person is a 2000C or 2000D loop being read.
type person struct {
	res       Result
	parent    *person // the subscriber of a dependent
	inBenefit bool
	hasTRN    bool
	children  int // HL04: 1 when dependents follow
}

// txReader walks the segments of one 271 by HL level, which holds for
// every version of the guide.
type txReader struct {
	tx         *x12.Transaction
	seg        *x12.Segment
	pos        int
	reference  string
	payer      string
	payerID    string
	level      string // HL03 of the current HL: 20, 21, 22, 23
	upper      []Rejection
	people     []*person
	subscriber *person
	cur        *person
	in2120     bool
}

func (t *txReader) fail(el int, format string, args ...any) error {
	return &ParseError{Control: t.tx.Control, Segment: int64(t.pos), SegmentID: t.seg.ID(), Element: el, Err: fmt.Errorf("%w: %s", ErrBadValue, fmt.Sprintf(format, args...))}
}

func readTransaction(tx *x12.Transaction) ([]Result, error) {
	t := &txReader{tx: tx}
	for i, s := range segments(tx) {
		t.seg, t.pos = s, i+1
		if err := t.segment(s); err != nil {
			return nil, err
		}
	}
	var out []Result
	for _, p := range t.people {
		// A subscriber loop whose dependents follow and that says nothing
		// itself only carries the dependents' member ID.
		if !p.hasTRN && len(p.res.Benefits) == 0 && len(p.res.Rejections) == 0 && p.children > 0 {
			continue
		}
		r := p.res
		if !p.hasTRN && p.parent != nil && p.parent.hasTRN {
			r.Trace, r.Originator = p.parent.res.Trace, p.parent.res.Originator
		}
		if p.parent != nil {
			if r.MemberID == "" {
				r.MemberID = p.parent.res.MemberID
			}
			if r.GroupNumber == "" {
				r.GroupNumber, r.GroupName = p.parent.res.GroupNumber, p.parent.res.GroupName
			}
		}
		r.Rejections = append(append([]Rejection(nil), t.upper...), r.Rejections...)
		t.finish(&r)
		out = append(out, r)
	}
	if len(out) == 0 && len(t.upper) > 0 {
		r := Result{Rejections: t.upper}
		t.finish(&r)
		out = append(out, r)
	}
	return out, nil
}

// finish fills in the envelope fields and decides the status.
func (t *txReader) finish(r *Result) {
	r.Reference, r.Control, r.Payer, r.PayerID = t.reference, t.tx.Control, t.payer, t.payerID
	r.Status = Unknown
	inactive := false
	for _, b := range r.Benefits {
		switch b.Code {
		case "1", "2", "3", "4", "5":
			r.Status = Active
		case "6", "7", "8":
			inactive = true
		}
	}
	if r.Status == Unknown && inactive {
		r.Status = Inactive
	}
	// A rejection of the person or the inquiry means no answer about the
	// coverage; one of a single benefit (2110) leaves the rest standing.
	for _, rj := range r.Rejections {
		if !strings.HasPrefix(rj.Loop, "2110") && r.Status == Unknown {
			r.Status = Rejected
		}
	}
	// Plan dates and name from the status benefit when 2100C gave none:
	// payers put DTP*346/347 or 291/292 in either place.
	for _, b := range r.Benefits {
		if !isStatus(b.Code) {
			continue
		}
		if r.PlanBegin.IsZero() {
			r.PlanBegin = b.Begin
		}
		if r.PlanEnd.IsZero() {
			r.PlanEnd = b.End
		}
		if r.PlanName == "" {
			r.PlanName = b.Plan
		}
	}
}

func isStatus(code string) bool { return len(code) == 1 && code[0] >= '1' && code[0] <= '8' }

func (t *txReader) segment(s *x12.Segment) error {
	id := s.ID()
	switch id {
	case "BHT":
		t.reference = s.String(3)
		return nil
	case "HL":
		return t.hl(s)
	case "LS":
		t.in2120 = true
		return nil
	case "LE":
		t.in2120 = false
		return nil
	}
	switch t.level {
	case "20":
		switch id {
		case "NM1":
			t.payer, t.payerID = s.String(3), s.String(9)
		case "AAA":
			loop := "2000A"
			if t.payer != "" || t.payerID != "" {
				loop = "2100A"
			}
			t.upper = append(t.upper, rejection(s, loop))
		}
	case "21":
		if id == "AAA" {
			t.upper = append(t.upper, rejection(s, "2100B"))
		}
	case "22", "23":
		if t.cur != nil {
			return t.personSegment(s)
		}
	}
	return nil
}

func (t *txReader) hl(s *x12.Segment) error {
	t.level, t.in2120 = s.String(3), false
	switch t.level {
	case "22":
		p := &person{children: atoiOr0(s.String(4))}
		t.people = append(t.people, p)
		t.subscriber, t.cur = p, p
	case "23":
		p := &person{parent: t.subscriber, children: atoiOr0(s.String(4))}
		p.res.Dependent = true
		t.people = append(t.people, p)
		t.cur = p
	default:
		t.cur = nil
	}
	return nil
}

func atoiOr0(s string) int {
	if s == "1" {
		return 1
	}
	return 0
}

// personSegment reads a segment of a 2000C/2000D loop: the 2100 name loop
// until the first EB, then the 2110 benefit loops.
func (t *txReader) personSegment(s *x12.Segment) error {
	p := t.cur
	r := &p.res
	loop := func(base string) string {
		if p.res.Dependent {
			return base + "D"
		}
		return base + "C"
	}
	if s.ID() == "EB" {
		p.inBenefit, t.in2120 = true, false
		b, err := t.benefit(s)
		if err != nil {
			return err
		}
		r.Benefits = append(r.Benefits, b)
		return nil
	}
	if !p.inBenefit {
		switch s.ID() {
		case "TRN":
			// TRN01 2 echoes the inquiry's trace; TRN01 1 is one the payer
			// or a clearinghouse assigned (005010X279A1 2000C TRN).
			if s.String(1) == "2" && !p.hasTRN {
				r.Trace, r.Originator, p.hasTRN = s.String(2), s.String(3), true
			} else if s.String(1) == "1" {
				r.PayerTrace = s.String(2)
			}
		case "NM1":
			if id := s.String(9); id != "" && (s.String(1) == "IL" || r.MemberID == "") {
				r.MemberID = id
			}
		case "REF":
			switch s.String(1) {
			case "6P":
				r.GroupNumber, r.GroupName = s.String(2), s.String(3)
			case "18":
				r.PlanNumber = s.String(2)
			}
		case "AAA":
			r.Rejections = append(r.Rejections, rejection(s, loop("2100")))
		case "DTP":
			begin, end, err := t.period(s)
			if err != nil {
				return err
			}
			// 346/347 plan begin and end are what the guide names for plan
			// dates; eligibility (356/357, 307), plan (291/292) and policy
			// (539/540) dates stand in when a payer sends only those.
			switch q := s.String(1); q {
			case "346", "347", "291", "292", "356", "357", "307", "539", "540":
				planDate := q == "346" || q == "347"
				if !begin.IsZero() && (planDate || r.PlanBegin.IsZero()) {
					r.PlanBegin = begin
				}
				if !end.IsZero() && (planDate || r.PlanEnd.IsZero()) {
					r.PlanEnd = end
				}
			}
		}
		return nil
	}
	b := &r.Benefits[len(r.Benefits)-1]
	if t.in2120 {
		if s.ID() == "NM1" {
			name := strings.TrimSpace(strings.Join([]string{s.String(4), s.String(3)}, " "))
			b.Entities = append(b.Entities, Entity{Role: s.String(1), Name: name, ID: s.String(9)})
		}
		return nil
	}
	switch s.ID() {
	case "DTP":
		begin, end, err := t.period(s)
		if err != nil {
			return err
		}
		if !begin.IsZero() {
			b.Begin = begin
		}
		if !end.IsZero() {
			b.End = end
		}
	case "AAA":
		r.Rejections = append(r.Rejections, rejection(s, loop("2110")))
	case "MSG":
		if m := strings.TrimSpace(s.String(1)); m != "" {
			b.Messages = append(b.Messages, m)
		}
	case "HSD":
		if l := hsdWords(s); l != "" {
			b.Limits = append(b.Limits, l)
		}
	}
	return nil
}

func rejection(s *x12.Segment, loop string) Rejection {
	return Rejection{Loop: loop, Valid: s.String(1) == "Y", Reason: s.String(3), FollowUp: s.String(4)}
}

// benefit reads an EB segment.
func (t *txReader) benefit(s *x12.Segment) (Benefit, error) {
	b := Benefit{
		Code: s.String(1), CoverageLevel: s.String(2), InsuranceType: s.String(4), Plan: s.String(5),
		Period: s.String(6), Unit: s.String(9), Quantity: s.String(10), AuthRequired: s.String(11), Network: s.String(12),
	}
	if b.Code == "" {
		return b, t.fail(1, "EB01 is empty")
	}
	// EB03 repeats with the repetition separator; the 005010X279 samples
	// of the older guide separate codes with the component separator.
	d := s.Delimiters()
	b.ServiceTypes = strings.FieldsFunc(s.String(3), func(r rune) bool {
		return (d.Repetition != 0 && r == rune(d.Repetition)) || r == rune(d.Component)
	})
	if v := s.String(7); v != "" {
		m, err := rcm.ParseMoney(v)
		if err != nil {
			return b, t.fail(7, "EB07 %q is not an amount", v)
		}
		b.Amount, b.HasAmount = m, true
	}
	if v := s.String(8); v != "" {
		bp, ok := basisPoints(v)
		if !ok {
			return b, t.fail(8, "EB08 %q is not a percentage such as .2", v)
		}
		b.Percent, b.HasPercent = bp, true
	}
	b.Procedure = string(s.Component(13, 2))
	return b, nil
}

// period reads a DTP as D8 or RD8 into a begin and an end date. A single
// date is an end when its qualifier names one (347 plan end, 292 benefit
// end, 357 eligibility end, 540 policy expiration), else a begin.
func (t *txReader) period(s *x12.Segment) (rcm.Date, rcm.Date, error) {
	v := s.String(3)
	switch s.String(2) {
	case "D8":
		d, err := rcm.ParseDate(v)
		if err != nil || len(v) != 8 {
			return rcm.Date{}, rcm.Date{}, t.fail(3, "DTP03 %q is not a CCYYMMDD date", v)
		}
		switch s.String(1) {
		case "347", "292", "357", "540":
			return rcm.Date{}, d, nil
		}
		return d, rcm.Date{}, nil
	case "RD8":
		a, b, ok := strings.Cut(v, "-")
		da, err1 := rcm.ParseDate(a)
		db, err2 := rcm.ParseDate(b)
		if !ok || len(a) != 8 || len(b) != 8 || err1 != nil || err2 != nil {
			return rcm.Date{}, rcm.Date{}, t.fail(3, "DTP03 %q is not a CCYYMMDD-CCYYMMDD range", v)
		}
		return da, db, nil
	}
	return rcm.Date{}, rcm.Date{}, t.fail(2, "DTP02 %q is not D8 or RD8", s.String(2))
}

// basisPoints reads an X12 decimal fraction (".2", "0.125", "1") as basis
// points (2000, 1250, 10000) without floating point.
func basisPoints(s string) (int, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(whole) > 3 || len(frac) > 4 || !digits(whole) || !digits(frac) {
		return 0, false
	}
	n := 0
	for _, c := range whole {
		n = n*10 + int(c-'0')
	}
	n *= 10000
	scale := 1000
	for _, c := range frac {
		n += int(c-'0') * scale
		scale /= 10
	}
	return n, true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hsdWords says an HSD health care services delivery segment in words:
// "20 visits per calendar year".
func hsdWords(s *x12.Segment) string {
	var parts []string
	if q := s.String(2); q != "" {
		unit := quantityUnits[s.String(1)]
		if unit == "" {
			unit = "units"
		}
		parts = append(parts, q+" "+unit)
	}
	if per := s.String(5); per != "" {
		if n := s.String(6); n != "" && n != "1" {
			parts = append(parts, "per "+n+" periods of "+strings.TrimPrefix(periods[per], "per "))
		} else if w := periods[per]; w != "" {
			parts = append(parts, w)
		}
	}
	return strings.Join(parts, " ")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
