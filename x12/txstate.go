package x12

import (
	"bytes"
	"fmt"
)

// frame is one open loop while a transaction is matched against its
// guide: which item was matched last and how often each item occurred in
// the current repeat of the loop.
type frame struct {
	loop   *Loop
	pos    int
	counts []int32
	// hl is HL01 of this loop when its trigger is an HL segment.
	hl    [12]byte
	hlLen int
	// node is the loop instance being built when the state builds a
	// Transaction tree.
	node *Node
}

// txState matches the segments of one transaction to guide positions.
// Its slices are reused between transactions so the hot path does not
// allocate.
type txState struct {
	schema *Schema
	stack  []frame
	arena  []int32
	// prevHL is HL01 of the previous HL segment and prevChild its HL04,
	// for the hierarchy checks.
	prevHL    [12]byte
	prevHLLen int
	prevChild byte
	hlCount   int
	// unit is the business unit (CLM01) of the claim being read.
	unit    [40]byte
	unitLen int
	unitLvl int
	ids     map[string]bool
	// build makes the state record segments into Nodes.
	build bool
	// subscriberIsPatient is set from the 2000B HL04 of an 837 (0: no
	// patient level follows).
	subscriberIsPatient bool
	// rules is set when Validator.Situational is on and the schema is an
	// 837; p837 when it is moreover the 837P (005010X222A1), whose
	// situational rules sit keeps state for.
	rules, p837 bool
	// i837 is set when the rules are on and the schema is the 837I
	// (005010X223A2), which shares most of the 837P's claim rules.
	i837 bool
	sit  sitState
	// r835 is set when Validator.Situational is on and the schema is
	// the 835, whose balancing rules remit keeps state for.
	r835  bool
	remit remitState
	// ext is the date external code lists are judged on.
	ext extState
	// clin holds the 837's diagnosis and procedure codes until their
	// date of service is known, for Validator.Catalog.
	clin clinicalState
}

func (s *txState) start(v *Validator, sc *Schema, st *Segment) {
	s.schema = sc
	s.stack = s.stack[:0]
	s.prevHLLen, s.prevChild, s.hlCount, s.unitLen = 0, 0, 0, 0
	s.rules = v.Situational && sc != nil && sc.TransactionSet == "837"
	s.p837 = s.rules && sc.Version == "005010X222A1"
	s.i837 = s.rules && sc.Version == "005010X223A2"
	s.sit = sitState{}
	s.ext = extState{}
	s.clin.on = v.Catalog != nil && sc != nil && sc.TransactionSet == "837"
	s.clin.codes, s.clin.lines = s.clin.codes[:0], s.clin.lines[:0]
	s.clin.claimDate, s.clin.haveLine, s.clin.haveFirst, s.clin.inpatient = false, false, false, false
	s.r835 = v.Situational && sc != nil && sc.TransactionSet == "835"
	if s.r835 {
		s.remitStart()
	}
	if sc == nil {
		return
	}
	s.push(sc.Body)
	s.stack[0].counts[0] = 1
	var es elemState
	es.check(v, st, sc.Body.Items[0].Segment, "", 1, LevelSegment)
}

func (s *txState) push(l *Loop) {
	// counts live in the arena one after the other, in stack order.
	used := 0
	for i := range s.stack {
		used += len(s.stack[i].counts)
	}
	need := used + len(l.Items)
	if need > len(s.arena) {
		na := make([]int32, max(need, 2*len(s.arena), 64))
		copy(na, s.arena)
		s.arena = na
		pos := 0
		for i := range s.stack {
			n := len(s.stack[i].counts)
			s.stack[i].counts = s.arena[pos : pos+n]
			pos += n
		}
	}
	c := s.arena[used:need]
	clear(c)
	s.stack = append(s.stack, frame{loop: l, counts: c})
}

