package codeset

import (
	"bufio"
	"io"
	"strings"
)

// maxErrors bounds the errors one file reports: past it the file is plainly
// not what it claims to be, and more lines would not help the user.
const maxErrors = 100

// ParseOrderFile reads the CMS/NCHS ICD-10-CM order file: fixed-width lines
// with the order number in columns 1-5, the code (no dot) in 7-13, the
// billable flag (0 header, 1 valid for HIPAA transactions) in 15, the short
// description in 17-76 and the long description from 78. It returns the
// codes of the good lines and a ParseError for each bad one; err is for a
// failure to read.
func ParseOrderFile(r io.Reader, file string) (codes []Code, bad []*ParseError, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	seen := make(map[string]int)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		c, reason := parseOrderLine(text)
		if reason == "" {
			if prev, dup := seen[c.Code]; dup {
				reason = "code " + c.Code + " already on line " + itoa(prev)
			}
		}
		if reason != "" {
			if len(bad) < maxErrors {
				bad = append(bad, parseErrorf(file, line, "%s", reason))
			}
			continue
		}
		seen[c.Code] = line
		codes = append(codes, c)
	}
	return codes, bad, sc.Err()
}

func parseOrderLine(s string) (Code, string) {
	if len(s) < 17 {
		return Code{}, "line too short for the order-file layout (want at least 17 columns)"
	}
	for i := 0; i < 5; i++ {
		if s[i] < '0' || s[i] > '9' {
			return Code{}, "columns 1-5: order number " + quote(s[:5]) + " is not 5 digits"
		}
	}
	if s[5] != ' ' || s[13] != ' ' || s[15] != ' ' {
		return Code{}, "columns 6, 14 and 16 must be blank"
	}
	code := strings.TrimRight(s[6:13], " ")
	if !isICDCode(code) {
		return Code{}, "columns 7-13: " + quote(code) + " is not an ICD-10-CM code"
	}
	var billable bool
	switch s[14] {
	case '0':
	case '1':
		billable = true
	default:
		return Code{}, "column 15: billable flag " + quote(s[14:15]) + " is not 0 or 1"
	}
	short, long := s[16:], ""
	if len(s) > 76 {
		short, long = s[16:76], s[76:]
		if long[0] != ' ' {
			return Code{}, "column 77 must be blank"
		}
		long = long[1:]
	}
	short, long = strings.TrimSpace(short), strings.TrimSpace(long)
	if short == "" {
		return Code{}, "columns 17-76: short description is empty"
	}
	if !validText(short) || !validText(long) {
		return Code{}, "description holds control characters or invalid UTF-8"
	}
	if long == "" {
		long = short
	}
	return Code{Code: code, Billable: billable, Short: short, Long: long}, ""
}

// isICDCode reports whether s (no dot) has the shape of an ICD-10-CM code:
// a letter, a digit, then one to five letters or digits.
func isICDCode(s string) bool {
	if len(s) < 3 || len(s) > 7 {
		return false
	}
	if !isUpper(s[0]) || !isDigit(s[1]) {
		return false
	}
	for i := 2; i < len(s); i++ {
		if !isUpper(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isUpper(b byte) bool { return b >= 'A' && b <= 'Z' }
func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func validText(s string) bool {
	if !utf8Valid(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}
