package x12

import (
	"bytes"
	"fmt"
)

// Situational rules of the 837 guides, checked only with
// Validator.Situational (what clearinghouses call SNIP type 4 edits).
// Each rule below names its loop and element and says, in our words, the
// guide's "Required when ..." or "do not send" note it comes from.
//
// Rules that hang on whether the subscriber is the patient, which the
// 2000B HL04 hierarchical child code tells (0: no patient level follows,
// so the subscriber is the patient), in both 837 guides:
//
//   - SBR02 (individual relationship code 18, self) is required when the
//     subscriber is the patient and must not be sent otherwise
//     (005010X222A1 and X223A2, loop 2000B SBR02).
//   - 2010BA N3, N4 and DMG are required when the patient is the
//     subscriber (loop 2010BA, "Required when the patient is the
//     subscriber or considered to be the subscriber", X12 RFI 2281).
//
// Rules of the 837P (005010X222A1) that billers break often and that the
// file itself decides:
//
//   - 2000B PAT is sent only when the patient is the subscriber (it then
//     carries the patient's date of death, weight or pregnancy); when a
//     patient level 2000C follows, it must not be sent.
//   - 2000B SBR05 insurance type code is required when the destination
//     payer is Medicare (SBR09 MA or MB) and Medicare is not the primary
//     payer (SBR01 is not P).
//   - 2300 CLM11-4 (auto accident state) is required when CLM11-1 or
//     CLM11-2 is AA (auto accident).
//   - 2300 DTP*439 (accident date) is required when CLM11-1 or CLM11-2 is
//     AA or OA (auto or other accident).
//   - 2300 REF*F8 (payer claim control number) is required when CLM05-3,
//     the claim frequency code, is 7 (replacement) or 8 (void): the payer
//     needs the number of the claim being replaced or voided.
//   - 2300 and 2400 PWK05 and PWK06 (attachment control number) are
//     required when PWK02 says the attachment is sent separately: BM (by
//     mail), EL (electronically), EM (e-mail), FT (file transfer) or FX (by
//     fax).
//   - 2300 HI diagnosis codes are sent without the decimal point; the
//     guide says the decimal is implied.
//   - 2400 SV107 diagnosis code pointers point at a diagnosis of the
//     claim's HI: 1 for HI01 up to the number of diagnoses sent.
//   - 2300 CLM02 total claim charge equals the sum of the 2400 SV102 line
//     charges.
//   - 2010AA (billing provider), 2310C and 2420C (service facility) N403
//     is the full nine-digit ZIP code when the address is in the US (N404
//     empty or US).
//   - 2010AA N301 and N302 are a street address: a post office box or
//     lock box belongs in the pay-to address, loop 2010AB.
//
// The 837I (005010X223A2) shares the claim rules a file alone decides:
// the billing provider's (2010AA) and the service facility's (2310E)
// nine-digit ZIP code in the US, a street address rather than a box for
// the billing provider, REF*F8 when CLM05-3 is 7 or 8, PWK05 and PWK06,
// HI codes without a decimal point, and CLM02 equal to the sum of the
// 2400 SV203 line charges. It adds DTP*435 (admission date and hour),
// required on inpatient bills: CLM05-1 facility type 11, 18, 21 or 41.
//
// Findings use the 999's implementation codes: I9 for an
// implementation-dependent element missing, I13 for one present that
// must not be, I6 for an implementation-dependent segment missing, I9
// (IK304) for such a segment present, and I12 (pattern) for values the
// guide's notes constrain. When the rule's trigger is another segment
// (HL04 for the subscriber rules, CLM05-3 for REF*F8, CLM11 for DTP*439,
// the HI for SV107), the finding carries it as its Trigger, which the
// 999 reports in a CTX "SITUATIONAL TRIGGER" segment.
//
// The checks read values the Reader has already split and keep what
// later segments need in sitState, so they do not allocate unless they
// report a finding.

// sitState is what the situational rules remember between segments of one
// transaction.
type sitState struct {
	// subHL is the position of the 2000B HL in the transaction set.
	subHL int
	// The claim (2300) being read: its CLM position and file ordinal,
	// CLM05-3, the CLM11 component holding AA or OA (0: none), whether
	// REF*F8 and DTP*439 were seen, the HI position and diagnosis count,
	// and the charges.
	clmPos   int
	clmOrd   int64
	freq     byte
	accident int
	haveF8   bool
	have439  bool
	// 837I: whether CLM05-1 is an inpatient bill and DTP*435 (admission
	// date) was seen.
	inpatient  bool
	have435    bool
	hiPos      int
	diagnoses  int
	charge     int64
	lines      int64
	balance    bool // CLM02 and every SV102 so far were read as cents
	chargeText [18]byte
	chargeLen  int
	facility   [2]byte // 837I CLM05-1
}

