// Package hl7 reads and writes HL7 version 2 messages, the pipe-delimited
// messages EHRs send practice-management systems over MLLP, and maps the
// ADT^A04/A08 and DFT^P03 messages onto OpenRCM's patients, coverages,
// guarantors and encounters (map.go).
//
// A message declares its own delimiters in MSH-1 (field separator) and
// MSH-2 (component, repetition, escape and subcomponent characters); the
// reader honours them, unescapes \F\ \S\ \T\ \R\ \E\ and \Xhh..\, and splits
// fields into repetitions, components and subcomponents. Field numbers
// follow the standard: MSH-1 is the field separator itself, so MSH-9 is the
// message type and MSH-10 the message control id.
package hl7

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits on what the reader accepts. A DFT with fifty FT1 lines is a few
// kilobytes; these leave ample room and keep a hostile or broken sender
// from making the reader hold megabytes.
const (
	MaxMessageBytes = 1 << 20
	MaxSegmentBytes = 64 << 10
	MaxSegments     = 2000
)

// ErrSyntax is wrapped by every ParseError.
var ErrSyntax = errors.New("hl7: syntax error")

// ParseError says where a message could not be read: the segment (1-based
// position and name) and, when known, the field.
type ParseError struct {
	Segment int    // 1-based position of the segment in the message; 0 for the message as a whole
	Name    string // segment name, when known
	Field   int    // HL7 field number, 0 when the segment as a whole is at fault
	Reason  string
}

func (e *ParseError) Error() string {
	switch {
	case e.Segment == 0:
		return "hl7: " + e.Reason
	case e.Field > 0:
		return fmt.Sprintf("hl7: segment %d (%s-%d): %s", e.Segment, e.Name, e.Field, e.Reason)
	case e.Name != "":
		return fmt.Sprintf("hl7: segment %d (%s): %s", e.Segment, e.Name, e.Reason)
	}
	return fmt.Sprintf("hl7: segment %d: %s", e.Segment, e.Reason)
}

func (e *ParseError) Unwrap() error { return ErrSyntax }

// Location is the ERR-2 style name of the place at fault, such as "PID-7".
func (e *ParseError) Location() string {
	if e.Name == "" {
		return "MSH"
	}
	if e.Field > 0 {
		return fmt.Sprintf("%s-%d", e.Name, e.Field)
	}
	return e.Name
}

// Delimiters are a message's separators, from MSH-1 and MSH-2.
type Delimiters struct {
	Field, Component, Repetition, Escape, Subcomponent byte
}

// DefaultDelimiters are the ones nearly every sender uses: |^~\&.
var DefaultDelimiters = Delimiters{'|', '^', '~', '\\', '&'}

// encodingChars is MSH-2 for d.
func (d Delimiters) encodingChars() string {
	return string([]byte{d.Component, d.Repetition, d.Escape, d.Subcomponent})
}

// Message is one parsed HL7 v2 message.
type Message struct {
	Delims   Delimiters
	Segments []*Segment
}

// Segment is one segment. Fields[0] is HL7 field 1; values are unescaped.
type Segment struct {
	Name   string
	Fields []Field
}

// Field is a field's repetitions.
type Field []Repetition

// Repetition is one occurrence of a field: its components.
type Repetition []Component

// Component is a component's subcomponents.
type Component []string

// Get returns the value at field (1-based), repetition (0-based),
// component and subcomponent (1-based), or "" when absent.
func (s *Segment) Get(field, rep, comp, sub int) string {
	if s == nil || field < 1 || field > len(s.Fields) {
		return ""
	}
	f := s.Fields[field-1]
	if rep < 0 || rep >= len(f) {
		return ""
	}
	r := f[rep]
	if comp < 1 || comp > len(r) {
		return ""
	}
	c := r[comp-1]
	if sub < 1 || sub > len(c) {
		return ""
	}
	return c[sub-1]
}

// Value returns the first repetition's component comp of field (its
// first subcomponent).
func (s *Segment) Value(field, comp int) string { return s.Get(field, 0, comp, 1) }

// Reps returns how many repetitions field has.
func (s *Segment) Reps(field int) int {
	if s == nil || field < 1 || field > len(s.Fields) {
		return 0
	}
	return len(s.Fields[field-1])
}

