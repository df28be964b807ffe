package payer

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// Request validation codes of the 271 AAA03 (005010X279A1 loops 2100A and
// 2100C/D) the sandbox sends, with AAA01 Y (the request was valid as X12)
// and AAA04 C (please correct and resubmit).
const (
	aaaBadPayer     = "79" // 2100A: invalid participant identification
	aaaBirthDate    = "71" // patient birth date does not match the database
	aaaMissingID    = "72" // invalid/missing subscriber/insured ID
	aaaName         = "73" // invalid/missing subscriber/insured name
	aaaNotFound     = "75" // subscriber/insured not found
	aaaMissingBirth = "58" // invalid/missing date of birth (dependent search)
)

// eligibility answers every accepted 270 transaction set of a file with a
// 271 in one interchange.
func (e *Engine) eligibility(name string, data []byte, accepted map[string]bool, now time.Time) ([]File, error) {
	return e.answerInquiries(name, data, accepted, now, answerKind{id: "270", answer: "271", functionalID: "HB", version: "005010X279A1", write: e.write271})
}

// write271 answers one 270: the hierarchy is echoed (2000A source, 2000B
// receiver, 2000C subscriber, 2000D dependent) and each person level gets
// either AAA rejection segments or the benefits of the member file.
func (e *Engine) write271(w *x12.Writer, tx *x12.Transaction, now time.Time) error {
	if _, err := w.StartTransaction("271", "005010X279A1"); err != nil {
		return err
	}
	seg := x12.SegmentRun{W: w}
	ref := "0"
	if b := tx.Root.Segment("BHT"); b != nil {
		ref = orDefault(clean(b.String(3), 50), "0")
	}
	seg.Put("BHT", "0022", "11", ref, rcm.DateOf(now).D8(), now.Format("1504"))
	hl := 0
	for _, a := range tx.Loops("2000A") {
		hl++
		src := hl
		var payerID, payerName string
		for _, n := range childLoops(a, "2100A") {
			if s := n.Segment("NM1"); s != nil {
				payerID, payerName = s.String(9), s.String(3)
			}
		}
		p := e.Config.PayerByID(payerID)
		recv := childLoops(a, "2000B")
		seg.Put("HL", strconv.Itoa(src), "", "20", boolFlag(p != nil && len(recv) > 0))
		if p != nil {
			payerName = p.Name
		}
		seg.Put("NM1", "PR", "2", clean(orDefault(payerName, "UNKNOWN PAYER"), 60), "", "", "", "", "PI", clean(orDefault(payerID, "UNKNOWN"), 80))
		if p == nil {
			seg.Put("AAA", "Y", "", aaaBadPayer, "C")
			continue
		}
		for _, b := range recv {
			hl++
			rcv := hl
			subs := childLoops(b, "2000C")
			seg.Put("HL", strconv.Itoa(rcv), strconv.Itoa(src), "21", boolFlag(len(subs) > 0))
			for _, n := range childLoops(b, "2100B") {
				if s := n.Segment("NM1"); s != nil {
					seg.Put("NM1", clean(s.String(1), 3), clean(s.String(2), 1), clean(s.String(3), 60), clean(s.String(4), 35), clean(s.String(5), 25), "", clean(s.String(7), 10), clean(s.String(8), 2), clean(s.String(9), 80))
				}
			}
			for _, c := range subs {
				hl++
				sub := hl
				deps := childLoops(c, "2000D")
				seg.Put("HL", strconv.Itoa(sub), strconv.Itoa(rcv), "22", boolFlag(len(deps) > 0))
				q := readInquiry(c, "2100C", "2110C")
				e.answer(&seg, p, q, q, false, now)
				for _, d := range deps {
					hl++
					seg.Put("HL", strconv.Itoa(hl), strconv.Itoa(sub), "23", "0")
					dq := readInquiry(d, "2100D", "2110D")
					e.answer(&seg, p, q, dq, true, now)
				}
			}
		}
	}
	if seg.Err != nil {
		return seg.Err
	}
	return w.EndTransaction()
}

func boolFlag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// inquiry is what a 270 person level asks.
type inquiry struct {
	trn          []string // TRN02, TRN03 of the 270
	id           string
	last, first  string
	birth        rcm.Date
	birthInvalid bool
	date         rcm.Date
	serviceTypes []string
}

func readInquiry(n *x12.Node, name, benefit string) inquiry {
	var q inquiry
	if s := n.Segment("TRN"); s != nil {
		q.trn = []string{s.String(2), s.String(3)}
	}
	for _, l := range childLoops(n, name) {
		if s := l.Segment("NM1"); s != nil {
			q.last, q.first, q.id = s.String(3), s.String(4), s.String(9)
		}
		if s := l.Segment("DMG"); s != nil {
			var err error
			if q.birth, err = rcm.ParseDate(s.String(2)); err != nil {
				q.birthInvalid = true
			}
		}
		if s := l.Segment("DTP", "291"); s != nil {
			q.date, _, _ = dateRange(s.String(2), s.String(3))
		}
		for _, b := range childLoops(l, benefit) {
			if s := b.Segment("EQ"); s != nil {
				for k := 1; ; k++ {
					v := s.Repetition(1, k)
					if v == nil {
						break
					}
					if len(v) > 0 {
						q.serviceTypes = append(q.serviceTypes, string(v))
					}
				}
			}
			if s := b.Segment("DTP", "291"); s != nil && q.date.IsZero() {
				q.date, _, _ = dateRange(s.String(2), s.String(3))
			}
		}
	}
	return q
}