// situational runs the rules that belong to one segment of an 837.
func (s *txState) situational(v *Validator, seg *Segment, def *SegmentDef, loop string, pos int) {
	if s.r835 {
		s.remitSegment(v, seg, def, loop, pos)
		return
	}
	if !s.rules {
		return
	}
	if def.ID == "SBR" && loop == "2000B" {
		s.subscriberRules(v, seg, loop, pos)
	}
	if !s.p837 && !s.i837 {
		return
	}
	switch def.ID {
	case "SBR":
		if loop == "2000B" && s.p837 {
			s.medicareSecondary(v, seg, loop, pos)
		}
	case "PAT":
		if loop == "2000B" && s.p837 && !s.subscriberIsPatient {
			fd := s.segFinding(seg, pos, loop, SegDependentNotUsed, "PAT must not be sent in loop 2000B because a patient level (2000C) follows this subscriber (2000B HL04 is 1); the patient's PAT goes in 2000C")
			fd.Trigger = s.subscriberTrigger()
			v.add(fd)
		}
	case "CLM":
		if loop == "2300" {
			s.claimStart(v, seg, loop, pos)
		}
	case "REF":
		if loop == "2300" && string(seg.Element(1)) == "F8" {
			s.sit.haveF8 = true
		}
	case "DTP":
		if loop == "2300" {
			switch string(seg.Element(1)) {
			case "439":
				s.sit.have439 = true
			case "435":
				s.sit.have435 = true
			}
		}
	case "HI":
		if loop == "2300" && s.sit.hiPos == 0 {
			s.diagnosisRules(v, seg, loop, pos)
		}
	case "SV1":
		if loop == "2400" && s.p837 {
			s.lineRules(v, seg, loop, pos)
		}
	case "SV2":
		if loop == "2400" && s.i837 {
			s.institutionalLine(seg)
		}
	case "PWK":
		s.attachmentRules(v, seg, loop, pos)
	case "N3":
		if loop == "2010AA" {
			s.streetAddress(v, seg, loop, pos)
		}
	case "N4":
		if loop == "2010AA" || s.p837 && (loop == "2310C" || loop == "2420C") || s.i837 && loop == "2310E" {
			s.zipPlus4(v, seg, loop, pos)
		}
	}
}

// elemFinding is an element-level finding on seg.
func (s *txState) elemFinding(seg *Segment, pos int, loop, code string, el, comp int, msg string) Finding {
	fd := s.segFinding(seg, pos, loop, SegElementErrors, msg)
	fd.Level, fd.Code, fd.Element, fd.Component = LevelElement, code, el, comp
	if comp > 0 {
		fd.Value = clip(seg.Component(el, comp))
	} else {
		fd.Value = clip(seg.Element(el))
	}
	return fd
}

// subscriberTrigger is the 2000B HL04 that the subscriber rules hang on.
func (s *txState) subscriberTrigger() Trigger {
	return Trigger{SegmentID: "HL", Position: s.sit.subHL, Loop: "2000B", Element: 4}
}

// subscriberRules checks 2000B SBR02 against HL04.
func (s *txState) subscriberRules(v *Validator, seg *Segment, loop string, pos int) {
	rel := seg.Element(2)
	switch {
	case s.subscriberIsPatient && len(rel) == 0:
		fd := s.elemFinding(seg, pos, loop, ElemDependentMissing, 2, 0, "SBR02 must be 18 (self) because the subscriber is the patient (2000B HL04 is 0)")
		fd.Trigger = s.subscriberTrigger()
		v.add(fd)
	case !s.subscriberIsPatient && len(rel) > 0:
		fd := s.elemFinding(seg, pos, loop, ElemDependentNotUsed, 2, 0, "SBR02 must be left empty because a patient level (2000C) follows this subscriber (2000B HL04 is 1)")
		fd.Trigger = s.subscriberTrigger()
		v.add(fd)
	}
}

