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
	var txs []*x12.Transaction
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
	// As for claims, a read error after the last complete set is already
	// in the 999 or TA1.
	_ = x12.ReadTransactions(bytes.NewReader(data), func(tx *x12.Transaction) error {
		if tx.ID == "270" && tx.Schema != nil && accepted[txKey(tx.Interchange, tx.Group, tx.Control)] {
			txs = append(txs, tx)
		}
		return nil
	})
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
	if err := w.StartGroup(x12.GroupHeader{FunctionalID: "HB", Sender: gsID(ev.receiver), Receiver: gsID(ev.sender), Time: now, Version: "005010X279A1"}); err != nil {
		return nil, err
	}
	for _, tx := range txs {
		if err := e.write271(w, tx, now); err != nil {
			return nil, fmt.Errorf("write 271 for %s: %w", name, err)
		}
	}
	if err := w.EndGroup(); err != nil {
		return nil, err
	}
	if err := w.EndInterchange(); err != nil {
		return nil, err
	}
	return []File{{Name: name + ".271", Data: buf.Bytes()}}, nil
}

// write271 answers one 270: the hierarchy is echoed (2000A source, 2000B
// receiver, 2000C subscriber, 2000D dependent) and each person level gets
// either AAA rejection segments or the benefits of the member file.
func (e *Engine) write271(w *x12.Writer, tx *x12.Transaction, now time.Time) error {
	if _, err := w.StartTransaction("271", "005010X279A1"); err != nil {
		return err
	}
	seg := segWriter{w: w}
	ref := "0"
	if b := tx.Root.Segment("BHT"); b != nil {
		ref = orDefault(clean(b.String(3), 50), "0")
	}
	seg.put("BHT", "0022", "11", ref, rcm.DateOf(now).D8(), now.Format("1504"))
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
		seg.put("HL", strconv.Itoa(src), "", "20", boolFlag(p != nil && len(recv) > 0))
		if p != nil {
			payerName = p.Name
		}
		seg.put("NM1", "PR", "2", clean(orDefault(payerName, "UNKNOWN PAYER"), 60), "", "", "", "", "PI", clean(orDefault(payerID, "UNKNOWN"), 80))
		if p == nil {
			seg.put("AAA", "Y", "", aaaBadPayer, "C")
			continue
		}
		for _, b := range recv {
			hl++
			rcv := hl
			subs := childLoops(b, "2000C")
			seg.put("HL", strconv.Itoa(rcv), strconv.Itoa(src), "21", boolFlag(len(subs) > 0))
			for _, n := range childLoops(b, "2100B") {
				if s := n.Segment("NM1"); s != nil {
					seg.put("NM1", clean(s.String(1), 3), clean(s.String(2), 1), clean(s.String(3), 60), clean(s.String(4), 35), clean(s.String(5), 25), "", clean(s.String(7), 10), clean(s.String(8), 2), clean(s.String(9), 80))
				}
			}
			for _, c := range subs {
				hl++
				sub := hl
				deps := childLoops(c, "2000D")
				seg.put("HL", strconv.Itoa(sub), strconv.Itoa(rcv), "22", boolFlag(len(deps) > 0))
				q := readInquiry(c, "2100C", "2110C")
				e.answer(&seg, p, q, q, false, now)
				for _, d := range deps {
					hl++
					seg.put("HL", strconv.Itoa(hl), strconv.Itoa(sub), "23", "0")
					dq := readInquiry(d, "2100D", "2110D")
					e.answer(&seg, p, q, dq, true, now)
				}
			}
		}
	}
	if seg.err != nil {
		return seg.err
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
func (e *Engine) answer(seg *segWriter, p *Payer, sub, q inquiry, dependent bool, now time.Time) {
	if len(q.trn) == 2 && q.trn[0] != "" {
		seg.put("TRN", "2", clean(q.trn[0], 50), clean(orDefault(q.trn[1], "9"+p.TIN), 10))
	}
	entity, nmQual := "IL", "MI"
	if dependent {
		entity = "03"
	}
	reject := func(code string) {
		if id := clean(q.id, 80); dependent || id == "" {
			// NM108 and NM109 are paired: no ID, no qualifier.
			seg.put("NM1", entity, "1", clean(q.last, 60), clean(q.first, 35))
		} else {
			seg.put("NM1", entity, "1", clean(q.last, 60), clean(q.first, 35), "", "", "", nmQual, id)
		}
		seg.put("AAA", "Y", "", code, "C")
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
		seg.put("NM1", entity, "1", clean(m.Last, 60), clean(m.First, 35))
	} else {
		seg.put("NM1", entity, "1", clean(m.Last, 60), clean(m.First, 35), "", "", "", nmQual, clean(m.ID, 80))
	}
	sex := m.Sex
	if sex != "F" && sex != "M" {
		sex = "U"
	}
	seg.put("DMG", "D8", m.BirthDate.D8(), sex)
	seg.put("DTP", "346", "D8", m.PlanBegin.D8())
	if !m.PlanEnd.IsZero() {
		seg.put("DTP", "347", "D8", m.PlanEnd.D8())
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
			seg.put("EB", "6", "IND", st, "", plan)
		}
		return
	}
	acc := Accumulator{}
	if a := e.State.Accumulators[accKey(m, on)]; a != nil {
		acc = *a
	}
	b := m.Benefits
	for _, st := range types {
		seg.put("EB", "1", "IND", st, "", plan)
		// EB06 time period: 23 calendar year, 29 remaining, 27 visit.
		if st == "30" {
			if b.Deductible > 0 {
				seg.put("EB", "C", "IND", st, "", "", "23", b.Deductible.X12())
				seg.put("EB", "C", "IND", st, "", "", "29", max(0, b.Deductible-acc.Deductible).X12())
			}
			if b.Coinsurance > 0 {
				seg.put("EB", "A", "IND", st, "", "", "27", "", b.Coinsurance.Fraction())
			}
			if b.OOPMax > 0 {
				seg.put("EB", "G", "IND", st, "", "", "23", b.OOPMax.X12())
				seg.put("EB", "G", "IND", st, "", "", "29", max(0, b.OOPMax-acc.OOP).X12())
			}
			for _, k := range sortedKeys(b.Copays) {
				seg.put("EB", "B", "IND", k, "", "", "27", b.Copays[k].X12())
			}
			continue
		}
		if cp, ok := b.Copays[st]; ok {
			seg.put("EB", "B", "IND", st, "", "", "27", cp.X12())
		} else if b.Coinsurance > 0 {
			seg.put("EB", "A", "IND", st, "", "", "27", "", b.Coinsurance.Fraction())
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
