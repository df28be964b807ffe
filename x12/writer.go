package x12

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// ErrDelimiterInData means a value to be written contains one of the
// interchange's delimiters, which would corrupt the file.
var ErrDelimiterInData = errors.New("data contains a delimiter")

// ErrEnvelope means envelope calls were made out of order (for example a
// segment outside any transaction set).
var ErrEnvelope = errors.New("envelope calls out of order")

// Sequence hands out control numbers. Callers supply it so numbers stay
// unique per trading partner across runs (they are stored before a file
// leaves), which a writer alone cannot guarantee.
type Sequence interface {
	Next() (int64, error)
}

// Counter is an in-memory Sequence starting after N; tests and one-off
// tools use it.
type Counter struct{ N int64 }

// Next returns the next number.
func (c *Counter) Next() (int64, error) { c.N++; return c.N, nil }

// InterchangeHeader holds the ISA fields a sender chooses.
type InterchangeHeader struct {
	SenderQual, Sender     string // ISA05, ISA06
	ReceiverQual, Receiver string // ISA07, ISA08
	Time                   time.Time
	AckRequested           bool // ISA14
	Production             bool // ISA15 P, else T
}

// GroupHeader holds the GS fields a sender chooses.
type GroupHeader struct {
	FunctionalID     string // GS01, e.g. HC
	Sender, Receiver string // GS02, GS03
	Time             time.Time
	Version          string // GS08, e.g. 005010X222A1
}

// Writer writes X12 segments with chosen delimiters. It builds envelopes
// with control numbers from a Sequence and fills in SE01, GE01 and IEA01,
// so a caller writes only the content of each transaction set.
type Writer struct {
	w       *bufio.Writer
	d       Delimiters
	newline bool
	seq     Sequence
	buf     []byte

	isaCtl, gsCtl, stCtl string
	inISA, inGS, inST    bool
	groups, sets, segs   int
}

// NewWriter returns a Writer; newline adds a line break after every
// segment terminator, which many partners accept and people can read.
func NewWriter(w io.Writer, d Delimiters, newline bool, seq Sequence) *Writer {
	return &Writer{w: bufio.NewWriter(w), d: d, newline: newline, seq: seq}
}

// Delimiters returns the delimiters the Writer uses.
func (w *Writer) Delimiters() Delimiters { return w.d }

// Composite joins components with the component separator, for a
// composite element such as SV101 (HC:99213).
func (w *Writer) Composite(components ...string) string {
	var b []byte
	for i, c := range components {
		if i > 0 {
			b = append(b, w.d.Component)
		}
		b = append(b, c...)
	}
	return string(bytes.TrimRight(b, string(w.d.Component)))
}

func (w *Writer) checkData(s string, allowComponent bool) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == w.d.Element || c == w.d.Segment || (c == w.d.Repetition && w.d.Repetition != 0) || (!allowComponent && c == w.d.Component) {
			return fmt.Errorf("x12: write %q: %w %q", s, ErrDelimiterInData, c)
		}
	}
	return nil
}

// Segment writes one segment inside a transaction set. Trailing empty
// elements are dropped, as X12 requires. Elements may hold composites
// built with Composite.
func (w *Writer) Segment(id string, elements ...string) error {
	if !w.inST {
		return fmt.Errorf("x12: segment %s outside a transaction set: %w", id, ErrEnvelope)
	}
	w.segs++
	return w.raw(id, elements, true)
}

// raw writes a segment; allowComponent lets values hold the component
// separator (composites). The ISA is written unchecked since ISA11 and
// ISA16 are the delimiters themselves.
func (w *Writer) raw(id string, elements []string, allowComponent bool) error {
	n := len(elements)
	for n > 0 && elements[n-1] == "" {
		n--
	}
	b := append(w.buf[:0], id...)
	for _, e := range elements[:n] {
		if id != "ISA" {
			if err := w.checkData(e, allowComponent); err != nil {
				return err
			}
		}
		b = append(b, w.d.Element)
		b = append(b, e...)
	}
	b = append(b, w.d.Segment)
	if w.newline {
		b = append(b, '\n')
	}
	w.buf = b
	_, err := w.w.Write(b)
	return err
}

// WriteSegment copies a segment read elsewhere, rewriting its delimiters
// to this Writer's. It does no envelope bookkeeping, so a file read and
// written segment by segment comes out unchanged.
func (w *Writer) WriteSegment(s *Segment) error {
	sd := s.delims
	b := w.buf[:0]
	isISA := len(s.data) >= 3 && string(s.data[:3]) == "ISA"
	for i, c := range s.data {
		switch {
		case c == sd.Element:
			c = w.d.Element
		case isISA && i == len(s.data)-1:
			c = w.d.Component // ISA16 is the component separator itself
		case isISA && sd.Repetition != 0 && c == sd.Repetition && i >= 2 && s.data[i-1] == sd.Element && i+1 < len(s.data) && s.data[i+1] == sd.Element:
			c = w.d.Repetition
		case !isISA && c == sd.Component:
			c = w.d.Component
		case !isISA && sd.Repetition != 0 && c == sd.Repetition:
			c = w.d.Repetition
		case c == w.d.Segment || c == w.d.Element || !isISA && (c == w.d.Component || c == w.d.Repetition && w.d.Repetition != 0):
			return fmt.Errorf("x12: segment %d: %w %q", s.Ordinal, ErrDelimiterInData, c)
		}
		b = append(b, c)
	}
	b = append(b, w.d.Segment)
	if w.newline {
		b = append(b, '\n')
	}
	w.buf = b
	_, err := w.w.Write(b)
	return err
}