// medicareSecondary checks 2000B SBR05: the reason Medicare is not
// primary is required when the claim goes to Medicare as a secondary or
// later payer.
func (s *txState) medicareSecondary(v *Validator, seg *Segment, loop string, pos int) {
	filing, order := seg.Element(9), seg.Element(1)
	if string(filing) != "MA" && string(filing) != "MB" || len(seg.Element(5)) > 0 || len(order) == 0 || string(order) == "P" {
		return
	}
	v.add(s.elemFinding(seg, pos, loop, ElemDependentMissing, 5, 0, fmt.Sprintf("SBR05 insurance type code is required because the claim goes to Medicare (SBR09 %s) as a payer other than primary (SBR01 %s): it says why Medicare is not primary", filing, order)))
}

// subscriberNameRules runs when loop 2010BA closes.
func (s *txState) subscriberNameRules(v *Validator, f *frame, seg *Segment, pos int) {
	if !s.rules || f.loop.ID != "2010BA" || !s.subscriberIsPatient {
		return
	}
	for i, it := range f.loop.Items {
		if it.Segment == nil || f.counts[i] > 0 {
			continue
		}
		switch it.Segment.ID {
		case "N3", "N4", "DMG":
			fd := s.segFinding(seg, pos, f.loop.ID, SegDependentMissing, fmt.Sprintf("%s is required in loop 2010BA because the subscriber is the patient (2000B HL04 is 0)", it.Segment.ID))
			fd.SegmentID = it.Segment.ID
			fd.Trigger = s.subscriberTrigger()
			v.add(fd)
		}
	}
}

// claimStart records what the claim-level rules need from CLM and checks
// CLM11-4.
func (s *txState) claimStart(v *Validator, seg *Segment, loop string, pos int) {
	c := &s.sit
	c.clmPos, c.clmOrd = pos, seg.Ordinal
	c.freq = 0
	if f := seg.Component(5, 3); len(f) == 1 {
		c.freq = f[0]
	}
	c.haveF8, c.have439, c.hiPos, c.diagnoses, c.lines = false, false, 0, 0, 0
	c.have435, c.inpatient = false, s.i837 && inpatientBill(seg.Component(5, 1))
	copy(c.facility[:], seg.Component(5, 1))
	c.charge, c.balance = cents(seg.Element(2))
	c.chargeLen = copy(c.chargeText[:], seg.Element(2))
	c.accident = 0
	if len(seg.Element(11)) == 0 {
		return
	}
	auto := false
	for comp := 1; comp <= 2; comp++ {
		switch string(seg.Component(11, comp)) {
		case "AA":
			auto = true
			fallthrough
		case "OA":
			if c.accident == 0 {
				c.accident = comp
			}
		}
	}
	if auto && len(seg.Component(11, 4)) == 0 {
		v.add(s.elemFinding(seg, pos, loop, ElemDependentMissing, 11, 4, "CLM11-4 must give the state where the auto accident happened because CLM11 says AA (auto accident)"))
	}
}

// claimRules runs when loop 2300 closes, after its service lines.
func (s *txState) claimRules(v *Validator, f *frame, seg *Segment, pos int) {
	if !s.p837 && !s.i837 || f.loop.ID != "2300" || s.sit.clmPos == 0 {
		return
	}
	c := &s.sit
	if (c.freq == '7' || c.freq == '8') && !c.haveF8 {
		what := "replaced"
		if c.freq == '8' {
			what = "voided"
		}
		fd := s.segFinding(seg, pos, "2300", SegDependentMissing, fmt.Sprintf("REF*F8 (payer claim control number) is required in loop 2300 because CLM05-3 is %c: it names the payer's claim being %s", c.freq, what))
		fd.SegmentID = "REF"
		fd.Trigger = Trigger{SegmentID: "CLM", Position: c.clmPos, Loop: "2300", Element: 5, Component: 3}
		v.add(fd)
	}
	if c.accident > 0 && !c.have439 {
		fd := s.segFinding(seg, pos, "2300", SegDependentMissing, "DTP*439 (accident date) is required in loop 2300 because CLM11 says the claim is related to an accident (AA or OA)")
		fd.SegmentID = "DTP"
		fd.Trigger = Trigger{SegmentID: "CLM", Position: c.clmPos, Loop: "2300", Element: 11, Component: c.accident}
		v.add(fd)
	}
	if c.inpatient && !c.have435 {
		fd := s.segFinding(seg, pos, "2300", SegDependentMissing, fmt.Sprintf("DTP*435 (admission date and hour) is required in loop 2300 because CLM05-1 %s is an inpatient bill", c.facility[:]))
		fd.SegmentID = "DTP"
		fd.Trigger = Trigger{SegmentID: "CLM", Position: c.clmPos, Loop: "2300", Element: 5, Component: 1}
		v.add(fd)
	}
	if c.balance && c.charge != c.lines {
		charge := string(c.chargeText[:c.chargeLen])
		lineAmt := "SV102"
		if s.i837 {
			lineAmt = "SV203"
		}
		fd := s.segFinding(seg, pos, "2300", SegElementErrors, fmt.Sprintf("CLM02 total claim charge %s must equal the sum of the service line charges (%s), %s", charge, lineAmt, centsText(c.lines)))
		fd.Level, fd.Code, fd.Element, fd.Value = LevelElement, ElemPattern, 2, charge
		fd.Segment, fd.Position, fd.SegmentID = c.clmOrd, c.clmPos, "CLM"
		v.add(fd)
	}
	c.clmPos = 0
}