// answer writes one person level of the 271: TRN echoed as TRN*2, the
// name, then AAA when the member cannot be found, or the member's plan
// dates and benefits (EB) per requested service type.
func (e *Engine) answer(seg *x12.SegmentRun, p *Payer, sub, q inquiry, dependent bool, now time.Time) {
	if len(q.trn) == 2 && q.trn[0] != "" {
		seg.Put("TRN", "2", clean(q.trn[0], 50), clean(orDefault(q.trn[1], "9"+p.TIN), 10))
	}
	entity, nmQual := "IL", "MI"
	if dependent {
		entity = "03"
	}
	reject := func(code string) {
		if id := clean(q.id, 80); dependent || id == "" {
			// NM108 and NM109 are paired: no ID, no qualifier.
			seg.Put("NM1", entity, "1", clean(q.last, 60), clean(q.first, 35))
		} else {
			seg.Put("NM1", entity, "1", clean(q.last, 60), clean(q.first, 35), "", "", "", nmQual, id)
		}
		seg.Put("AAA", "Y", "", code, "C")
	}
	id := q.id
	if dependent {
		id = sub.id
	}
	switch {
	case id == "":
		reject(aaaMissingID)
		return
	case q.birthInvalid || dependent && q.birth.IsZero():
		reject(aaaMissingBirth)
		return
	}
	m, known := e.Config.findMember(p.ID, id, Person{Last: q.last, First: q.first, Birth: q.birth}, dependent)
	if m == nil {
		switch {
		case !known:
			reject(aaaNotFound)
		case q.last == "":
			reject(aaaName)
		default:
			// The ID is on file but the name or birth date differs.
			byID, _ := e.Config.findMember(p.ID, id, Person{Last: q.last, First: q.first}, dependent)
			if byID != nil {
				reject(aaaBirthDate)
			} else {
				reject(aaaName)
			}
		}
		return
	}
	if dependent {
		seg.Put("NM1", entity, "1", clean(m.Last, 60), clean(m.First, 35))
	} else {
		seg.Put("NM1", entity, "1", clean(m.Last, 60), clean(m.First, 35), "", "", "", nmQual, clean(m.ID, 80))
	}
	sex := m.Sex
	if sex != "F" && sex != "M" {
		sex = "U"
	}
	seg.Put("DMG", "D8", m.BirthDate.D8(), sex)
	seg.Put("DTP", "346", "D8", m.PlanBegin.D8())
	if !m.PlanEnd.IsZero() {
		seg.Put("DTP", "347", "D8", m.PlanEnd.D8())
	}
	on := q.date
	if on.IsZero() {
		on = rcm.DateOf(now)
	}
	types := q.serviceTypes
	if len(types) == 0 {
		types = []string{"30"}
	}
	plan := clean(orDefault(m.Plan, p.Name), 50)
	if coverageReason(m, on) != "" {
		for _, st := range types {
			seg.Put("EB", "6", "IND", st, "", plan)
		}
		return
	}
	acc := Accumulator{}
	if a := e.State.Accumulators[accKey(m, on)]; a != nil {
		acc = *a
	}
	b := m.Benefits
	for _, st := range types {
		seg.Put("EB", "1", "IND", st, "", plan)
		// EB06 time period: 23 calendar year, 29 remaining, 27 visit.
		if st == "30" {
			if b.Deductible > 0 {
				seg.Put("EB", "C", "IND", st, "", "", "23", b.Deductible.X12())
				seg.Put("EB", "C", "IND", st, "", "", "29", max(0, b.Deductible-acc.Deductible).X12())
			}
			if b.Coinsurance > 0 {
				seg.Put("EB", "A", "IND", st, "", "", "27", "", b.Coinsurance.Fraction())
			}
			if b.OOPMax > 0 {
				seg.Put("EB", "G", "IND", st, "", "", "23", b.OOPMax.X12())
				seg.Put("EB", "G", "IND", st, "", "", "29", max(0, b.OOPMax-acc.OOP).X12())
			}
			for _, k := range sortedKeys(b.Copays) {
				seg.Put("EB", "B", "IND", k, "", "", "27", b.Copays[k].X12())
			}
			continue
		}
		if cp, ok := b.Copays[st]; ok {
			seg.Put("EB", "B", "IND", st, "", "", "27", cp.X12())
		} else if b.Coinsurance > 0 {
			seg.Put("EB", "A", "IND", st, "", "", "27", "", b.Coinsurance.Fraction())
		}
	}
}

// Fraction writes the percentage as the decimal fraction EB08 carries
// (20% is 0.2).
func (p Percent) Fraction() string {
	s := fmt.Sprintf("%d.%04d", int64(p)/10000, int64(p)%10000)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