// Segment returns the first segment named name, or nil.
func (m *Message) Segment(name string) *Segment {
	for _, s := range m.Segments {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// ControlID is MSH-10, the sender's id for the message.
func (m *Message) ControlID() string { return m.Segment("MSH").Value(10, 1) }

// Type is MSH-9 as "ADT^A04" (message code and trigger event).
func (m *Message) Type() string {
	h := m.Segment("MSH")
	code, event := h.Value(9, 1), h.Value(9, 2)
	if event == "" {
		return code
	}
	return code + "^" + event
}

// Parse reads one message. Segments may end with CR, LF or CRLF; blank
// lines are skipped. The first segment must be MSH.
func Parse(data []byte) (*Message, error) {
	if len(data) > MaxMessageBytes {
		return nil, &ParseError{Reason: fmt.Sprintf("message is %d bytes; at most %d are accepted", len(data), MaxMessageBytes)}
	}
	if !utf8.Valid(data) {
		return nil, &ParseError{Reason: "message is not text (invalid UTF-8)"}
	}
	data = bytes.TrimLeft(data, "\r\n\t ")
	if !bytes.HasPrefix(data, []byte("MSH")) {
		return nil, &ParseError{Reason: "message does not start with an MSH segment"}
	}
	if len(data) < 8 {
		return nil, &ParseError{Segment: 1, Name: "MSH", Reason: "MSH is too short to declare its delimiters (MSH-1, MSH-2)"}
	}
	d := Delimiters{Field: data[3], Component: data[4], Repetition: data[5], Escape: data[6], Subcomponent: data[7]}
	if d.Subcomponent == d.Field {
		// MSH-2 may give only three characters (no subcomponent separator).
		d.Subcomponent = 0
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	m := &Message{Delims: d}
	// One copy of the text: every value is a substring of it (or, when
	// unescaped, a string of its own).
	text := string(data)
	n := 0
	for len(text) > 0 {
		i := strings.IndexAny(text, "\r\n")
		var line string
		if i < 0 {
			line, text = text, ""
		} else {
			line, text = text[:i], text[i+1:]
		}
		if len(strings.TrimSpace(line)) == 0 {
			continue
		}
		n++
		if len(line) > MaxSegmentBytes {
			return nil, &ParseError{Segment: n, Reason: fmt.Sprintf("segment is %d bytes; at most %d are accepted", len(line), MaxSegmentBytes)}
		}
		if n > MaxSegments {
			return nil, &ParseError{Segment: n, Reason: fmt.Sprintf("more than %d segments", MaxSegments)}
		}
		seg, err := parseSegment(line, n, d)
		if err != nil {
			return nil, err
		}
		if n > 1 && seg.Name == "MSH" {
			return nil, &ParseError{Segment: n, Name: "MSH", Reason: "a second MSH: one message at a time (use Split for files)"}
		}
		m.Segments = append(m.Segments, seg)
	}
	return m, nil
}

func (d Delimiters) check() error {
	cs := []byte{d.Field, d.Component, d.Repetition, d.Escape}
	if d.Subcomponent != 0 {
		cs = append(cs, d.Subcomponent)
	}
	for i, c := range cs {
		if c < 0x21 || c > 0x7e || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' {
			field := 2
			if i == 0 {
				field = 1
			}
			return &ParseError{Segment: 1, Name: "MSH", Field: field, Reason: fmt.Sprintf("%q cannot be a delimiter (MSH-1 and MSH-2 must be punctuation, such as |^~\\&)", c)}
		}
		for _, o := range cs[:i] {
			if o == c {
				return &ParseError{Segment: 1, Name: "MSH", Field: 2, Reason: fmt.Sprintf("delimiter %q is declared twice in MSH-1/MSH-2", c)}
			}
		}
	}
	return nil
}

func parseSegment(line string, n int, d Delimiters) (*Segment, error) {
	for i := 0; i < len(line); i++ {
		if c := line[i]; c < 0x20 && c != '\t' {
			return nil, &ParseError{Segment: n, Reason: fmt.Sprintf("control character 0x%02x in the segment (binary data?)", c)}
		}
	}
	name, rest, _ := strings.Cut(line, string(d.Field))
	if len(name) != 3 || !segmentName(name) {
		return nil, &ParseError{Segment: n, Reason: fmt.Sprintf("segment name %q is not three letters or digits followed by %q", truncate(name, 10), d.Field)}
	}
	seg := &Segment{Name: name}
	if name == "MSH" {
		// MSH-1 is the field separator and MSH-2 the encoding characters,
		// taken as they are.
		enc, after, _ := strings.Cut(rest, string(d.Field))
		if len(enc) > 5 {
			// Four encoding characters, and since v2.7 an optional
			// truncation character.
			return nil, &ParseError{Segment: n, Name: name, Field: 2, Reason: fmt.Sprintf("MSH-2 %q has more than five encoding characters", truncate(enc, 10))}
		}
		seg.Fields = append(seg.Fields, Field{{{string(d.Field)}}}, Field{{{enc}}})
		if after == "" && !strings.Contains(rest, string(d.Field)) {
			return seg, nil
		}
		rest = after
	}
	if rest == "" && !strings.Contains(line, string(d.Field)) {
		return seg, nil
	}
	a := newArena(rest, d)
	fields := make([]Field, len(seg.Fields), len(seg.Fields)+strings.Count(rest, string(d.Field))+1)
	copy(fields, seg.Fields)
	seg.Fields = fields
	for f := range split(rest, d.Field) {
		field, err := a.field(f, d)
		if err != nil {
			return nil, &ParseError{Segment: n, Name: name, Field: len(seg.Fields) + 1, Reason: err.Error()}
		}
		seg.Fields = append(seg.Fields, field)
	}
	return seg, nil
}

// arena holds a segment's repetitions, components and values in three
// slices sized from its delimiters, so that a segment costs a few
// allocations instead of several per field. Each field takes full slices
// of them (capacity capped), so appending to one never writes over the
// next.
type arena struct {
	reps  []Repetition
	comps []Component
	strs  []string
}

func newArena(s string, d Delimiters) *arena {
	nf := strings.Count(s, string(d.Field)) + 1
	nr := nf + strings.Count(s, string(d.Repetition))
	nc := nr + strings.Count(s, string(d.Component))
	ns := nc
	if d.Subcomponent != 0 {
		ns += strings.Count(s, string(d.Subcomponent))
	}
	return &arena{reps: make([]Repetition, 0, nr), comps: make([]Component, 0, nc), strs: make([]string, 0, ns)}
}

// split yields the parts of s between sep, as strings.Split would.
func split(s string, sep byte) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for {
			i := strings.IndexByte(s, sep)
			if i < 0 {
				yield(s)
				return
			}
			if !yield(s[:i]) {
				return
			}
			s = s[i+1:]
		}
	}
}

