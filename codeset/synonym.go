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
		if len(rw.to) == 1 && strings.Join(rw.to[0], " ") == strings.Join(from, " ") {
			continue // documents the term; the index has it as is
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

// queryVariants returns the query's content words as typed, then readings
// with abbreviations and lay terms rewritten: each rewrite alone, and all
// non-overlapping rewrites together. Rewrites apply to the words typed,
// never to words a rewrite brought in.
func queryVariants(text string) [][]string { return queryVariantsWith(text, nil) }

// queryVariantsWith is queryVariants with more rewrites: more returns
// those that may apply at a position of the words typed (the index's own
// cross-references, compounds), after the synonym table's.
func queryVariantsWith(text string, more func(base []string, pos int) []rewrite) [][]string {
	base := contentWords(text)
	type match struct {
		pos int
		rw  rewrite
	}
	var ms []match
	for pos := 0; pos < len(base); pos++ {
		for _, rw := range rewrites[base[pos]] {
			if hasAt(base, pos, rw.from) {
				ms = append(ms, match{pos, rw})
			}
		}
		if more == nil {
			continue
		}
		for _, rw := range more(base, pos) {
			if hasAt(base, pos, rw.from) {
				ms = append(ms, match{pos, rw})
			}
		}
	}
	variants := [][]string{base}
	seen := map[string]bool{strings.Join(base, " "): true}
	addVariant := func(choice map[int][]string, spans map[int]int) {
		var nv []string
		for i := 0; i < len(base); {
			if to, ok := choice[i]; ok {
				nv = append(nv, to...)
				i += spans[i]
				continue
			}
			nv = append(nv, base[i])
			i++
		}
		key := strings.Join(nv, " ")
		if len(nv) == 0 || seen[key] || len(variants) >= maxVariants {
			return
		}
		seen[key] = true
		variants = append(variants, nv)
	}
	// All rewrites together, longest phrase first where they overlap.
	all, spans := map[int][]string{}, map[int]int{}
	covered := make([]bool, len(base))
	for _, m := range ms {
		free := true
		for i := m.pos; i < m.pos+len(m.rw.from); i++ {
			free = free && !covered[i]
		}
		if free {
			for i := m.pos; i < m.pos+len(m.rw.from); i++ {
				covered[i] = true
			}
			all[m.pos], spans[m.pos] = m.rw.to[0], len(m.rw.from)
		}
	}
	addVariant(all, spans)
	// Each rewrite and each of its alternatives alone.
	for _, m := range ms {
		for _, to := range m.rw.to {
			addVariant(map[int][]string{m.pos: to}, map[int]int{m.pos: len(m.rw.from)})
		}
	}
	// The other alternatives with every other rewrite applied.
	for _, m := range ms {
		for _, to := range m.rw.to[1:] {
			choice, sp := map[int][]string{}, map[int]int{}
			for k, v := range all {
				choice[k], sp[k] = v, spans[k]
			}
			if _, ok := choice[m.pos]; ok && sp[m.pos] == len(m.rw.from) {
				choice[m.pos] = to
				addVariant(choice, sp)
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
