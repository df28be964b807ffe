package rcm

import (
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount in integer cents. No float ever touches an amount:
// 125.50 dollars is Money(12550).
type Money int64

// ParseMoney reads a decimal dollar amount such as "125.50", "-3", "0.5",
// "$1,234.00" or "1,234,567.89". It is the one parser of amounts for every
// door money comes in by (API, forms, command line, files), so it is strict:
// a comma is read only as a thousands separator, between groups of exactly
// three digits after a first group of one to three ("1,00" and "0,1" are
// refused, never read as 100 or 1), and more than two decimal places is an
// error, never a silent rounding.
func ParseMoney(s string) (Money, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("amount %q: empty", orig)
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	s = strings.TrimPrefix(s, "$")
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && (!hasDot || frac == "") {
		return 0, fmt.Errorf("amount %q: no digits", orig)
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("amount %q: more than two decimal places", orig)
	}
	if strings.Contains(whole, ",") {
		var ok bool
		if whole, ok = ungroup(whole); !ok {
			return 0, fmt.Errorf("amount %q: a comma may only separate thousands, as in 1,234.56", orig)
		}
	}
	if !allDigits(whole) || !allDigits(frac) {
		return 0, fmt.Errorf("amount %q: not a decimal amount", orig)
	}
	if len(whole) > 15 {
		return 0, fmt.Errorf("amount %q: too large", orig)
	}
	var cents int64
	if whole != "" {
		w, err := strconv.ParseInt(whole, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("amount %q: %w", orig, err)
		}
		cents = w * 100
	}
	switch len(frac) {
	case 1:
		cents += int64(frac[0]-'0') * 10
	case 2:
		cents += int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	if neg {
		cents = -cents
	}
	return Money(cents), nil
}

// ungroup removes the thousands separators of whole digits written as
// "1,234,567": a first group of one to three digits, then groups of exactly
// three. It reports false for any other placement of a comma.
func ungroup(s string) (string, bool) {
	groups := strings.Split(s, ",")
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

// MustParseMoney is ParseMoney for constants in tests and seed data.
func MustParseMoney(s string) Money {
	m, err := ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return m
}

// String formats m as a plain decimal with two places: 12550 -> "125.50".
func (m Money) String() string {
	v := int64(m)
	sign := ""
	if v < 0 {
		sign = "-"
		v = -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// X12 formats m the way X12 amounts are written (element type R): no
// trailing zeros after the point, and no point for whole amounts, so 12550
// -> "125.5" and 10000 -> "100".
func (m Money) X12() string {
	s := m.String()
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// Dollars formats m for people: "$1,234.50", "-$3.00".
func (m Money) Dollars() string {
	v := int64(m)
	sign := ""
	if v < 0 {
		sign = "-"
		v = -v
	}
	whole := strconv.FormatInt(v/100, 10)
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s$%s.%02d", sign, b.String(), v%100)
}

// MarshalJSON writes Money as a decimal string ("125.50") so that no JSON
// client turns it into a float.
func (m Money) MarshalJSON() ([]byte, error) {
	return []byte(`"` + m.String() + `"`), nil
}

// UnmarshalJSON reads a decimal string ("125.50"). Bare JSON numbers are
// rejected: they invite float rounding in the sender.
func (m *Money) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return Errorf(EINVALID, "An amount must be a decimal string such as \"125.50\", not %s.", s)
	}
	v, err := ParseMoney(s[1 : len(s)-1])
	if err != nil {
		return Errorf(EINVALID, "An amount must be a decimal string such as \"125.50\": %v.", err)
	}
	*m = v
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
