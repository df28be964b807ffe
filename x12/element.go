package x12

import (
	"bytes"
	"fmt"
)

// syntaxRule is an X12 segment syntax note such as P0809 (NM108 and
// NM109 are paired) or R0203 (REF02 or REF03 is required).
type syntaxRule struct {
	kind byte // P paired, R one required, C conditional, E exclusion
	els  []int
}

var syntaxRules = map[string][]syntaxRule{
	"NM1": {{'P', []int{8, 9}}, {'C', []int{11, 10}}},
	"PER": {{'P', []int{3, 4}}, {'P', []int{5, 6}}, {'P', []int{7, 8}}},
	"REF": {{'R', []int{2, 3}}},
	"DMG": {{'P', []int{1, 2}}},
	"DTM": {{'R', []int{2, 3, 5}}, {'C', []int{4, 3}}, {'P', []int{5, 6}}},
	"SV1": {{'P', []int{3, 4}}},
	"PWK": {{'P', []int{5, 6}}},
	"CAS": {{'C', []int{7, 5}}, {'C', []int{9, 8}}, {'C', []int{10, 8}}, {'C', []int{12, 11}}, {'C', []int{13, 11}}, {'C', []int{15, 14}}, {'C', []int{16, 14}}, {'C', []int{18, 17}}, {'C', []int{19, 17}}, {'P', []int{5, 6}}, {'P', []int{8, 9}}, {'P', []int{11, 12}}, {'P', []int{14, 15}}, {'P', []int{17, 18}}},
	"N1":  {{'R', []int{2, 3}}, {'P', []int{3, 4}}},
	"CUR": {{'C', []int{8, 7}}},
	"HI":  nil,
}

// elemState checks the elements of one segment against its guide
// position.
type elemState struct {
	bad bool
}

