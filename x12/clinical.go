package x12

import (
	"fmt"
)

// The code sets a claim's diagnoses and procedures come from. Their
// releases are large and dated (ICD-10-CM each 1 October, HCPCS each
// quarter), so the package keeps none: the caller adapts a loaded
// catalogue as a CodeCatalog (rcm x12 validate --codes DB).
const (
	// ICD10CM: ICD-10-CM diagnoses, 837P and 837I 2300 HI with the
	// qualifiers ABK (principal), ABF (other), ABJ (admitting), APR
	// (patient's reason for visit) and ABN (external cause of injury).
	// BK, BF and the other ICD-9-CM qualifiers are not judged.
	ICD10CM CodeSource = 897
	// HCPCS: HCPCS Level II and CPT (Level I) procedure codes, 837P
	// SV1-01-2 and 837I SV2-02-2 with the qualifier HC. The catalogue
	// tells CPT from Level II by the code's shape.
	HCPCS CodeSource = 130
)

// CodeNotBillable: the code exists on the date but is a header (a
// category or subcategory with codes below it), which a claim may not
// carry.
const CodeNotBillable CodeVerdict = CodeInactive + 1

// CodeCatalog judges the diagnosis and procedure codes of claims.
// Implementations must be safe for concurrent use when one is shared by
// validators in goroutines.
type CodeCatalog interface {
	// CheckCode judges code of src (ICD10CM or HCPCS, as the file has it,
	// without the ICD-10-CM decimal point) on date (CCYYMMDD). It returns
	// CodeNotChecked when no release of the code's system is loaded for
	// the date, or the one loaded cannot tell (a sample set, or CPT when
	// the organization has no CPT release): what cannot be judged is not
	// refused. With CodeUnknown, CodeInactive and CodeNotBillable, why
	// says what is wrong in words for the finding ("a code below it is
	// needed: J45.20, J45.21, J45.22 and 9 more").
	CheckCode(src CodeSource, code, date string) (v CodeVerdict, why string)
}

// clinicalState is what the diagnosis and procedure code checks remember
// in an 837 transaction. A code is judged on the claim's date of service,
// which the file gives after the code (2400 DTP*472 follows SV1 and SV2;
// a 837P has no claim date before the lines'), so codes wait in pending
// until their loop closes: 2400 for SV1 and SV2, 2300 for HI.
type clinicalState struct {
	on bool // an 837 and Validator.Catalog is set
	// claimFrom and claimThru are the 2300 DTP*434 (or *472) dates;
	// inpatient is set by an 837I inpatient type of bill (CLM05-1 11, 18,
	// 21 or 41), whose diagnoses are judged on the discharge (through)
	// date, as CMS has inpatient claims coded.
	claimFrom, claimThru [8]byte
	claimDate, inpatient bool
	// lineDate is the 2400 DTP*472 of the open line; firstLine the
	// earliest line date of the claim (the 837P's HI is judged on it).
	lineDate     [8]byte
	haveLine     bool
	firstLine    [8]byte
	haveFirst    bool
	lines, codes []pendingCode
}

// pendingCode is a code waiting for its date, with where it was read.
type pendingCode struct {
	src      CodeSource
	code     string
	ordinal  int64
	pos      int
	seg      string
	loop     string
	el, comp int
}

// maxPendingCodes bounds the codes one claim keeps waiting for a date, so
// a hostile file cannot grow memory without bound; the codes beyond it
// are not judged.
const maxPendingCodes = 2048

// icd10Qualifier reports whether an HI composite qualifier (HIxx-1) says
// its code (HIxx-2) is an ICD-10-CM diagnosis.
func icd10Qualifier(q []byte) bool {
	switch string(q) {
	case "ABK", "ABF", "ABJ", "APR", "ABN":
		return true
	}
	return false
}

