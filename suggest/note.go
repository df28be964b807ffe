package suggest

import (
	"strings"
	"unicode/utf8"

	"github.com/openrcm/openrcm"
)

// MaxNote bounds a note. Clinical notes run to a few kilobytes; a megabyte
// is pasted garbage or an attack, and reading it would hold the button up.
const MaxNote = 1 << 20

// Note is a clinical note made safe to read: the same bytes as the input,
// with markup, control characters and invalid UTF-8 blanked to spaces of
// the same length, so that every offset the reader reports is an offset
// into the text the user sent.
type Note struct {
	Text  string
	Lower string
}

// ReadNote checks and cleans a note. The only error is a note over MaxNote;
// an empty note, one in another script or one of pure markup reads as a
// note with nothing to suggest.
func ReadNote(s string) (Note, error) {
	if len(s) > MaxNote {
		return Note{}, rcm.Errorf(rcm.EINVALID, "note: %d bytes is over the limit of %d bytes", len(s), MaxNote)
	}
	b := []byte(s)
	inTag := false
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			b[i] = ' '
			n = 1
		case r == '<' && tagStart(b[i+1:]):
			inTag = true
			b[i] = ' '
		case inTag:
			if r == '>' {
				inTag = false
			}
			blank(b[i : i+n])
		case r == '\n':
			// kept: a line break ends a list item
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029:
			blank(b[i : i+n])
		case r == '&':
			if m := entityLen(b[i:]); m > 0 {
				blank(b[i : i+m])
				n = m
			}
		}
		i += n
	}
	t := string(b)
	return Note{Text: t, Lower: lowerASCII(t)}, nil
}

func blank(b []byte) {
	for i := range b {
		b[i] = ' '
	}
}

// tagStart reports whether the bytes after '<' begin an HTML tag or comment
// (a letter, '/', '!' or '?'), so that "BP < 140" is left alone.
func tagStart(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	c := b[0]
	return c == '/' || c == '!' || c == '?' || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// entityLen is the length of an HTML entity (&amp; &#39;) at the start of b.
func entityLen(b []byte) int {
	for i := 1; i < len(b) && i < 10; i++ {
		c := b[i]
		if c == ';' {
			if i > 1 {
				return i + 1
			}
			return 0
		}
		if !(c == '#' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z') {
			return 0
		}
	}
	return 0
}

// lowerASCII lower-cases ASCII letters only, so that byte offsets stay the
// same in the lower-case copy.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// Span is a range of bytes of the note.
type Span struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// word is one token of the note with its offsets.
type word struct {
	w          string // lower case
	start, end int
}

// words splits a range of the note into tokens: runs of letters and digits,
// keeping the inner punctuation clinicians use ("s/p", "w/o", "3b", "e.g"
// is split). Non-ASCII letters form words too, so that a note in another
// script still tokenizes (and then matches nothing).
func words(n Note, start, end int) []word {
	var out []word
	s := n.Lower
	i := start
	for i < end {
		r, sz := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += sz
			continue
		}
		j := i
		for j < end {
			r, sz := utf8.DecodeRuneInString(s[j:])
			if isWordRune(r) {
				j += sz
				continue
			}
			// inner '/', '\'' or '-' joins letters: s/p, w/o, crohn's, sepsis-associated
			if (r == '/' || r == '\'') && j+1 < end && isWordRune(rune(s[j+1])) && j-i <= 2 {
				j += sz
				continue
			}
			break
		}
		out = append(out, word{w: s[i:j], start: i, end: j})
		i = j
	}
	return out
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		c := byte(r)
		return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z'
	}
	return r != utf8.RuneError && r >= 0xc0 && !strings.ContainsRune("\u00d7\u00f7\u2013\u2014\u2019\u201c\u201d\u2022", r)
}
