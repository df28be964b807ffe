package suggest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// section is a part of the note under a heading.
type section struct {
	name       string // lower case heading, "" before the first one
	start, end int
}

// headingRE finds note headings: a short run of words ending in a colon at
// a line or sentence start ("Assessment:", "Discharge diagnoses:", "A/P:").
var headingRE = regexp.MustCompile(`(?m)(?:^|[.\n]\s*|\s{2,})([A-Za-z][A-Za-z /&-]{0,40}?)\s*:`)

// dxHeadings are the headings under which a clinician states diagnoses;
// the words are matched as a whole heading or its last words.
var dxHeadings = []string{"assessment", "assessment and plan", "assessment/plan", "a/p", "a&p", "impression",
	"diagnosis", "diagnoses", "final diagnosis", "final diagnoses", "discharge diagnosis", "discharge diagnoses",
	"principal diagnosis", "secondary diagnoses", "clinical impression", "dx", "problem list", "problems"}

func isDxHeading(h string) bool {
	for _, d := range dxHeadings {
		if h == d || strings.HasSuffix(h, " "+d) {
			return true
		}
	}
	return false
}

// sections splits the note at its headings.
func sections(n Note) []section {
	var out []section
	prev := section{start: 0}
	for _, m := range headingRE.FindAllStringSubmatchIndex(n.Lower, -1) {
		name := strings.TrimSpace(n.Lower[m[2]:m[3]])
		if len(strings.Fields(name)) > 4 {
			continue
		}
		prev.end = m[2]
		out = append(out, prev)
		prev = section{name: name, start: m[1]}
	}
	prev.end = len(n.Text)
	return append(out, prev)
}

// statements splits a range into clauses a clinician writes as separate
// statements: sentences, semicolons, line breaks and numbered items.
func statements(n Note, start, end int) [][2]int {
	var out [][2]int
	s := n.Lower
	from := start
	cut := func(at, next int) {
		if at > from && strings.TrimSpace(s[from:at]) != "" {
			out = append(out, [2]int{from, at})
		}
		from = next
	}
	for i := start; i < end; i++ {
		c := s[i]
		switch {
		case c == ';' || c == '\n':
			cut(i, i+1)
		case c == '.' || c == '!' || c == '?':
			// a sentence end: ". " then a capital, a digit or the end;
			// not "E. coli", "St. ", "1.5" or a list number.
			j := i + 1
			if j < end && s[j] >= '0' && s[j] <= '9' {
				continue
			}
			if j >= end || s[j] == ' ' {
				k := j
				for k < end && s[k] == ' ' {
					k++
				}
				if k >= end || n.Text[k] >= 'A' && n.Text[k] <= 'Z' || n.Text[k] >= '0' && n.Text[k] <= '9' || sentenceStartRune(n.Text[k:]) {
					if !shortWordBefore(s, i) {
						cut(i, i+1)
					}
				}
			}
		case c >= '0' && c <= '9':
			// a numbered item "1." or "2)" starting a statement
			if (i == start || s[i-1] == ' ' || s[i-1] == '\n') && i+1 < end && (s[i+1] == '.' || s[i+1] == ')') && (i+2 >= end || s[i+2] == ' ') {
				cut(i, i+2)
				i++
			}
		}
	}
	cut(end, end)
	return out
}

// shortWordBefore reports a one-letter word before a period ("E. coli").
func shortWordBefore(s string, i int) bool {
	return i >= 1 && isLetter(s[i-1]) && (i < 2 || !isLetter(s[i-2]))
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// parts splits a statement at commas and parentheses-free "and" lists.
func parts(n Note, st [2]int) [][2]int {
	var out [][2]int
	from, depth := st[0], 0
	for i := st[0]; i < st[1]; i++ {
		switch n.Lower[i] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth == 0 {
				out = append(out, [2]int{from, i})
				from = i + 1
			}
		}
	}
	return append(out, [2]int{from, st[1]})
}

// qualifiers begin a comma part that refines the condition before it
// ("diabetes, uncontrolled", "otitis media, right ear") rather than naming a
// new one: the axes of the classification (site, laterality, acuity,
// severity, episode, stage, type, trimester, with/without).
var qualifiers = wordSet(`with without w w/ w/o due secondary in of to from uncontrolled controlled diet acute chronic subacute
 right left bilateral bilaterally unilateral stage first second third trimester recurrent single moderate mild severe
 initial subsequent sequela combined type unspecified primary episode current class grade complete incomplete partial
 displaced nondisplaced closed open native early late intractable persistent intermittent predominantly mixed
 upper lower anterior posterior medial lateral proximal distal not initially routine delayed nonunion malunion
 mildly moderately severely improving stable`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// sentenceStartRune reports a sentence starting with a letter outside
// ASCII: a capital ("Ω", "É") or a letter of a script without case (CJK).
func sentenceStartRune(s string) bool {
	if s == "" || s[0] < utf8.RuneSelf {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsLetter(r) && !unicode.IsLower(r)
}
