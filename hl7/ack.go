package hl7

import "time"

// Acknowledgment codes (MSA-1, original mode).
const (
	AA = "AA" // accepted and applied
	AE = "AE" // application error: the message was valid HL7 but could not be applied
	AR = "AR" // rejected: the message could not be read or is of a kind not handled
)

// Ack is what the receiver answers one message.
type Ack struct {
	Code string
	// Text is MSA-3, a short human-readable result.
	Text string
	// Location names the field at fault (ERR-2), such as "PID-7"; empty
	// when the message was accepted.
	Location string
	// Duplicate marks a resent message that changed nothing.
	Duplicate bool
	// ControlID is MSA-2 when the message could not be read far enough to
	// take it from its MSH.
	ControlID string
}

// HL7 error codes (table 0357) used in ERR-3.
const (
	errRequiredMissing = "101"
	errUnsupportedType = "200"
	errApplication     = "207"
	errSegmentSequence = "100"
)

// AckMessage builds the ACK for the message in (which may be nil or
// partly read when in could not be parsed): MSH with sender and receiver
// swapped, MSA-1 the code, MSA-2 the message's MSH-10, MSA-3 the text, and
// for AE/AR an ERR segment naming the location.
func AckMessage(in *Message, a Ack, now time.Time, controlID string) *Message {
	d := DefaultDelimiters
	var h *Segment
	if in != nil {
		d = in.Delims
		h = in.Segment("MSH")
	}
	msh := &Segment{Name: "MSH", Fields: []Field{{{{string(d.Field)}}}, {{{d.encodingChars()}}}}}
	msh.Set(3, orDefault(h.Value(5, 1), "OPENRCM"))
	msh.Set(4, h.Value(6, 1))
	msh.Set(5, h.Value(3, 1))
	msh.Set(6, h.Value(4, 1))
	msh.Set(7, now.UTC().Format("20060102150405"))
	msh.Set(9, "ACK", h.Value(9, 2), "ACK")
	msh.Set(10, controlID)
	msh.Set(11, orDefault(h.Value(11, 1), "P"))
	msh.Set(12, orDefault(h.Value(12, 1), "2.5.1"))
	msa := &Segment{Name: "MSA"}
	msa.Set(1, a.Code)
	msa.Set(2, orDefault(h.Value(10, 1), a.ControlID))
	msa.Set(3, a.Text)
	m := &Message{Delims: d, Segments: []*Segment{msh, msa}}
	if a.Code != AA {
		code, name := errApplication, "Application internal error"
		switch {
		case a.Code == AR && a.Location == "MSH-9":
			code, name = errUnsupportedType, "Unsupported message type"
		case a.Code == AR:
			code, name = errSegmentSequence, "Segment sequence error"
		case a.Location != "":
			code, name = errRequiredMissing, "Required field missing"
		}
		err := &Segment{Name: "ERR"}
		seg, field := splitLocation(a.Location)
		switch {
		case seg != "" && field != "":
			err.Set(2, seg, "1", field)
		case seg != "":
			err.Set(2, seg, "1")
		}
		err.Set(3, code, name, "HL70357")
		err.Set(4, "E")
		err.Set(8, a.Text)
		m.Segments = append(m.Segments, err)
	}
	return m
}

func splitLocation(loc string) (seg, field string) {
	for i := 0; i < len(loc); i++ {
		if loc[i] == '-' {
			return loc[:i], loc[i+1:]
		}
	}
	return loc, ""
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
