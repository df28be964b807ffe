package rcm

import (
	"strings"
)

// ValidNPI reports whether npi is a well-formed National Provider
// Identifier: ten digits whose last is the Luhn check digit computed over
// the card-issuer prefix 80840 followed by the first nine digits (45 CFR
// 162.406; CMS "NPI check digit" specification).
func ValidNPI(npi string) bool {
	if len(npi) != 10 || !allDigits(npi) {
		return false
	}
	// 80840 contributes a constant 24 to the Luhn sum; computing it keeps the
	// rule readable.
	return luhnValid("80840" + npi)
}

// NPICheckDigit returns the check digit for the first nine digits of an
// NPI, for generating valid synthetic NPIs in demos and tests.
func NPICheckDigit(first9 string) byte {
	for d := byte('0'); d <= '9'; d++ {
		if luhnValid("80840" + first9 + string(d)) {
			return d
		}
	}
	return 0
}

func luhnValid(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// NormalizeTIN strips the hyphen of an EIN ("12-3456789") or SSN
// ("123-45-6789") and reports whether nine digits remain. The 837P REF*EI
// and REF*SY carry the nine digits without punctuation.
func NormalizeTIN(tin string) (string, bool) {
	t := strings.ReplaceAll(strings.TrimSpace(tin), "-", "")
	if len(t) != 9 || !allDigits(t) || t == "000000000" {
		return t, false
	}
	// IRS never issues EINs with these prefixes; a typo is likelier.
	switch t[:2] {
	case "00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70", "78", "79", "89", "96", "97":
		return t, false
	}
	return t, true
}

// NormalizeZIP strips a ZIP+4 hyphen and reports whether the result is five
// or nine digits. The 837P N403 requires nine digits for billing provider
// addresses; that finer rule belongs to the claim scrubber.
func NormalizeZIP(zip string) (string, bool) {
	z := strings.ReplaceAll(strings.TrimSpace(zip), "-", "")
	return z, (len(z) == 5 || len(z) == 9) && allDigits(z)
}

// ValidMemberID reports whether id can be sent as a subscriber member ID
// (NM109, X12 element type AN 2-80): printable, no X12 delimiters, not blank.
func ValidMemberID(id string) bool {
	if len(id) < 2 || len(id) > 80 || strings.TrimSpace(id) != id {
		return false
	}
	return printableNoDelims(id)
}

// printableNoDelims reports whether s is printable ASCII without the
// characters OpenRCM uses as X12 delimiters (* ~ : ^), so it can be written
// into an element unchanged.
func printableNoDelims(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '*' || c == '~' || c == ':' || c == '^' {
			return false
		}
	}
	return true
}

// validator collects the first failure of a series of field checks, so a
// Validate method reads as a list of rules.
type validator struct{ err *Error }

func (v *validator) check(ok bool, field, format string, args ...any) {
	if v.err == nil && !ok {
		v.err = FieldErrorf(EINVALID, field, format, args...)
	}
}

func (v *validator) required(s, field string) {
	v.check(strings.TrimSpace(s) != "", field, "%s is required.", field)
}

// text checks an optional free-text field: at most max characters, no
// control characters or X12 delimiters.
func (v *validator) text(s, field string, max int) {
	v.check(len(s) <= max, field, "%s must be at most %d characters.", field, max)
	v.check(printableNoDelims(s), field, "%s may not contain control characters or any of * ~ : ^.", field)
}

func (v *validator) result() error {
	if v.err == nil {
		return nil
	}
	return v.err
}