// diagnosisRules counts the diagnoses of the claim's first HI (ABK or BK
// principal, then ABF or BF) for the SV107 pointers and rejects codes
// sent with a decimal point.
func (s *txState) diagnosisRules(v *Validator, seg *Segment, loop string, pos int) {
	switch string(seg.Component(1, 1)) {
	case "ABK", "BK":
	default:
		return
	}
	c := &s.sit
	c.hiPos = pos
	c.diagnoses = 0
	for el := 1; el <= seg.Len(); el++ {
		e := seg.Element(el)
		if len(e) == 0 {
			continue
		}
		c.diagnoses = el
		// The qualifier (HI0n-1) is a code without dots, so a dot in the
		// element is one in the diagnosis code.
		if bytes.IndexByte(e, '.') >= 0 {
			v.add(s.elemFinding(seg, pos, loop, ElemPattern, el, 2, fmt.Sprintf("HI%02d-2 diagnosis code must be sent without its decimal point (the guide implies it)", el)))
		}
	}
}

// lineRules checks a service line's diagnosis pointers (SV107) against
// the claim's HI and adds its charge (SV102) to the claim's sum.
func (s *txState) lineRules(v *Validator, seg *Segment, loop string, pos int) {
	c := &s.sit
	if c.clmPos == 0 {
		return
	}
	if amt, ok := cents(seg.Element(2)); ok && c.balance {
		c.lines += amt
	} else {
		c.balance = false
	}
	if c.diagnoses == 0 {
		return
	}
	// One pass over SV107's components: pointers are one or two digits.
	ptrs, sep := seg.Element(7), seg.delims.Component
	for comp := 1; len(ptrs) > 0 && comp <= 4; comp++ {
		p := ptrs
		if i := bytes.IndexByte(ptrs, sep); i >= 0 {
			p, ptrs = ptrs[:i], ptrs[i+1:]
		} else {
			ptrs = nil
		}
		if len(p) == 0 || len(p) > 2 || !allDigits(p) {
			continue // empty, or a type error the element check reports
		}
		n := int(p[0] - '0')
		if len(p) == 2 {
			n = n*10 + int(p[1]-'0')
		}
		if n < 1 || n > c.diagnoses {
			fd := s.elemFinding(seg, pos, loop, ElemPattern, 7, comp, fmt.Sprintf("SV107-%d diagnosis pointer %s points at no diagnosis: the claim's HI has %d (pointers run 1 to %d)", comp, p, c.diagnoses, c.diagnoses))
			fd.Trigger = Trigger{SegmentID: "HI", Position: c.hiPos, Loop: "2300"}
			v.add(fd)
		}
	}
}

// institutionalLine adds an 837I service line's charge (SV203) to the
// claim's sum.
func (s *txState) institutionalLine(seg *Segment) {
	c := &s.sit
	if c.clmPos == 0 {
		return
	}
	if amt, ok := cents(seg.Element(3)); ok && c.balance {
		c.lines += amt
	} else {
		c.balance = false
	}
}

// inpatientBill reports whether an 837I CLM05-1 facility type code (the
// type of bill's first two digits) is an inpatient bill: hospital
// inpatient (11), swing bed (18), skilled nursing inpatient (21) and
// religious nonmedical inpatient (41). The 837I requires the admission
// date (2300 DTP*435) on inpatient claims.
func inpatientBill(v []byte) bool {
	switch string(v) {
	case "11", "18", "21", "41":
		return true
	}
	return false
}