func (a *arena) field(f string, d Delimiters) (Field, error) {
	if f == "" {
		return nil, nil
	}
	r0 := len(a.reps)
	for r := range split(f, d.Repetition) {
		c0 := len(a.comps)
		for c := range split(r, d.Component) {
			s0 := len(a.strs)
			if d.Subcomponent == 0 {
				v, err := unescape(c, d)
				if err != nil {
					return nil, err
				}
				a.strs = append(a.strs, v)
			} else {
				for sc := range split(c, d.Subcomponent) {
					v, err := unescape(sc, d)
					if err != nil {
						return nil, err
					}
					a.strs = append(a.strs, v)
				}
			}
			a.comps = append(a.comps, Component(a.strs[s0:len(a.strs):len(a.strs)]))
		}
		a.reps = append(a.reps, Repetition(a.comps[c0:len(a.comps):len(a.comps)]))
	}
	return Field(a.reps[r0:len(a.reps):len(a.reps)]), nil
}

func segmentName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return s[0] >= 'A' && s[0] <= 'Z'
}

// unescape replaces the escape sequences of HL7 v2 (chapter 2.7): the
// delimiters, \Xhh..\ hexadecimal data, and drops formatting sequences
// (\H\ \N\ \.br\ ...) that have no meaning in a billing record.
func unescape(s string, d Delimiters) (string, error) {
	if strings.IndexByte(s, d.Escape) < 0 {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != d.Escape {
			b.WriteByte(c)
			continue
		}
		j := strings.IndexByte(s[i+1:], d.Escape)
		if j < 0 {
			return "", fmt.Errorf("escape sequence at %q is not closed by %q", truncate(s[i:], 12), d.Escape)
		}
		seq := s[i+1 : i+1+j]
		i += j + 1
		switch {
		case seq == "F":
			b.WriteByte(d.Field)
		case seq == "S":
			b.WriteByte(d.Component)
		case seq == "T":
			if d.Subcomponent != 0 {
				b.WriteByte(d.Subcomponent)
			}
		case seq == "R":
			b.WriteByte(d.Repetition)
		case seq == "E":
			b.WriteByte(d.Escape)
		case strings.HasPrefix(seq, "X"):
			hex := seq[1:]
			if len(hex)%2 != 0 {
				return "", fmt.Errorf("escape \\X%s\\ has an odd number of hex digits", truncate(hex, 8))
			}
			for k := 0; k < len(hex); k += 2 {
				hi, lo := unhex(hex[k]), unhex(hex[k+1])
				if hi < 0 || lo < 0 {
					return "", fmt.Errorf("escape \\X%s\\ is not hexadecimal", truncate(hex, 8))
				}
				v := byte(hi<<4 | lo)
				if v < 0x20 && v != '\t' && v != '\r' && v != '\n' || v == 0x7f {
					return "", fmt.Errorf("escape \\X%s\\ encodes a control character", truncate(hex, 8))
				}
				b.WriteByte(v)
			}
		default:
			// Formatting (\H\ \N\ \.br\ ...) and character-set escapes
			// carry no billing meaning; they are dropped.
		}
	}
	v := b.String()
	if !utf8.ValidString(v) {
		return "", errors.New("escaped data is not valid UTF-8")
	}
	return v, nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
