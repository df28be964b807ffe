package codeset

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
)

//go:embed data/synonyms.tsv
var synonymData string

// rewrite replaces a phrase of a query (as content words) with the words
// the classification uses for it.
type rewrite struct {
	from []string
	to   [][]string
}

// rewrites holds the synonym table by the phrase's first word.
var rewrites = mustParseRewrites(synonymData)

func mustParseRewrites(data string) map[string][]rewrite {
	m, err := parseRewrites(data)
	if err != nil {
		panic(err)
	}
	return m
}

func parseRewrites(data string) (map[string][]rewrite, error) {
	m := map[string][]rewrite{}
	for n, line := range strings.Split(data, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[2] == "" {
			return nil, fmt.Errorf("synonyms.tsv:%d: want phrase, replacements and source separated by tabs", n+1)
		}
		from := contentWords(f[0])
		if len(from) == 0 {
			return nil, fmt.Errorf("synonyms.tsv:%d: phrase %q has no content words", n+1, f[0])
		}
		rw := rewrite{from: from}
		for _, to := range strings.Split(f[1], "|") {
			if to == "-" {
				rw.to = append(rw.to, []string{}) // drop the phrase
			} else if w := contentWords(to); len(w) > 0 {
				rw.to = append(rw.to, w)
			}
		}
		m[from[0]] = append(m[from[0]], rw)
	}
	for k := range m {
		rs := m[k]
		sort.SliceStable(rs, func(i, j int) bool { return len(rs[i].from) > len(rs[j].from) })
	}
	return m, nil
}

// contentWords is tokenize without stopwords, unstemmed.
func contentWords(s string) []string {
	var out []string
	for _, w := range tokenize(s) {
		if !stopwords[w] {
			out = append(out, w)
		}
	}
	return out
}

// maxVariants bounds the readings of one query.
const maxVariants = 16

// queryVariants returns the query's content words as typed, then each
// reading with abbreviations and lay terms rewritten.
func queryVariants(text string) [][]string {
	base := contentWords(text)
	variants := [][]string{base}
	seen := map[string]bool{strings.Join(base, " "): true}
	for i := 0; i < len(variants) && len(variants) < maxVariants; i++ {
		v := variants[i]
		for pos := 0; pos < len(v); pos++ {
			for _, rw := range rewrites[v[pos]] {
				if !hasAt(v, pos, rw.from) {
					continue
				}
				for _, to := range rw.to {
					nv := append(append(append([]string{}, v[:pos]...), to...), v[pos+len(rw.from):]...)
					key := strings.Join(nv, " ")
					if len(nv) == 0 || seen[key] || len(variants) >= maxVariants {
						continue
					}
					seen[key] = true
					variants = append(variants, nv)
				}
			}
		}
	}
	return variants
}

func hasAt(v []string, pos int, phrase []string) bool {
	if pos+len(phrase) > len(v) {
		return false
	}
	for i, w := range phrase {
		if v[pos+i] != w {
			return false
		}
	}
	return true
}
