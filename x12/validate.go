package x12

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Result is everything validation learned about one input: its
// envelopes, the outcome of every transaction set and the findings.
type Result struct {
	Interchanges []*InterchangeResult
	// Findings lists every finding in input order, up to
	// Validator.MaxFindings; Dropped counts the ones left out.
	Findings []Finding
	Dropped  int
	// Err is the fatal reading error that stopped validation (a
	// *ParseError), or nil when the whole input was read.
	Err error
}

// Valid reports whether the input was read to the end without findings.
func (r *Result) Valid() bool { return r.Err == nil && len(r.Findings) == 0 && r.Dropped == 0 }

// InterchangeResult describes one ISA/IEA envelope.
type InterchangeResult struct {
	SenderQual, Sender     string // ISA05, ISA06 (trimmed)
	ReceiverQual, Receiver string // ISA07, ISA08 (trimmed)
	Date, Time             string // ISA09, ISA10
	Control                string // ISA13
	Version                string // ISA12
	Usage                  string // ISA15
	Delimiters             Delimiters
	// Note is the TA105 code of the first interchange error, "" when the
	// envelope is sound.
	Note   string
	Groups []*GroupResult
	closed bool
}

// GroupResult describes one GS/GE functional group.
type GroupResult struct {
	FunctionalID     string // GS01
	Sender, Receiver string // GS02, GS03
	Control          string // GS06
	Version          string // GS08
	// Codes are the AK905.. codes of group-level errors.
	Codes        []string
	Transactions []*TxResult
	// Included is GE01, the count the sender declared (-1 when GE is
	// missing or unreadable).
	Included int
	closed   bool
}

// TxResult is the outcome of one transaction set.
type TxResult struct {
	ID      string // ST01
	Control string // ST02
	Version string // ST03 (or GS08 when ST03 is absent)
	// Codes are the IK502.. codes; empty when the transaction is
	// accepted.
	Codes []string
	// Findings holds the segment and element findings of this
	// transaction (up to Validator.MaxFindings), for the 999's IK3/IK4.
	Findings []Finding
	// Segments counts ST through SE.
	Segments int
}

// Accepted reports whether the transaction set has no errors.
func (t *TxResult) Accepted() bool { return len(t.Codes) == 0 && len(t.Findings) == 0 }

// Validator checks X12 input against envelopes and the guides. The zero
// value is ready to use; fields tune limits.
type Validator struct {
	// MaxSegmentSize is passed to the Reader (0: DefaultMaxSegmentSize).
	MaxSegmentSize int
	// MaxFindings caps the findings kept per input so a hostile file
	// cannot grow memory without bound (0: 10000).
	MaxFindings int
	// Situational also checks the guides' situational rules ("Required
	// when the patient is the subscriber..."), what clearinghouses call
	// SNIP type 4 edits: in the 837s SBR02 and the 2010BA address and
	// demographics by 2000B HL04, and in the 837P the rules listed in
	// rules.go (REF*F8 for replacement and void claims, the accident
	// state and date, SBR05 for Medicare secondary, attachment control
	// numbers, diagnosis pointers and codes, the claim charge balance,
	// ZIP+4 and no post office box for the billing provider), the 837I's
	// (the same where the guide has them, and the admission date on
	// inpatient bills) and the 835's balancing (balance.go). Receivers
	// differ in enforcing them (X12 RFI 1512), so it is off by default;
	// rcm x12 validate turns it on.
	Situational bool
	// CheckNPI also checks every NPI (NM109 when NM108 is XX) against the
	// NPI check digit (Luhn over "80840" and the number), as payers do.
	// The guides' own examples use made-up NPIs, so it is off by default.
	CheckNPI bool
	// Codes, when set, checks the codes of the external lists that
	// change often against the lists it holds, by the transaction's date
	// (BHT04; in the 835 DTM*405, else BPR16): CARC in CAS, RARC in LQ,
	// MOA and MIA, claim status category and status codes in the 277's
	// STC. Nil checks none of them; the lists kept in the package (place
	// of service, claim frequency, states, countries) are always checked.
	Codes Codes
	// Catalog, when set, judges the 837's ICD-10-CM diagnoses (2300 HI)
	// and HCPCS/CPT procedure codes (SV1-01-2, SV2-02-2 with HC) on the
	// claim's date of service: 2400 DTP*472, else the 2300 DTP*434 or
	// *472 (the through date of an 837I inpatient bill),
	// and for diagnoses without a claim date the earliest line date. A
	// code that is unknown, not in use or a header on that date is an
	// IK4 invalid code value (7). Nil judges none.
	Catalog CodeCatalog

	res   *Result
	isa   *InterchangeResult
	gs    *GroupResult
	tx    *TxResult
	txPos int
	// seen control numbers of the current group, for duplicate ST02.
	seenST map[string]bool
	st     txState
}

