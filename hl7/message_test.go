package hl7

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		seg    string
		field  int
		rep    int
		comp   int
		sub    int
		want   string
		delims Delimiters
	}{
		{name: "component", in: "MSH|^~\\&|EHR|CLINIC|||20261201||ADT^A04|C1|P|2.5.1\rPID|1||M1^^^CL^MR||Doe^Jane", seg: "PID", field: 5, comp: 2, sub: 1, want: "Jane"},
		{name: "MSH-1 is the field separator", in: "MSH|^~\\&|EHR", seg: "MSH", field: 1, comp: 1, sub: 1, want: "|"},
		{name: "MSH-2 is taken as it is", in: "MSH|^~\\&|EHR", seg: "MSH", field: 2, comp: 1, sub: 1, want: "^~\\&"},
		{name: "MSH-9 trigger", in: "MSH|^~\\&|EHR|CLINIC|||20261201||DFT^P03|C1|P|2.5.1", seg: "MSH", field: 9, comp: 2, sub: 1, want: "P03"},
		{name: "repetition", in: "MSH|^~\\&|E\rPID|1||A1^^^X^PI~M2^^^CL^MR", seg: "PID", field: 3, rep: 1, comp: 1, sub: 1, want: "M2"},
		{name: "subcomponent", in: "MSH|^~\\&|E\rPV1|1|O|||||1234567893^Welby&Marcus", seg: "PV1", field: 7, comp: 2, sub: 2, want: "Marcus"},
		{name: "escapes", in: "MSH|^~\\&|E\rNTE|1||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f", seg: "NTE", field: 3, comp: 1, sub: 1, want: "a|b^c&d~e\\f"},
		{name: "hex escape", in: "MSH|^~\\&|E\rNTE|1||caf\\XC3A9\\", seg: "NTE", field: 3, comp: 1, sub: 1, want: "café"},
		{name: "formatting escape dropped", in: "MSH|^~\\&|E\rNTE|1||line\\.br\\two", seg: "NTE", field: 3, comp: 1, sub: 1, want: "linetwo"},
		{name: "own delimiters", in: "MSH#*@!%#EHR\rPID#1##M1***CL*MR##Doe*Ann%Marie", seg: "PID", field: 5, comp: 2, sub: 2, want: "Marie"},
		{name: "LF segments", in: "MSH|^~\\&|E\nPID|1||M9\n", seg: "PID", field: 3, comp: 1, sub: 1, want: "M9"},
		{name: "CRLF segments", in: "MSH|^~\\&|E\r\nPID|1||M9\r\n", seg: "PID", field: 3, comp: 1, sub: 1, want: "M9"},
		{name: "absent field", in: "MSH|^~\\&|E\rPID|1", seg: "PID", field: 30, comp: 1, sub: 1, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Segment(tt.seg).Get(tt.field, tt.rep, tt.comp, tt.sub); got != tt.want {
				t.Errorf("%s-%d: got %q, want %q", tt.seg, tt.field, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		loc      string
		reason   string
	}{
		{"no MSH", "PID|1||M1\r", "MSH", "does not start with an MSH"},
		{"empty", "", "MSH", "does not start with an MSH"},
		{"letter as delimiter", "MSHA^~\\&|E\r", "MSH-1", "cannot be a delimiter"},
		{"delimiter twice", "MSH|^^\\&|E\r", "MSH-2", "declared twice"},
		{"short MSH", "MSH|^", "MSH", "too short"},
		{"binary", "MSH|^~\\&|E\rPID|1|\x00\x01\r", "MSH", "control character"},
		{"not UTF-8", "MSH|^~\\&|E\rPID|1|\xff\xfe\r", "MSH", "not text"},
		{"unclosed escape", "MSH|^~\\&|E\rPID|1||M\\F", "PID-3", "not closed"},
		{"bad hex", "MSH|^~\\&|E\rPID|1||\\XZZ\\", "PID-3", "not hexadecimal"},
		{"hex control character", "MSH|^~\\&|E\rPID|1||\\X00\\", "PID-3", "control character"},
		{"bad segment name", "MSH|^~\\&|E\rp-d|1\r", "MSH", "segment name"},
		{"huge segment", "MSH|^~\\&|E\rNTE|" + strings.Repeat("x", MaxSegmentBytes) + "\r", "MSH", "at most"},
		{"huge message", "MSH|^~\\&|E\r" + strings.Repeat("NTE|x\r", MaxMessageBytes/6+1), "MSH", "bytes; at most"},
		{"second MSH", "MSH|^~\\&|E\rMSH|^~\\&|F\r", "MSH", "second MSH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.Location() != tt.loc || !strings.Contains(pe.Reason, tt.reason) {
				t.Errorf("got %s (%q), want location %s and %q", pe.Location(), pe.Reason, tt.loc, tt.reason)
			}
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	in := "MSH|^~\\&|EHR|CL|||20261201||ADT^A04|C1|P|2.5.1\rPID|1||M1^^^CL^MR~X2||O\\S\\Brien^Ann&Marie|a\\F\\b|\\X0D\\\r"
	m, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(m.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, again); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	if got := again.Segment("PID").Value(5, 1); got != "O^Brien" {
		t.Errorf("PID-5.1 %q", got)
	}
}

func TestSplit(t *testing.T) {
	file := "FHS|^~\\&\nBHS|^~\\&\nMSH|^~\\&|A|||||ADT^A04|1\nPID|1||M1\n\nMSH|^~\\&|A|||||DFT^P03|2\r\nPID|1||M2\r\nBTS|2\nFTS|1\n"
	got := Split([]byte(file))
	want := []string{"MSH|^~\\&|A|||||ADT^A04|1\rPID|1||M1\r", "MSH|^~\\&|A|||||DFT^P03|2\rPID|1||M2\r"}
	var gs []string
	for _, g := range got {
		gs = append(gs, string(g))
	}
	if diff := cmp.Diff(want, gs); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("MSH|^~\\&|EHR|CLINIC|||20261201||ADT^A04|C1|P|2.5.1\rPID|1||M1^^^CL^MR||Doe^Jane||19800101|F\rPV1|1|O"))
	f.Add([]byte("MSH#*@!%#EHR\rPID#1##M1***CL*MR##Doe*Ann%Marie\\F\\"))
	f.Add([]byte("MSH|^~\\&|E\rNTE|1||caf\\XC3A9\\ \\.br\\"))
	f.Add([]byte("MSH|^~\\&|E\rFT1|garbage\r"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		// What was read writes back and reads the same.
		again, err := Parse(m.Encode())
		if err != nil {
			t.Fatalf("encoded message does not parse: %v\n%q", err, m.Encode())
		}
		if !cmp.Equal(normalize(m), normalize(again)) {
			t.Fatalf("round trip differs:\n%s", cmp.Diff(normalize(m), normalize(again)))
		}
	})
}

// normalize drops what encoding legitimately changes: trailing empty
// structure is written as nothing.
func normalize(m *Message) [][]string {
	var out [][]string
	for _, s := range m.Segments {
		row := []string{s.Name}
		for i := range s.Fields {
			for r := range s.Fields[i] {
				for c := range s.Fields[i][r] {
					for k := range s.Fields[i][r][c] {
						if v := s.Fields[i][r][c][k]; v != "" {
							row = append(row, strings.Join([]string{itoa(i), itoa(r), itoa(c), itoa(k), v}, "."))
						}
					}
				}
			}
		}
		out = append(out, row)
	}
	return out
}

func itoa(i int) string { return string(rune('0'+i%10)) + strings.Repeat("+", i/10) }
