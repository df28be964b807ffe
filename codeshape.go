package rcm

import (
	"fmt"
	"strings"
)

// CheckCodeShape is the one check of how a code is written, used by every
// door that takes a code (the encounter, the workbench, HL7 and FHIR
// imports, the validate route, the scrubber and the CLI), so a typo is
// refused instead of normalised into a real code. Surrounding spaces and
// lower case are accepted; otherwise only letters and digits, and, when
// dotted (ICD-10-CM), at most one dot, right after the third character and
// followed by more: "E11.9" and "e119" pass, "E1.19", "E11..9", ".E119",
// "E11." and "E11 9" do not.
func CheckCodeShape(in string, dotted bool) error {
	s := strings.TrimSpace(in)
	if s == "" {
		return FieldErrorf(EINVALID, "code", "a code is required")
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= '0' && ch <= '9', ch >= 'A' && ch <= 'Z', ch >= 'a' && ch <= 'z':
		case ch == '.':
			if !dotted {
				return FieldErrorf(EINVALID, "code", "%q is not a code: it has a dot, and only ICD-10-CM codes are written with one", in)
			}
			if i != 3 || i == len(s)-1 {
				return FieldErrorf(EINVALID, "code", "%q is not a code: a dot goes only after the third character (E11.9)", in)
			}
		default:
			return FieldErrorf(EINVALID, "code", "%q is not a code: character %d (%q) is not a letter or digit", in, i+1, rune(ch))
		}
	}
	return nil
}

// ParseICD10 reads an ICD-10-CM code as typed and returns it in the form
// coders read, upper case with the dot after the third character ("e119"
// -> "E11.9"). Input CheckCodeShape refuses, or that is not a letter and
// two to six more letters or digits, is an error.
func ParseICD10(in string) (string, error) {
	if err := CheckCodeShape(in, true); err != nil {
		return "", err
	}
	c := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(in), ".", ""))
	if len(c) < 3 || len(c) > 7 || c[0] < 'A' || c[0] > 'Z' {
		return "", FieldErrorf(EINVALID, "code", "%q is not shaped like an ICD-10-CM code (a letter, two characters, then up to four more)", in)
	}
	if len(c) == 3 {
		return c, nil
	}
	return fmt.Sprintf("%s.%s", c[:3], c[3:]), nil
}

// NormalizeICD10 upper-cases an ICD-10-CM code and puts the dot after the
// third character, the form coders read ("e119" -> "E11.9"). Input
// ParseICD10 refuses is returned trimmed and upper-cased but otherwise as
// typed, so validation refuses it instead of turning a typo ("E1.19",
// "E11..9", ".E119", "E11 9") into a real code.
func NormalizeICD10(code string) string {
	if c, err := ParseICD10(code); err == nil {
		return c
	}
	return strings.ToUpper(strings.TrimSpace(code))
}
