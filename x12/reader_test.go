package x12

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const isaStar = "ISA*00*          *00*          *ZZ*SUBMITTERID    *ZZ*RECEIVERID     *240101*1200*^*00501*000000001*0*T*:~"

// readAll reads every segment as id plus elements.
func readAll(r *Reader) ([][]string, error) {
	var out [][]string
	for {
		s, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		row := []string{s.ID()}
		for i := 1; i <= s.Len(); i++ {
			row = append(row, s.String(i))
		}
		out = append(out, row)
	}
}

func TestReader(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   [][]string
		delims Delimiters
		err    error
	}{
		{
			name:   "standard delimiters",
			in:     isaStar + "GS*HC*A*B~",
			delims: Delimiters{'*', '^', ':', '~'},
			want:   [][]string{{"ISA", "00", "          ", "00", "          ", "ZZ", "SUBMITTERID    ", "ZZ", "RECEIVERID     ", "240101", "1200", "^", "00501", "000000001", "0", "T", ":"}, {"GS", "HC", "A", "B"}},
		},
		{
			name:   "line breaks after terminators",
			in:     isaStar + "\r\nGS*HC*A*B~\nST*837*0001~\r\n",
			delims: Delimiters{'*', '^', ':', '~'},
			want:   [][]string{{"GS", "HC", "A", "B"}, {"ST", "837", "0001"}},
		},
		{
			name:   "other delimiters, newline as terminator",
			in:     strings.NewReplacer("*", "|", "~", "\n", ":", ">", "^", "!").Replace(isaStar) + "GS|HC|A>B|C\n",
			delims: Delimiters{'|', '!', '>', '\n'},
			want:   [][]string{{"GS", "HC", "A>B", "C"}},
		},
		{
			name:   "byte order mark and empty elements",
			in:     "\xEF\xBB\xBF" + isaStar + "NM1*41*2**~",
			delims: Delimiters{'*', '^', ':', '~'},
			want:   [][]string{{"NM1", "41", "2", "", ""}},
		},
		{
			name:   "4010 style U in ISA11 is no repetition separator",
			in:     strings.Replace(isaStar, "*^*", "*U*", 1) + "SV1*HC:99213*40*UN~",
			delims: Delimiters{'*', 0, ':', '~'},
			want:   [][]string{{"SV1", "HC:99213", "40", "UN"}},
		},
		{name: "no ISA", in: "GS*HC*A*B~", err: ErrNoISA},
		{name: "binary garbage", in: "\x00\x01\xff\xfeGARBAGE\x7f", err: ErrNoISA},
		{name: "letter as element separator", in: strings.ReplaceAll(isaStar, "*", "A"), err: ErrBadISA},
		{name: "terminator equals element separator", in: strings.Replace(isaStar, ":~", ":*", 1) + "GS*HC~", err: ErrBadISA},
		{name: "ISA cut short", in: isaStar[:60], err: ErrBadISA},
		{name: "truncated segment", in: isaStar + "GS*HC*A", err: ErrTruncated, delims: Delimiters{'*', '^', ':', '~'}, want: [][]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in))
			got, err := readAll(r)
			if tt.err != nil {
				var pe *ParseError
				if !errors.Is(err, tt.err) || !errors.As(err, &pe) {
					t.Fatalf("err = %v, want *ParseError wrapping %v", err, tt.err)
				}
				if _, again := r.Next(); again != err {
					t.Errorf("error is not sticky: %v then %v", err, again)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(tt.want) > 0 && tt.want[0][0] != "ISA" {
				got = got[1:]
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("segments mismatch (-want +got):\n%s", diff)
			}
			if r.Delimiters() != tt.delims {
				t.Errorf("delimiters = %q, want %q", r.Delimiters(), tt.delims)
			}
		})
	}
}

func TestReaderDelimitersPerInterchange(t *testing.T) {
	second := strings.NewReplacer("*", "|", "~", "!", ":", ">", "^", "{").Replace(isaStar)
	in := isaStar + "IEA*0*000000001~\n" + second + "IEA|0|000000001!"
	got, err := readAll(NewReader(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[3][0] != "IEA" || got[3][2] != "000000001" {
		t.Errorf("second interchange not read with its own delimiters: %q", got)
	}
}

// TestReaderHugeSegment feeds a 10 MB segment: the reader must stop with
// ErrSegmentTooLong and never hold much more than its limit in memory.
func TestReaderHugeSegment(t *testing.T) {
	in := io.MultiReader(strings.NewReader(isaStar+"NTE*ADD*"), &repeatReader{b: 'A', n: 10 << 20}, strings.NewReader("~"))
	r := NewReader(in)
	var err error
	for err == nil {
		_, err = r.Next()
	}
	if !errors.Is(err, ErrSegmentTooLong) {
		t.Fatalf("err = %v, want ErrSegmentTooLong", err)
	}
	if c := cap(r.buf); c > DefaultMaxSegmentSize+128<<10 {
		t.Errorf("buffer grew to %d bytes, limit is %d", c, DefaultMaxSegmentSize)
	}
	if !strings.Contains(err.Error(), "NTE") {
		t.Errorf("error %q does not name the segment", err)
	}
}

func TestReaderMaxSegmentSize(t *testing.T) {
	r := NewReader(strings.NewReader(isaStar + "NTE*ADD*" + strings.Repeat("X", 500) + "~"))
	r.MaxSegmentSize = 200
	_, err := readAll(r)
	if !errors.Is(err, ErrSegmentTooLong) {
		t.Fatalf("err = %v, want ErrSegmentTooLong", err)
	}
}

// repeatReader yields n copies of b without holding them in memory.
type repeatReader struct {
	b byte
	n int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n)
	for i := range p[:k] {
		p[i] = r.b
	}
	r.n -= k
	return k, nil
}

// TestReaderSmallReads checks that segments split across reads come out
// whole.
func TestReaderSmallReads(t *testing.T) {
	data := synth837(3, 2, true)
	want, err := readAll(NewReader(bytes.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(NewReader(&oneByteReader{data}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-whole +bytewise):\n%s", diff)
	}
}

type oneByteReader struct{ b []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	p[0] = r.b[0]
	r.b = r.b[1:]
	return 1, nil
}

func TestSegmentAccess(t *testing.T) {
	s := NewSegment(DefaultDelimiters, "SV1", "HC:99213:25", "40", "UN", "1", "", "", "1:2")
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"element", s.Element(2), "40"},
		{"component", s.Component(1, 2), "99213"},
		{"third component", s.Component(1, 3), "25"},
		{"missing component", s.Component(1, 4), ""},
		{"simple element as component 1", s.Component(2, 1), "40"},
		{"empty element", s.Element(5), ""},
		{"beyond the end", s.Element(12), ""},
		{"field by name", s.Field("SV101-2"), "99213"},
		{"field by element name", s.Field("SV107"), "1:2"},
		{"field of another segment", s.Field("CLM01"), ""},
	}
	for _, tt := range tests {
		if string(tt.got) != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if s.ID() != "SV1" || s.Len() != 7 {
		t.Errorf("ID %q Len %d", s.ID(), s.Len())
	}
}

// TestReaderRandomInput reads random bytes after a valid ISA: whatever
// happens, no panic and a sticky error or EOF.
func TestReaderRandomInput(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 200; i++ {
		b := make([]byte, rng.Intn(3000))
		rng.Read(b)
		in := append([]byte(isaStar), b...)
		r := NewReader(bytes.NewReader(in))
		for {
			_, err := r.Next()
			if err != nil {
				break
			}
		}
		_ = Validate(bytes.NewReader(in))
	}
}
