package seal_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm/seal"
)

// FuzzParseKeys: any key file text parses or fails without panicking, and
// what parses writes back as lines that parse to the same keys.
func FuzzParseKeys(f *testing.F) {
	f.Add("# keys\nk1:" + strings.Repeat("A", 43) + "=\n")
	f.Add("a:b:c\n\n")
	f.Add("k:" + strings.Repeat("/", 44))
	f.Fuzz(func(t *testing.T, text string) {
		keys, err := seal.ParseKeys(strings.NewReader(text), "f")
		if err != nil {
			return
		}
		var lines []string
		for _, k := range keys {
			lines = append(lines, k.Line())
		}
		again, err := seal.ParseKeys(strings.NewReader(strings.Join(lines, "\n")), "f")
		if err != nil {
			t.Fatalf("written keys do not parse: %v", err)
		}
		if diff := cmp.Diff(keys, again); diff != "" {
			t.Errorf("round trip mismatch (-want +got):\n%s", diff)
		}
	})
}

// FuzzOpen: no text opens unless it was sealed with this key and data
// (mutations of the seed that open are the seed itself, up to the unused
// low bits of its last base64 digit), and none makes Open panic.
func FuzzOpen(f *testing.F) {
	k := ring(f, key(f, "a", 1))
	v, err := k.Seal([]byte("1EG4TE5MK73"), aad)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(v)
	f.Add("enc:v1:a:")
	f.Add("enc:v1:zz:AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := k.Open(s, aad)
		if err == nil {
			if string(got) != "1EG4TE5MK73" {
				t.Fatalf("forged value %q opened to %q", s, got)
			}
			return
		}
		if got != nil || !(errors.Is(err, seal.ErrFormat) || errors.Is(err, seal.ErrOpen) || errors.Is(err, seal.ErrUnknownKey)) {
			t.Errorf("Open(%q) = %q, %v; want nothing and a seal error", s, got, err)
		}
	})
}
