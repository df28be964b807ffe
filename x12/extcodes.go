package x12

import (
	"fmt"
	"strings"
)

// CodeSource is an external code list a guide names by its X12 code
// source number and that changes too often to keep in this package: the
// caller loads it (from the published files, with each code's dates) and
// hands it over as Validator.Codes.
type CodeSource int

// The code sources the validator checks when they are loaded.
const (
	// CARC: Claim Adjustment Reason Codes, 835 and 837 CAS02, 05, 08, 11,
	// 14 and 17.
	CARC CodeSource = 139
	// RARC: Remittance Advice Remark Codes, 835 LQ02 (LQ01 HE), MOA03-07,
	// MIA05 and MIA20-23.
	RARC CodeSource = 411
	// ClaimStatusCategory: 276/277 and 277CA STC01-1, STC10-1, STC11-1.
	ClaimStatusCategory CodeSource = 507
	// ClaimStatus: 277 and 277CA STC01-2, STC10-2, STC11-2.
	ClaimStatus CodeSource = 508
)

// String names the code source for findings.
func (c CodeSource) String() string {
	switch c {
	case CARC:
		return "claim adjustment reason code (CARC)"
	case RARC:
		return "remittance advice remark code (RARC)"
	case ClaimStatusCategory:
		return "claim status category code"
	case ClaimStatus:
		return "claim status code"
	}
	return fmt.Sprintf("code (code source %d)", int(c))
}

// CodeVerdict is what a code list says about one code on one date.
type CodeVerdict uint8

// Verdicts of Codes.Check.
const (
	// CodeNotChecked: no list for this source is loaded, or the list
	// cannot judge the code (it is newer than the list).
	CodeNotChecked CodeVerdict = iota
	// CodeValid: the code is in the list and in use on the date.
	CodeValid
	// CodeUnknown: the list has no such code.
	CodeUnknown
	// CodeInactive: the code exists but is not in use on the date (not
	// yet started, or stopped).
	CodeInactive
)

// Codes answers for external code lists. Dates are CCYYMMDD; an empty
// date asks whether the code exists at all. Implementations must be safe
// for concurrent use when one is shared by validators in goroutines.
type Codes interface {
	Check(src CodeSource, code string, date string) CodeVerdict
}

// CodeSet is a Codes held in memory: codes with the dates they are in use,
// per code source.
type CodeSet struct {
	lists map[CodeSource]map[string]codeSpan
	// judgeUpTo, when set for a source of numeric codes, is the highest
	// code the loaded list knows; a higher code is newer than the list
	// and is not judged (the claim status list at hand stops in 2011).
	judgeUpTo map[CodeSource]int
}

type codeSpan struct{ start, stop string } // CCYYMMDD or ""

// Add records a code with its start and stop dates (CCYYMMDD or
// YYYY-MM-DD; empty for open). A code added twice keeps the widest span.
func (c *CodeSet) Add(src CodeSource, code, start, stop string) {
	if c.lists == nil {
		c.lists = map[CodeSource]map[string]codeSpan{}
	}
	m := c.lists[src]
	if m == nil {
		m = map[string]codeSpan{}
		c.lists[src] = m
	}
	start, stop = strings.ReplaceAll(start, "-", ""), strings.ReplaceAll(stop, "-", "")
	if old, ok := m[code]; ok {
		if old.start < start {
			start = old.start
		}
		if old.stop == "" || stop != "" && old.stop > stop {
			stop = old.stop
		}
	}
	m[code] = codeSpan{start, stop}
}

// JudgeNumericUpTo says that the list of src knows numeric codes only up
// to its highest one, so higher numbers are newer than the list and not
// judged. Call it after the codes are added.
func (c *CodeSet) JudgeNumericUpTo(src CodeSource) {
	top := 0
	for code := range c.lists[src] {
		if n, ok := atoi([]byte(code)); ok && n > top {
			top = n
		}
	}
	if c.judgeUpTo == nil {
		c.judgeUpTo = map[CodeSource]int{}
	}
	c.judgeUpTo[src] = top
}

// Len returns how many codes src holds.
func (c *CodeSet) Len(src CodeSource) int { return len(c.lists[src]) }

// Check implements Codes. A code is in use from its start date, and until
// the day before its stop date.
func (c *CodeSet) Check(src CodeSource, code, date string) CodeVerdict {
	m := c.lists[src]
	if m == nil {
		return CodeNotChecked
	}
	sp, ok := m[code]
	if !ok {
		if top, lim := c.judgeUpTo[src]; lim {
			if n, num := atoi([]byte(code)); num && n > top {
				return CodeNotChecked
			}
		}
		return CodeUnknown
	}
	if date != "" && (sp.start != "" && date < sp.start || sp.stop != "" && date >= sp.stop) {
		return CodeInactive
	}
	return CodeValid
}

// extState is what the external code checks remember in a transaction:
// the date codes are judged on.
type extState struct {
	date    [8]byte
	dateLen int
}

// setDate records the transaction's date for the code lists.
func (e *extState) setDate(d []byte) {
	if len(d) == 8 && validDate(d) {
		e.dateLen = copy(e.date[:], d)
	}
}

// external checks the codes of one segment against v.Codes.
func (s *txState) external(v *Validator, seg *Segment, def *SegmentDef, loop string, pos int) {
	e := &s.ext
	switch def.ID {
	case "BHT":
		e.setDate(seg.Element(4))
	case "BPR":
		if e.dateLen == 0 {
			e.setDate(seg.Element(16))
		}
	case "DTM":
		if loop == "" && string(seg.Element(1)) == "405" {
			e.setDate(seg.Element(2))
		}
	case "CAS":
		for el := 2; el <= 17; el += 3 {
			s.checkCode(v, seg, loop, pos, CARC, el, 0)
		}
	case "LQ":
		if string(seg.Element(1)) == "HE" {
			s.checkCode(v, seg, loop, pos, RARC, 2, 0)
		}
	case "MOA":
		for el := 3; el <= 7; el++ {
			s.checkCode(v, seg, loop, pos, RARC, el, 0)
		}
	case "MIA":
		for _, el := range [5]int{5, 20, 21, 22, 23} {
			s.checkCode(v, seg, loop, pos, RARC, el, 0)
		}
	case "STC":
		if s.schema.TransactionSet != "277" {
			return
		}
		for _, el := range [3]int{1, 10, 11} {
			s.checkCode(v, seg, loop, pos, ClaimStatusCategory, el, 1)
			s.checkCode(v, seg, loop, pos, ClaimStatus, el, 2)
		}
	}
}

// checkCode checks one element (comp 0) or component against src.
func (s *txState) checkCode(v *Validator, seg *Segment, loop string, pos int, src CodeSource, el, comp int) {
	val := seg.Element(el)
	if comp > 0 {
		val = seg.Component(el, comp)
	}
	if len(val) == 0 {
		return
	}
	date := string(s.ext.date[:s.ext.dateLen])
	where := fmt.Sprintf("%s%02d", segID(seg.data, seg.delims.Element), el)
	if comp > 0 {
		where += fmt.Sprintf("-%d", comp)
	}
	switch v.Codes.Check(src, string(val), date) {
	case CodeUnknown:
		v.add(s.elemFinding(seg, pos, loop, ElemInvalidCode, el, comp, fmt.Sprintf("%s %q is not a %s", where, val, src)))
	case CodeInactive:
		v.add(s.elemFinding(seg, pos, loop, ElemInvalidCode, el, comp, fmt.Sprintf("%s %q is a %s not in use on %s, the date of this transaction", where, val, src, date)))
	}
}
