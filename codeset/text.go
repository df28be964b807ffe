package codeset

import (
	"strconv"
	"unicode/utf8"
)

func itoa(i int) string       { return strconv.Itoa(i) }
func quote(s string) string   { return strconv.Quote(s) }
func utf8Valid(s string) bool { return utf8.ValidString(s) }
