// Package carc holds the code lists an 835 explains its adjustments with:
// Claim Adjustment Reason Codes (CARC, X12 code source 139, CAS02), the
// Remittance Advice Remark Codes (RARC, code source 411, LQ02 and MOA/MIA)
// and the claim adjustment group codes (CAS01). Like other code sets, the
// lists are imported from their published files with start and stop dates,
// so a code is known as of a date; a short starter list of common codes with
// plain-language meanings, written for OpenRCM, is embedded for the demo and
// for screens that explain a denial in words a patient or biller reads.
package carc

import (
	"bufio"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
)

// List names a code list.
type List string

// The lists, named as the rest of OpenRCM names them.
const (
	CARC List = "carc" // X12 external code source 139
	RARC List = "rarc" // X12 external code source 411
)

// Groups are the claim adjustment group codes of CAS01 (835 loop 2110).
var Groups = map[string]string{
	"CO": "Contractual Obligations",
	"CR": "Corrections and Reversals",
	"OA": "Other Adjustments",
	"PI": "Payer Initiated Reductions",
	"PR": "Patient Responsibility",
}

// Code is one entry of a code list.
type Code struct {
	List        List   `json:"list"`
	Code        string `json:"code"`
	Description string `json:"description"`
	// Usage is the list's guidance on when to use the code.
	Usage string `json:"usage,omitempty"`
	Notes string `json:"notes,omitempty"`
	// Start is when the code came into use; Stop, when set, is the first
	// day it may no longer be used.
	Start        rcm.Date `json:"start,omitzero"`
	LastModified rcm.Date `json:"last_modified,omitzero"`
	Stop         rcm.Date `json:"stop,omitzero"`
	// Meaning is OpenRCM's plain-language short meaning, for starter codes.
	Meaning string `json:"meaning,omitempty"`
}

// ActiveOn reports whether the code may be used on d: on or after its
// start, and before its stop date.
func (c Code) ActiveOn(d rcm.Date) bool {
	if !c.Start.IsZero() && d.Before(c.Start) {
		return false
	}
	return c.Stop.IsZero() || d.Before(c.Stop)
}

// ListOf guesses the list of a code from its shape: remark codes start
// with M or N (M15, MA130, N290); adjustment reason codes are numbers or
// another letter and digits (45, A1, B7, P12).
func ListOf(code string) List {
	if strings.HasPrefix(code, "M") || strings.HasPrefix(code, "N") {
		return RARC
	}
	return CARC
}

// ErrFormat is wrapped by every ParseError.
var ErrFormat = errors.New("invalid code list")

// ParseError says which line and column of a code list file is wrong.
type ParseError struct {
	Line   int
	Column string
	Err    error
}

func (e *ParseError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("line %d, column %s: %v", e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// columns are the columns a code list CSV must have, in any order; others
// are ignored.
var columns = []string{"code", "description", "usage", "notes", "start_date", "last_modified", "stop_date"}

// Parse reads a code list CSV with a header row naming the columns code,
// description, usage, notes, start_date, last_modified and stop_date
// (dates YYYY-MM-DD or empty). RARC files leave stop_date empty and give a
// deactivation only in the notes, as "(Deactivated 2/28/2003)"; Parse takes
// the stop date from there when the column is empty.
func Parse(r io.Reader, list List) ([]Code, error) {
	if list != CARC && list != RARC {
		return nil, fmt.Errorf("parse code list: unknown list %q", list)
	}
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ParseError{Line: 1, Err: fmt.Errorf("%w: empty file", ErrFormat)}
		}
		return nil, &ParseError{Line: 1, Err: fmt.Errorf("%w: %v", ErrFormat, err)}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	for _, c := range columns {
		if _, ok := col[c]; !ok {
			return nil, &ParseError{Line: 1, Column: c, Err: fmt.Errorf("%w: header has no %s column", ErrFormat, c)}
		}
	}
	var out []Code
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var ce *csv.ParseError
			if errors.As(err, &ce) {
				line = ce.StartLine
			}
			return nil, &ParseError{Line: line, Err: fmt.Errorf("%w: %v", ErrFormat, err)}
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i := col[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		c := Code{List: list, Code: get("code"), Description: get("description"), Usage: get("usage"), Notes: get("notes")}
		if !validCode(c.Code) {
			return nil, &ParseError{Line: line, Column: "code", Err: fmt.Errorf("%w: code %q is not 1 to 5 letters and digits", ErrFormat, c.Code)}
		}
		if prev, dup := seen[c.Code]; dup {
			return nil, &ParseError{Line: line, Column: "code", Err: fmt.Errorf("%w: code %s repeats line %d", ErrFormat, c.Code, prev)}
		}
		seen[c.Code] = line
		for _, d := range []struct {
			name string
			dst  *rcm.Date
		}{{"start_date", &c.Start}, {"last_modified", &c.LastModified}, {"stop_date", &c.Stop}} {
			if s := get(d.name); s != "" {
				if *d.dst, err = rcm.ParseDate(s); err != nil {
					return nil, &ParseError{Line: line, Column: d.name, Err: fmt.Errorf("%w: %v", ErrFormat, err)}
				}
			}
		}
		if c.Stop.IsZero() {
			if c.Stop, err = StopFromNotes(c.Notes); err != nil {
				return nil, &ParseError{Line: line, Column: "notes", Err: fmt.Errorf("%w: %v", ErrFormat, err)}
			}
		}
		out = append(out, c)
	}
	return out, nil
}

func validCode(s string) bool {
	if len(s) == 0 || len(s) > 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'A' && s[i] <= 'Z') {
			return false
		}
	}
	return true
}