// Validate reads all of r and validates it.
func Validate(r io.Reader) *Result {
	var v Validator
	return v.Validate(r)
}

// Validate reads all of r and validates it. The Validator can be reused
// for the next input; its buffers are kept to avoid allocation.
func (v *Validator) Validate(r io.Reader) *Result {
	v.res = &Result{}
	v.isa, v.gs, v.tx = nil, nil, nil
	rd := NewReader(r)
	rd.MaxSegmentSize = v.MaxSegmentSize
	for {
		seg, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			v.res.Err = err
			v.fatal(err)
			break
		}
		v.segment(seg)
	}
	v.finish()
	res := v.res
	v.res = nil
	return res
}

func (v *Validator) maxFindings() int {
	if v.MaxFindings > 0 {
		return v.MaxFindings
	}
	return 10000
}

// add records a finding, stamping it with the current envelopes.
func (v *Validator) add(f Finding) {
	if v.isa != nil && f.Interchange == "" {
		f.Interchange = v.isa.Control
	}
	if v.gs != nil && f.Group == "" && f.Level >= LevelGroup {
		f.Group = v.gs.Control
	}
	if v.tx != nil && f.Level >= LevelTransaction {
		f.TransactionSet, f.Transaction = v.tx.ID, v.tx.Control
		if f.Level >= LevelSegment && len(v.tx.Findings) < v.maxFindings() {
			v.tx.Findings = append(v.tx.Findings, f)
		}
	}
	if len(v.res.Findings) >= v.maxFindings() {
		v.res.Dropped++
		return
	}
	v.res.Findings = append(v.res.Findings, f)
}

func (v *Validator) fatal(err error) {
	var pe *ParseError
	f := Finding{Level: LevelInterchange, Message: err.Error()}
	if errors.As(err, &pe) {
		f.Segment, f.SegmentID = pe.Segment, pe.SegmentID
		switch {
		case errors.Is(err, ErrNoISA):
			f.Code = TA1Structure
			f.Message = "the file must start with an ISA interchange header; without it the delimiters are unknown"
		case errors.Is(err, ErrBadISA):
			f.Code = TA1ElementSep
			f.Message = "the ISA header is malformed: " + pe.Err.Error()
		case errors.Is(err, ErrTruncated):
			f.Code = TA1EOF
			f.Message = pe.Err.Error()
		case errors.Is(err, ErrSegmentTooLong):
			f.Code = TA1Terminator
			f.Message = "no segment terminator within the maximum segment size: wrong terminator or a runaway segment"
		default:
			f.Code = TA1EOF
		}
	}
	if v.isa != nil && v.isa.Note == "" {
		v.isa.Note = f.Code
	}
	v.add(f)
}

// segment dispatches one segment to the envelope state machine.
func (v *Validator) segment(seg *Segment) {
	id := seg.IDBytes()
	switch string(id) {
	case "ISA":
		v.startISA(seg)
		return
	case "IEA":
		v.endISA(seg)
		return
	case "TA1":
		if v.isa == nil || v.isa.closed || v.gs != nil && !v.gs.closed {
			v.envelopeError(seg, "a TA1 segment belongs directly inside an interchange, outside any functional group")
			return
		}
		v.checkTA1(seg)
		return
	case "GS":
		v.startGS(seg)
		return
	case "GE":
		v.endGS(seg)
		return
	case "ST":
		v.startST(seg)
		return
	case "SE":
		v.endST(seg)
		return
	}
	if v.tx == nil {
		v.envelopeError(seg, "segment is outside a transaction set (no ST before it)")
		return
	}
	v.txPos++
	v.tx.Segments++
	v.st.segment(v, seg, v.txPos)
}

