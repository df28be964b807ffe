package jsondup

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     *Error
	}{
		{"no duplicates", `{"amount":"1","method":"card","lines":[{"code":"99213"},{"code":"99214"}]}`, nil},
		{"top level", `{"amount":"1","amount":"100"}`, &Error{Path: "amount", Key: "amount", First: "amount"}},
		{"case variant", `{"amount":"1","AMOUNT":"100"}`, &Error{Path: "AMOUNT", Key: "AMOUNT", First: "amount"}},
		{"mixed case variant", `{"Amount":"1","aMoUnT":"100"}`, &Error{Path: "aMoUnT", Key: "aMoUnT", First: "Amount"}},
		{"Kelvin sign folds to k", `{"key":"1","\u212aey":"2"}`, &Error{Path: "\u212aey", Key: "\u212aey", First: "key"}},
		{"long s folds to s", `{"sex":"F","\u017fex":"M"}`, &Error{Path: "\u017fex", Key: "\u017fex", First: "sex"}},
		{"escaped key", `{"amount":"1","\u0061mount":"2"}`, &Error{Path: "amount", Key: "amount", First: "amount"}},
		{"nested object", `{"subscriber":{"first_name":"A","last_name":"B","first_name":"C"}}`,
			&Error{Path: "subscriber.first_name", Key: "first_name", First: "first_name"}},
		{"in an array", `{"lines":[{"code":"1"},{"code":"2","units":1,"Units":2}]}`,
			&Error{Path: "lines[1].Units", Key: "Units", First: "units"}},
		{"top-level array", `[{"a":1},{"a":1,"a":2}]`, &Error{Path: "[1].a", Key: "a", First: "a"}},
		{"same key in sibling objects is fine", `{"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":2}]}`, nil},
		{"duplicate after deep nesting", `{"a":{"b":{"c":[1,[2,{"d":1}]]}},"A":0}`, &Error{Path: "A", Key: "A", First: "a"}},
		{"empty key twice, nested", `[{"":0,"":1}]`, &Error{Path: "[0].", Key: "", First: ""}},
		{"key that looks like an index", `{"a":{"[0]":1,"[0]":2}}`, &Error{Path: "a.[0]", Key: "[0]", First: "[0]"}},
		{"escaped quote in a key", `{"a\"b":1,"A\"B":2}`, &Error{Path: `A"B`, Key: `A"B`, First: `a"b`}},
		{"too deep for the decoder", strings.Repeat("[", 10001) + `{"a":1,"a":2}` + strings.Repeat("]", 10001), nil},
		{"not an object", `"amount"`, nil},
		{"malformed is the decoder's to report", `{"amount":`, nil},
		{"empty", ``, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := Check([]byte(tt.in))
			var got *Error
			if err != nil {
				got = err.(*Error)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	if got, want := (&Error{Key: "amount", First: "amount"}).Error(), `duplicate key "amount"`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := (&Error{Key: "AMOUNT", First: "amount"}).Error(), `duplicate key "AMOUNT" (the same field as "amount")`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestFoldMatchesDecoder: two keys Check folds together are two keys the
// decoder sends to the same field, and the other way round.
func TestFoldMatchesDecoder(t *testing.T) {
	var v struct {
		Name string `json:"name"`
		Key  string `json:"key"`
		Sex  string `json:"sex"`
	}
	for _, key := range []string{"NAME", "nAmE", "\u212aey", "KEY", "\u017fex", "SEX", "nam\u00e9", "nаme" /* Cyrillic а */} {
		v.Name, v.Key, v.Sex = "", "", ""
		if err := json.Unmarshal([]byte(`{"`+key+`":"x"}`), &v); err != nil {
			t.Fatal(err)
		}
		decoded := v.Name == "x" || v.Key == "x" || v.Sex == "x"
		folded := false
		for _, f := range []string{"name", "key", "sex"} {
			folded = folded || foldKey(key) == foldKey(f)
		}
		if decoded != folded {
			t.Errorf("%q: decoder matches a field %v, fold matches %v", key, decoded, folded)
		}
	}
}

// reference is Check written the obvious way, on json.Decoder's tokens:
// slow, but plainly right, for the fuzz test to hold Check to.
func reference(data []byte) *Error {
	dec := json.NewDecoder(bytes.NewReader(data))
	// depth tells a top-level key (no dot before it) from a nested one
	// whose parent's path is empty, as the empty key makes it.
	var walk func(path string, depth int) (*Error, bool)
	walk = func(path string, depth int) (*Error, bool) {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]string{}
			for dec.More() {
				t, err := dec.Token()
				if err != nil {
					return nil, false
				}
				key := t.(string)
				at := key
				if depth > 0 {
					at = path + "." + key
				}
				for f, first := range seen {
					if strings.EqualFold(f, key) {
						return &Error{Path: at, Key: key, First: first}, false
					}
				}
				seen[key] = key
				if e, ok := walk(at, depth+1); !ok {
					return e, false
				}
			}
			_, err = dec.Token()
			return nil, err == nil
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if e, ok := walk(path+"["+strconv.Itoa(i)+"]", depth+1); !ok {
					return e, false
				}
			}
			_, err = dec.Token()
			return nil, err == nil
		}
		return nil, true
	}
	e, _ := walk("", 0)
	return e
}

// FuzzCheck holds Check to the reference on valid JSON, and to folding
// together what it flags on any input.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{"a":1,"A":2}`, `{"a":[{"b":1},{"b":2,"b":3}]}`, `{"\u212a":1,"k":2}`, `{"a\"b":1,"A\"B":[true,null,-1.5e3]}`,
		`{"x":{"y":"\ud83d\ude00","Y":"z"}}`, "{\"\xff\":1,\"\xfe\":2}", `[{"s":"\\"},{"s":1,"S":2}]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := Check([]byte(s))
		if err != nil {
			e := err.(*Error)
			if foldKey(e.Key) != foldKey(e.First) {
				t.Errorf("%q: flagged %q and %q, which do not fold together", s, e.Key, e.First)
			}
		}
		if !json.Valid([]byte(s)) {
			return
		}
		want := reference([]byte(s))
		var got *Error
		if err != nil {
			got = err.(*Error)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q: mismatch with the reference (-want +got):\n%s", s, diff)
		}
	})
}

// BenchmarkCheck measures the walk on an encounter-sized body (50 lines
// and a long note) and on a body near the API's 1 MiB limit.
func BenchmarkCheck(b *testing.B) {
	line := `{"code":"99213","modifiers":["25"],"units":1,"charge":"125.00","pointers":[1,2],"ndc":""}`
	lines := make([]string, 50)
	for i := range lines {
		lines[i] = line
	}
	encounter := `{"patient_id":1,"practice_id":1,"rendering_provider_id":1,"date_of_service":"2026-01-02","place_of_service":"11","note":"` +
		strings.Repeat("Follow-up visit. ", 5000) + `","diagnoses":[{"code":"E11.9"},{"code":"I10"}],"lines":[` + strings.Join(lines, ",") + `]}`
	big := make([]string, 10000)
	for i := range big {
		big[i] = line
	}
	large := `{"lines":[` + strings.Join(big, ",") + `]}`
	for _, c := range []struct{ name, body string }{{"encounter", encounter}, {"1MiB", large}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				if err := Check([]byte(c.body)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
