package codeset

import (
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
)

// csvTable is a CSV file read with its header, so each parser asks for
// columns by name and the files' varying column orders do not matter.
type csvTable struct {
	file   string
	r      *csv.Reader
	header map[string]int
	names  []string
}

func newCSVTable(r io.Reader, file string) (*csvTable, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, parseErrorf(file, 1, "empty file: want a header line")
		}
		return nil, csvError(file, err)
	}
	t := &csvTable{file: file, r: cr, header: map[string]int{}}
	for i, h := range head {
		h = headerKey(h)
		t.names = append(t.names, h)
		if _, dup := t.header[h]; !dup {
			t.header[h] = i
		}
	}
	return t, nil
}

// headerKey folds a column name so "Long Description", "long_description"
// and "LONG_DESCRIPTION" are one name.
func headerKey(h string) string {
	h = strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")
	h = strings.ToLower(h)
	return strings.NewReplacer(" ", "_", "-", "_", ".", "").Replace(h)
}

// col returns the index of the first present column among names, or -1.
func (t *csvTable) col(names ...string) int {
	for _, n := range names {
		if i, ok := t.header[n]; ok {
			return i
		}
	}
	return -1
}

// next returns the next record and its line number; io.EOF at the end. A
// malformed CSV record comes back as a *ParseError, and reading may go on.
func (t *csvTable) next() ([]string, int, error) {
	rec, err := t.r.Read()
	line, _ := t.r.FieldPos(0)
	if err != nil {
		if err == io.EOF {
			return nil, 0, err
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine, csvError(t.file, err)
		}
		return nil, 0, err
	}
	return rec, line, nil
}

func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: file, Line: pe.Line, Reason: pe.Err.Error(), Err: ErrSyntax}
	}
	return err
}

func field(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// readRows runs row for each record, collecting ParseErrors up to maxErrors.
// A CSV syntax error stops the file: encoding/csv cannot resynchronize
// reliably after a broken quote.
func (t *csvTable) readRows(row func(rec []string, line int) string) ([]*ParseError, error) {
	var bad []*ParseError
	for {
		rec, line, err := t.next()
		if err == io.EOF {
			return bad, nil
		}
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) {
				return append(bad, pe), nil
			}
			return bad, err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if reason := row(rec, line); reason != "" && len(bad) < maxErrors {
			bad = append(bad, parseErrorf(t.file, line, "%s", reason))
		}
	}
}

// ParseCodeList reads the ICD-10-CM code list CSV (Code, Description and
// optionally ChapterID, SectionID), the tabular list flattened without a
// billable flag: a code is billable when no other code of the list extends
// it. The list has no 7th-character expansions, so codes that take a 7th
// character look billable here; the order file of the same year is the
// authority for those.
func ParseCodeList(r io.Reader, file string) ([]Code, []*ParseError, error) {
	t, err := newCSVTable(r, file)
	if err != nil {
		return nil, nil, err
	}
	ci, di := t.col("code"), t.col("description", "long_description", "desc")
	if ci < 0 || di < 0 {
		return nil, []*ParseError{parseErrorf(file, 1, "header must name Code and Description columns")}, nil
	}
	var codes []Code
	seen := map[string]bool{}
	bad, err := t.readRows(func(rec []string, line int) string {
		code, desc := Normalize(field(rec, ci)), field(rec, di)
		switch {
		case !isICDCode(code):
			return "Code " + quote(field(rec, ci)) + " is not an ICD-10-CM code"
		case desc == "":
			return "Description is empty"
		case !validText(desc):
			return "Description holds control characters"
		case seen[code]:
			return "code " + code + " listed twice"
		}
		seen[code] = true
		codes = append(codes, Code{Code: code, Long: desc, Short: desc})
		return ""
	})
	markLeaves(codes)
	return codes, bad, err
}

// markLeaves sets Billable on every code that no other code extends.
func markLeaves(codes []Code) {
	prefix := make(map[string]bool, len(codes))
	for _, c := range codes {
		for n := 3; n < len(c.Code); n++ {
			prefix[c.Code[:n]] = true
		}
	}
	for i := range codes {
		codes[i].Billable = !prefix[codes[i].Code]
	}
}

