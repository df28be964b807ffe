package x12

import "fmt"

// The balancing rules of the 835 (005010X221A1 section 1.10.2, "Balancing"),
// checked with Validator.Situational. An 835 whose amounts do not add up
// is not a remittance a provider can post: some amount in it is wrong.
//
//   - Service line (2110): the line charge less the line's adjustments is
//     the line payment, SVC02 - sum(2110 CAS amounts) = SVC03.
//   - Claim (2100): the claim charge less every adjustment of the claim and
//     its lines is the claim payment, CLP03 - sum(2100 and 2110 CAS) = CLP04;
//     and when service lines are reported, the claim payment is the sum of
//     the line payments less the claim-level adjustments,
//     CLP04 = sum(SVC03) - sum(2100 CAS).
//   - Transaction: the total payment is the claim payments less the
//     provider-level adjustments, BPR02 = sum(CLP04) - sum(PLB amounts),
//     with BPR02 negated when BPR03 is D (a debit).
//
// Amounts are read as whole cents; a rule whose amounts are not all
// readable is skipped, since the element check already reports the bad
// amount. Each imbalance is an element finding (I12, pattern) on the
// amount that does not agree: SVC03, CLP04 or BPR02.

// amountAt is an amount with where it was read, for a later finding.
type amountAt struct {
	cents int64
	ok    bool
	pos   int
	ord   int64
}

// remitState is what the 835 balancing rules remember in a transaction.
type remitState struct {
	bpr        amountAt
	claimsPaid int64
	plb        int64
	totalOK    bool
	// The claim being read (CLP) and its sums.
	inClaim             bool
	clp                 amountAt // CLP04, located at the CLP
	charge              int64    // CLP03
	claimAdj, lineAdj   int64
	linesPaid           int64
	lines               int
	claimOK, linesSumOK bool
	// The service line being read (SVC).
	inLine     bool
	svc        amountAt // SVC03, located at the SVC
	lineCharge int64    // SVC02
	adj        int64    // its CAS amounts
	lineOK     bool
}

// remitStart resets the balancing state at ST.
func (s *txState) remitStart() {
	s.remit = remitState{totalOK: true}
}

// remitSegment runs the 835 balancing bookkeeping for one segment.
func (s *txState) remitSegment(v *Validator, seg *Segment, def *SegmentDef, loop string, pos int) {
	r := &s.remit
	switch def.ID {
	case "BPR":
		if loop == "" {
			c, ok := cents(seg.Element(2))
			if string(seg.Element(3)) == "D" {
				// BPR03 D: a debit, the payer takes the amount back.
				c = -c
			}
			r.bpr = amountAt{c, ok, pos, seg.Ordinal}
		}
	case "CLP":
		r.inClaim, r.inLine = true, false
		paid, ok4 := cents(seg.Element(4))
		charge, ok3 := cents(seg.Element(3))
		r.clp = amountAt{paid, ok4, pos, seg.Ordinal}
		r.charge = charge
		r.claimOK, r.linesSumOK = ok3 && ok4, ok4
		r.claimAdj, r.lineAdj, r.linesPaid, r.lines = 0, 0, 0, 0
		if ok4 {
			r.claimsPaid += paid
		} else {
			r.totalOK = false
		}
	case "SVC":
		if !r.inClaim {
			return
		}
		r.inLine = true
		r.lines++
		paid, ok3 := cents(seg.Element(3))
		charge, ok2 := cents(seg.Element(2))
		r.svc = amountAt{paid, ok3, pos, seg.Ordinal}
		r.lineCharge, r.adj, r.lineOK = charge, 0, ok2 && ok3
		if ok3 {
			r.linesPaid += paid
		} else {
			r.linesSumOK = false
		}
	case "CAS":
		if !r.inClaim {
			return
		}
		var sum int64
		ok := true
		for el := 3; el <= 18; el += 3 {
			if a := seg.Element(el); len(a) > 0 {
				c, good := cents(a)
				sum += c
				ok = ok && good
			}
		}
		switch {
		case loop == "2110" && r.inLine:
			r.adj += sum
			r.lineAdj += sum
			r.lineOK = r.lineOK && ok
			r.claimOK = r.claimOK && ok
		case loop == "2100":
			r.claimAdj += sum
			r.claimOK = r.claimOK && ok
			r.linesSumOK = r.linesSumOK && ok
		}
	case "PLB":
		for el := 4; el <= 14; el += 2 {
			if a := seg.Element(el); len(a) > 0 {
				c, ok := cents(a)
				r.plb += c
				r.totalOK = r.totalOK && ok
			}
		}
	}
}

// remitLoopEnd checks a service line when loop 2110 closes and a claim
// when loop 2100 closes.
func (s *txState) remitLoopEnd(v *Validator, f *frame, seg *Segment, pos int) {
	r := &s.remit
	switch f.loop.ID {
	case "2110":
		if r.inLine && r.lineOK && r.lineCharge-r.adj != r.svc.cents {
			v.add(s.balanceFinding(seg, "SVC", "2110", r.svc, 3, fmt.Sprintf("the service line does not balance: SVC03 line payment %s must equal the line charge SVC02 %s less the line's adjustments (CAS) %s, that is %s",
				centsText(r.svc.cents), centsText(r.lineCharge), centsText(r.adj), centsText(r.lineCharge-r.adj))))
		}
		r.inLine = false
	case "2100":
		if !r.inClaim {
			return
		}
		all := r.claimAdj + r.lineAdj
		if r.claimOK && r.charge-all != r.clp.cents {
			v.add(s.balanceFinding(seg, "CLP", "2100", r.clp, 4, fmt.Sprintf("the claim does not balance: CLP04 claim payment %s must equal the claim charge CLP03 %s less every adjustment of the claim and its lines (CAS) %s, that is %s",
				centsText(r.clp.cents), centsText(r.charge), centsText(all), centsText(r.charge-all))))
		} else if r.lines > 0 && r.linesSumOK && r.linesPaid-r.claimAdj != r.clp.cents {
			v.add(s.balanceFinding(seg, "CLP", "2100", r.clp, 4, fmt.Sprintf("the claim does not balance: CLP04 claim payment %s must equal the sum of its service line payments (SVC03) %s less the claim-level adjustments (2100 CAS) %s, that is %s",
				centsText(r.clp.cents), centsText(r.linesPaid), centsText(r.claimAdj), centsText(r.linesPaid-r.claimAdj))))
		}
		r.inClaim, r.inLine = false, false
	}
}

// remitEnd checks BPR02 when the transaction set ends.
func (s *txState) remitEnd(v *Validator, seg *Segment) {
	r := &s.remit
	if !r.bpr.ok || !r.totalOK || r.bpr.pos == 0 {
		return
	}
	if want := r.claimsPaid - r.plb; r.bpr.cents != want {
		v.add(s.balanceFinding(seg, "BPR", "", r.bpr, 2, fmt.Sprintf("the 835 does not balance: BPR02 total payment %s must equal the claim payments (CLP04) %s less the provider-level adjustments (PLB) %s, that is %s",
			centsText(r.bpr.cents), centsText(r.claimsPaid), centsText(r.plb), centsText(want))))
	}
}

// balanceFinding is an I12 finding on the amount at a.
func (s *txState) balanceFinding(seg *Segment, id, loop string, a amountAt, el int, msg string) Finding {
	fd := s.segFinding(seg, a.pos, loop, SegElementErrors, msg)
	fd.Level, fd.Code, fd.Element, fd.Value = LevelElement, ElemPattern, el, centsText(a.cents)
	fd.Segment, fd.Position, fd.SegmentID = a.ord, a.pos, id
	return fd
}
