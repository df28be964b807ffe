package hl7

import "strings"

// Encode writes m with its delimiters, escaping values that contain them,
// segments ended by CR as the standard requires.
func (m *Message) Encode() []byte {
	var b strings.Builder
	d := m.Delims
	for _, s := range m.Segments {
		b.WriteString(s.Name)
		start := 0
		if s.Name == "MSH" {
			b.WriteByte(d.Field)
			enc := d.encodingChars()
			if d.Subcomponent == 0 {
				enc = enc[:3]
			}
			if v := s.Get(2, 0, 1, 1); v != "" {
				enc = v
			}
			b.WriteString(enc)
			start = 2
		}
		for _, f := range s.Fields[min(start, len(s.Fields)):] {
			b.WriteByte(d.Field)
			for ri, r := range f {
				if ri > 0 {
					b.WriteByte(d.Repetition)
				}
				for ci, c := range r {
					if ci > 0 {
						b.WriteByte(d.Component)
					}
					for si, sc := range c {
						if si > 0 {
							b.WriteByte(d.Subcomponent)
						}
						b.WriteString(Escape(sc, d))
					}
				}
			}
		}
		b.WriteByte('\r')
	}
	return []byte(b.String())
}

// Escape escapes the delimiters in v (HL7 v2 chapter 2.7) so that v reads
// back as one subcomponent; CR and LF become \X0D\ and \X0A\.
func Escape(v string, d Delimiters) string {
	if !strings.ContainsAny(v, string([]byte{d.Field, d.Component, d.Repetition, d.Escape, '\r', '\n'})) &&
		(d.Subcomponent == 0 || strings.IndexByte(v, d.Subcomponent) < 0) {
		return v
	}
	var b strings.Builder
	e := string(d.Escape)
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == d.Field:
			b.WriteString(e + "F" + e)
		case c == d.Component:
			b.WriteString(e + "S" + e)
		case c == d.Repetition:
			b.WriteString(e + "R" + e)
		case c == d.Escape:
			b.WriteString(e + "E" + e)
		case d.Subcomponent != 0 && c == d.Subcomponent:
			b.WriteString(e + "T" + e)
		case c == '\r':
			b.WriteString(e + "X0D" + e)
		case c == '\n':
			b.WriteString(e + "X0A" + e)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// NewSegment builds a segment from plain field values (one repetition,
// components split on the default component separator is NOT done: each
// value is one component); use Set for structure.
func NewSegment(name string, fields ...string) *Segment {
	s := &Segment{Name: name}
	for _, f := range fields {
		if f == "" {
			s.Fields = append(s.Fields, nil)
			continue
		}
		s.Fields = append(s.Fields, Field{{{f}}})
	}
	return s
}

// Set sets field (1-based), first repetition, to the given components.
func (s *Segment) Set(field int, comps ...string) {
	for len(s.Fields) < field {
		s.Fields = append(s.Fields, nil)
	}
	r := make(Repetition, len(comps))
	for i, c := range comps {
		r[i] = Component{c}
	}
	s.Fields[field-1] = Field{r}
}