// ParseIndexCSV reads the Alphabetic Index flattened to CSV (Letter, Level,
// Term, See, SeeAlso, NonEssModif, Code), one row per main term (level 0)
// or subterm. Parents are rebuilt from the levels, so each entry knows its
// path from the main term.
func ParseIndexCSV(r io.Reader, file string) ([]IndexEntry, []*ParseError, error) {
	t, err := newCSVTable(r, file)
	if err != nil {
		return nil, nil, err
	}
	li, ti := t.col("level"), t.col("term")
	si, sai, ni, ci := t.col("see"), t.col("seealso", "see_also"), t.col("nonessmodif", "nonessential_modifiers", "nemod"), t.col("code")
	if li < 0 || ti < 0 || ci < 0 {
		return nil, []*ParseError{parseErrorf(file, 1, "header must name Level, Term and Code columns")}, nil
	}
	var entries []IndexEntry
	var stack []int // stack[level] = position of the last entry at that level
	bad, err := t.readRows(func(rec []string, line int) string {
		level, perr := strconv.Atoi(field(rec, li))
		term := field(rec, ti)
		code := strings.ToUpper(field(rec, ci))
		switch {
		case perr != nil || level < 0 || level > 20:
			return "Level " + quote(field(rec, li)) + " is not a number from 0 to 20"
		case level > len(stack):
			return "Level " + itoa(level) + " has no parent term at level " + itoa(level-1)
		case term == "" && field(rec, ni) == "":
			// The index has subterms made of nonessential modifiers only.
			stack = stack[:level]
			return "Term is empty"
		case !validText(term):
			return "Term holds control characters"
		case code != "" && !isIndexCode(code):
			// A bad entry must not adopt the children of the one before it.
			stack = stack[:level]
			return "Code " + quote(code) + " is not an ICD-10-CM code"
		}
		e := IndexEntry{Level: level, Term: term, NonEss: field(rec, ni), Code: code,
			See: field(rec, si), SeeAlso: field(rec, sai), Parent: -1}
		if level > 0 {
			e.Parent = stack[level-1]
		}
		stack = append(stack[:level], len(entries))
		entries = append(entries, e)
		return ""
	})
	return entries, bad, err
}

// isIndexCode accepts a code as the index prints it: dotted, possibly ending
// in "-" when more characters are needed.
func isIndexCode(s string) bool {
	s = strings.TrimSuffix(s, "-")
	return isICDCode(strings.Replace(strings.TrimSuffix(s, "."), ".", "", 1))
}

// ParseLevel2 reads an HCPCS Level II list in CSV: the CMS file saved as CSV
// (HCPC, LONG DESCRIPTION, SHORT DESCRIPTION, ...) or the two-column form
// (code, long_description). Two-character codes are modifiers and come back
// separately. CMS splits a long description over several records of the
// same code; they are joined.
func ParseLevel2(r io.Reader, file string) (codes, modifiers []Code, bad []*ParseError, err error) {
	t, err := newCSVTable(r, file)
	if err != nil {
		return nil, nil, nil, err
	}
	ci := t.col("hcpc", "hcpcs", "code", "hcpcs_code")
	li, si := t.col("long_description", "long_desc", "description"), t.col("short_description", "short_desc")
	ti := t.col("term_dt", "termination_date")
	if ci < 0 || (li < 0 && si < 0) {
		return nil, nil, []*ParseError{parseErrorf(file, 1, "header must name a code column (HCPC or code) and a description column")}, nil
	}
	index := map[string]int{}
	mindex := map[string]int{}
	bad, err = t.readRows(func(rec []string, line int) string {
		code := strings.ToUpper(field(rec, ci))
		long, short := field(rec, li), field(rec, si)
		switch {
		case !isLevel2Code(code) && !isModifier(code):
			return "code " + quote(code) + " is neither an HCPCS code (letter and 4 digits) nor a modifier"
		case long == "" && short == "":
			return "description is empty"
		case !validText(long) || !validText(short):
			return "description holds control characters"
		}
		if ti >= 0 && field(rec, ti) != "" {
			return "" // terminated in this file: not in force in this release
		}
		list, idx := &codes, index
		if isModifier(code) {
			list, idx = &modifiers, mindex
		}
		if at, ok := idx[code]; ok {
			c := &(*list)[at]
			if long != "" {
				c.Long = strings.TrimSpace(c.Long + " " + long)
			}
			if c.Short == "" {
				c.Short = short
			}
			return ""
		}
		idx[code] = len(*list)
		*list = append(*list, Code{Code: code, Billable: true, Long: long, Short: short})
		return ""
	})
	return codes, modifiers, bad, err
}

