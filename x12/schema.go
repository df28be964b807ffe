package x12

import (
	"fmt"
	"strconv"
	"strings"
)

// Usage is the implementation guide's usage of a segment, loop or element.
type Usage byte

// Usages as printed in the guides.
const (
	Required    Usage = 'R'
	Situational Usage = 'S'
	NotUsed     Usage = 'N'
)

// String spells the usage as the guides do.
func (u Usage) String() string {
	switch u {
	case Required:
		return "required"
	case Situational:
		return "situational"
	case NotUsed:
		return "not used"
	}
	return "?"
}

// DataType is an X12 simple data element type.
type DataType byte

// The X12 data element types the 005010 health-care guides use. Numeric
// types N0..N9 are stored as TypeN with Decimals set.
const (
	TypeAN DataType = iota // string: printable characters
	TypeID                 // identifier: one of a code list
	TypeDT                 // date CCYYMMDD (or YYMMDD when 6 long)
	TypeTM                 // time HHMM[SS[d..]]
	TypeN                  // implied-decimal integer
	TypeR                  // decimal number
)

// String gives the X12 type name (AN, ID, DT, TM, N, R).
func (t DataType) String() string {
	return [...]string{"AN", "ID", "DT", "TM", "N", "R"}[t]
}

// Element defines one element position of a segment (or one component of
// a composite) as the guide uses it.
type Element struct {
	Type     DataType
	Decimals int // for TypeN: implied decimals (N2 = 2)
	Min, Max int // length bounds of the value (sign and decimal point excluded for numbers)
	Usage    Usage
	// Codes are the values the guide allows; nil means any value of the
	// right type and length (or an external code list the guide only
	// names, such as CARC or place of service).
	Codes []string
	// Components define a composite element; nil for simple elements.
	Components []Element
	// Repeat is the maximum number of repetitions (1 for most elements).
	Repeat int
	// table is an external code list kept as data (codelist.go), such
	// as place of service; nil when the guide names none here.
	table *codeTable
}

// hasCode reports whether v is one of e.Codes without allocating.
func (e *Element) hasCode(v []byte) bool {
	if len(v) == 0 {
		return false
	}
	for _, c := range e.Codes {
		// Comparing length and first byte first skips most calls to
		// the general comparison.
		if len(c) == len(v) && c[0] == v[0] && c == string(v) {
			return true
		}
	}
	return false
}

// SegmentDef is one segment position in a loop of a guide: for example
// "REF Billing Provider Tax Identification" in loop 2010AA.
type SegmentDef struct {
	ID       string
	Usage    Usage
	Max      int // maximum repeats at this position; 0 means unbounded (">1")
	Elements []Element
	// key is the id packed into an integer for fast matching.
	key uint32
	// rules are the X12 syntax notes of the segment (P0809, R0203...).
	rules []syntaxRule
	// lastReq is the highest element position that is required, so the
	// check of absent trailing elements can stop early.
	lastReq int
	// Qual is the 1-based element whose code list tells this position
	// apart from another with the same segment id (NM101, REF01, DTP01,
	// HL03); 0 when the id alone decides. For a composite, the first
	// component is used.
	Qual int
}

// matches reports whether seg fits this position by id and qualifier.
func (d *SegmentDef) matches(seg *Segment) bool {
	if d.Qual == 0 {
		return true
	}
	e := &d.Elements[d.Qual-1]
	v := seg.Element(d.Qual)
	if e.Components != nil {
		v = Part(v, seg.delims.Component, 1)
		e = &e.Components[0]
	}
	return e.hasCode(v)
}

// fit reports whether every coded simple element among the first three
// elements of seg holds a code of this position, which tells apart two
// positions sharing a qualifier (PWK01 CT in 837P loop 2400).
func (d *SegmentDef) fit(seg *Segment) bool {
	for i := 1; i <= 3 && i <= len(d.Elements); i++ {
		e := &d.Elements[i-1]
		if e.Codes == nil || e.Components != nil {
			continue
		}
		if v := seg.Element(i); len(v) > 0 && !e.hasCode(v) {
			return false
		}
	}
	return true
}

