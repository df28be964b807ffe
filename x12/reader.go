package x12

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Sentinel errors wrapped by ParseError, so callers can test the class of
// a failure with errors.Is without parsing messages.
var (
	// ErrNoISA means the input does not start with an ISA segment, so the
	// delimiters cannot be known.
	ErrNoISA = errors.New("input does not start with an ISA interchange header")
	// ErrBadISA means the ISA header is too short or its delimiters are
	// unusable (for example two delimiters are the same character).
	ErrBadISA = errors.New("malformed ISA interchange header")
	// ErrSegmentTooLong means no segment terminator was found within the
	// reader's maximum segment size.
	ErrSegmentTooLong = errors.New("segment exceeds the maximum segment size")
	// ErrTruncated means the input ended inside a segment (no terminator).
	ErrTruncated = errors.New("input ends inside a segment (missing segment terminator)")
)

// DefaultMaxSegmentSize bounds the memory a Reader uses for one segment.
// Real segments are under 1 KB; 1 MB leaves room for large NTE or K3
// texts while keeping a hostile file from exhausting memory.
const DefaultMaxSegmentSize = 1 << 20

// ParseError reports where reading failed: the byte offset, the ordinal of
// the segment in the file, and the segment id when known. It wraps one of
// the sentinel errors above.
type ParseError struct {
	Offset    int64  // byte offset of the segment start in the input
	Segment   int64  // 1-based ordinal of the segment in the input
	SegmentID string // segment id, when it could be read
	Element   int    // element position, 0 when the error is not about one element
	Err       error  // the sentinel
}

