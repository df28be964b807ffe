package x12

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var testTime = time.Date(2024, 3, 5, 14, 7, 0, 0, time.UTC)

// write837 writes a small 837P with the Writer: envelopes, counts and
// control numbers come from the Writer.
func write837(t testing.TB, w *Writer) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.StartInterchange(InterchangeHeader{SenderQual: "ZZ", Sender: "SUBMITTERID", ReceiverQual: "ZZ", Receiver: "RECEIVERID", Time: testTime}))
	must(w.StartGroup(GroupHeader{FunctionalID: "HC", Sender: "SUBMITTERID", Receiver: "RECEIVERID", Time: testTime, Version: "005010X222A1"}))
	for c := 0; c < 2; c++ {
		_, err := w.StartTransaction("837", "005010X222A1")
		must(err)
		segs := [][]string{
			{"BHT", "0019", "00", "0123", "20240305", "1407", "CH"},
			{"NM1", "41", "2", "PREMIER BILLING SERVICE", "", "", "", "", "46", "TGJ23"},
			{"PER", "IC", "JERRY", "TE", "3055552222"},
			{"NM1", "40", "2", "KEY INSURANCE COMPANY", "", "", "", "", "46", "66783JJT"},
			{"HL", "1", "", "20", "1"},
			{"NM1", "85", "2", "BEN KILDARE SERVICE", "", "", "", "", "XX", "9876543210"},
			{"N3", "234 SEAWAY ST"},
			{"N4", "MIAMI", "FL", "33111"},
			{"REF", "EI", "587654321"},
			{"HL", "2", "1", "22", "0"},
			{"SBR", "P", "18", "", "", "", "", "", "", "CI"},
			{"NM1", "IL", "1", "SMITH", "TED", "", "", "", "MI", "000221111"},
			{"N3", "236 N MAIN ST"},
			{"N4", "MIAMI", "FL", "33413"},
			{"DMG", "D8", "19430501", "M"},
			{"NM1", "PR", "2", "ALLIANCE HEALTH", "", "", "", "", "PI", "741234"},
			{"CLM", "PAT1", "100", "", "", w.Composite("11", "B", "1"), "Y", "A", "Y", "I"},
			{"HI", w.Composite("ABK", "J0300")},
			{"LX", "1"},
			{"SV1", w.Composite("HC", "99213"), "100", "UN", "1", "", "", "1"},
			{"DTP", "472", "D8", "20240301"},
		}
		for _, s := range segs {
			must(w.Segment(s[0], s[1:]...))
		}
		must(w.EndTransaction())
	}
	must(w.EndGroup())
	must(w.EndInterchange())
}

func TestWriterEnvelopes(t *testing.T) {
	for _, d := range []Delimiters{DefaultDelimiters, {'|', '!', '>', '\n'}} {
		var b bytes.Buffer
		w := NewWriter(&b, d, d.Segment != '\n', &Counter{N: 41})
		write837(t, w)
		res := Validate(bytes.NewReader(b.Bytes()))
		if !res.Valid() {
			t.Fatalf("written file (delimiters %q) is not valid: %v\n%s", d, res.Findings, b.String())
		}
		x := res.Interchanges[0]
		if x.Control != "000000042" || x.Groups[0].Control != "43" || x.Groups[0].Transactions[1].Control != "0045" {
			t.Errorf("control numbers ISA13 %s GS06 %s ST02 %s, want 000000042, 43, 0045", x.Control, x.Groups[0].Control, x.Groups[0].Transactions[1].Control)
		}
		if x.Delimiters != d {
			t.Errorf("delimiters %q, want %q", x.Delimiters, d)
		}
	}
}

func TestWriterRejects(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b, DefaultDelimiters, false, &Counter{})
	if err := w.Segment("NM1", "X"); !errors.Is(err, ErrEnvelope) {
		t.Errorf("segment outside a transaction: err %v, want ErrEnvelope", err)
	}
	if err := w.StartInterchange(InterchangeHeader{Time: testTime}); err != nil {
		t.Fatal(err)
	}
	if err := w.StartGroup(GroupHeader{FunctionalID: "HC", Time: testTime, Version: "005010X222A1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.StartTransaction("837", "005010X222A1"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"A*B", "A~B", "A^B"} {
		if err := w.Segment("NTE", "ADD", bad); !errors.Is(err, ErrDelimiterInData) {
			t.Errorf("value %q: err %v, want ErrDelimiterInData", bad, err)
		}
	}
	if err := w.EndInterchange(); !errors.Is(err, ErrEnvelope) {
		t.Errorf("IEA with an open group: err %v, want ErrEnvelope", err)
	}
}

// roundTrip reads in and writes every segment back with the delimiters
// and line breaks it was read with.
func roundTrip(in []byte, newline bool) ([]byte, error) {
	var out bytes.Buffer
	r := NewReader(bytes.NewReader(in))
	var w *Writer
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if w == nil || s.ID() == "ISA" {
			if w != nil {
				w.Flush()
			}
			w = NewWriter(&out, r.Delimiters(), newline, nil)
		}
		if err := w.WriteSegment(s); err != nil {
			return nil, err
		}
	}
	if w != nil {
		w.Flush()
	}
	return out.Bytes(), nil
}

func TestRoundTripCanonical(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		newline bool
	}{
		{"writer output", func() []byte {
			var b bytes.Buffer
			write837(t, NewWriter(&b, DefaultDelimiters, true, &Counter{}))
			return b.Bytes()
		}(), true},
		{"one line", synth837(3, 2, false), false},
		{"line per segment", synth837(3, 2, true), true},
		{"other delimiters", []byte(strings.NewReplacer("*", "|", "~", "!", ":", ">", "^", "{").Replace(string(synth837(2, 2, false)))), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := roundTrip(tt.in, tt.newline)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(tt.in), string(out)); diff != "" {
				t.Errorf("round trip changed the file (-in +out):\n%s", diff)
			}
		})
	}
}

// FuzzRoundTrip: anything the Reader reads, written back and read again,
// gives the same segments; a canonical (one-line) rendering is stable.
func FuzzRoundTrip(f *testing.F) {
	f.Add(synth837(1, 1, false))
	f.Add(synth837(2, 1, true))
	f.Add([]byte(isaStar + "GS*HC*A:B*C^D~"))
	for _, b := range sampleSeeds(f, "") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		segs1, err := readAll(NewReader(bytes.NewReader(in)))
		if err != nil {
			return
		}
		out, err := roundTrip(in, false)
		if err != nil {
			t.Fatalf("write back failed: %v", err)
		}
		segs2, err := readAll(NewReader(bytes.NewReader(out)))
		if err != nil {
			t.Fatalf("re-read failed: %v\n%q", err, out)
		}
		if diff := cmp.Diff(segs1, segs2); diff != "" {
			t.Fatalf("segments changed (-first +second):\n%s", diff)
		}
		again, err := roundTrip(out, false)
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("canonical form not stable: %v\n%q\n%q", err, out, again)
		}
	})
}