// segment matches one segment of the transaction body.
func (s *txState) segment(v *Validator, seg *Segment, pos int) {
	if s.schema == nil {
		return
	}
	d, i, loose := s.find(seg)
	if loose && s.earlier(seg) {
		// The segment fits a position this loop has already passed:
		// report the order, do not bend it into a later position.
		top := &s.stack[len(s.stack)-1]
		v.add(s.segFinding(seg, pos, top.loop.ID, SegOutOfOrder, fmt.Sprintf("%s is out of order in loop %s: it belongs before the segments already read", seg.IDBytes(), loopName(top.loop))))
		if s.build {
			top.node.Segments = append(top.node.Segments, seg)
		}
		return
	}
	if d < 0 {
		s.unmatched(v, seg, pos)
		if s.build {
			top := &s.stack[len(s.stack)-1]
			top.node.Segments = append(top.node.Segments, seg)
		}
		return
	}
	// Close the loops above depth d, then the items skipped at depth d.
	for len(s.stack)-1 > d {
		s.pop(v, seg, pos)
	}
	f := &s.stack[d]
	s.missing(v, f, f.pos+1, i, seg, pos)
	it := f.loop.Items[i]
	if it.Loop != nil {
		f.counts[i]++
		f.pos = i
		l := it.Loop
		if l.Max > 0 && int(f.counts[i]) > l.Max {
			v.add(s.segFinding(seg, pos, l.ID, SegLoopOverMax, fmt.Sprintf("loop %s (%s) may occur at most %d times here; this is repeat %d", l.ID, l.Name, l.Max, f.counts[i])))
		}
		if l.Usage == NotUsed {
			v.add(s.segFinding(seg, pos, l.ID, SegNotUsed, fmt.Sprintf("loop %s (%s) is not used in this guide", l.ID, l.Name)))
		}
		s.push(l)
		nf := &s.stack[len(s.stack)-1]
		nf.counts[0] = 1
		if s.build {
			nf.node = &Node{ID: l.ID, Name: l.Name, Segments: []*Segment{seg}}
			f := &s.stack[len(s.stack)-2]
			f.node.Children = append(f.node.Children, nf.node)
		}
		s.enterLoop(v, nf, seg, pos)
		if s.schema.TransactionSet == "837" && l.Items[0].Segment.ID == "LX" {
			// 837 LX01 numbers the service lines of a claim 1, 2, 3...
			if n, ok := atoi(seg.Element(1)); ok && n != int(f.counts[i]) {
				fd := s.segFinding(seg, pos, l.ID, SegElementErrors, fmt.Sprintf("LX01 must number the service lines of the claim 1, 2, 3... in order; expected %d", f.counts[i]))
				fd.Level, fd.Code, fd.Element, fd.Value = LevelElement, ElemPattern, 1, clip(seg.Element(1))
				v.add(fd)
			}
		}
		s.checkSegment(v, seg, l.Items[0].Segment, l.ID, pos, loose)
		return
	}
	def := it.Segment
	if s.build {
		f.node.Segments = append(f.node.Segments, seg)
	}
	if i == f.pos {
		f.counts[i]++
	} else {
		f.pos = i
		f.counts[i] = 1
	}
	if def.Max > 0 && int(f.counts[i]) > def.Max {
		v.add(s.segFinding(seg, pos, f.loop.ID, SegOverMax, fmt.Sprintf("%s may occur at most %d times at this position of loop %s", def.ID, def.Max, loopName(f.loop))))
	}
	s.checkSegment(v, seg, def, f.loop.ID, pos, loose)
}

func loopName(l *Loop) string {
	if l.ID == "" {
		return "header"
	}
	return l.ID
}

func (s *txState) checkSegment(v *Validator, seg *Segment, def *SegmentDef, loop string, pos int, loose bool) {
	if def.Usage == NotUsed {
		v.add(s.segFinding(seg, pos, loop, SegNotUsed, fmt.Sprintf("%s is marked not used at this position of the guide", def.ID)))
	}
	if def.ID == "CLM" || def.ID == "CLP" {
		s.unitLen = copy(s.unit[:], seg.IDBytes())
		s.unit[s.unitLen] = '0'
		s.unit[s.unitLen+1] = '1'
		s.unit[s.unitLen+2] = ':'
		s.unitLen += 3
		s.unitLen += copy(s.unit[s.unitLen:], seg.Element(1))
		s.unitLvl = len(s.stack)
	}
	var es elemState
	es.check(v, seg, def, loop, pos, LevelSegment)
	s.situational(v, seg, def, loop, pos)
	if v.Codes != nil {
		s.external(v, seg, def, loop, pos)
	}
	if s.clin.on {
		s.clinical(seg, def, loop, pos)
	}
	if v.CheckNPI && def.ID == "NM1" && string(seg.Element(8)) == "XX" {
		if npi := seg.Element(9); len(npi) > 0 && !validNPI(npi) {
			fd := s.segFinding(seg, pos, loop, SegElementErrors, fmt.Sprintf("NM109 %q is not a valid NPI: it must be 10 digits ending in the NPI check digit", npi))
			fd.Level, fd.Code, fd.Element, fd.Value = LevelElement, ElemPattern, 9, clip(npi)
			v.add(fd)
		}
	}
	_ = loose
}