// checkTA1 checks an interchange acknowledgment segment: TA101 a
// 9-digit control number, TA102 YYMMDD, TA103 HHMM, TA104 A/E/R and
// TA105 a 3-digit note code.
func (v *Validator) checkTA1(seg *Segment) {
	bad := func(el int, msg string) {
		v.add(Finding{Level: LevelInterchange, Code: TA1Content, Segment: seg.Ordinal, SegmentID: "TA1", Element: el, Value: clip(seg.Element(el)), Message: msg})
	}
	if c := seg.Element(1); len(c) != 9 || !allDigits(c) {
		bad(1, "TA101 must be the 9-digit interchange control number being acknowledged")
	}
	if d := seg.Element(2); len(d) != 6 || !validDate(append([]byte("20"), d...)) {
		bad(2, "TA102 must be the interchange date YYMMDD")
	}
	if t := seg.Element(3); len(t) != 4 || !validTime(t) {
		bad(3, "TA103 must be the interchange time HHMM")
	}
	switch string(seg.Element(4)) {
	case "A", "E", "R":
	default:
		bad(4, "TA104 must be A (accepted), E (accepted with errors) or R (rejected)")
	}
	if n := seg.Element(5); len(n) != 3 || !allDigits(n) {
		bad(5, "TA105 must be a 3-digit interchange note code")
	}
	if seg.Len() > 5 {
		bad(6, "TA1 has only five elements")
	}
}

func (v *Validator) envelopeError(seg *Segment, msg string) {
	v.add(Finding{Level: LevelInterchange, Code: TA1Structure, Segment: seg.Ordinal, SegmentID: segID(seg.data, seg.delims.Element), Message: msg})
	if v.isa != nil && v.isa.Note == "" {
		v.isa.Note = TA1Structure
	}
}

func trim(b []byte) string { return string(bytes.TrimRight(b, " ")) }

// isaWidths are the fixed widths of ISA01..ISA16.
var isaWidths = [16]int{2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1}

func (v *Validator) startISA(seg *Segment) {
	if v.isa != nil && !v.isa.closed {
		v.closeISA(seg, false)
	}
	x := &InterchangeResult{
		SenderQual: string(seg.Element(5)), Sender: trim(seg.Element(6)),
		ReceiverQual: string(seg.Element(7)), Receiver: trim(seg.Element(8)),
		Date: string(seg.Element(9)), Time: string(seg.Element(10)),
		Version: string(seg.Element(12)), Control: string(seg.Element(13)),
		Usage: string(seg.Element(15)), Delimiters: *seg.delims,
	}
	v.isa, v.gs, v.tx = x, nil, nil
	v.res.Interchanges = append(v.res.Interchanges, x)
	bad := func(el int, code, msg string) {
		v.add(Finding{Level: LevelInterchange, Code: code, Segment: seg.Ordinal, SegmentID: "ISA", Element: el, Value: clip(seg.Element(el)), Message: msg})
		if x.Note == "" {
			x.Note = code
		}
	}
	if seg.Len() != 16 {
		bad(0, TA1Structure, fmt.Sprintf("the ISA header must have exactly 16 elements, it has %d", seg.Len()))
		return
	}
	codes := [16]string{TA1AuthQual, TA1Auth, TA1SecurityQual, TA1Security, TA1SenderQual, TA1Sender, TA1ReceiverQual, TA1Receiver, TA1Date, TA1Time, TA1Standard, TA1VersionID, TA1ControlNumber, TA1AckRequested, TA1TestIndicator, TA1ComponentSep}
	for i, w := range isaWidths {
		if n := len(seg.Element(i + 1)); n != w {
			bad(i+1, codes[i], fmt.Sprintf("ISA%02d must be exactly %d characters (pad with spaces), it has %d; the ISA header is fixed width", i+1, w, n))
		}
	}
	in := func(el int, code, msg string, allowed ...string) {
		val := string(seg.Element(el))
		for _, a := range allowed {
			if val == a {
				return
			}
		}
		bad(el, code, msg)
	}
	in(1, TA1AuthQual, "ISA01 authorization information qualifier must be 00 or 03", "00", "03")
	in(3, TA1SecurityQual, "ISA03 security information qualifier must be 00 or 01", "00", "01")
	idq := []string{"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"}
	in(5, TA1SenderQual, "ISA05 sender ID qualifier is not a valid code", idq...)
	in(7, TA1ReceiverQual, "ISA07 receiver ID qualifier is not a valid code", idq...)
	if d := seg.Element(9); len(d) == 6 && !validDate(append([]byte("20"), d...)) {
		bad(9, TA1Date, "ISA09 interchange date is not a valid YYMMDD date")
	}
	if t := seg.Element(10); len(t) == 4 && !validTime(t) {
		bad(10, TA1Time, "ISA10 interchange time is not a valid HHMM time")
	}
	if seg.delims.Repetition == 0 {
		bad(11, TA1Standard, fmt.Sprintf("ISA11 must be the repetition separator in version 00501 (a special character such as ^), not %q", seg.Element(11)))
	}
	in(12, TA1VersionID, "ISA12 interchange version must be 00501 for 5010 transactions", "00501")
	if !allDigits(seg.Element(13)) {
		bad(13, TA1ControlNumber, "ISA13 interchange control number must be 9 digits")
	}
	in(14, TA1AckRequested, "ISA14 acknowledgment requested must be 0 or 1", "0", "1")
	in(15, TA1TestIndicator, "ISA15 usage indicator must be P (production) or T (test)", "P", "T")
}

