package codeset

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Document sources, in the order a coder trusts them.
const (
	srcDesc uint8 = iota
	srcInclusion
	srcIndex
	srcAlias // reached through a see or see-also reference
)

// doc is one searchable text that leads to a code: a code's description, an
// inclusion term, or a path through the Alphabetic Index.
type doc struct {
	target   int32 // position of the code in the release
	ess, opt [2]int32
	essIDF   float32
	src      uint8
	exact    bool  // the index named this very code (not a shorter one)
	entry    int32 // index entry the path ends at (srcIndex, srcAlias)
	via      int32 // for srcAlias, the entry that holds the reference
}

// searchIndex is an inverted index over one release's documents.
type searchIndex struct {
	l        *loaded
	vocab    map[string]int32
	words    []string
	df       []int32
	idf      []float32
	postings [][]int32
	sorted   []int32 // token ids in word order, for prefix lookups
	deletes  map[string][]int32
	docs     []doc
	toks     []int32
	docWords int // words per document, on average, rounded up
	index    []IndexEntry
	children [][]int32
	// byValue holds the release's code positions sorted by code, for
	// code-prefix queries.
	byValue []int32

	mu   sync.Mutex
	free []*scratch

	tmu             sync.RWMutex
	terms, oldTerms map[termKey]term

	// segs caches each index entry's words while the index is built.
	segs    [][2][]string
	segDone []bool
}

func (s *searchIndex) tokenID(w string) int32 {
	if id, ok := s.vocab[w]; ok {
		return id
	}
	id := int32(len(s.words))
	s.vocab[w] = id
	s.words = append(s.words, w)
	return id
}

// addDoc appends a document with essential words ess (they count against
// precision when unmatched) and optional words opt (nonessential modifiers
// and alternative forms: they may match but cost nothing when they do not).
func (s *searchIndex) addDoc(d doc, ess, opt []string) {
	first := int32(len(s.toks))
	add := func(ws []string) [2]int32 {
		start := int32(len(s.toks))
	next:
		for _, w := range ws {
			id := s.tokenID(w)
			for _, t := range s.toks[first:] {
				if t == id {
					continue next
				}
			}
			s.toks = append(s.toks, id)
		}
		return [2]int32{start, int32(len(s.toks))}
	}
	d.ess = add(ess)
	d.opt = add(opt)
	if d.ess[0] == d.ess[1] && d.opt[0] == d.opt[1] {
		return
	}
	s.docs = append(s.docs, d)
}

// buildSearchIndex indexes a release: each code's description (codes that
// differ from their parent only by the encounter 7th character are left to
// their parent, which expands to them), the Tabular List's inclusion terms,
// and every path of the Alphabetic Index that ends in a code or a
// cross-reference.
func buildSearchIndex(l *loaded, index []IndexEntry) *searchIndex {
	s := &searchIndex{l: l, vocab: map[string]int32{}, index: index, byValue: sortedByValue(l.Codes)}
	for i, c := range l.Codes {
		if isEncounterExtension(l, c) {
			continue
		}
		ess, opt := splitNotations(terms(c.Description()))
		s.addDoc(doc{target: int32(i), src: srcDesc, exact: true, entry: -1, via: -1}, ess, opt)
	}
	for code, notes := range l.notes {
		i, ok := l.byCode[code]
		if !ok {
			continue
		}
		for _, n := range notes {
			if n.Kind == NoteInclusion {
				s.addDoc(doc{target: i, src: srcInclusion, exact: true, entry: -1, via: -1}, terms(n.Text), nil)
			}
		}
	}
	if len(index) > 0 {
		s.addIndexDocs()
	}
	s.finish()
	s.segs, s.segDone = nil, nil
	return s
}

// sortedByValue returns the positions of codes in the order of their
// values. Release files list codes in classification order, which is
// nearly always that order already.
func sortedByValue(codes []Code) []int32 {
	pos := make([]int32, len(codes))
	for i := range pos {
		pos[i] = int32(i)
	}
	if !slices.IsSortedFunc(codes, func(a, b Code) int { return strings.Compare(a.Code, b.Code) }) {
		slices.SortStableFunc(pos, func(a, b int32) int { return strings.Compare(codes[a].Code, codes[b].Code) })
	}
	return pos
}