func (es *elemState) check(v *Validator, seg *Segment, def *SegmentDef, loop string, pos int, lvl Level) {
	d := seg.delims
	n := seg.Len()
	ne := len(def.Elements)
	report := func(el, comp, rep int, code string, val []byte, msg string) {
		es.bad = true
		f := Finding{Level: LevelElement, Code: code, Segment: seg.Ordinal, Position: pos, SegmentID: def.ID, Loop: loop,
			Element: el, Component: comp, Repetition: rep, Value: clip(val), Message: msg}
		if lvl == LevelGroup {
			f.Level, f.Position = LevelGroup, 0
			f.Code = GroupNotSupported
		}
		if u := &v.st; u.unitLen > 0 && len(u.stack) >= u.unitLvl && lvl != LevelGroup {
			f.BusinessUnit = string(u.unit[:u.unitLen])
		}
		v.add(f)
	}
	if n > ne {
		report(ne+1, 0, 0, ElemTooMany, seg.Element(ne+1), fmt.Sprintf("%s has %d elements; the standard defines only %d", def.ID, n, ne))
	}
	data, seps := seg.data, seg.seps
	elems := def.Elements
	for i := 1; i <= len(elems); i++ {
		e := &elems[i-1]
		if i > n {
			// Absent trailing elements: only required ones matter.
			if i > def.lastReq {
				break
			}
			if e.Usage == Required {
				report(i, 0, 0, ElemRequiredMissing, nil, fmt.Sprintf("%s%02d is required here and is missing", def.ID, i))
			}
			continue
		}
		val := data[seps[i]+1 : seps[i+1]]
		if len(val) == 0 {
			if e.Usage == Required {
				report(i, 0, 0, ElemRequiredMissing, nil, fmt.Sprintf("%s%02d is required here and is missing", def.ID, i))
			}
			continue
		}
		if e.Usage == NotUsed {
			report(i, 0, 0, ElemNotUsed, val, fmt.Sprintf("%s%02d is not used in this guide at this position and must be left empty", def.ID, i))
			continue
		}
		if e.Components == nil && e.Repeat == 1 {
			// The common case: one pass checks characters, separators,
			// length and code.
			if code, msg := checkSimple(e, val, d); code != "" {
				report(i, 0, 0, code, val, fmt.Sprintf("%s%02d %s", def.ID, i, msg))
			}
			continue
		}
		hasComp, reps := false, 1
		for _, c := range val {
			if c == d.Component {
				hasComp = true
			} else if c == d.Repetition && d.Repetition != 0 {
				reps++
			}
		}
		if reps > e.Repeat {
			report(i, 0, 0, ElemTooManyRepeats, val, fmt.Sprintf("%s%02d may repeat at most %d times, it repeats %d", def.ID, i, e.Repeat, reps))
			continue
		}
		rest := val
		for r := 1; r <= reps; r++ {
			rv := rest
			rn := 0
			if reps > 1 {
				rn = r
				if k := bytes.IndexByte(rest, d.Repetition); k >= 0 {
					rv, rest = rest[:k], rest[k+1:]
				}
			}
			if e.Components == nil {
				if hasComp && bytes.IndexByte(rv, d.Component) >= 0 {
					report(i, 0, rn, ElemTooManyComponents, rv, fmt.Sprintf("%s%02d is a simple element but contains the component separator %q", def.ID, i, d.Component))
					continue
				}
				if code, msg := checkValue(e, rv); code != "" {
					report(i, 0, rn, code, rv, fmt.Sprintf("%s%02d %s", def.ID, i, msg))
				}
				continue
			}
			crest := rv
			more := true
			for j := 1; j <= len(e.Components); j++ {
				c := &e.Components[j-1]
				var cv []byte
				if more {
					// Components are short: a plain loop beats IndexByte's
					// call overhead here.
					k := 0
					for k < len(crest) && crest[k] != d.Component {
						k++
					}
					if k < len(crest) {
						cv, crest = crest[:k], crest[k+1:]
					} else {
						cv, more = crest, false
					}
				}
				if len(cv) == 0 {
					if c.Usage == Required {
						report(i, j, rn, ElemRequiredMissing, nil, fmt.Sprintf("%s%02d-%d is required here and is missing", def.ID, i, j))
					}
					continue
				}
				if c.Usage == NotUsed {
					report(i, j, rn, ElemNotUsed, cv, fmt.Sprintf("%s%02d-%d is not used in this guide and must be left empty", def.ID, i, j))
					continue
				}
				if code, msg := checkValue(c, cv); code != "" {
					report(i, j, rn, code, cv, fmt.Sprintf("%s%02d-%d %s", def.ID, i, j, msg))
				}
			}
			if more {
				report(i, 0, rn, ElemTooManyComponents, rv, fmt.Sprintf("%s%02d has more than the %d components defined", def.ID, i, len(e.Components)))
			}
		}
	}
	for _, r := range def.rules {
		present := func(k int) bool { return len(seg.Element(r.els[k])) > 0 }
		switch r.kind {
		case 'P':
			any, all := false, true
			for k := range r.els {
				p := present(k)
				any = any || p
				all = all && p
			}
			if any && !all {
				for k := range r.els {
					if !present(k) {
						report(r.els[k], 0, 0, ElemConditionalMissing, nil, fmt.Sprintf("%s%02d is required when any of %s is present (they are paired)", def.ID, r.els[k], elList(def.ID, r.els)))
					}
				}
			}
		case 'R':
			any := false
			for k := range r.els {
				any = any || present(k)
			}
			if !any {
				report(r.els[0], 0, 0, ElemConditionalMissing, nil, fmt.Sprintf("at least one of %s is required", elList(def.ID, r.els)))
			}
		case 'C':
			if present(0) {
				for k := 1; k < len(r.els); k++ {
					if !present(k) {
						report(r.els[k], 0, 0, ElemConditionalMissing, nil, fmt.Sprintf("%s%02d is required when %s%02d is present", def.ID, r.els[k], def.ID, r.els[0]))
					}
				}
			}
		}
	}
	// Date formats chosen by a qualifier (DTP02 D8/RD8, DMG01 D8).
	switch def.ID {
	case "DTP":
		checkPeriod(seg.Element(2), seg.Element(3), func(msg string) { report(3, 0, 0, ElemInvalidDate, seg.Element(3), "DTP03 "+msg) })
	case "DMG":
		checkPeriod(seg.Element(1), seg.Element(2), func(msg string) { report(2, 0, 0, ElemInvalidDate, seg.Element(2), "DMG02 "+msg) })
	}
}

func elList(id string, els []int) string {
	var b bytes.Buffer
	for k, e := range els {
		if k > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s%02d", id, e)
	}
	return b.String()
}

// checkPeriod checks a date or date range against its format qualifier.
func checkPeriod(qual, val []byte, bad func(string)) {
	if len(val) == 0 {
		return
	}
	switch string(qual) {
	case "D8":
		if !validDate(val) {
			bad("must be a valid date CCYYMMDD because the format qualifier is D8")
		}
	case "DT":
		if len(val) != 12 || !validDate(val[:8]) || !validTime(val[8:]) {
			bad("must be a date and time CCYYMMDDHHMM because the format qualifier is DT")
		}
	case "TM":
		if len(val) != 4 || !validTime(val) {
			bad("must be a time HHMM because the format qualifier is TM")
		}
	case "RD8":
		if len(val) != 17 || val[8] != '-' || !validDate(val[:8]) || !validDate(val[9:]) {
			bad("must be a valid date range CCYYMMDD-CCYYMMDD because the format qualifier is RD8")
		} else if bytes.Compare(val[:8], val[9:]) > 0 {
			bad("date range ends before it begins")
		}
	}
}