// enterLoop runs the checks that belong to the start of a loop: the HL
// hierarchy rules.
func (s *txState) enterLoop(v *Validator, f *frame, seg *Segment, pos int) {
	if f.loop.Items[0].Segment.ID != "HL" {
		return
	}
	hl := seg.Element(1)
	parent := seg.Element(2)
	s.hlCount++
	bad := func(el int, msg string) {
		fd := s.segFinding(seg, pos, f.loop.ID, SegElementErrors, msg)
		fd.Level, fd.Code, fd.Element, fd.Value = LevelElement, ElemPattern, el, clip(seg.Element(el))
		v.add(fd)
	}
	if n, ok := atoi(hl); !ok || n != s.hlCount {
		bad(1, fmt.Sprintf("HL01 must number the hierarchical levels 1, 2, 3... in order; expected %d", s.hlCount))
	}
	// The parent is the nearest enclosing HL loop.
	var want []byte
	for i := len(s.stack) - 2; i >= 0; i-- {
		if s.stack[i].hlLen > 0 {
			want = s.stack[i].hl[:s.stack[i].hlLen]
			break
		}
	}
	if !bytes.Equal(parent, want) {
		if len(want) == 0 {
			bad(2, "HL02 must be empty at the top level of the hierarchy")
		} else {
			bad(2, fmt.Sprintf("HL02 must name the parent level's HL01 %s", want))
		}
	}
	if s.prevHLLen > 0 {
		isChild := bytes.Equal(parent, s.prevHL[:s.prevHLLen])
		if s.prevChild == '1' && !isChild {
			bad(2, fmt.Sprintf("the previous HL (%s) says in HL04 that child levels follow, but this level is not its child", s.prevHL[:s.prevHLLen]))
		} else if s.prevChild == '0' && isChild {
			bad(2, fmt.Sprintf("the previous HL (%s) says in HL04 that it has no child levels, but this level names it as parent", s.prevHL[:s.prevHLLen]))
		}
	}
	if string(seg.Element(3)) == "22" {
		s.subscriberIsPatient = string(seg.Element(4)) == "0"
		s.sit.subHL = pos
	}
	f.hlLen = copy(f.hl[:], hl)
	s.prevHLLen = copy(s.prevHL[:], hl)
	s.prevChild = 0
	if c := seg.Element(4); len(c) == 1 {
		s.prevChild = c[0]
	}
}

func (s *txState) segFinding(seg *Segment, pos int, loop, code, msg string) Finding {
	f := Finding{Level: LevelSegment, Code: code, Segment: seg.Ordinal, Position: pos, SegmentID: segID(seg.data, seg.delims.Element), Loop: loop, Message: msg}
	if s.unitLen > 0 && len(s.stack) >= s.unitLvl {
		f.BusinessUnit = string(s.unit[:s.unitLen])
	}
	return f
}

// find looks for the guide position of seg: first in the open loop from
// the last matched item on, then in each enclosing loop. When no position
// matches the qualifier, it falls back to the first position with the
// segment id (loose), so the element check reports the bad qualifier.
func (s *txState) find(seg *Segment) (depth, item int, loose bool) {
	key := idKey(seg.IDBytes())
	for pass := 0; pass < 2; pass++ {
		for d := len(s.stack) - 1; d >= 0; d-- {
			f := &s.stack[d]
			start := f.pos
			if d == len(s.stack)-1 && start == 0 && d > 0 {
				start = 1 // the trigger repeats only as a new loop, found in the parent
			}
			items := f.loop.Items
			keys := f.loop.keys
			fallback := -1
			for i := start; i < len(keys); i++ {
				if keys[i] != key {
					continue
				}
				it := &items[i]
				def := it.Segment
				if it.Loop != nil {
					def = it.Loop.trigger()
				}
				if pass == 1 {
					return d, i, true
				}
				if def.matches(seg) {
					if !f.loop.shared[i] || def.fit(seg) {
						return d, i, false
					}
					if fallback < 0 {
						fallback = i
					}
				}
			}
			if fallback >= 0 {
				return d, fallback, false
			}
		}
	}
	return -1, 0, false
}

// earlier reports whether seg exactly fits a position of the innermost
// loop before the one matched last.
func (s *txState) earlier(seg *Segment) bool {
	top := &s.stack[len(s.stack)-1]
	key := idKey(seg.IDBytes())
	for i := 1; i < top.pos && i < len(top.loop.Items); i++ {
		it := top.loop.Items[i]
		if it.Segment != nil && it.Segment.key == key && it.Segment.matches(seg) {
			return true
		}
	}
	return false
}

