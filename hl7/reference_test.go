package hl7

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseMatchesReference holds the reader, which carves a segment's
// values out of a few slices, to the plain reader it replaced (below,
// splitting every field with strings.Split): both read the same messages
// the same way and refuse the same ones.
func FuzzParseMatchesReference(f *testing.F) {
	f.Add([]byte("MSH|^~\\&|EHR|CLINIC|||20261201||ADT^A04|C1|P|2.5.1\rPID|1||M1^^^CL^MR~M2^^^CL^PI||Doe^Jane||19800101|F\rPV1|1|O"))
	f.Add([]byte("MSH#*@!%#EHR\rPID#1##M1***CL*MR##Doe*Ann%Marie\\F\\"))
	f.Add([]byte("MSH|^~\\&|E\rNTE|1||caf\\XC3A9\\ \\.br\\~&^&&\rFT1|a&b^c&&d~~e|||"))
	f.Add([]byte("MSH|^~\\|E\rFT1|a&b^c|\\X41\\\n\nDG1|"))
	f.Add([]byte("MSH|^~\\&|E\rFT1|\\X0\\"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gotErr := Parse(data)
		want, wantErr := referenceParse(data)
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Fatalf("error %v, reference %v", gotErr, wantErr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("mismatch (-reference +got):\n%s", diff)
		}
	})
}

func referenceParse(data []byte) (*Message, error) {
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
	n := 0
	for len(data) > 0 {
		i := bytes.IndexAny(data, "\r\n")
		var line []byte
		if i < 0 {
			line, data = data, nil
		} else {
			line, data = data[:i], data[i+1:]
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		n++
		if len(line) > MaxSegmentBytes {
			return nil, &ParseError{Segment: n, Reason: fmt.Sprintf("segment is %d bytes; at most %d are accepted", len(line), MaxSegmentBytes)}
		}
		if n > MaxSegments {
			return nil, &ParseError{Segment: n, Reason: fmt.Sprintf("more than %d segments", MaxSegments)}
		}
		seg, err := referenceSegment(line, n, d)
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

func referenceSegment(line []byte, n int, d Delimiters) (*Segment, error) {
	for _, c := range line {
		if c < 0x20 && c != '\t' {
			return nil, &ParseError{Segment: n, Reason: fmt.Sprintf("control character 0x%02x in the segment (binary data?)", c)}
		}
	}
	s := string(line)
	name, rest, _ := strings.Cut(s, string(d.Field))
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
	if rest == "" && !strings.Contains(s, string(d.Field)) {
		return seg, nil
	}
	for _, f := range strings.Split(rest, string(d.Field)) {
		field, err := referenceField(f, d)
		if err != nil {
			return nil, &ParseError{Segment: n, Name: name, Field: len(seg.Fields) + 1, Reason: err.Error()}
		}
		seg.Fields = append(seg.Fields, field)
	}
	return seg, nil
}

func referenceField(f string, d Delimiters) (Field, error) {
	if f == "" {
		return nil, nil
	}
	var out Field
	for _, r := range strings.Split(f, string(d.Repetition)) {
		var rep Repetition
		for _, c := range strings.Split(r, string(d.Component)) {
			var subs []string
			if d.Subcomponent != 0 {
				subs = strings.Split(c, string(d.Subcomponent))
			} else {
				subs = []string{c}
			}
			comp := make(Component, len(subs))
			for i, sc := range subs {
				v, err := unescape(sc, d)
				if err != nil {
					return nil, err
				}
				comp[i] = v
			}
			rep = append(rep, comp)
		}
		out = append(out, rep)
	}
	return out, nil
}