// Loop is a loop of a guide (or a transaction's whole body): an ordered
// list of segment positions and child loops. The first item of a loop is
// its trigger segment.
type Loop struct {
	ID    string // guide loop id, e.g. "2300"; "" for the transaction body
	Name  string
	Usage Usage
	Max   int // 0 means unbounded
	Items []Item
	// shared marks items whose id also appears at another position of
	// the loop, where the qualifier alone may not decide.
	shared []bool
	// keys holds the id key of each item (a loop's trigger for loops),
	// so matching scans integers.
	keys []uint32
	// req lists the indexes of required items, for the missing-item
	// check when the loop closes.
	req []int
}

// Item is one entry of a loop: exactly one of Segment and Loop is set.
type Item struct {
	Segment *SegmentDef
	Loop    *Loop
}

// trigger returns the first segment of a loop, which starts each repeat.
func (l *Loop) trigger() *SegmentDef { return l.Items[0].Segment }

// Schema is one implementation guide for one transaction set.
type Schema struct {
	TransactionSet string // ST01, e.g. "837"
	Version        string // ST03 and GS08, e.g. "005010X222A1"
	FunctionalID   string // GS01, e.g. "HC"
	Name           string
	// Body holds the segments between ST and SE, with ST and SE
	// themselves first and last.
	Body *Loop
	// HL marks guides whose loops follow the HL hierarchy.
	HL bool
}

var schemas = map[string]*Schema{}

// Lookup returns the schema for a transaction set id and implementation
// convention reference (ST01 and ST03 or GS08), or nil when the package
// has none.
func Lookup(txSet, version string) *Schema {
	return schemas[txSet+"/"+version]
}

// Schemas returns every schema the package knows, for documentation and
// tests.
func Schemas() []*Schema {
	out := make([]*Schema, 0, len(schemas))
	for _, s := range schemas {
		out = append(out, s)
	}
	return out
}

// register compiles a guide from its text form and adds it to the
// registry; it panics on a malformed guide since guides are package data.
func register(txSet, version, fid, name string, hl bool, text string) *Schema {
	s := &Schema{TransactionSet: txSet, Version: version, FunctionalID: fid, Name: name, HL: hl}
	s.Body = compileGuide(version, text)
	schemas[txSet+"/"+version] = s
	return s
}