// unmatched reports a segment that fits nowhere at this point.
func (s *txState) unmatched(v *Validator, seg *Segment, pos int) {
	id := seg.IDBytes()
	top := &s.stack[len(s.stack)-1]
	code, msg := SegUnexpected, fmt.Sprintf("%s is not expected here (in loop %s); check the segment order of the guide", id, loopName(top.loop))
	if !validSegID(id) {
		code, msg = SegUnrecognized, fmt.Sprintf("%q is not a valid segment id", clip(id))
	} else if !s.inSchema(string(id)) {
		code, msg = SegNotInSet, fmt.Sprintf("%s is not a segment of the %s %s transaction set", id, s.schema.TransactionSet, s.schema.Version)
	} else {
		for i := 0; i < top.pos && i < len(top.loop.Items); i++ {
			it := top.loop.Items[i]
			if it.Segment != nil && it.Segment.ID == string(id) {
				code, msg = SegOutOfOrder, fmt.Sprintf("%s is out of order in loop %s: it belongs before the segments already read", id, loopName(top.loop))
				break
			}
		}
	}
	v.add(s.segFinding(seg, pos, top.loop.ID, code, msg))
}

func validSegID(id []byte) bool {
	if len(id) < 2 || len(id) > 3 {
		return false
	}
	for _, c := range id {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (s *txState) inSchema(id string) bool {
	if s.ids == nil {
		s.ids = map[string]bool{}
	}
	key := s.schema.Version + "/" + s.schema.TransactionSet + "/" + id
	if ok, seen := s.ids[key]; seen {
		return ok
	}
	ok := loopHas(s.schema.Body, id)
	s.ids[key] = ok
	return ok
}

func loopHas(l *Loop, id string) bool {
	for _, it := range l.Items {
		if it.Segment != nil && it.Segment.ID == id || it.Loop != nil && loopHas(it.Loop, id) {
			return true
		}
	}
	return false
}

// pop closes the innermost loop, reporting required items it lacks.
func (s *txState) pop(v *Validator, seg *Segment, pos int) {
	f := &s.stack[len(s.stack)-1]
	if s.clin.on {
		s.clinicalLoopEnd(v, f)
	}
	s.missing(v, f, f.pos+1, len(f.loop.Items), seg, pos)
	s.subscriberNameRules(v, f, seg, pos)
	s.claimRules(v, f, seg, pos)
	if s.r835 {
		s.remitLoopEnd(v, f, seg, pos)
	}
	if len(s.stack) <= s.unitLvl {
		s.unitLen = 0
	}
	s.stack = s.stack[:len(s.stack)-1]
	if len(s.stack) < s.unitLvl {
		s.unitLen = 0
	}
}

// missing reports required items in [from, to) of f that did not occur.
func (s *txState) missing(v *Validator, f *frame, from, to int, seg *Segment, pos int) {
	for _, i := range f.loop.req {
		if i < from || i >= to || f.counts[i] > 0 {
			continue
		}
		it := f.loop.Items[i]
		if it.Loop != nil && it.Loop.Usage == Required {
			fd := s.segFinding(seg, pos, it.Loop.ID, SegRequiredMissing, fmt.Sprintf("required loop %s (%s) is missing; it starts with %s", it.Loop.ID, it.Loop.Name, it.Loop.trigger().ID))
			fd.SegmentID = it.Loop.trigger().ID
			v.add(fd)
		} else if it.Segment != nil && it.Segment.Usage == Required {
			fd := s.segFinding(seg, pos, f.loop.ID, SegRequiredMissing, fmt.Sprintf("required segment %s is missing from loop %s", it.Segment.ID, loopName(f.loop)))
			fd.SegmentID = it.Segment.ID
			v.add(fd)
		}
	}
}

// finish closes every open loop at SE (or at a missing trailer).
func (s *txState) finish(v *Validator, end *Segment, pos int) {
	if s.schema == nil || len(s.stack) == 0 {
		return
	}
	for len(s.stack) > 1 {
		s.pop(v, end, pos)
	}
	f := &s.stack[0]
	s.missing(v, f, f.pos+1, len(f.loop.Items), end, pos)
	if s.r835 {
		s.remitEnd(v, end)
	}
	s.stack = s.stack[:0]
	s.schema = nil
}
