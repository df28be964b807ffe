package codeset

import (
	"slices"
	"strings"
)

// The Alphabetic Index says in its own cross-references which words mean
// the same: "Broken, arm — see Fracture, arm" and "Broken, leg — see
// Fracture, leg" say broken is fracture; "Hives — see Urticaria" says
// hives is urticaria. Search reads these as rewrites of the words typed,
// so a query combines them with words of its own ("broken wrist", "hives
// chronic") beyond the entries the index lists.

// maxAliasWords bounds the words of an index phrase read as a rewrite:
// longer main terms are descriptions, not names.
const maxAliasWords = 2

// maxAliasChildren bounds the subterms of a main term whose subterms'
// references make it a name of another main term.
const maxAliasChildren = 15

// indexAliases derives the word rewrites from the index's "see"
// references: a main term that sends the reader elsewhere is a name of its
// target, and a subterm that sends the reader to the same subterm of
// another main term makes its main term a name of the other.
func (s *searchIndex) indexAliases(r *resolver) map[string][]rewrite {
	out := map[string][]rewrite{}
	seen := map[string]bool{}
	add := func(from, to []string) {
		if len(from) == 0 || len(from) > maxAliasWords || len(to) == 0 || len(to) > 6 {
			return
		}
		key := strings.Join(from, " ") + "\x00" + strings.Join(to, " ")
		if seen[key] || to[0] == from[0] || slices.Contains(to, "condition") {
			// "Fracture — see Fracture, traumatic" only narrows the same
			// word, which the index's paths already hold; "see condition"
			// sends the reader to the disease, named elsewhere.
			return
		}
		seen[key] = true
		out[from[0]] = append(out[from[0]], rewrite{from: from, to: [][]string{to}})
	}
	support := map[[2]string]int{}
	var order [][2]string
	for i := range s.index {
		e := &s.index[i]
		if e.See == "" || e.Code != "" {
			continue
		}
		parts := strings.Split(seeKey(e.See), ", ")
		if len(parts) == 0 || parts[0] == "" || strings.Contains(e.See, "Table") || strings.Contains(e.See, "Neoplasm, by") {
			continue
		}
		switch {
		case e.Parent < 0:
			// "Hives — see Urticaria": the main term's first form names
			// the target's words, less the index's instructions ("by
			// site").
			first, rest, two := strings.Cut(seeKey(e.Term), ", ")
			if two && !strings.HasPrefix(first, rest) {
				// "Strain, heart — see Disease, heart": the second part
				// narrows the term, so the first alone is not a name of
				// the target. Alternative spellings ("Bedsore, bed sore")
				// are forms of one name, read by the first.
				continue
			}
			var to []string
			for _, p := range parts {
				if !strings.HasPrefix(p, "by ") {
					to = append(to, contentWords(p)...)
				}
			}
			add(contentWords(first), to)
		case s.index[e.Parent].Parent < 0 && len(parts) >= 2 && s.index[e.Parent].Code == "" &&
			len(s.children[e.Parent]) <= maxAliasChildren:
			// "Broken, leg — see Fracture, leg", under a main term that is
			// a name for another (a few subterms and no code of its own),
			// not a condition of its own ("Pain, ... — see Neuralgia, ...").
			sub := seeKey(e.Term)
			if parts[len(parts)-1] != sub {
				continue
			}
			main, _, _ := strings.Cut(seeKey(s.index[e.Parent].Term), ", ")
			target := strings.Join(parts[:len(parts)-1], ", ")
			if _, ok := r.mains[target]; !ok {
				continue
			}
			tmain, _, _ := strings.Cut(target, ", ")
			k := [2]string{main, tmain}
			if support[k] == 0 {
				order = append(order, k)
			}
			support[k]++
		}
	}
	// One subterm is a coincidence ("Strain, heart — see Disease,
	// heart"); two or more that keep their subterm make a name.
	for _, k := range order {
		if support[k] >= 2 {
			add(contentWords(k[0]), contentWords(k[1]))
		}
	}
	return out
}

// compoundPrefixes turn a lay "low" or "high" before a word into the
// classification's hypo- and hyper- compounds: "low thyroid" reads as
// hypothyroidism, "high calcium" as hypercalcemia.
var compoundPrefixes = map[string]string{
	"low": "hypo", "underactive": "hypo", "decreased": "hypo",
	"high": "hyper", "overactive": "hyper", "elevated": "hyper", "increased": "hyper",
}

// moreRewrites gives queryVariantsWith the index's aliases and the hypo-
// and hyper- compound at position pos of the words typed.
func (s *searchIndex) moreRewrites(base []string, pos int) []rewrite {
	out := s.aliases[base[pos]]
	if pre, ok := compoundPrefixes[base[pos]]; ok && pos+1 < len(base) && len(base[pos+1]) >= 4 {
		stemWord := base[pos+1][:4]
		if ids := s.prefixed(pre+stemWord, 1); len(ids) > 0 {
			out = append(out[:len(out):len(out)], rewrite{from: base[pos : pos+2], to: [][]string{{s.words[ids[0]]}}})
		}
	}
	return out
}