// checkSimple checks a simple, non-repeating element, including that it
// holds no component or repetition separator.
func checkSimple(e *Element, v []byte, d *Delimiters) (string, string) {
	if e.Type == TypeAN || e.Type == TypeID {
		for _, c := range v {
			// One compare covers the common printable case; the rest is
			// the slow path.
			if c-0x20 > 0x7E-0x20 || c == d.Component || c == d.Repetition {
				if c < 0x20 || c > 0x7E {
					return ElemInvalidChar, fmt.Sprintf("contains the control or non-ASCII character 0x%02X, which X12 does not allow", c)
				}
				if c == d.Component {
					return ElemTooManyComponents, fmt.Sprintf("is a simple element but contains the component separator %q", c)
				}
				if d.Repetition != 0 {
					return ElemTooManyRepeats, fmt.Sprintf("does not repeat but contains the repetition separator %q", c)
				}
			}
		}
		if n := len(v); n < e.Min {
			return ElemTooShort, fmt.Sprintf("must be at least %d characters, %q has %d", e.Min, v, n)
		} else if n > e.Max {
			return ElemTooLong, fmt.Sprintf("must be at most %d characters, %q has %d", e.Max, clip(v), n)
		}
		if e.Codes != nil && !e.hasCode(v) {
			return ElemInvalidCode, fmt.Sprintf("%q is not a code the guide allows here (allowed: %s)", v, codeList(e.Codes))
		}
		if e.table != nil && !e.table.has(v) {
			return ElemInvalidCode, fmt.Sprintf("%q is not a valid %s", v, e.table.name)
		}
		return "", ""
	}
	for _, c := range v {
		if c == d.Component {
			return ElemTooManyComponents, fmt.Sprintf("is a simple element but contains the component separator %q", d.Component)
		}
	}
	return checkValue(e, v)
}

// checkValue checks one simple value against its type, length and codes.
// It returns the IK403 code and a message, or "" when the value is good.
func checkValue(e *Element, v []byte) (string, string) {
	n := len(v)
	switch e.Type {
	case TypeN, TypeR:
		digits, dots := 0, 0
		for k, c := range v {
			switch {
			case c >= '0' && c <= '9':
				digits++
			case c == '-' && k == 0:
			case c == '.' && e.Type == TypeR:
				dots++
			default:
				return ElemInvalidChar, fmt.Sprintf("must be a number, %q has an invalid character", v)
			}
		}
		if digits == 0 || dots > 1 {
			return ElemInvalidChar, fmt.Sprintf("must be a number, not %q", v)
		}
		n = digits
	case TypeDT:
		if n == e.Min || n == e.Max {
			d := v
			if n == 6 {
				d = append([]byte("20"), v...)
			}
			if !validDate(d) {
				return ElemInvalidDate, fmt.Sprintf("%q is not a valid date (CCYYMMDD)", v)
			}
		}
	case TypeTM:
		if !validTime(v) {
			return ElemInvalidTime, fmt.Sprintf("%q is not a valid time (HHMM, HHMMSS or HHMMSSDD)", v)
		}
	default:
		for _, c := range v {
			if c < 0x20 || c > 0x7E {
				return ElemInvalidChar, fmt.Sprintf("contains the control or non-ASCII character 0x%02X, which X12 does not allow", c)
			}
		}
	}
	if n < e.Min {
		return ElemTooShort, fmt.Sprintf("must be at least %d characters, %q has %d", e.Min, v, n)
	}
	if n > e.Max {
		return ElemTooLong, fmt.Sprintf("must be at most %d characters, %q has %d", e.Max, clip(v), n)
	}
	if e.Codes != nil && !e.hasCode(v) {
		return ElemInvalidCode, fmt.Sprintf("%q is not a code the guide allows here (allowed: %s)", v, codeList(e.Codes))
	}
	if e.table != nil && !e.table.has(v) {
		return ElemInvalidCode, fmt.Sprintf("%q is not a valid %s", v, e.table.name)
	}
	return "", ""
}

func codeList(c []string) string {
	if len(c) > 12 {
		return fmt.Sprintf("%s ... %d codes", bytes.Join(toBytes(c[:12]), []byte(", ")), len(c))
	}
	return string(bytes.Join(toBytes(c), []byte(", ")))
}

func toBytes(s []string) [][]byte {
	out := make([][]byte, len(s))
	for i := range s {
		out[i] = []byte(s[i])
	}
	return out
}
