package x12

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AckOptions set what an acknowledgement says about its sender and when.
type AckOptions struct {
	// Now stamps ISA09/ISA10 and GS04/GS05; callers pass their clock so
	// runs are repeatable.
	Now time.Time
	// Seq supplies the acknowledgement's own control numbers.
	Seq Sequence
	// Delimiters for the acknowledgement; the zero value means
	// DefaultDelimiters.
	Delimiters Delimiters
	// Newline puts each segment on its own line.
	Newline bool
}

// ackable are the functional identifier codes (GS01) a 999 can
// acknowledge (AK101).
var ackable = map[string]bool{"BE": true, "FA": true, "HB": true, "HC": true, "HI": true, "HN": true, "HP": true, "HR": true, "HS": true, "RA": true}

// fatalNotes are TA105 codes after which the interchange cannot be
// processed, so it is rejected (TA104 R) and no 999 is sent for it.
var fatalNotes = map[string]bool{TA1Terminator: true, TA1Structure: true, TA1EOF: true, TA1Content: true, TA1ElementSep: true, TA1ComponentSep: true}

// Acknowledge writes the acknowledgements for a validated input: for each
// interchange a TA1 when its envelope has an error, and a 999 for each
// functional group that could be read. It writes nothing and returns
// false when the input has no readable ISA to answer.
func Acknowledge(dst io.Writer, res *Result, opt AckOptions) (bool, error) {
	d := opt.Delimiters
	if d == (Delimiters{}) {
		d = DefaultDelimiters
	}
	if opt.Seq == nil {
		opt.Seq = &Counter{}
	}
	wrote := false
	for i, x := range res.Interchanges {
		fatal := true
		note := x.Note
		if i == len(res.Interchanges)-1 && res.Err != nil && note == "" {
			note = TA1EOF
		}
		var groups []*GroupResult
		for _, g := range x.Groups {
			// A 999 answers only functional groups it has an AK101 code
			// for; any other group is reported in the TA1.
			if ackable[g.FunctionalID] {
				groups = append(groups, g)
			} else if note == "" {
				note = TA1Content
				fatal = false
			}
		}
		w := NewWriter(dst, d, opt.Newline, opt.Seq)
		err := w.StartInterchange(InterchangeHeader{
			SenderQual: idQual(x.ReceiverQual), Sender: orUnknown(safe(w, x.Receiver, 15)),
			ReceiverQual: idQual(x.SenderQual), Receiver: orUnknown(safe(w, x.Sender, 15)),
			Time: opt.Now, Production: x.Usage == "P",
		})
		if err != nil {
			return wrote, err
		}
		wrote = true
		if note != "" {
			status := "E"
			if fatalNotes[note] && fatal {
				status = "R"
			}
			date, tm := x.Date, x.Time
			// TA102/TA103 repeat the inbound ISA09/ISA10; when those are
			// not a real date or time, today's stand in so the TA1 stays
			// valid.
			if len(date) != 6 || !validDate([]byte("20"+date)) {
				date = opt.Now.Format("060102")
			}
			if len(tm) != 4 || !validTime([]byte(tm)) {
				tm = opt.Now.Format("1504")
			}
			ctl := x.Control
			if len(ctl) != 9 || !allDigits([]byte(ctl)) {
				ctl = "000000000"
			}
			if err := w.TA1(ctl, date, tm, status, note); err != nil {
				return wrote, err
			}
			if status == "R" {
				if err := w.EndInterchange(); err != nil {
					return wrote, err
				}
				continue
			}
		}
		for _, g := range groups {
			if err := write999(w, g, opt.Now); err != nil {
				return wrote, err
			}
		}
		if err := w.EndInterchange(); err != nil {
			return wrote, err
		}
	}
	return wrote, nil
}

// idQual keeps an interchange ID qualifier the ISA allows, else ZZ
// (mutually defined), so an answer to a bad header is itself valid.
func idQual(q string) string {
	switch q {
	case "01", "14", "20", "27", "28", "29", "30", "33", "ZZ":
		return q
	}
	return "ZZ"
}

// orUnknown stands in for an identifier the inbound file did not give
// usably, since the acknowledgement's own envelope must be complete.
func orUnknown(s string) string {
	if len(s) < 2 {
		return "UNKNOWN"
	}
	return s
}

// safe makes a copied value fit in the acknowledgement: delimiters of
// the outgoing file become spaces and the length is capped.
func safe(w *Writer, s string, n int) string {
	d := w.Delimiters()
	b := []byte(s)
	for i, c := range b {
		if c == d.Element || c == d.Component || c == d.Segment || c == d.Repetition || c < 0x20 || c > 0x7E {
			b[i] = ' '
		}
	}
	s = strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n]
	}
	return s
}