// compileGuide turns the guide text into loops. Each line is either
//
//	L <id> <usage> <max> <name...>            a loop; nesting by indent
//	L <id> <usage> <max> @                    reuse the loop defined earlier with that id
//	<SEG> <usage> <max> [| <element> ...]      a segment position
//
// An element is U, U=CODE,CODE or a composite U{comp;comp;...}; elements
// and components left off at the end are "not used". Lengths and types
// come from the segment dictionary. A segment whose first element with
// codes is a qualifier gets Qual set (or an explicit ^N after the max).
func compileGuide(version, text string) *Loop {
	body := &Loop{Usage: Required, Max: 1}
	type frame struct {
		indent int
		loop   *Loop
	}
	stack := []frame{{-1, body}}
	defined := map[string]*Loop{}
	for ln, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		for len(stack) > 1 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		parent := stack[len(stack)-1].loop
		f := strings.Fields(line)
		bad := func(msg string) { panic(fmt.Sprintf("x12 guide %s line %d %q: %s", version, ln+1, line, msg)) }
		if f[0] == "L" {
			if len(f) < 5 {
				bad("short loop line")
			}
			l := &Loop{ID: f[1], Usage: Usage(f[2][0]), Max: parseMax(f[3])}
			if f[4] == "@" {
				prev := defined[f[1]]
				if prev == nil {
					bad("unknown loop reused")
				}
				l.Name, l.Items = prev.Name, prev.Items
			} else {
				l.Name = strings.Join(f[4:], " ")
				defined[l.ID] = l
			}
			parent.Items = append(parent.Items, Item{Loop: l})
			stack = append(stack, frame{indent, l})
			continue
		}
		if len(f) < 3 {
			bad("short segment line")
		}
		d := &SegmentDef{ID: f[0], Usage: Usage(f[1][0])}
		maxs, qual, _ := strings.Cut(f[2], "^")
		d.Max = parseMax(maxs)
		dict, ok := dictionary[d.ID]
		if !ok {
			bad("segment not in dictionary")
		}
		d.Elements = make([]Element, len(dict))
		for i := range dict {
			d.Elements[i] = dict[i].clone(NotUsed)
		}
		var els []string
		if len(f) > 3 {
			if f[3] != "|" {
				bad("expected |")
			}
			els = f[4:]
		}
		if len(els) > len(d.Elements) {
			bad("more elements than the dictionary has")
		}
		for i, tok := range els {
			if err := applyUsage(&d.Elements[i], tok); err != nil {
				bad(fmt.Sprintf("element %d: %v", i+1, err))
			}
		}
		if qual != "" {
			d.Qual, _ = strconv.Atoi(qual)
		} else {
			for i := range min(3, len(d.Elements)) {
				e := &d.Elements[i]
				if e.Components != nil && i == 0 {
					e = &e.Components[0]
				}
				if e.Codes != nil && e.Usage == Required {
					d.Qual = i + 1
					break
				}
			}
		}
		d.key = idKey([]byte(d.ID))
		d.rules = syntaxRules[d.ID]
		for i := range d.Elements {
			if d.Elements[i].Usage == Required {
				d.lastReq = i + 1
			}
		}
		parent.Items = append(parent.Items, Item{Segment: d})
	}
	indexRequired(body, map[*Loop]bool{})
	return body
}

// indexRequired fills Loop.req for l and its children.
func indexRequired(l *Loop, seen map[*Loop]bool) {
	if seen[l] {
		return
	}
	seen[l] = true
	l.req = l.req[:0]
	l.keys = l.keys[:0]
	for _, it := range l.Items {
		if it.Loop != nil {
			l.keys = append(l.keys, it.Loop.Items[0].Segment.key)
		} else {
			l.keys = append(l.keys, it.Segment.key)
		}
	}
	l.shared = make([]bool, len(l.keys))
	for i := range l.keys {
		for j := range l.keys {
			if i != j && l.keys[i] == l.keys[j] {
				l.shared[i] = true
			}
		}
	}
	for i, it := range l.Items {
		if it.Loop != nil {
			if it.Loop.Usage == Required {
				l.req = append(l.req, i)
			}
			indexRequired(it.Loop, seen)
		} else if it.Segment.Usage == Required {
			l.req = append(l.req, i)
		}
	}
}

// idKey packs a segment id of up to 3 bytes into an integer; longer or
// empty ids get a key no definition has.
func idKey(id []byte) uint32 {
	if len(id) < 2 || len(id) > 3 {
		return 0xFFFFFFFF
	}
	k := uint32(len(id))
	for _, c := range id {
		k = k<<8 | uint32(c)
	}
	return k
}

func parseMax(s string) int {
	if s == ">1" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		panic("x12 guide: bad max " + s)
	}
	return n
}

// clone copies a dictionary element with a default usage.
func (e Element) clone(u Usage) Element {
	c := e
	c.Usage = u
	if e.Components != nil {
		c.Components = make([]Element, len(e.Components))
		for i := range e.Components {
			c.Components[i] = e.Components[i].clone(NotUsed)
		}
	}
	return c
}