func (v *Validator) closeISA(seg *Segment, haveIEA bool) {
	x := v.isa
	if v.gs != nil && !v.gs.closed {
		v.closeGS(seg, false)
	}
	x.closed = true
	if !haveIEA {
		v.add(Finding{Level: LevelInterchange, Code: TA1EOF, SegmentID: "IEA", Message: fmt.Sprintf("interchange %s has no IEA trailer", x.Control)})
		if x.Note == "" {
			x.Note = TA1EOF
		}
	}
}

func (v *Validator) endISA(seg *Segment) {
	if v.isa == nil || v.isa.closed {
		v.envelopeError(seg, "IEA without an open ISA interchange")
		return
	}
	x := v.isa
	v.closeISA(seg, true)
	bad := func(el int, code, msg string) {
		v.add(Finding{Level: LevelInterchange, Code: code, Segment: seg.Ordinal, SegmentID: "IEA", Element: el, Value: clip(seg.Element(el)), Message: msg})
		if x.Note == "" {
			x.Note = code
		}
	}
	if n, ok := atoi(seg.Element(1)); !ok || n != len(x.Groups) {
		bad(1, TA1GroupCount, fmt.Sprintf("IEA01 says %s functional groups but the interchange has %d", seg.Element(1), len(x.Groups)))
	}
	if string(seg.Element(2)) != x.Control {
		bad(2, TA1ControlMismatch, fmt.Sprintf("IEA02 control number %s does not match ISA13 %s", seg.Element(2), x.Control))
	}
}

func (v *Validator) startGS(seg *Segment) {
	if v.isa == nil || v.isa.closed {
		v.envelopeError(seg, "GS functional group header outside an interchange")
		return
	}
	if v.gs != nil && !v.gs.closed {
		v.closeGS(seg, false)
	}
	g := &GroupResult{
		FunctionalID: string(seg.Element(1)), Sender: string(seg.Element(2)), Receiver: string(seg.Element(3)),
		Control: string(seg.Element(6)), Version: string(seg.Element(8)), Included: -1,
	}
	v.gs = g
	v.isa.Groups = append(v.isa.Groups, g)
	clear(v.seenST)
	if v.seenST == nil {
		v.seenST = map[string]bool{}
	}
	// GS elements are checked with the dictionary definitions.
	def := &gsDef
	var es elemState
	es.check(v, seg, def, "", 0, LevelGroup)
	if es.bad {
		g.Codes = appendCode(g.Codes, GroupNotSupported)
	}
	if !allDigits(seg.Element(6)) {
		g.Codes = appendCode(g.Codes, GroupBadControl)
	}
	if len(g.Version) < 6 || g.Version[:6] != "005010" {
		v.add(Finding{Level: LevelGroup, Code: GroupVersion, Segment: seg.Ordinal, SegmentID: "GS", Element: 8, Value: g.Version, Message: fmt.Sprintf("GS08 version %q is not a 005010 implementation guide", g.Version)})
		g.Codes = appendCode(g.Codes, GroupVersion)
	}
}

func appendCode(codes []string, c string) []string {
	for _, x := range codes {
		if x == c {
			return codes
		}
	}
	return append(codes, c)
}