// clinical reads one segment of an 837 for the code checks.
func (s *txState) clinical(seg *Segment, def *SegmentDef, loop string, pos int) {
	c := &s.clin
	switch def.ID {
	case "CLM":
		if loop == "2300" {
			c.claimDate, c.haveFirst = false, false
			c.inpatient = s.schema.Version == "005010X223A2" && inpatientBill(seg.Component(5, 1))
			c.codes = c.codes[:0]
		}
	case "LX":
		if loop == "2400" {
			c.haveLine = false
			c.lines = c.lines[:0]
		}
	case "DTP":
		q, val := string(seg.Element(1)), seg.Element(3)
		switch {
		case loop == "2400" && q == "472":
			if len(val) >= 8 && validDate(val[:8]) {
				copy(c.lineDate[:], val[:8])
				c.haveLine = true
			}
		case loop == "2300" && (q == "434" || q == "472") && !c.claimDate:
			if len(val) >= 8 && validDate(val[:8]) {
				copy(c.claimFrom[:], val[:8])
				copy(c.claimThru[:], val[:8])
				if len(val) == 17 && val[8] == '-' && validDate(val[9:]) {
					copy(c.claimThru[:], val[9:])
				}
				c.claimDate = true
			}
		}
	case "HI":
		if loop != "2300" {
			return
		}
		for el := 1; el <= seg.Len() && el <= 12; el++ {
			if icd10Qualifier(seg.Component(el, 1)) {
				c.codes = pendCode(c.codes, seg, def.ID, pos, loop, ICD10CM, el, 2)
			}
		}
	case "SV1", "SV2":
		if loop != "2400" {
			return
		}
		el := 1
		if def.ID == "SV2" {
			el = 2
		}
		if string(seg.Component(el, 1)) == "HC" {
			c.lines = pendCode(c.lines, seg, def.ID, pos, loop, HCPCS, el, 2)
		}
	}
}

func pendCode(list []pendingCode, seg *Segment, id string, pos int, loop string, src CodeSource, el, comp int) []pendingCode {
	code := seg.Component(el, comp)
	if len(code) == 0 || len(list) >= maxPendingCodes {
		return list
	}
	return append(list, pendingCode{src: src, code: string(code), ordinal: seg.Ordinal, pos: pos,
		seg: id, loop: loop, el: el, comp: comp})
}

// clinicalLoopEnd judges the codes whose loop closes: a service line's
// procedure code on its DTP*472 (else the claim's date), the claim's
// diagnoses on the claim's statement or service date (the discharge date
// for an inpatient bill), else its earliest line date.
func (s *txState) clinicalLoopEnd(v *Validator, f *frame) {
	c := &s.clin
	switch f.loop.ID {
	case "2400":
		var date []byte
		switch {
		case c.haveLine:
			date = c.lineDate[:]
		case c.claimDate:
			date = c.claimFrom[:]
		}
		if c.haveLine && (!c.haveFirst || string(c.lineDate[:]) < string(c.firstLine[:])) {
			c.firstLine, c.haveFirst = c.lineDate, true
		}
		s.judgeCodes(v, c.lines, date)
		c.lines = c.lines[:0]
	case "2300":
		var date []byte
		switch {
		case c.claimDate && c.inpatient:
			date = c.claimThru[:]
		case c.claimDate:
			date = c.claimFrom[:]
		case c.haveFirst:
			date = c.firstLine[:]
		}
		s.judgeCodes(v, c.codes, date)
		c.codes = c.codes[:0]
	}
}

// judgeCodes asks the catalogue about each code on date; with no date
// nothing can be judged.
func (s *txState) judgeCodes(v *Validator, list []pendingCode, date []byte) {
	if len(date) == 0 {
		return
	}
	d := string(date)
	for _, p := range list {
		verdict, why := v.Catalog.CheckCode(p.src, p.code, d)
		var what string
		switch verdict {
		case CodeUnknown:
			what = "is not"
		case CodeInactive:
			what = "is not a valid"
		case CodeNotBillable:
			what = "is not a billable"
		default:
			continue
		}
		name := "ICD-10-CM code"
		if p.src == HCPCS {
			name = "HCPCS or CPT code"
		}
		if verdict == CodeUnknown {
			name = "a known " + name
		}
		msg := fmt.Sprintf("%s%02d-%d %s %s %s on %s-%s-%s", p.seg, p.el, p.comp, p.code, what, name, d[:4], d[4:6], d[6:])
		if why != "" {
			msg += ": " + why
		}
		fd := Finding{Level: LevelElement, Code: ElemInvalidCode, Segment: p.ordinal, Position: p.pos, SegmentID: p.seg, Loop: p.loop,
			Element: p.el, Component: p.comp, Value: clip([]byte(p.code)), Message: msg}
		if s.unitLen > 0 {
			fd.BusinessUnit = string(s.unit[:s.unitLen])
		}
		v.add(fd)
	}
}
