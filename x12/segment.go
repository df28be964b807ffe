package x12

import "bytes"

// Segment is one X12 segment: an id and its elements. It aliases the
// buffer it was read from; Clone makes a copy that outlives the Reader.
type Segment struct {
	data []byte
	// seps holds -1, the offsets of every element separator, and
	// len(data): element i spans data[seps[i]+1 : seps[i+1]].
	seps   []int32
	delims *Delimiters
	// Ordinal is the 1-based position of the segment in its input.
	Ordinal int64
	// Offset is the byte offset of the segment in its input.
	Offset int64
}

func (s *Segment) set(data []byte, d *Delimiters, ord, off int64) {
	s.data, s.delims, s.Ordinal, s.Offset = data, d, ord, off
	seps := s.seps[:0]
	seps = append(seps, -1)
	sep := d.Element
	for i, c := range data {
		if c == sep {
			seps = append(seps, int32(i))
		}
	}
	s.seps = append(seps, int32(len(data)))
}

// NewSegment builds a segment from an id and element values, for writers
// and tests. Components and repetitions are given already joined with the
// delimiters in d.
func NewSegment(d Delimiters, id string, elements ...string) *Segment {
	var b []byte
	b = append(b, id...)
	for _, e := range elements {
		b = append(b, d.Element)
		b = append(b, e...)
	}
	s := &Segment{}
	s.set(b, &d, 0, 0)
	return s
}

// Clone returns a copy of s that does not alias the Reader's buffer.
func (s *Segment) Clone() *Segment {
	c := &Segment{Ordinal: s.Ordinal, Offset: s.Offset}
	d := *s.delims
	c.set(bytes.Clone(s.data), &d, s.Ordinal, s.Offset)
	return c
}

// Bytes returns the raw segment without its terminator.
func (s *Segment) Bytes() []byte { return s.data }

// Delimiters returns the delimiters the segment was read with.
func (s *Segment) Delimiters() Delimiters { return *s.delims }

// IDBytes returns the segment id without allocating.
func (s *Segment) IDBytes() []byte { return s.data[:s.seps[1]] }

// ID returns the segment id, e.g. "NM1".
func (s *Segment) ID() string { return string(s.IDBytes()) }

// Len returns the number of elements after the id, counting trailing
// empty ones as written.
func (s *Segment) Len() int { return len(s.seps) - 2 }

// Element returns element i (1-based, as in NM101), or nil when the
// segment has fewer elements. The slice aliases the segment.
func (s *Segment) Element(i int) []byte {
	if i < 1 || i+1 >= len(s.seps) {
		return nil
	}
	return s.data[s.seps[i]+1 : s.seps[i+1]]
}

// String returns element i as a string (allocates; use Element on hot
// paths).
func (s *Segment) String(i int) string { return string(s.Element(i)) }

// Component returns component j (1-based) of element i, e.g. (1, 2) for
// SV101-2 the procedure code. A simple element is its own component 1.
func (s *Segment) Component(i, j int) []byte {
	return Part(s.Element(i), s.delims.Component, j)
}

// Repetition returns repetition k (1-based) of element i.
func (s *Segment) Repetition(i, k int) []byte {
	if s.delims.Repetition == 0 {
		if k == 1 {
			return s.Element(i)
		}
		return nil
	}
	return Part(s.Element(i), s.delims.Repetition, k)
}

// Part returns the n-th (1-based) part of b split at sep, or nil when
// there are fewer parts. It never allocates.
func Part(b []byte, sep byte, n int) []byte {
	for k := 1; ; k++ {
		i := bytes.IndexByte(b, sep)
		if k == n {
			if i < 0 {
				return b
			}
			return b[:i]
		}
		if i < 0 {
			return nil
		}
		b = b[i+1:]
	}
}