func (v *Validator) closeGS(seg *Segment, haveGE bool) {
	g := v.gs
	if v.tx != nil {
		v.closeST(seg, false)
	}
	g.closed = true
	if !haveGE {
		v.add(Finding{Level: LevelGroup, Code: GroupTrailerMissing, Group: g.Control, SegmentID: "GE", Message: fmt.Sprintf("functional group %s has no GE trailer", g.Control)})
		g.Codes = appendCode(g.Codes, GroupTrailerMissing)
	}
}

func (v *Validator) endGS(seg *Segment) {
	if v.gs == nil || v.gs.closed {
		v.envelopeError(seg, "GE without an open GS functional group")
		return
	}
	g := v.gs
	v.closeGS(seg, true)
	if n, ok := atoi(seg.Element(1)); ok {
		g.Included = n
	}
	if n, ok := atoi(seg.Element(1)); !ok || n != len(g.Transactions) {
		v.add(Finding{Level: LevelGroup, Code: GroupCountMismatch, Segment: seg.Ordinal, SegmentID: "GE", Element: 1, Value: clip(seg.Element(1)),
			Message: fmt.Sprintf("GE01 says %s transaction sets but the group has %d", seg.Element(1), len(g.Transactions))})
		g.Codes = appendCode(g.Codes, GroupCountMismatch)
	}
	if string(seg.Element(2)) != g.Control {
		v.add(Finding{Level: LevelGroup, Code: GroupControlMismatch, Segment: seg.Ordinal, SegmentID: "GE", Element: 2, Value: clip(seg.Element(2)),
			Message: fmt.Sprintf("GE02 control number %s does not match GS06 %s", seg.Element(2), g.Control)})
		g.Codes = appendCode(g.Codes, GroupControlMismatch)
	}
}

func (v *Validator) startST(seg *Segment) {
	if v.gs == nil || v.gs.closed {
		v.envelopeError(seg, "ST transaction set header outside a functional group (no GS before it)")
		return
	}
	if v.tx != nil {
		v.closeST(seg, false)
	}
	t := &TxResult{ID: string(seg.Element(1)), Control: string(seg.Element(2)), Version: string(seg.Element(3)), Segments: 1}
	if t.Version == "" {
		t.Version = v.gs.Version
	}
	v.tx = t
	v.txPos = 1
	v.gs.Transactions = append(v.gs.Transactions, t)
	txf := func(code, msg string, el int) {
		v.add(Finding{Level: LevelTransaction, Code: code, Segment: seg.Ordinal, Position: 1, SegmentID: "ST", Element: el, Value: clip(seg.Element(el)), Message: msg})
		t.Codes = appendCode(t.Codes, code)
	}
	if c := seg.Element(2); len(c) < 4 || len(c) > 9 {
		txf(TxBadControl, "ST02 transaction set control number must be 4 to 9 characters", 2)
	} else if v.seenST[t.Control] {
		txf(TxDuplicateControl, fmt.Sprintf("ST02 control number %s is used twice in this functional group", t.Control), 2)
	} else {
		v.seenST[t.Control] = true
	}
	sc := Lookup(t.ID, t.Version)
	switch {
	case len(t.ID) != 3:
		txf(TxBadID, "ST01 transaction set identifier is missing or invalid", 1)
	case sc == nil:
		txf(TxNotSupported, fmt.Sprintf("transaction set %s with implementation guide %q is not supported", t.ID, t.Version), 3)
	case seg.Len() >= 3 && t.Version != v.gs.Version:
		txf(TxBadConvention, fmt.Sprintf("ST03 %s must match GS08 %s", t.Version, v.gs.Version), 3)
	}
	if sc != nil && v.gs.FunctionalID != sc.FunctionalID {
		v.add(Finding{Level: LevelGroup, Code: GroupNotSupported, Segment: seg.Ordinal, SegmentID: "GS", Element: 1, Value: v.gs.FunctionalID,
			Message: fmt.Sprintf("a %s transaction belongs in a functional group with GS01 %s, not %s", t.ID, sc.FunctionalID, v.gs.FunctionalID)})
		v.gs.Codes = appendCode(v.gs.Codes, GroupNotSupported)
	}
	v.st.start(v, sc, seg)
}