// splitNotations moves NOS and NEC from a description's essential words to
// its optional ones.
func splitNotations(ws []string) (ess, opt []string) {
	for _, w := range ws {
		if w == "nos" || w == "nec" {
			opt = append(opt, w)
		} else {
			ess = append(ess, w)
		}
	}
	return ess, opt
}

// isEncounterExtension reports whether c is its parent plus a 7th character
// for the encounter (initial, subsequent, sequela), which search reaches
// through the parent.
func isEncounterExtension(l *loaded, c Code) bool {
	if l.System != ICD10CM || len(c.Code) != 7 {
		return false
	}
	d := c.Description()
	return strings.Contains(d, "encounter") || strings.HasSuffix(d, "sequela")
}

// segmentWords splits one index term into its essential words (the first
// comma-separated form) and optional ones (the other forms and the
// nonessential modifiers): "Diabetes, diabetic (mellitus)".
func segmentWords(e *IndexEntry) (ess, opt []string) {
	forms := strings.Split(e.Term, ", ")
	ess = terms(forms[0])
	for _, f := range forms[1:] {
		opt = append(opt, terms(f)...)
	}
	// Nonessential modifiers are the parenthesized words; the flattened CSV
	// also puts there the words that follow them in the printed term ("and
	// (on) chronic"), which are essential.
	inside, outside := splitParens(e.NonEss)
	opt = append(opt, terms(inside)...)
	ess = append(ess, terms(outside)...)
	// NOS and NEC are notations of the classification, not words of the
	// concept: they may match but are not missed.
	k := 0
	for _, w := range ess {
		if w == "nos" || w == "nec" {
			opt = append(opt, w)
		} else {
			ess[k] = w
			k++
		}
	}
	return ess[:k], opt
}

// splitParens returns the text inside parentheses and the text outside.
func splitParens(s string) (inside, outside string) {
	var in, out strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
			in.WriteByte(' ')
		case r == ')' && depth > 0:
			depth--
			in.WriteByte(' ')
		case depth > 0:
			in.WriteRune(r)
		default:
			out.WriteRune(r)
		}
	}
	return in.String(), out.String()
}

func (s *searchIndex) pathWords(i int) (ess, opt []string) {
	for ; i >= 0; i = s.index[i].Parent {
		e, o := s.segment(i)
		ess = append(append([]string{}, e...), ess...)
		opt = append(append([]string{}, o...), opt...)
	}
	return ess, opt
}

// segment returns segmentWords of an entry, computed once per entry.
func (s *searchIndex) segment(i int) (ess, opt []string) {
	if s.segs == nil {
		s.segs = make([][2][]string, len(s.index))
		s.segDone = make([]bool, len(s.index))
	}
	if !s.segDone[i] {
		e, o := segmentWords(&s.index[i])
		s.segs[i] = [2][]string{e, o}
		s.segDone[i] = true
	}
	return s.segs[i][0], s.segs[i][1]
}

// resolveCode turns an index code ("S72.00-", "I21.9") into a code of the
// release: the code itself, or the nearest shorter code when the release
// (an older year than the index) lacks it.
func (s *searchIndex) resolveCode(code string) (int32, bool, bool) {
	c := Normalize(strings.TrimRight(code, "-."))
	for n := len(c); n >= 3; n-- {
		if i, ok := s.l.byCode[c[:n]]; ok {
			return i, n == len(c), true
		}
	}
	return 0, false, false
}

