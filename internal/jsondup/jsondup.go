// Package jsondup finds duplicate keys in JSON objects.
//
// encoding/json keeps the last of two equal keys and matches keys to
// struct fields case-insensitively, so {"amount":"1","AMOUNT":"100"}
// decodes as 100. A proxy, a log or an audit that reads the first value
// sees a different request from the one the server acts on. Every door
// that takes JSON from outside runs Check before decoding and refuses a
// body it flags.
package jsondup

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error reports a key given twice in one object.
type Error struct {
	// Path locates the second key: "amount", "subscriber.first_name",
	// "lines[1].code".
	Path string
	// Key is the second key as written; First is the earlier one it
	// repeats, which differs from Key only in case.
	Key, First string
}

func (e *Error) Error() string {
	if e.Key != e.First {
		return fmt.Sprintf("duplicate key %q (the same field as %q)", e.Key, e.First)
	}
	return fmt.Sprintf("duplicate key %q", e.Key)
}

// Check reports the first duplicate key in the JSON value at the start of
// data, at any depth. Keys are compared as encoding/json matches them to
// struct fields: case-insensitively, by Unicode simple folding. Malformed
// JSON is not Check's to report: it returns nil and leaves the error to the
// decoder, which says where the syntax breaks.
//
// It scans the bytes itself rather than through json.Decoder.Token, which
// allocates for every value and made the check cost four decodes.
func Check(data []byte) error {
	s := scanner{data: data}
	if err := s.value(); err != nil && err != errSyntax {
		return err
	}
	return nil
}

// errSyntax ends a scan of malformed JSON.
var errSyntax = errors.New("jsondup: malformed JSON")

type scanner struct {
	data []byte
	i    int
	// path holds the keys and indexes down to the value being scanned;
	// it becomes text only when a duplicate is found.
	path []step
}

// step is a key, or an array index when index >= 0.
type step struct {
	key   string
	index int
}

// maxDepth is encoding/json's own nesting limit; deeper input is the
// decoder's to refuse, and the scan stops rather than recurse on.
const maxDepth = 10000

func (s *scanner) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// at is the path of the current value: "lines[1].code".
func (s *scanner) at() string {
	var b strings.Builder
	for i, p := range s.path {
		switch {
		case p.index >= 0:
			b.WriteString("[" + strconv.Itoa(p.index) + "]")
		case i > 0:
			b.WriteString("." + p.key)
		default:
			b.WriteString(p.key)
		}
	}
	return b.String()
}

// value scans one value.
func (s *scanner) value() error {
	s.space()
	if s.i >= len(s.data) {
		return errSyntax
	}
	switch s.data[s.i] {
	case '{', '[':
		if len(s.path) >= maxDepth {
			return errSyntax
		}
		if s.data[s.i] == '{' {
			return s.object()
		}
		return s.array()
	case '"':
		_, err := s.str(false)
		return err
	}
	// A number, true, false or null: up to the next delimiter. Their
	// validity is the decoder's to judge.
	start := s.i
	for s.i < len(s.data) && !strings.ContainsRune(",]}: \t\n\r", rune(s.data[s.i])) {
		s.i++
	}
	if s.i == start {
		return errSyntax
	}
	return nil
}

func (s *scanner) object() error {
	s.i++ // '{'
	seen := map[string]string{}
	s.space()
	if s.i < len(s.data) && s.data[s.i] == '}' {
		s.i++
		return nil
	}
	for {
		s.space()
		if s.i >= len(s.data) || s.data[s.i] != '"' {
			return errSyntax
		}
		key, err := s.str(true)
		if err != nil {
			return err
		}
		s.path = append(s.path, step{key: key, index: -1})
		fold := foldKey(key)
		if first, dup := seen[fold]; dup {
			return &Error{Path: s.at(), Key: key, First: first}
		}
		seen[fold] = key
		s.space()
		if s.i >= len(s.data) || s.data[s.i] != ':' {
			return errSyntax
		}
		s.i++
		if err := s.value(); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
		s.space()
		if s.i >= len(s.data) {
			return errSyntax
		}
		switch s.data[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return errSyntax
		}
	}
}

func (s *scanner) array() error {
	s.i++ // '['
	s.space()
	if s.i < len(s.data) && s.data[s.i] == ']' {
		s.i++
		return nil
	}
	for n := 0; ; n++ {
		s.path = append(s.path, step{index: n})
		if err := s.value(); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
		s.space()
		if s.i >= len(s.data) {
			return errSyntax
		}
		switch s.data[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// str scans a string and, when text is set, returns its text as the
// decoder would read it: escapes resolved and bad UTF-8 replaced, which
// only the decoder itself does exactly, so it is asked whenever the raw
// bytes are not plain.
func (s *scanner) str(text bool) (string, error) {
	start := s.i
	s.i++ // '"'
	plain := true
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '\\':
			plain = false
			s.i += 2
			continue
		case c == '"':
			s.i++
			raw := s.data[start:s.i]
			if !text {
				return "", nil
			}
			if plain && utf8.Valid(raw) {
				return string(raw[1 : len(raw)-1]), nil
			}
			var out string
			if err := json.Unmarshal(raw, &out); err != nil {
				return "", errSyntax
			}
			return out, nil
		case c < 0x20:
			return "", errSyntax
		}
		s.i++
	}
	return "", errSyntax
}

// foldKey folds a key the way encoding/json does before matching it to a
// field name: ASCII letters to upper case, any other rune to the smallest
// rune of its simple-fold orbit (so the Kelvin sign K is K, and ſ is S).
func foldKey(key string) string {
	out := make([]byte, 0, len(key))
	for _, r := range key {
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			out = append(out, byte(r))
			continue
		}
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}