func write999(w *Writer, g *GroupResult, now time.Time) error {
	if err := w.StartGroup(GroupHeader{FunctionalID: "FA", Sender: orUnknown(safe(w, g.Receiver, 15)), Receiver: orUnknown(safe(w, g.Sender, 15)), Time: now, Version: "005010X231A1"}); err != nil {
		return err
	}
	if _, err := w.StartTransaction("999", "005010X231A1"); err != nil {
		return err
	}
	fid := g.FunctionalID
	if fid == "" {
		fid = "HC"
	}
	gctl := g.Control
	if !allDigits([]byte(gctl)) {
		gctl = "0"
	}
	if len(gctl) > 9 {
		gctl = gctl[:9]
	}
	if err := w.Segment("AK1", safe(w, fid, 2), gctl, orUnknown(safe(w, g.Version, 12))); err != nil {
		return err
	}
	accepted := 0
	for _, t := range g.Transactions {
		if err := writeAK2(w, t); err != nil {
			return err
		}
		if t.Accepted() {
			accepted++
		}
	}
	status := "A"
	switch {
	case len(g.Codes) > 0 || accepted == 0 && len(g.Transactions) > 0:
		status = "R"
	case accepted < len(g.Transactions):
		status = "P"
	}
	included := g.Included
	if included < 0 {
		included = len(g.Transactions)
	}
	included = min(included, 999999) // AK902 is N0 1/6
	els := []string{status, strconv.Itoa(included), strconv.Itoa(min(len(g.Transactions), 999999)), strconv.Itoa(min(accepted, 999999))}
	for i, c := range g.Codes {
		if i == 5 {
			break
		}
		els = append(els, c)
	}
	if err := w.Segment("AK9", els...); err != nil {
		return err
	}
	if err := w.EndTransaction(); err != nil {
		return err
	}
	return w.EndGroup()
}

// ik3Key groups the findings of one segment into one IK3.
type ik3Key struct {
	pos  int
	id   string
	loop string
}

func writeAK2(w *Writer, t *TxResult) error {
	id := t.ID
	if len(id) != 3 || !validSegID([]byte(id)) {
		id = "000" // unreadable ST01; IK5 carries code 6
	}
	ctl := safe(w, t.Control, 9)
	for len(ctl) < 4 {
		ctl += "0"
	}
	if err := w.Segment("AK2", id, ctl, safe(w, t.Version, 35)); err != nil {
		return err
	}
	var order []ik3Key
	groups := map[ik3Key][]Finding{}
	for _, f := range t.Findings {
		k := ik3Key{f.Position, f.SegmentID, f.Loop}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], f)
	}
	for _, k := range order {
		fs := groups[k]
		code := SegElementErrors
		unit := ""
		for _, f := range fs {
			if f.Level == LevelSegment {
				code = f.Code
			}
			if strings.HasPrefix(f.BusinessUnit, "CLM01:") {
				unit = f.BusinessUnit[len("CLM01:"):]
			}
		}
		sid := k.id
		if !validSegID([]byte(sid)) {
			sid = "ZZZ"
		}
		pos := k.pos
		if pos < 1 {
			pos = 1
		}
		if err := w.Segment("IK3", sid, strconv.Itoa(pos), safe(w, k.loop, 4), code); err != nil {
			return err
		}
		if unit = safe(w, unit, 35); unit != "" {
			if err := w.Segment("CTX", w.Composite("CLM01", unit)); err != nil {
				return err
			}
		}
		// The segment context: what made a situational segment required
		// or not used (X231A1 2100 CTX, at most 9). It shares its
		// position with the business unit CTX; it is written after it,
		// the order other validators expect.
		var seen []Trigger
		for _, f := range fs {
			if f.Level != LevelSegment || f.Trigger.SegmentID == "" || slices.Contains(seen, f.Trigger) || len(seen) == 9 {
				continue
			}
			seen = append(seen, f.Trigger)
			if err := writeTrigger(w, f.Trigger); err != nil {
				return err
			}
		}
		for i, f := range fs {
			if f.Level != LevelElement || i >= 99 {
				continue
			}
			posC := []string{strconv.Itoa(max(f.Element, 1))}
			if f.Component > 0 || f.Repetition > 0 {
				posC = append(posC, "")
				if f.Component > 0 {
					posC[1] = strconv.Itoa(f.Component)
				}
				if f.Repetition > 0 {
					posC = append(posC, strconv.Itoa(f.Repetition))
				}
			}
			els := []string{w.Composite(posC...), "", f.Code}
			if f.Code != ElemRequiredMissing && f.Code != ElemConditionalMissing {
				els = append(els, safe(w, f.Value, 99))
			}
			if err := w.Segment("IK4", els...); err != nil {
				return err
			}
			// The element context: what made a situational element
			// required or not used (X231A1 2110 CTX).
			if f.Trigger.SegmentID != "" {
				if err := writeTrigger(w, f.Trigger); err != nil {
					return err
				}
			}
		}
	}
	els := []string{"A"}
	if !t.Accepted() {
		els[0] = "R"
		for i, c := range t.Codes {
			if i == 5 {
				break
			}
			els = append(els, c)
		}
		if len(els) == 1 {
			els = append(els, TxSegmentErrors)
		}
	}
	if err := w.Segment("IK5", els...); err != nil {
		return fmt.Errorf("x12: 999 IK5: %w", err)
	}
	return nil
}

// writeTrigger writes a CTX situational trigger: CTX01 "SITUATIONAL
// TRIGGER", CTX02 the trigger's segment id, CTX03 its position in the
// transaction set, CTX04 its loop and CTX05 its element (and component).
func writeTrigger(w *Writer, t Trigger) error {
	sid := t.SegmentID
	if !validSegID([]byte(sid)) {
		return nil
	}
	els := []string{"SITUATIONAL TRIGGER", sid, strconv.Itoa(max(t.Position, 1)), safe(w, t.Loop, 4)}
	if t.Element > 0 {
		c := []string{strconv.Itoa(t.Element)}
		if t.Component > 0 {
			c = append(c, strconv.Itoa(t.Component))
		}
		els = append(els, w.Composite(c...))
	}
	return w.Segment("CTX", els...)
}
