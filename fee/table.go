package fee

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
)

// Table is the shape of a price list read from CSV: a header line naming
// its columns in any order, then one priced service a line. The fee
// schedule and the payers' contracted rates (fee/contract) are read by the
// same Table, so both files are judged alike and every mistake is a
// ParseError naming its line and column.
type Table struct {
	// What names the file in messages ("fee schedule").
	What string
	// Columns are the known columns; Aliases maps other names to them.
	Columns []string
	Aliases map[string]string
	// Required columns must be in the header.
	Required []string
	// MaxRows bounds the file.
	MaxRows int
}

// Read reads the file and calls row for each line that is not blank, with
// its line number and a getter of its trimmed fields by column name (""
// for a column the header lacks). It stops at the first error, which is a
// *ParseError for a mistake in the file, or row's own error.
func (t Table) Read(r io.Reader, row func(line int, get func(column string) string) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return &ParseError{Line: 1, Msg: fmt.Sprintf("the file is empty; it needs a header line (%s,...)", strings.Join(t.Columns[:min(4, len(t.Columns))], ","))}
	} else if err != nil {
		return csvError(err)
	}
	header = slices.Clone(header)
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if a, ok := t.Aliases[h]; ok {
			h = a
		}
		if !slices.Contains(t.Columns, h) {
			return &ParseError{Line: 1, Column: h, Msg: fmt.Sprintf("unknown column %q (the columns are %s)", h, strings.Join(t.Columns, ", "))}
		}
		if _, dup := col[h]; dup {
			return &ParseError{Line: 1, Column: h, Msg: "the column appears twice"}
		}
		col[h] = i
	}
	for _, req := range t.Required {
		if _, ok := col[req]; !ok {
			return &ParseError{Line: 1, Column: req, Msg: "the header lacks this required column"}
		}
	}
	n := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if n == t.MaxRows {
			return &ParseError{Line: line, Msg: fmt.Sprintf("more than %d entries; split the file", t.MaxRows)}
		}
		if len(rec) != len(header) {
			return &ParseError{Line: line, Msg: fmt.Sprintf("%d fields, but the header has %d", len(rec), len(header))}
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if err := row(line, get); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return &ParseError{Line: 2, Msg: "the file has a header but no entries"}
	}
	return nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{Line: pe.Line, Msg: pe.Err.Error()}
	}
	return err
}

// ReadService reads the columns that name a priced service on a line:
// code (five characters, CPT or HCPCS), modifier (two, optional),
// effective_from (required) and effective_to (optional, not before the
// start).
func ReadService(line int, get func(string) string) (code, modifier string, from, to rcm.Date, err error) {
	bad := func(column, format string, args ...any) error {
		return &ParseError{Line: line, Column: column, Msg: fmt.Sprintf(format, args...)}
	}
	code = strings.ToUpper(get("code"))
	if len(code) != 5 || !alnum(code) {
		return "", "", from, to, bad("code", "%q is not a five-character CPT or HCPCS code", code)
	}
	modifier = strings.ToUpper(get("modifier"))
	if modifier != "" && (len(modifier) != 2 || !alnum(modifier)) {
		return "", "", from, to, bad("modifier", "%q is not a two-character modifier", modifier)
	}
	if from, err = rcm.ParseDate(get("effective_from")); err != nil || from.IsZero() {
		return "", "", from, to, bad("effective_from", "%q is not a date, YYYY-MM-DD", get("effective_from"))
	}
	if s := get("effective_to"); s != "" {
		if to, err = rcm.ParseDate(s); err != nil {
			return "", "", from, to, bad("effective_to", "%q is not a date, YYYY-MM-DD", s)
		}
		if to.Before(from) {
			return "", "", from, to, bad("effective_to", "%s is before effective_from %s", to, from)
		}
	}
	return code, modifier, from, to, nil
}

// ReadAmount reads a money column that is never below zero; what names
// the amount in the message ("a charge").
func ReadAmount(line int, column, what string, get func(string) string) (rcm.Money, error) {
	s := get(column)
	m, err := rcm.ParseMoney(s)
	if err != nil {
		return 0, &ParseError{Line: line, Column: column, Msg: fmt.Sprintf("%q is not an amount such as 125.00", s)}
	}
	if m < 0 {
		return 0, &ParseError{Line: line, Column: column, Msg: fmt.Sprintf("%s is negative; %s is never below zero", s, what)}
	}
	return m, nil
}

// RangesOverlap reports whether two date ranges of the same service claim
// a day in common: the same start, or the earlier one's end on or after
// the later one's start. A zero end runs until a later start, which it
// gives way to.
func RangesOverlap(aFrom, aTo, bFrom, bTo rcm.Date) bool {
	if bFrom.Before(aFrom) {
		aFrom, aTo, bFrom = bFrom, bTo, aFrom
	}
	if aFrom == bFrom {
		return true
	}
	return !aTo.IsZero() && !aTo.Before(bFrom)
}

// ServiceName is a code with its modifier, as a biller writes it.
func ServiceName(code, modifier string) string {
	if modifier != "" {
		return code + "-" + modifier
	}
	return code
}

// Describe names a service and its dates.
func Describe(code, modifier string, from, to rcm.Date) string {
	if to.IsZero() {
		return fmt.Sprintf("%s from %s", ServiceName(code, modifier), from)
	}
	return fmt.Sprintf("%s from %s to %s", ServiceName(code, modifier), from, to)
}