// applyUsage applies one guide element token (R, S=A,B, R{R=HC;R;S}) to
// a dictionary element.
func applyUsage(e *Element, tok string) error {
	u := tok[0]
	if u != 'R' && u != 'S' && u != 'N' {
		return fmt.Errorf("bad usage %q", tok)
	}
	e.Usage = Usage(u)
	rest := tok[1:]
	if strings.HasPrefix(rest, "{") {
		if e.Components == nil {
			return fmt.Errorf("composite usage on simple element")
		}
		parts := strings.Split(strings.TrimSuffix(rest[1:], "}"), ";")
		if len(parts) > len(e.Components) {
			return fmt.Errorf("too many components")
		}
		for i, p := range parts {
			if p == "" {
				continue
			}
			if err := applyUsage(&e.Components[i], p); err != nil {
				return err
			}
		}
		return nil
	}
	if e.Components != nil && rest == "" && e.Usage != NotUsed {
		// A composite used without detail: its first component is required.
		e.Components[0].Usage = Required
		for i := 1; i < len(e.Components); i++ {
			e.Components[i].Usage = Situational
		}
	}
	if strings.HasPrefix(rest, "=@") {
		e.table = codeTables[rest[2:]]
		if e.table == nil {
			return fmt.Errorf("unknown code table %q", rest[2:])
		}
		return nil
	}
	if strings.HasPrefix(rest, "=") {
		// Codes with spaces (999 CTX01-1) are written with underscores.
		e.Codes = strings.Split(strings.ReplaceAll(rest[1:], "_", " "), ",")
	}
	return nil
}

// parseDict builds the dictionary from "SEG type type ..." lines, where a
// type is AN1-60, ID2 (fixed length), N01-9, R1-18, DT8, TM4-8, a
// composite [..] and an optional repeat suffix *N.
func parseDict(text string) map[string][]Element {
	m := map[string][]Element{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		id, rest, _ := strings.Cut(line, " ")
		var els []Element
		var comp []Element
		inComp := false
		for _, tok := range strings.Fields(strings.ReplaceAll(strings.ReplaceAll(rest, "[", "[ "), "]", " ]")) {
			switch {
			case tok == "[":
				inComp, comp = true, nil
			case strings.HasPrefix(tok, "]"):
				inComp = false
				e := Element{Type: TypeAN, Components: comp, Repeat: 1}
				if _, n, ok := strings.Cut(tok, "*"); ok {
					e.Repeat, _ = strconv.Atoi(n)
				}
				els = append(els, e)
			default:
				e := parseType(id, tok)
				if inComp {
					comp = append(comp, e)
				} else {
					els = append(els, e)
				}
			}
		}
		m[id] = els
	}
	return m
}

func parseType(seg, tok string) Element {
	e := Element{Repeat: 1}
	tok, rep, ok := strings.Cut(tok, "*")
	if ok {
		e.Repeat, _ = strconv.Atoi(rep)
	}
	var lens string
	switch {
	case strings.HasPrefix(tok, "AN"):
		e.Type, lens = TypeAN, tok[2:]
	case strings.HasPrefix(tok, "ID"):
		e.Type, lens = TypeID, tok[2:]
	case strings.HasPrefix(tok, "DT"):
		e.Type, lens = TypeDT, tok[2:]
	case strings.HasPrefix(tok, "TM"):
		e.Type, lens = TypeTM, tok[2:]
	case strings.HasPrefix(tok, "R"):
		e.Type, lens = TypeR, tok[1:]
	case strings.HasPrefix(tok, "N"):
		e.Type, e.Decimals, lens = TypeN, int(tok[1]-'0'), tok[2:]
	default:
		panic("x12 dictionary " + seg + ": bad type " + tok)
	}
	lo, hi, ok := strings.Cut(lens, "-")
	e.Min, _ = strconv.Atoi(lo)
	e.Max = e.Min
	if ok {
		e.Max, _ = strconv.Atoi(hi)
	}
	if e.Min == 0 || e.Max < e.Min {
		panic("x12 dictionary " + seg + ": bad length " + tok)
	}
	return e
}