// Error says where reading stopped and why.
func (e *ParseError) Error() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "x12: segment %d (byte %d)", e.Segment, e.Offset)
	if e.SegmentID != "" {
		fmt.Fprintf(&b, " %s", e.SegmentID)
	}
	if e.Element > 0 {
		fmt.Fprintf(&b, " element %02d", e.Element)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns the sentinel so errors.Is works.
func (e *ParseError) Unwrap() error { return e.Err }

// Delimiters are the four separator characters of an interchange, which
// X12 lets every sender choose in its ISA header.
type Delimiters struct {
	Element    byte // ISA position 4, e.g. '*'
	Repetition byte // ISA11, e.g. '^'; 0 when the ISA11 value is not a delimiter (4010 style "U")
	Component  byte // ISA16, e.g. ':'
	Segment    byte // the character after ISA16, e.g. '~'
}

// DefaultDelimiters are the delimiters most trading partners use.
var DefaultDelimiters = Delimiters{Element: '*', Repetition: '^', Component: ':', Segment: '~'}

// isAlnum reports whether c is a letter or digit, which can never be a
// delimiter because data would collide with it.
func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// parseDelimiters reads the delimiters from the start of an ISA segment.
// It counts element separators rather than trusting fixed offsets so a
// header with a wrongly padded field still yields its delimiters (the
// validator reports the width error). It returns the length of the ISA
// segment including the terminator.
func parseDelimiters(b []byte) (Delimiters, int, error) {
	var d Delimiters
	if len(b) < 4 || b[0] != 'I' || b[1] != 'S' || b[2] != 'A' {
		return d, 0, ErrNoISA
	}
	d.Element = b[3]
	if isAlnum(d.Element) || d.Element == ' ' {
		return d, 0, fmt.Errorf("%w: element separator %q is a letter, digit or space", ErrBadISA, d.Element)
	}
	n := 0
	i := 3
	rep := -1
	for ; i < len(b) && n < 16; i++ {
		if b[i] == d.Element {
			n++
			if n == 11 {
				rep = i + 1
			}
		}
		if i > 200 {
			break
		}
	}
	// i is just past the 16th separator: ISA16 then the terminator.
	if n < 16 || i+1 >= len(b) {
		return d, 0, fmt.Errorf("%w: header ends before ISA16", ErrBadISA)
	}
	d.Component = b[i]
	d.Segment = b[i+1]
	if rep >= 0 && rep+1 < len(b) && b[rep+1] == d.Element && !isAlnum(b[rep]) && b[rep] != ' ' {
		d.Repetition = b[rep]
	}
	if bytes.IndexByte(b[:i], d.Segment) >= 0 {
		return d, 0, fmt.Errorf("%w: the segment terminator %q appears inside the ISA header", ErrBadISA, d.Segment)
	}
	if isAlnum(d.Component) || d.Component == ' ' || isAlnum(d.Segment) || d.Segment == ' ' {
		return d, 0, fmt.Errorf("%w: component separator %q or segment terminator %q is a letter, digit or space", ErrBadISA, d.Component, d.Segment)
	}
	if d.Component == d.Element || d.Segment == d.Element || d.Segment == d.Component ||
		d.Repetition != 0 && (d.Repetition == d.Element || d.Repetition == d.Component || d.Repetition == d.Segment) {
		return d, 0, fmt.Errorf("%w: delimiters are not distinct", ErrBadISA)
	}
	return d, i + 2, nil
}

// Reader reads segments from an X12 stream one at a time in bounded
// memory. The Segment returned by Next aliases the Reader's buffer and is
// valid only until the next call.
type Reader struct {
	// MaxSegmentSize is the longest segment accepted, in bytes. Zero means
	// DefaultMaxSegmentSize. Set it before the first call to Next.
	MaxSegmentSize int

	src    io.Reader
	buf    []byte
	r, w   int   // unread data is buf[r:w]
	base   int64 // input offset of buf[0]
	srcErr error
	err    error // sticky error returned by Next
	delims Delimiters
	known  bool
	count  int64
	seg    Segment
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{src: r}
}

// Delimiters returns the delimiters of the current interchange.
func (r *Reader) Delimiters() Delimiters { return r.delims }

// fill reads more input, compacting and growing the buffer as needed but
// never beyond the maximum segment size plus one read block.
func (r *Reader) fill() bool {
	if r.srcErr != nil {
		return false
	}
	if r.r > 0 {
		n := copy(r.buf, r.buf[r.r:r.w])
		r.base += int64(r.r)
		r.w = n
		r.r = 0
	}
	if r.buf == nil {
		r.buf = make([]byte, 64<<10)
	}
	if r.w == len(r.buf) {
		limit := r.max() + 64<<10
		if len(r.buf) >= limit {
			return false
		}
		nb := make([]byte, min(2*len(r.buf), limit))
		copy(nb, r.buf[:r.w])
		r.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := r.src.Read(r.buf[r.w:])
		r.w += n
		if err != nil {
			r.srcErr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	r.srcErr = io.ErrNoProgress
	return false
}

func (r *Reader) max() int {
	if r.MaxSegmentSize > 0 {
		return r.MaxSegmentSize
	}
	return DefaultMaxSegmentSize
}

func (r *Reader) fail(err error, id string) (*Segment, error) {
	r.err = &ParseError{Offset: r.base + int64(r.r), Segment: r.count + 1, SegmentID: id, Err: err}
	return nil, r.err
}

// Next returns the next segment, or io.EOF at the end of input. Any other
// error is a *ParseError and is returned again by every later call.
func (r *Reader) Next() (*Segment, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		for r.r < r.w {
			c := r.buf[r.r]
			// A segment id never starts with white space, so spaces and
			// line breaks between segments (and a byte order mark before
			// the first ISA) are skipped rather than read as data.
			if c == '\n' || c == '\r' || c == ' ' || c == '\t' || (!r.known && (c == 0xEF || c == 0xBB || c == 0xBF)) {
				r.r++
				continue
			}
			break
		}
		if r.r < r.w && r.w-r.r >= 4 {
			break
		}
		if !r.fill() {
			break
		}
	}
	if r.r >= r.w {
		if r.srcErr != nil && r.srcErr != io.EOF {
			return r.fail(r.srcErr, "")
		}
		r.err = io.EOF
		return nil, io.EOF
	}
	b := r.buf[r.r:r.w]
	if len(b) >= 4 && b[0] == 'I' && b[1] == 'S' && b[2] == 'A' && (!isAlnum(b[3]) || !r.known) {
		for r.w-r.r < 256 && r.fill() {
		}
		d, _, err := parseDelimiters(r.buf[r.r:r.w])
		if err != nil {
			return r.fail(err, "ISA")
		}
		r.delims, r.known = d, true
	} else if !r.known {
		return r.fail(ErrNoISA, "")
	}
	term := r.delims.Segment
	end := bytes.IndexByte(r.buf[r.r:r.w], term)
	for end < 0 {
		if r.w-r.r > r.max() {
			return r.fail(ErrSegmentTooLong, segID(r.buf[r.r:r.w], r.delims.Element))
		}
		if !r.fill() {
			if r.w-r.r > r.max() {
				return r.fail(ErrSegmentTooLong, segID(r.buf[r.r:r.w], r.delims.Element))
			}
			if r.srcErr != nil && r.srcErr != io.EOF {
				return r.fail(r.srcErr, "")
			}
			return r.fail(fmt.Errorf("%w: no segment terminator %q (the one the ISA declares) before the end of the input; the file is cut short or uses another terminator", ErrTruncated, term), segID(r.buf[r.r:r.w], r.delims.Element))
		}
		end = bytes.IndexByte(r.buf[r.r:r.w], term)
	}
	if end > r.max() {
		return r.fail(ErrSegmentTooLong, segID(r.buf[r.r:r.r+end], r.delims.Element))
	}
	data := r.buf[r.r : r.r+end]
	r.count++
	r.seg.set(data, &r.delims, r.count, r.base+int64(r.r))
	r.r += end + 1
	return &r.seg, nil
}

// segID returns the id of a raw segment for error messages (at most 3
// printable bytes, so garbage input cannot flood a message).
func segID(b []byte, sep byte) string {
	i := bytes.IndexByte(b, sep)
	if i < 0 || i > 3 {
		i = min(len(b), 3)
	}
	for _, c := range b[:i] {
		if !isAlnum(c) {
			return ""
		}
	}
	return string(b[:i])
}