var noteEvent = regexp.MustCompile(`(Deactivated|Reactivated)[^0-9()]*(\d{1,2})/(\d{1,2})/(\d{2,4})`)

// StopFromNotes finds the deactivation date in a RARC notes text such as
// "(Deactivated 2/28/2003) Consider using M51". A later "Reactivated"
// date cancels it. Two-digit years are 20xx. It returns the zero date when
// the notes deactivate nothing.
func StopFromNotes(notes string) (rcm.Date, error) {
	var stop rcm.Date
	for _, m := range noteEvent.FindAllStringSubmatch(notes, -1) {
		mo, _ := strconv.Atoi(m[2])
		day, _ := strconv.Atoi(m[3])
		yr, _ := strconv.Atoi(m[4])
		if len(m[4]) == 2 {
			yr += 2000
		} else if len(m[4]) == 3 {
			return rcm.Date{}, fmt.Errorf("year %q in %q", m[4], m[0])
		}
		d, err := rcm.ParseDate(fmt.Sprintf("%04d-%02d-%02d", yr, mo, day))
		if err != nil {
			return rcm.Date{}, fmt.Errorf("date in %q: %v", m[0], err)
		}
		if m[1] == "Deactivated" {
			stop = d
		} else if !stop.IsZero() && !d.Before(stop) {
			stop = rcm.Date{}
		}
	}
	return stop, nil
}

// Set is a lookup table over imported code lists, with the starter
// meanings attached.
type Set struct {
	codes map[List]map[string]Code
}

// NewSet returns a set of the given codes. With no codes it holds the
// starter list, so the demo and tests without the published lists can
// still explain the common codes.
func NewSet(codes ...Code) *Set {
	if len(codes) == 0 {
		codes = Starter()
	}
	s := &Set{codes: map[List]map[string]Code{CARC: {}, RARC: {}}}
	for _, c := range codes {
		if c.Meaning == "" {
			c.Meaning = meanings[key{c.List, c.Code}]
		}
		if s.codes[c.List] == nil {
			s.codes[c.List] = map[string]Code{}
		}
		s.codes[c.List][c.Code] = c
	}
	return s
}

// Lookup returns the code of the list and whether it is in use on asOf.
// A code the set does not hold is ENOTFOUND; a code that is known but not
// active on asOf is returned with active false, since a remittance may
// carry codes retired since and the user still needs to read them.
func (s *Set) Lookup(list List, code string, asOf rcm.Date) (c Code, active bool, err error) {
	c, ok := s.codes[list][strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return Code{}, false, rcm.Errorf(rcm.ENOTFOUND, "%s %s is not in the code list.", strings.ToUpper(string(list)), code)
	}
	return c, c.ActiveOn(asOf), nil
}

// Len returns the number of codes in the set's list.
func (s *Set) Len(list List) int { return len(s.codes[list]) }

type key struct {
	list List
	code string
}

//go:embed starter.tsv
var starterText string

// meanings holds the starter list's plain-language meanings.
var meanings = func() map[key]string {
	m := map[key]string{}
	for _, c := range Starter() {
		m[key{c.List, c.Code}] = c.Meaning
	}
	return m
}()

// Starter returns the embedded starter codes. They have a Meaning and a
// Description equal to it, and no dates: the published lists carry those.
func Starter() []Code {
	var out []Code
	for _, line := range strings.Split(starterText, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			panic("carc: bad starter line: " + line)
		}
		list := CARC
		if f[0] == "RARC" {
			list = RARC
		}
		out = append(out, Code{List: list, Code: f[1], Description: f[2], Meaning: f[2]})
	}
	return out
}

// Meaning returns OpenRCM's short plain-language meaning of a starter code,
// or "" for other codes.
func Meaning(list List, code string) string { return meanings[key{list, code}] }