func (v *Validator) closeST(seg *Segment, haveSE bool) {
	v.st.finish(v, seg, v.txPos+1)
	t := v.tx
	if !haveSE {
		v.add(Finding{Level: LevelTransaction, Code: TxTrailerMissing, SegmentID: "SE", Segment: seg.Ordinal, Message: fmt.Sprintf("transaction set %s has no SE trailer", t.Control)})
		t.Codes = appendCode(t.Codes, TxTrailerMissing)
	}
	if len(t.Findings) > 0 {
		t.Codes = appendCode(t.Codes, TxSegmentErrors)
	}
	v.tx = nil
}

func (v *Validator) endST(seg *Segment) {
	if v.tx == nil {
		v.envelopeError(seg, "SE without an open ST transaction set")
		return
	}
	t := v.tx
	v.txPos++
	t.Segments++
	var es elemState
	es.check(v, seg, &seDef, "", v.txPos, LevelSegment)
	if n, ok := atoi(seg.Element(1)); ok && n != t.Segments {
		v.add(Finding{Level: LevelTransaction, Code: TxCountMismatch, Segment: seg.Ordinal, Position: v.txPos, SegmentID: "SE", Element: 1, Value: clip(seg.Element(1)),
			Message: fmt.Sprintf("SE01 says %d segments but the transaction set has %d (counting ST and SE)", n, t.Segments)})
		t.Codes = appendCode(t.Codes, TxCountMismatch)
	}
	if string(seg.Element(2)) != t.Control {
		v.add(Finding{Level: LevelTransaction, Code: TxControlMismatch, Segment: seg.Ordinal, Position: v.txPos, SegmentID: "SE", Element: 2, Value: clip(seg.Element(2)),
			Message: fmt.Sprintf("SE02 control number %s does not match ST02 %s", seg.Element(2), t.Control)})
		t.Codes = appendCode(t.Codes, TxControlMismatch)
	}
	v.closeST(seg, true)
}

func (v *Validator) finish() {
	if v.res.Err != nil {
		return
	}
	if len(v.res.Interchanges) == 0 {
		// An empty file, or one of blank lines, holds no interchange: it is
		// not X12, and nothing in it can be acknowledged or applied.
		v.add(Finding{Level: LevelInterchange, Code: TA1Structure,
			Message: "the file holds no ISA interchange: it is empty or only white space"})
		return
	}
	if v.isa != nil && !v.isa.closed {
		v.closeISA(&Segment{data: []byte("IEA"), seps: []int32{-1, 3}, delims: &DefaultDelimiters}, false)
	}
}

var (
	gsDef = SegmentDef{ID: "GS", Usage: Required, Max: 1, Elements: usageAll("GS", Required)}
	seDef = SegmentDef{ID: "SE", Usage: Required, Max: 1, Elements: usageAll("SE", Required)}
)

func usageAll(id string, u Usage) []Element {
	d := dictionary[id]
	out := make([]Element, len(d))
	for i := range d {
		out[i] = d[i].clone(u)
	}
	return out
}

func clip(b []byte) string {
	if len(b) > 99 {
		b = b[:99]
	}
	return string(b)
}

func allDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func atoi(b []byte) (int, bool) {
	if !allDigits(b) || len(b) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(string(b))
	return n, err == nil
}

// validNPI reports whether b is a 10-digit NPI whose last digit is the
// Luhn check digit computed with the card issuer prefix 80840 (the NPI
// standard's rule).
func validNPI(b []byte) bool {
	if len(b) != 10 || !allDigits(b) {
		return false
	}
	// The prefix 80840 contributes 24 to the Luhn sum.
	sum := 24
	for i := 0; i < 10; i++ {
		d := int(b[9-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func validDate(b []byte) bool {
	if len(b) != 8 || !allDigits(b) {
		return false
	}
	y := int(b[0]-'0')*1000 + int(b[1]-'0')*100 + int(b[2]-'0')*10 + int(b[3]-'0')
	m := int(b[4]-'0')*10 + int(b[5]-'0')
	d := int(b[6]-'0')*10 + int(b[7]-'0')
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

func validTime(b []byte) bool {
	if len(b) < 4 || len(b) > 8 || !allDigits(b) {
		return false
	}
	h := int(b[0]-'0')*10 + int(b[1]-'0')
	m := int(b[2]-'0')*10 + int(b[3]-'0')
	if h > 23 || m > 59 {
		return false
	}
	if len(b) >= 6 && int(b[4]-'0')*10+int(b[5]-'0') > 59 {
		return false
	}
	return len(b) != 5
}
