package x12

import (
	"strings"
)

// SegmentRun writes segments and keeps the first error, so a mapping from
// a document to its segments reads as a plain list of segments, checked
// once at the end.
type SegmentRun struct {
	W   *Writer
	Err error
}

// Put writes one segment unless an earlier one failed.
func (s *SegmentRun) Put(id string, elements ...string) {
	if s.Err == nil {
		s.Err = s.W.Segment(id, elements...)
	}
}

// Single is the envelope of a file holding one interchange with one
// functional group of one transaction set, the shape of every inquiry
// OpenRCM sends (270, 276).
type Single struct {
	Interchange InterchangeHeader
	Group       GroupHeader
	SetID       string // ST01: "270", "276" ...
}

// WriteSingle writes the envelope and, inside the transaction set, the
// segments body puts. The first error of body or of the envelope is
// returned; the interchange is flushed when all went well.
func (w *Writer) WriteSingle(e Single, body func(*SegmentRun)) error {
	if err := w.StartInterchange(e.Interchange); err != nil {
		return err
	}
	if err := w.StartGroup(e.Group); err != nil {
		return err
	}
	if _, err := w.StartTransaction(e.SetID, e.Group.Version); err != nil {
		return err
	}
	s := &SegmentRun{W: w}
	body(s)
	if s.Err != nil {
		return s.Err
	}
	if err := w.EndTransaction(); err != nil {
		return err
	}
	if err := w.EndGroup(); err != nil {
		return err
	}
	return w.EndInterchange()
}

// NameElement upper-cases a name as X12 senders write names (NM103 ...)
// and cuts it to the element's maximum length.
func NameElement(s string, max int) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) > max {
		s = strings.TrimSpace(s[:max])
	}
	return s
}

// PlainText reports whether s is printable ASCII without the default
// delimiters (* ~ : ^), so it can go into an element unchanged.
func PlainText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || strings.IndexByte("*~:^", c) >= 0 {
			return false
		}
	}
	return true
}