func isLevel2Code(s string) bool {
	if len(s) != 5 || !isUpper(s[0]) {
		return false
	}
	for i := 1; i < 5; i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isModifier(s string) bool {
	return len(s) == 2 && (isUpper(s[0]) || isDigit(s[0])) && (isUpper(s[1]) || isDigit(s[1]))
}

// isCPTCode accepts Category I codes (5 digits), Category II (4 digits and
// F) and III (4 digits and T) and PLA codes (4 digits and U).
func isCPTCode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := 0; i < 4; i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return isDigit(s[4]) || s[4] == 'F' || s[4] == 'T' || s[4] == 'U'
}

// ParseCPT reads a CPT file that the user supplies under their AMA licence:
// a CSV with a code column and a descriptor column. Two-character codes are
// CPT modifiers and come back separately.
func ParseCPT(r io.Reader, file string) (codes, modifiers []Code, bad []*ParseError, err error) {
	t, err := newCSVTable(r, file)
	if err != nil {
		return nil, nil, nil, err
	}
	ci := t.col("code", "cpt", "cpt_code", "hcpcs")
	di := t.col("descriptor", "description", "long_description", "consumer_descriptor", "clinician_descriptor", "short_descriptor")
	if ci < 0 || di < 0 {
		return nil, nil, []*ParseError{parseErrorf(file, 1, "header must name a code column and a descriptor column")}, nil
	}
	seen := map[string]bool{}
	bad, err = t.readRows(func(rec []string, line int) string {
		code, desc := strings.ToUpper(field(rec, ci)), field(rec, di)
		switch {
		case !isCPTCode(code) && !isModifier(code):
			return "code " + quote(code) + " is not a CPT code (5 characters) or modifier"
		case desc == "":
			return "descriptor is empty"
		case !validText(desc):
			return "descriptor holds control characters"
		case seen[code]:
			return "code " + code + " listed twice"
		}
		seen[code] = true
		c := Code{Code: code, Billable: true, Long: desc}
		if isModifier(code) {
			modifiers = append(modifiers, c)
		} else {
			codes = append(codes, c)
		}
		return ""
	})
	return codes, modifiers, bad, err
}

// ParsePOS reads the CMS Place of Service list: a two-digit code and a
// name (description) per row.
func ParsePOS(r io.Reader, file string) ([]Code, []*ParseError, error) {
	t, err := newCSVTable(r, file)
	if err != nil {
		return nil, nil, err
	}
	ci := t.col("place_of_service_code", "pos_code", "pos", "code")
	di := t.col("description", "place_of_service_name", "name", "place_of_service_description")
	if ci < 0 || di < 0 {
		return nil, []*ParseError{parseErrorf(file, 1, "header must name a POS code column and a description column")}, nil
	}
	var codes []Code
	seen := map[string]bool{}
	bad, err := t.readRows(func(rec []string, line int) string {
		code, desc := field(rec, ci), field(rec, di)
		if len(code) == 1 && isDigit(code[0]) {
			code = "0" + code
		}
		switch {
		case len(code) != 2 || !isDigit(code[0]) || !isDigit(code[1]):
			return "place of service " + quote(code) + " is not two digits"
		case desc == "":
			return "description is empty"
		case seen[code]:
			return "code " + code + " listed twice"
		}
		seen[code] = true
		codes = append(codes, Code{Code: code, Billable: true, Long: desc})
		return ""
	})
	return codes, bad, err
}
