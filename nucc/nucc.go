// Package nucc reads the Health Care Provider Taxonomy code set that the
// National Uniform Claim Committee publishes (the CSV with Code, Grouping,
// Classification, Specialization, Definition, Notes, Display Name, Section).
// The 837P sends a taxonomy code for the billing provider (2000A PRV03) and
// the rendering provider (2310B PRV03); a code outside the list gets a claim
// rejected, so the scrubber checks it here.
package nucc

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Taxonomy is one code of the code set.
type Taxonomy struct {
	Code           string
	Grouping       string
	Classification string
	Specialization string
	DisplayName    string
}

// ErrFormat is wrapped by every ParseError.
var ErrFormat = errors.New("not a NUCC taxonomy CSV")

// ParseError says which line of the file is wrong and why.
type ParseError struct {
	Line   int
	Reason string
}

func (e *ParseError) Error() string { return fmt.Sprintf("nucc: line %d: %s", e.Line, e.Reason) }

// Unwrap returns ErrFormat.
func (e *ParseError) Unwrap() error { return ErrFormat }

// Parse reads the NUCC CSV. Every row is checked; the first bad row fails
// the whole file, so an import is all or nothing.
func Parse(r io.Reader) ([]Taxonomy, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, &ParseError{Line: 1, Reason: "no header: " + err.Error()}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, want := range []string{"code", "grouping", "classification", "specialization"} {
		if _, ok := col[want]; !ok {
			return nil, &ParseError{Line: 1, Reason: fmt.Sprintf("header lacks the %q column", want)}
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []Taxonomy
	seen := map[string]bool{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &ParseError{Line: line, Reason: err.Error()}
		}
		t := Taxonomy{Code: get(rec, "code"), Grouping: get(rec, "grouping"), Classification: get(rec, "classification"),
			Specialization: get(rec, "specialization"), DisplayName: get(rec, "display name")}
		if !ValidFormat(t.Code) {
			return nil, &ParseError{Line: line, Reason: fmt.Sprintf("code %q is not ten characters ending in X", t.Code)}
		}
		if seen[t.Code] {
			return nil, &ParseError{Line: line, Reason: fmt.Sprintf("code %s appears twice", t.Code)}
		}
		seen[t.Code] = true
		if t.DisplayName == "" {
			t.DisplayName = strings.TrimSpace(t.Classification + " " + t.Specialization)
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, &ParseError{Line: 2, Reason: "no codes"}
	}
	return out, nil
}

// ValidFormat reports whether s has the shape of a taxonomy code: nine
// digits or capital letters and a final X.
func ValidFormat(s string) bool {
	if len(s) != 10 || s[9] != 'X' {
		return false
	}
	for i := 0; i < 9; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