func (s *searchIndex) addIndexDocs() {
	children := make([][]int32, len(s.index))
	mains := map[string][]int32{}
	for i := range s.index {
		e := &s.index[i]
		if e.Parent >= 0 {
			children[e.Parent] = append(children[e.Parent], int32(i))
		} else {
			full := strings.ToLower(e.Term)
			mains[full] = append(mains[full], int32(i))
			if first := strings.ToLower(strings.Split(e.Term, ", ")[0]); first != full {
				mains[first] = append(mains[first], int32(i))
			}
		}
	}
	s.children = children
	r := &resolver{index: s.index, children: children, mains: mains}
	for i := range s.index {
		e := &s.index[i]
		ess, opt := s.pathWords(i)
		if e.Code != "" {
			if t, exact, ok := s.resolveCode(e.Code); ok {
				s.addDoc(doc{target: t, src: srcIndex, exact: exact, entry: int32(i), via: -1}, ess, opt)
			}
		}
		for _, ref := range []struct {
			text string
			also bool
		}{{e.See, false}, {e.SeeAlso, true}} {
			if ref.text == "" {
				continue
			}
			node := r.resolve(ref.text)
			if node < 0 {
				continue
			}
			s.addAliasDocs(int32(i), node, ess, opt, ref.also)
		}
	}
}

// addAliasDocs makes the target of a cross-reference, and its subterms two
// levels down, findable by the words of the entry that refers to it: "Attack,
// heart — see Infarct, myocardium" lets "heart attack" reach I21.9.
func (s *searchIndex) addAliasDocs(via, node int32, ess, opt []string, also bool) {
	const maxDocs = 60
	n := 0
	var walk func(at int32, depth int, e, o []string, hops int)
	walk = func(at int32, depth int, e, o []string, hops int) {
		if n >= maxDocs {
			return
		}
		ent := &s.index[at]
		if ent.Code != "" {
			if t, exact, ok := s.resolveCode(ent.Code); ok {
				s.addDoc(doc{target: t, src: srcAlias, exact: exact && !also, entry: at, via: via}, e, o)
				n++
			}
		}
		if depth == 2 {
			return
		}
		for _, ch := range s.children[at] {
			ce, co := s.segment(int(ch))
			walk(ch, depth+1, append(append([]string{}, e...), ce...), append(append([]string{}, o...), co...), hops)
		}
	}
	walk(node, 0, ess, opt, 0)
}

// resolver finds the index entry a "see" text names: "Fracture, femur,
// upper end, neck" is the main term Fracture (printed "Fracture,
// traumatic") and then its subterms femur, upper end, neck.
type resolver struct {
	index    []IndexEntry
	children [][]int32
	mains    map[string][]int32
}

func (r *resolver) resolve(see string) int32 {
	parts := strings.Split(see, ", ")
	best, bestDepth := int32(-1), -1
	for k := len(parts); k >= 1; k-- {
		for _, m := range r.mains[strings.ToLower(strings.Join(parts[:k], ", "))] {
			node, depth := r.descend(m, parts[k:])
			if depth > bestDepth {
				best, bestDepth = node, depth
			}
		}
		if best >= 0 && bestDepth == len(parts)-k {
			return best
		}
	}
	return best
}

// descend follows subterm names from node as far as they match; it
// returns the last node reached and how many names it followed.
func (r *resolver) descend(node int32, names []string) (int32, int) {
	depth := 0
	for _, name := range names {
		name = strings.ToLower(strings.TrimSpace(name))
		next := int32(-1)
		for _, ch := range r.children[node] {
			t := strings.ToLower(r.index[ch].Term)
			if t == name || strings.HasPrefix(t, name+",") || strings.HasPrefix(t, name+" (") {
				next = ch
				break
			}
		}
		if next < 0 {
			for _, ch := range r.children[node] {
				for _, f := range strings.Split(strings.ToLower(r.index[ch].Term), ", ") {
					if f == name {
						next = ch
					}
				}
			}
		}
		if next < 0 {
			break
		}
		node = next
		depth++
	}
	return node, depth
}