// attachmentRules checks PWK05 and PWK06: an attachment sent apart from
// the claim needs the control number that matches the two.
func (s *txState) attachmentRules(v *Validator, seg *Segment, loop string, pos int) {
	switch string(seg.Element(2)) {
	case "BM", "EL", "EM", "FT", "FX":
	default:
		return
	}
	if len(seg.Element(5)) > 0 || len(seg.Element(6)) > 0 {
		return // one of the pair: the P0506 syntax rule reports the other
	}
	for _, el := range [2]int{5, 6} {
		v.add(s.elemFinding(seg, pos, loop, ElemDependentMissing, el, 0, fmt.Sprintf("PWK%02d is required because PWK02 %s says the attachment is sent separately: PWK05 AC and PWK06 the attachment control number", el, seg.Element(2))))
	}
}

// zipPlus4 checks that a billing provider or service facility address in
// the US has the nine-digit ZIP code.
func (s *txState) zipPlus4(v *Validator, seg *Segment, loop string, pos int) {
	if c := seg.Element(4); len(c) > 0 && string(c) != "US" {
		return
	}
	zip := seg.Element(3)
	if len(zip) == 0 || len(zip) == 9 && allDigits(zip) {
		return
	}
	what := "billing provider"
	if loop != "2010AA" {
		what = "service facility"
	}
	v.add(s.elemFinding(seg, pos, loop, ElemPattern, 3, 0, fmt.Sprintf("N403 must be the full nine-digit ZIP code (ZIP+4, digits only) for a %s address in the US", what)))
}

// streetAddress rejects a post office box or lock box as the billing
// provider's address.
func (s *txState) streetAddress(v *Validator, seg *Segment, loop string, pos int) {
	for el := 1; el <= 2; el++ {
		if isBox(seg.Element(el)) {
			v.add(s.elemFinding(seg, pos, loop, ElemPattern, el, 0, fmt.Sprintf("N3%02d: the billing provider address must be a street address; send a post office box or lock box as the pay-to address (loop 2010AB)", el)))
		}
	}
}

// IsBoxAddress reports whether an address line is a post office box, lock
// box or private mailbox rather than a street address, as the 837P's
// billing provider address (2010AA N301) may not be. The claim scrubber
// asks the same question before the file is written.
func IsBoxAddress(line string) bool { return isBox([]byte(line)) }

// isBox reports whether an address line starts with a post office box,
// lock box or private mailbox ("PO BOX 12", "P.O. Box 12", "Post Office
// Box", "Lockbox", "PMB 300", "Box 44"), ignoring case, spaces and
// punctuation.
func isBox(b []byte) bool {
	var buf [13]byte
	n := 0
	for _, c := range b {
		if n == len(buf) {
			break
		}
		switch {
		case c >= 'a' && c <= 'z':
			buf[n] = c - 'a' + 'A'
			n++
		case c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			buf[n] = c
			n++
		}
	}
	t := buf[:n]
	return bytes.HasPrefix(t, []byte("POBOX")) || bytes.HasPrefix(t, []byte("POSTOFFICEBOX")) || bytes.HasPrefix(t, []byte("LOCKBOX")) ||
		bytes.HasPrefix(t, []byte("PMB")) || bytes.HasPrefix(t, []byte("BOX")) && len(t) > 3 && t[3] >= '0' && t[3] <= '9'
}

// cents reads an X12 amount (R type: optional minus, digits, at most two
// decimals) as whole cents; ok is false for anything else, which leaves
// the balance unchecked rather than guessed.
func cents(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	whole, frac, dot := bytes.Cut(b, []byte("."))
	if len(whole) == 0 && len(frac) == 0 || len(whole) > 15 || len(frac) > 2 || dot && len(frac) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range whole {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	for i := 0; i < 2; i++ {
		n *= 10
		if i < len(frac) {
			if frac[i] < '0' || frac[i] > '9' {
				return 0, false
			}
			n += int64(frac[i] - '0')
		}
	}
	if neg {
		n = -n
	}
	return n, true
}

// centsText writes cents as an X12 amount for messages.
func centsText(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	if n%100 == 0 {
		return fmt.Sprintf("%s%d", sign, n/100)
	}
	return fmt.Sprintf("%s%d.%02d", sign, n/100, n%100)
}
