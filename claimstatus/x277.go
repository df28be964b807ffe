package claimstatus

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// ErrNot277 means the input holds no 005010X212 277 (a 277CA claim
// acknowledgment is read by the claim package, not here).
var ErrNot277 = errors.New("not an X12 277 claim status response (005010X212)")

// Answer is the payer's answer about one claim (loop 2200D or 2200E).
type Answer struct {
	// Trace is TRN02, the trace of the 276 request it answers.
	Trace string `json:"trace"`
	// Reference is the BHT03 of the 277 (the 276's reference echoed).
	Reference string `json:"reference,omitempty"`
	PayerName string `json:"payer_name,omitempty"`
	PayerID   string `json:"payer_id,omitempty"`
	// ControlNumber is REF*EJ, the patient control number; PayerClaim is
	// REF*1K, the payer's claim control number.
	ControlNumber string    `json:"control_number,omitempty"`
	PayerClaim    string    `json:"payer_claim,omitempty"`
	ServiceFrom   rcm.Date  `json:"service_from,omitzero"`
	ServiceTo     rcm.Date  `json:"service_to,omitzero"`
	Statuses      []Status  `json:"statuses"`
	Control       string    `json:"-"` // ST02, for messages
	At            time.Time `json:"-"`
}

// Status is one STC: what the payer says of the claim.
type Status struct {
	Category string `json:"category"` // STC01-1
	Code     string `json:"code"`     // STC01-2
	Entity   string `json:"entity,omitempty"`
	// Effective is STC02, the date the status took effect.
	Effective rcm.Date  `json:"effective,omitzero"`
	Charge    rcm.Money `json:"charge"` // STC04
	Paid      rcm.Money `json:"paid"`   // STC05
	// Adjudicated is STC06; CheckDate and CheckNumber are STC08 and STC09,
	// the payment's issue date and check or EFT trace number.
	Adjudicated rcm.Date `json:"adjudicated,omitzero"`
	CheckDate   rcm.Date `json:"check_date,omitzero"`
	CheckNumber string   `json:"check_number,omitempty"`
}

// Outcome is where the first status leaves the claim.
func (a *Answer) Outcome() Outcome {
	if len(a.Statuses) == 0 {
		return OutcomeUnknown
	}
	return OutcomeOf(a.Statuses[0])
}

// ParseError says where a 277 could not be read.
type ParseError struct {
	Control   string // ST02
	Segment   int64  // position in the transaction set, 1 = ST
	SegmentID string
	Element   int
	Err       error
}

