// Package password is OpenRCM's password policy, in one place: the command
// line (`rcm user add`, `rcm user reset`), organization creation, the
// workbench's change-password form and the API all call Check before a
// password is hashed, so no path can store a password the policy refuses.
//
// The policy follows NIST SP 800-63B section 3.1.1.2 (memorized secrets):
// a minimum length, a generous maximum, every Unicode character allowed,
// no composition rules (no "one upper-case letter, one digit"), and a
// check against passwords that are common, guessable or built from the
// context of the account. The guessability check is zxcvbn
// (github.com/trustelem/zxcvbn), which scores a password against lists of
// common passwords, words and names, keyboard patterns, repeats,
// sequences and dates, and the user's own words.
package password

import (
	"crypto/rand"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openrcm/openrcm"
	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"
)

// Lengths, counted in characters (Unicode code points), not bytes.
//
// SP 800-63B asks for at least 8 characters. OpenRCM asks for 12: every
// account can read protected health information, a stolen password
// opens many patients' records at once, and a 12-character passphrase is
// no harder to remember than an 8-character password with symbols.
// The maximum is far above the 64 the standard asks verifiers to accept,
// so passphrases and password managers are never cut short; it exists
// only to bound the work of scoring and hashing.
const (
	MinLength = 12
	MaxLength = 256
)

// MinScore is the lowest zxcvbn score (0 to 4) accepted: 3 means "safely
// unguessable: moderate protection from an offline slow-hash scenario"
// (about 10^8 guesses or more), which with argon2id hashing and sign-in
// throttling is out of reach of an attacker.
const MinScore = 3

// minDistinct is the fewest different characters a password may use;
// fewer (such as "abababababab") is repetition whatever its length.
const minDistinct = 5

// product is always a context word: a password built on the name of the
// software it protects is among the first an attacker tries.
const product = "openrcm"

// Check returns nil when pw satisfies the policy for the account with
// that username and full name, and otherwise an EINVALID error on the
// field "password" whose message says why in plain words. The password
// itself never appears in the message.
func Check(pw, username, name string) error {
	if !utf8.ValidString(pw) {
		return refuse("The password contains bytes that are not text (invalid UTF-8).")
	}
	n := utf8.RuneCountInString(pw)
	if n < MinLength {
		return refuse("The password must be at least %d characters long (it has %d). A phrase of several unrelated words is long and easy to remember.", MinLength, n)
	}
	if n > MaxLength {
		return refuse("The password may be at most %d characters long (it has %d).", MaxLength, n)
	}
	distinct := map[rune]bool{}
	for _, c := range pw {
		if unicode.IsControl(c) {
			return refuse("The password may not contain control characters such as a line break or tab.")
		}
		distinct[unicode.ToLower(c)] = true
	}
	if len(distinct) < minDistinct {
		return refuse("The password is too easy to guess: it repeats the same few characters. Use a phrase of several unrelated words.")
	}
	inputs := contextWords(username, name)
	r := zxcvbn.PasswordStrength(pw, inputs)
	if r.Score < MinScore {
		return refuse("The password is too easy to guess: %s. Use a longer phrase of unrelated words.", why(pw, r.Sequence))
	}
	return nil
}

func refuse(format string, args ...any) error {
	return rcm.FieldErrorf(rcm.EINVALID, "password", format, args...)
}

// contextWords are the words zxcvbn treats as known to an attacker: the
// username, its parts (a username such as "jane.doe" has "jane" and
// "doe"), the parts of the full name, and the product's name.
func contextWords(username, name string) []string {
	words := []string{product}
	add := func(s string) {
		s = strings.ToLower(strings.TrimSpace(s))
		if utf8.RuneCountInString(s) >= 3 {
			words = append(words, s)
		}
	}
	add(username)
	split := func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) }
	for _, p := range strings.FieldsFunc(username, split) {
		add(p)
	}
	add(name)
	for _, p := range strings.FieldsFunc(name, split) {
		add(p)
	}
	return words
}

// why turns zxcvbn's analysis into the plain-words reason a person can
// act on, naming the most telling weakness it found.
func why(pw string, seq []*match.Match) string {
	has := func(pattern, dict string) bool {
		for _, m := range seq {
			if m.Pattern == pattern && (dict == "" || m.DictionaryName == dict) {
				return true
			}
		}
		return false
	}
	endsInDigits := strings.TrimRightFunc(pw, unicode.IsDigit) != pw
	switch {
	case has("dictionary", "user_inputs"):
		return "it contains your username, your name or the word " + product
	case has("dictionary", "passwords") && endsInDigits:
		return "it is a common password followed by digits"
	case has("dictionary", "passwords"):
		return "it is a common password"
	case has("repeat", ""):
		return "it repeats the same characters or words"
	case has("sequence", ""):
		return "it is a run of letters or digits in order, like abcd or 1234"
	case has("spatial", ""):
		return "it is a pattern of neighbouring keys on the keyboard"
	case has("date", ""):
		return "it is mostly a date"
	case has("dictionary", ""):
		return "it is made of common words or names"
	}
	return "an attacker would find it in fewer than a hundred million guesses"
}

// Temporary returns a one-time password for an admin's forced reset: 20
// characters of Crockford's base32 (no i, l, o or u to misread), in
// groups of five to read out over the telephone; 100 random bits, so it
// passes Check for any account.
func Temporary() string {
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	raw := make([]byte, 20)
	rand.Read(raw) // crypto/rand.Read never fails
	var b strings.Builder
	for i, c := range raw {
		if i > 0 && i%5 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(alphabet[c%32]) // 256 is a multiple of 32: no bias
	}
	return b.String()
}
