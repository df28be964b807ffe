package codeset

import (
	"strings"
	"unicode"
)

// stopwords carry no meaning for matching a description. "without" and
// "not" are not among them: they change the concept.
var stopwords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "and": true, "or": true, "in": true, "on": true,
	"to": true, "due": true, "by": true, "for": true, "at": true, "as": true, "w": true, "with": true,
	"from": true, "is": true, "into": true, "than": true, "its": true, "s": true, "x": true,
}

var queryReplacer = strings.NewReplacer("'s ", " ", "'s,", ",", "’s", "", "w/o", " without ", "w/", " with ", "s/p", " status post ")

// tokenize splits text into lower-case words: letters and digits, with
// possessive 's dropped and "w/" read as "with".
func tokenize(s string) []string {
	s = strings.ToLower(s)
	if strings.ContainsAny(s, "'/’") {
		s = queryReplacer.Replace(s + " ")
	}
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// stem folds plural forms so "ulcers" finds "ulcer". It is deliberately
// crude: both the documents and the queries go through it, so it only has
// to be consistent.
func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s"):
		return w[:len(w)-1]
	}
	return w
}

// terms returns the stemmed content words of s.
func terms(s string) []string {
	var out []string
	for _, w := range tokenize(s) {
		if !stopwords[w] {
			out = append(out, stem(w))
		}
	}
	return out
}

// damerau returns the optimal-string-alignment distance between a and b,
// giving up (returning max+1) once it exceeds max.
func damerau(a, b string, max int) int {
	la, lb := len(a), len(b)
	if la-lb > max || lb-la > max {
		return max + 1
	}
	prev2 := make([]int, lb+1)
	prev := make([]int, lb+1)
	cur := make([]int, lb+1)
	for j := 0; j <= lb; j++ {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}