func (e *ParseError) Error() string {
	if e.SegmentID == "" {
		return "277: " + e.Err.Error()
	}
	s := fmt.Sprintf("277 transaction set %s, segment %d (%s)", e.Control, e.Segment, e.SegmentID)
	if e.Element > 0 {
		s += fmt.Sprintf(" element %s%02d", e.SegmentID, e.Element)
	}
	return s + ": " + e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

// Read277 reads every 277 claim status answer in r, one Answer per 2200D
// or 2200E loop. It does not require the file to validate (use `rcm x12
// validate` for that); it refuses what it cannot read, naming where.
func Read277(r io.Reader) ([]Answer, error) {
	var out []Answer
	n := 0
	err := x12.ReadTransactions(r, func(tx *x12.Transaction) error {
		n++
		if tx.ID != "277" || (tx.Version != "" && tx.Version != Version) {
			return &ParseError{Control: tx.Control, Segment: 1, SegmentID: "ST", Element: 1, Err: fmt.Errorf("%w: transaction set %s %s", ErrNot277, tx.ID, tx.Version)}
		}
		as, err := readTransaction(tx)
		out = append(out, as...)
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
		return nil, &ParseError{Err: fmt.Errorf("%w: no ST transaction set found", ErrNot277)}
	}
	return out, nil
}

func readTransaction(tx *x12.Transaction) ([]Answer, error) {
	var segs []*x12.Segment
	var walk func(*x12.Node)
	walk = func(n *x12.Node) {
		segs = append(segs, n.Segments...)
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(tx.Root)
	sortByOrdinal(segs)
	var out []Answer
	var cur *Answer
	var ref, payerName, payerID, level string
	inLine := false
	for i, s := range segs {
		fail := func(el int, format string, args ...any) error {
			return &ParseError{Control: tx.Control, Segment: int64(i + 1), SegmentID: s.ID(), Element: el, Err: fmt.Errorf(format, args...)}
		}
		switch s.ID() {
		case "BHT":
			ref = s.String(3)
		case "HL":
			level, cur, inLine = s.String(3), nil, false
		case "NM1":
			if s.String(1) == "PR" {
				payerName, payerID = s.String(3), s.String(9)
			}
		case "TRN":
			if level != "22" && level != "23" {
				continue
			}
			if s.String(2) == "" {
				return out, fail(2, "the claim's trace number is empty")
			}
			out = append(out, Answer{Trace: s.String(2), Reference: ref, PayerName: payerName, PayerID: payerID, Control: tx.Control})
			cur, inLine = &out[len(out)-1], false
		case "SVC":
			inLine = true
		case "STC":
			if cur == nil || inLine {
				continue
			}
			st, err := readSTC(s)
			if err != nil {
				return out, fail(err.el, "%s", err.msg)
			}
			cur.Statuses = append(cur.Statuses, st)
		case "REF":
			if cur == nil || inLine {
				continue
			}
			switch s.String(1) {
			case "1K":
				cur.PayerClaim = s.String(2)
			case "EJ":
				cur.ControlNumber = s.String(2)
			}
		case "DTP":
			if cur == nil || inLine || s.String(1) != "472" {
				continue
			}
			from, to, err := period(s.String(2), s.String(3))
			if err != nil {
				return out, fail(3, "the dates of service %q cannot be read", s.String(3))
			}
			cur.ServiceFrom, cur.ServiceTo = from, to
		}
	}
	for i := range out {
		if len(out[i].Statuses) == 0 {
			return out, &ParseError{Control: tx.Control, Err: fmt.Errorf("the answer for trace %s has no status (STC)", out[i].Trace)}
		}
	}
	return out, nil
}

type stcError struct {
	el  int
	msg string
}

func readSTC(s *x12.Segment) (Status, *stcError) {
	st := Status{Category: string(s.Component(1, 1)), Code: string(s.Component(1, 2)), Entity: string(s.Component(1, 3))}
	if st.Category == "" || st.Code == "" {
		return st, &stcError{1, "the status needs a category and a code (STC01-1, STC01-2)"}
	}
	var err error
	date := func(el int, d *rcm.Date) bool {
		if v := s.String(el); v != "" {
			if *d, err = d8(v); err != nil {
				return false
			}
		}
		return true
	}
	money := func(el int, m *rcm.Money) bool {
		if v := s.String(el); v != "" {
			if *m, err = rcm.ParseMoney(v); err != nil {
				return false
			}
		}
		return true
	}
	switch {
	case !date(2, &st.Effective):
		return st, &stcError{2, fmt.Sprintf("the status date %q is not a date (CCYYMMDD)", s.String(2))}
	case !money(4, &st.Charge):
		return st, &stcError{4, fmt.Sprintf("the claim charge %q is not an amount", s.String(4))}
	case !money(5, &st.Paid):
		return st, &stcError{5, fmt.Sprintf("the payment %q is not an amount", s.String(5))}
	case !date(6, &st.Adjudicated):
		return st, &stcError{6, fmt.Sprintf("the adjudication date %q is not a date (CCYYMMDD)", s.String(6))}
	case !date(8, &st.CheckDate):
		return st, &stcError{8, fmt.Sprintf("the check date %q is not a date (CCYYMMDD)", s.String(8))}
	}
	st.CheckNumber = s.String(9)
	return st, nil
}

func d8(s string) (rcm.Date, error) {
	t, err := time.Parse("20060102", s)
	if err != nil || len(s) != 8 {
		return rcm.Date{}, fmt.Errorf("not a date: %q", s)
	}
	return rcm.DateOf(t), nil
}

func period(qual, v string) (rcm.Date, rcm.Date, error) {
	if qual == "RD8" && len(v) == 17 && v[8] == '-' {
		from, err := d8(v[:8])
		if err != nil {
			return from, from, err
		}
		to, err := d8(v[9:])
		return from, to, err
	}
	d, err := d8(v)
	return d, d, err
}

func sortByOrdinal(segs []*x12.Segment) {
	slices.SortStableFunc(segs, func(a, b *x12.Segment) int { return cmp.Compare(a.Ordinal, b.Ordinal) })
}
