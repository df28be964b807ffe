package codingaudit

import (
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
)

// ParseCoding reads codes as a coder types them, the same at every door:
// diagnoses separated by commas or spaces, first-listed first ("E11.9,
// I10"), and one procedure line per entry, written as Line.String writes
// it: the code, each modifier after a hyphen, and the units after an x
// ("99214-25", "20610-RT-59", "J1885 x2"; units default to one).
func ParseCoding(diagnoses string, lines []string) (Coding, error) {
	c := Coding{Diagnoses: []string{}, Lines: []Line{}}
	c.Diagnoses = append(c.Diagnoses, strings.FieldsFunc(diagnoses, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\n' || r == '\r' || r == '\t' })...)
	for i, s := range lines {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		l, err := parseLine(s)
		if err != nil {
			return c, rcm.FieldErrorf(rcm.EINVALID, "lines["+strconv.Itoa(i)+"]", "%q: %s Write a line as CODE, CODE-MOD or CODE-MOD x UNITS (99214-25, J1885 x2).", s, err.Error())
		}
		c.Lines = append(c.Lines, l)
	}
	return c.Normalize(), nil
}

// ParseLines splits a text box of lines, one a line or separated by
// commas or semicolons.
func ParseLines(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == ';' })
}

func parseLine(s string) (Line, error) {
	l := Line{Units: 1}
	body := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if i := strings.LastIndex(body, "X"); i > 0 && i >= len(body)-5 {
		if n, err := strconv.Atoi(body[i+1:]); err == nil {
			if n < 1 || n > 9999 {
				return l, errText("units must be 1 to 9999.")
			}
			l.Units, body = n, body[:i]
		}
	}
	parts := strings.Split(body, "-")
	l.Code = parts[0]
	if len(l.Code) != 5 {
		return l, errText("a CPT or HCPCS code has five characters.")
	}
	for _, m := range parts[1:] {
		if len(m) != 2 {
			return l, errText("a modifier has two characters.")
		}
		l.Modifiers = append(l.Modifiers, m)
	}
	return l, nil
}

type errText string

func (e errText) Error() string { return string(e) }