func (w *Writer) next(width int) (string, error) {
	if w.seq == nil {
		return "", fmt.Errorf("x12: no control number sequence: %w", ErrEnvelope)
	}
	n, err := w.seq.Next()
	if err != nil {
		return "", fmt.Errorf("x12: control number: %w", err)
	}
	s := strconv.FormatInt(n, 10)
	if n < 0 || len(s) > 9 {
		return "", fmt.Errorf("x12: control number %d out of range: %w", n, ErrEnvelope)
	}
	for len(s) < width {
		s = "0" + s
	}
	return s, nil
}

func pad(s string, n int) string {
	for len(s) < n {
		s += " "
	}
	return s[:n]
}

// StartInterchange writes an ISA header with the next control number.
func (w *Writer) StartInterchange(h InterchangeHeader) error {
	if w.inISA {
		return fmt.Errorf("x12: interchange already open: %w", ErrEnvelope)
	}
	ctl, err := w.next(9)
	if err != nil {
		return err
	}
	ack, usage := "0", "T"
	if h.AckRequested {
		ack = "1"
	}
	if h.Production {
		usage = "P"
	}
	rep := string(w.d.Repetition)
	if w.d.Repetition == 0 {
		rep = "^"
	}
	els := []string{"00", pad("", 10), "00", pad("", 10), pad(h.SenderQual, 2), pad(h.Sender, 15), pad(h.ReceiverQual, 2), pad(h.Receiver, 15),
		h.Time.Format("060102"), h.Time.Format("1504"), rep, "00501", ctl, ack, usage, string(w.d.Component)}
	w.isaCtl, w.inISA, w.groups = ctl, true, 0
	return w.raw("ISA", els, true)
}

// StartGroup writes a GS header with the next control number.
func (w *Writer) StartGroup(h GroupHeader) error {
	if !w.inISA || w.inGS {
		return fmt.Errorf("x12: group outside an interchange: %w", ErrEnvelope)
	}
	ctl, err := w.next(1)
	if err != nil {
		return err
	}
	w.gsCtl, w.inGS, w.sets = ctl, true, 0
	w.groups++
	return w.raw("GS", []string{h.FunctionalID, h.Sender, h.Receiver, h.Time.Format("20060102"), h.Time.Format("1504"), ctl, "X", h.Version}, false)
}

// StartTransaction writes an ST header with the next control number
// (at least 4 digits, as ST02 requires) and returns it.
func (w *Writer) StartTransaction(id, version string) (string, error) {
	if !w.inGS || w.inST {
		return "", fmt.Errorf("x12: transaction outside a group: %w", ErrEnvelope)
	}
	ctl, err := w.next(4)
	if err != nil {
		return "", err
	}
	w.stCtl, w.inST, w.segs = ctl, true, 1
	w.sets++
	return ctl, w.raw("ST", []string{id, ctl, version}, false)
}

// EndTransaction writes SE with the segment count.
func (w *Writer) EndTransaction() error {
	if !w.inST {
		return fmt.Errorf("x12: no open transaction: %w", ErrEnvelope)
	}
	w.inST = false
	return w.raw("SE", []string{strconv.Itoa(w.segs + 1), w.stCtl}, false)
}

// EndGroup writes GE with the number of transaction sets.
func (w *Writer) EndGroup() error {
	if !w.inGS || w.inST {
		return fmt.Errorf("x12: no open group: %w", ErrEnvelope)
	}
	w.inGS = false
	return w.raw("GE", []string{strconv.Itoa(w.sets), w.gsCtl}, false)
}

// TA1 writes an interchange acknowledgment segment in the open
// interchange, outside any group.
func (w *Writer) TA1(control, date, tm, status, note string) error {
	if !w.inISA || w.inGS {
		return fmt.Errorf("x12: TA1 outside an interchange: %w", ErrEnvelope)
	}
	return w.raw("TA1", []string{control, date, tm, status, note}, false)
}

// EndInterchange writes IEA with the number of groups and flushes.
func (w *Writer) EndInterchange() error {
	if !w.inISA || w.inGS {
		return fmt.Errorf("x12: no open interchange: %w", ErrEnvelope)
	}
	w.inISA = false
	if err := w.raw("IEA", []string{strconv.Itoa(w.groups), w.isaCtl}, false); err != nil {
		return err
	}
	return w.Flush()
}

// Flush writes buffered data to the underlying writer.
func (w *Writer) Flush() error { return w.w.Flush() }
