// Package sheet writes the lists and reports users download as CSV: RFC
// 4180 (CRLF line ends) through encoding/csv, a header row first, every text cell defused
// so a spreadsheet cannot run it as a formula. The follow-up queue, the
// denials queue, the KPI report, a claim's status history and the credit
// and refund lists all write through Write, at the workbench, the API and
// the command line alike.
package sheet

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
)

// Write writes the header and the rows as CSV. A cell that starts with
// = + - @ (or a tab or carriage return, which some spreadsheets skip before
// one) is prefixed with an apostrophe (OWASP "CSV injection"), unless it is
// a plain number such as -12.50, which a spreadsheet reads as the number it
// is. The rows are not changed.
func Write(w io.Writer, header []string, rows [][]string) error {
	sw, err := NewWriter(w, header)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if err := sw.Row(row...); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// Writer writes a CSV a row at a time, as Write does, for lists read in
// batches that should not be held in memory whole.
type Writer struct {
	cw  *csv.Writer
	rec []string
}

// NewWriter writes the header row and returns the writer of the rows.
func NewWriter(w io.Writer, header []string) (*Writer, error) {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180, section 2: records end with CRLF
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	return &Writer{cw: cw, rec: make([]string, 0, len(header))}, nil
}

// Row writes one row, each cell defused as Cell says.
func (s *Writer) Row(cells ...string) error {
	s.rec = s.rec[:0]
	for _, c := range cells {
		s.rec = append(s.rec, Cell(c))
	}
	return s.cw.Write(s.rec)
}

// Flush writes what is buffered and reports the first error.
func (s *Writer) Flush() error {
	s.cw.Flush()
	return s.cw.Error()
}

// Cell is c as Write writes it: defused when a spreadsheet would read it
// as a formula.
func Cell(c string) string {
	if c == "" || !strings.ContainsRune("=+-@\t\r", rune(c[0])) || number(c) {
		return c
	}
	return "'" + c
}

// number reports whether c is a signed decimal number: a sign, digits and
// at most one point between digits.
func number(c string) bool {
	if c[0] != '-' && c[0] != '+' {
		return false
	}
	digits, point := 0, false
	for i := 1; i < len(c); i++ {
		switch {
		case c[i] >= '0' && c[i] <= '9':
			digits++
		case c[i] == '.' && !point && digits > 0 && i < len(c)-1:
			point = true
		default:
			return false
		}
	}
	return digits > 0
}

// Headers prepares an HTTP answer for a CSV download named name: its media
// type, an attachment's file name, and no caching (the lists hold patient
// data).
func Headers(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
}
