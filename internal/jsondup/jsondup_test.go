package jsondup

import (
	"encoding/json"
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

func FuzzCheck(f *testing.F) {
	f.Add(`{"a":1,"A":2}`)
	f.Add(`{"a":[{"b":1},{"b":2,"b":3}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		err := Check([]byte(s))
		if err == nil {
			return
		}
		e := err.(*Error)
		if foldKey(e.Key) != foldKey(e.First) {
			t.Errorf("%q: flagged %q and %q, which do not fold together", s, e.Key, e.First)
		}
	})
}
