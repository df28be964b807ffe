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
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
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
func Check(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	err := walk(dec, "")
	if e, ok := err.(*Error); ok {
		return e
	}
	return nil
}

// walk reads one value; path is where it sits.
func walk(dec *json.Decoder, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]string{}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := t.(string)
			at := key
			if path != "" {
				at = path + "." + key
			}
			fold := foldKey(key)
			if first, dup := seen[fold]; dup {
				return &Error{Path: at, Key: key, First: first}
			}
			seen[fold] = key
			if err := walk(dec, at); err != nil {
				return err
			}
		}
		_, err = dec.Token() // '}'
		return err
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if err := walk(dec, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		_, err = dec.Token() // ']'
		return err
	}
	return nil
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