// finish builds postings, idf weights, the sorted vocabulary for prefixes
// and the deletion table for typos.
func (s *searchIndex) finish() {
	n := len(s.words)
	s.df = make([]int32, n)
	for _, d := range s.docs {
		for _, t := range s.toks[d.ess[0]:d.ess[1]] {
			s.df[t]++
		}
		for _, t := range s.toks[d.opt[0]:d.opt[1]] {
			s.df[t]++
		}
	}
	s.postings = make([][]int32, n)
	flat := make([]int32, 0, len(s.toks))
	for t := range s.postings {
		s.postings[t] = flat[len(flat) : len(flat) : len(flat)+int(s.df[t])]
		flat = flat[:len(flat)+int(s.df[t])]
	}
	for i, d := range s.docs {
		for _, t := range s.toks[d.ess[0]:d.ess[1]] {
			s.postings[t] = append(s.postings[t], int32(i))
		}
		for _, t := range s.toks[d.opt[0]:d.opt[1]] {
			s.postings[t] = append(s.postings[t], int32(i))
		}
	}
	N := float64(len(s.docs) + 1)
	s.idf = make([]float32, n)
	for t := range s.idf {
		s.idf[t] = float32(math.Log(1 + N/float64(s.df[t]+1)))
	}
	for i := range s.docs {
		d := &s.docs[i]
		var sum float32
		for _, t := range s.toks[d.ess[0]:d.ess[1]] {
			sum += s.idf[t]
		}
		d.essIDF = sum
	}
	s.docWords = (len(s.toks) + len(s.docs) - 1) / max(len(s.docs), 1)
	s.sorted = make([]int32, n)
	for i := range s.sorted {
		s.sorted[i] = int32(i)
	}
	sort.Slice(s.sorted, func(i, j int) bool { return s.words[s.sorted[i]] < s.words[s.sorted[j]] })
	s.deletes = map[string][]int32{}
	for id, w := range s.words {
		if len(w) < 4 || isNumeric(w) {
			continue
		}
		for i := range w {
			k := w[:i] + w[i+1:]
			s.deletes[k] = append(s.deletes[k], int32(id))
		}
	}
}

func isNumeric(w string) bool {
	for i := 0; i < len(w); i++ {
		if !isDigit(w[i]) {
			return false
		}
	}
	return true
}

// prefixed returns the tokens that start with p (p excluded), most frequent
// first, at most max.
func (s *searchIndex) prefixed(p string, max int) []int32 {
	lo := sort.Search(len(s.sorted), func(i int) bool { return s.words[s.sorted[i]] >= p })
	var out []int32
	for i := lo; i < len(s.sorted) && strings.HasPrefix(s.words[s.sorted[i]], p); i++ {
		if s.words[s.sorted[i]] != p {
			out = append(out, s.sorted[i])
		}
	}
	if len(out) > max {
		sort.Slice(out, func(i, j int) bool { return s.df[out[i]] > s.df[out[j]] })
		out = out[:max]
	}
	return out
}

// fuzzy returns known words within one edit (two for long words) of w,
// nearest and most frequent first.
func (s *searchIndex) fuzzy(w string) []int32 {
	if len(w) < 4 || isNumeric(w) {
		return nil
	}
	maxDist := 1
	if len(w) >= 8 {
		maxDist = 2
	}
	cand := map[int32]bool{}
	for _, id := range s.deletes[w] {
		cand[id] = true
	}
	if id, ok := s.vocab[w]; ok {
		cand[id] = true
	}
	for i := range w {
		k := w[:i] + w[i+1:]
		if id, ok := s.vocab[k]; ok {
			cand[id] = true
		}
		for _, id := range s.deletes[k] {
			cand[id] = true
		}
	}
	type c struct {
		id   int32
		dist int
	}
	var out []c
	for id := range cand {
		if d := damerau(w, s.words[id], maxDist); d <= maxDist && d > 0 {
			out = append(out, c{id, d})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].dist != out[j].dist {
			return out[i].dist < out[j].dist
		}
		if s.df[out[i].id] != s.df[out[j].id] {
			return s.df[out[i].id] > s.df[out[j].id]
		}
		return out[i].id < out[j].id
	})
	ids := make([]int32, 0, 3)
	for i := 0; i < len(out) && i < 3 && out[i].dist == out[0].dist; i++ {
		ids = append(ids, out[i].id)
	}
	return ids
}
