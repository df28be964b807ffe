package rcm

import (
	"fmt"
	"time"
)

// Date is a civil calendar date with no time zone: a date of service or a
// birth date is the same day wherever the server runs.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads "2006-01-02" or the X12 D8 form "20060102".
func ParseDate(s string) (Date, error) {
	layout := "2006-01-02"
	if len(s) == 8 {
		layout = "20060102"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// MustParseDate is ParseDate for constants in tests and seed data.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date (no date given).
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC of d, for arithmetic.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String formats d as "2006-01-02", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// D8 formats d as X12 writes dates (CCYYMMDD).
func (d Date) D8() string { return fmt.Sprintf("%04d%02d%02d", d.Year, d.Month, d.Day) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

// AddDays returns d plus n days (n may be negative).
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// DaysSince returns the number of days from e to d.
func (d Date) DaysSince(e Date) int { return int(d.Time().Sub(e.Time()).Hours() / 24) }

// AgeOn returns the age in whole years of someone born on d, on day on.
func (d Date) AgeOn(on Date) int {
	age := on.Year - d.Year
	if on.Month < d.Month || (on.Month == d.Month && on.Day < d.Day) {
		age--
	}
	return age
}

// MarshalText writes d as "2006-01-02" (so JSON gets a string).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "2006-01-02"; an empty string is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return Errorf(EINVALID, "A date must be YYYY-MM-DD, not %q.", string(b))
	}
	*d = v
	return nil
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
