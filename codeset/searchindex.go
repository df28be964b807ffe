package codeset

import (
	"math"
	"runtime"
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
	// main is the main term of the path the query's words walk: of the
	// entry, or for srcAlias of the entry that holds the reference.
	main int32
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
	// deletes maps the hash of a word with one letter deleted (deleteKey)
	// to the words it comes from, for typos; a collision only adds a
	// candidate that the edit distance then rejects.
	deletes  map[uint64][]int32
	docs     []doc
	toks     []int32
	docWords int // words per document, on average, rounded up
	index    []IndexEntry
	children [][]int32
	// byValue holds the release's code positions sorted by code, for
	// code-prefix queries.
	byValue []int32

	// free holds the scratches not in use; made counts those made.
	mu   sync.Mutex
	made int
	free chan *scratch

	tmu             sync.RWMutex
	terms, oldTerms map[termKey]term

	// mainToks holds, for each main term of the index (nil for
	// subterms), the words of its forms, not its nonessential modifiers.
	mainToks [][]int32

	// aliases are the word rewrites the index's cross-references give
	// (indexAliases), by first word.
	aliases map[string][]rewrite

	// While the index is built: each index entry's essential and optional
	// words as token ids, the code it names (position in the release, -1
	// for none, and whether that is the very code named).
	segs     [][2][]int32
	entCode  []int32
	entExact []bool
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

// tokenIDs appends the ids of words to buf.
func (s *searchIndex) tokenIDs(buf []int32, words []string) []int32 {
	for _, w := range words {
		buf = append(buf, s.tokenID(w))
	}
	return buf
}

// addDoc appends a document with essential words ess (they count against
// precision when unmatched) and optional words opt (nonessential modifiers
// and alternative forms: they may match but cost nothing when they do not),
// both as token ids.
func (s *searchIndex) addDoc(d doc, ess, opt []int32) {
	first := int32(len(s.toks))
	add := func(ids []int32) [2]int32 {
		start := int32(len(s.toks))
		for _, id := range ids {
			if !slices.Contains(s.toks[first:], id) {
				s.toks = append(s.toks, id)
			}
		}
		return [2]int32{start, int32(len(s.toks))}
	}
	d.ess = add(ess)
	d.opt = add(opt)
	if d.ess[0] == d.ess[1] && d.opt[0] == d.opt[1] {
		return
	}
	d.main = -1
	if e := d.entry; e >= 0 {
		if d.src == srcAlias && d.via >= 0 {
			e = d.via
		}
		for s.index[e].Parent >= 0 {
			e = int32(s.index[e].Parent)
		}
		d.main = e
	}
	s.docs = append(s.docs, d)
}

// inParallel runs f over [0, n) in as many chunks as there are cores.
func inParallel(n int, f func(lo, hi int)) {
	k := min(runtime.GOMAXPROCS(0), max(n/1024, 1))
	var wg sync.WaitGroup
	for c := range k {
		wg.Go(func() { f(n*c/k, n*(c+1)/k) })
	}
	wg.Wait()
}

// buildSearchIndex indexes a release: each code's description (codes that
// differ from their parent only by the encounter 7th character are left to
// their parent, which expands to them), the Tabular List's inclusion terms,
// and every path of the Alphabetic Index that ends in a code or a
// cross-reference. Splitting the texts into words, the larger part of the
// work, runs on every core; the index itself is assembled on one.
func buildSearchIndex(l *loaded, index []IndexEntry) *searchIndex {
	s := &searchIndex{l: l, vocab: map[string]int32{}, index: index, free: make(chan *scratch, maxScratch())}
	descWords := make([][2][]string, len(l.Codes))
	segWords := make([][2][]string, len(index))
	lower := make([]string, len(index))
	s.entCode = make([]int32, len(index))
	s.entExact = make([]bool, len(index))
	var wg sync.WaitGroup
	wg.Go(func() { s.byValue = sortedByValue(l.Codes) })
	wg.Go(func() {
		inParallel(len(l.Codes), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if c := l.Codes[i]; !isEncounterExtension(l, c) {
					e, o := splitNotations(terms(c.Description()))
					descWords[i] = [2][]string{e, o}
				}
			}
		})
	})
	wg.Go(func() {
		inParallel(len(index), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				e := &index[i]
				ess, opt := segmentWords(e)
				segWords[i] = [2][]string{ess, opt}
				lower[i] = seeKey(e.Term)
				s.entCode[i] = -1
				if e.Code != "" {
					if t, exact, ok := s.resolveCode(e.Code); ok {
						s.entCode[i], s.entExact[i] = t, exact
					}
				}
			}
		})
	})
	wg.Wait()
	var ess, opt []int32
	for i, w := range descWords {
		if w[0] == nil && w[1] == nil {
			continue
		}
		ess, opt = s.tokenIDs(ess[:0], w[0]), s.tokenIDs(opt[:0], w[1])
		s.addDoc(doc{target: int32(i), src: srcDesc, exact: true, entry: -1, via: -1}, ess, opt)
	}
	for code, notes := range l.notes {
		i, ok := l.byCode[code]
		if !ok {
			continue
		}
		for _, n := range notes {
			if n.Kind == NoteInclusion {
				ess = s.tokenIDs(ess[:0], terms(n.Text))
				s.addDoc(doc{target: i, src: srcInclusion, exact: true, entry: -1, via: -1}, ess, nil)
			}
		}
	}
	if len(index) > 0 {
		s.segs = make([][2][]int32, len(index))
		for i, w := range segWords {
			s.segs[i] = [2][]int32{s.tokenIDs(nil, w[0]), s.tokenIDs(nil, w[1])}
		}
		s.addIndexDocs(lower)
	}
	s.finish()
	s.segs, s.entCode, s.entExact = nil, nil, nil
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

// pathIDs appends to ess and opt the words of the index path that ends at
// entry i, main term first.
func (s *searchIndex) pathIDs(i int, ess, opt []int32) ([]int32, []int32) {
	var chainBuf [16]int32
	chain := chainBuf[:0]
	for ; i >= 0; i = s.index[i].Parent {
		chain = append(chain, int32(i))
	}
	for k := len(chain) - 1; k >= 0; k-- {
		seg := &s.segs[chain[k]]
		ess = append(ess, seg[0]...)
		opt = append(opt, seg[1]...)
	}
	return ess, opt
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

// addIndexDocs adds the documents of the Alphabetic Index; lower holds
// each entry's term in lower case.
func (s *searchIndex) addIndexDocs(lower []string) {
	children := make([][]int32, len(s.index))
	mains := map[string][]int32{}
	for i := range s.index {
		e := &s.index[i]
		if e.Parent >= 0 {
			children[e.Parent] = append(children[e.Parent], int32(i))
		} else {
			full := lower[i]
			mains[full] = append(mains[full], int32(i))
			if first, _, _ := strings.Cut(full, ", "); first != full {
				mains[first] = append(mains[first], int32(i))
			}
		}
	}
	s.children = children
	r := &resolver{index: s.index, children: children, mains: mains, lower: lower}
	s.aliases = s.indexAliases(r)
	s.mainToks = make([][]int32, len(s.index))
	for i := range s.index {
		if s.index[i].Parent < 0 {
			s.mainToks[i] = s.tokenIDs(nil, terms(s.index[i].Term))
		}
	}
	var ess, opt []int32
	w := &aliasWalk{s: s}
	for i := range s.index {
		e := &s.index[i]
		ess, opt = s.pathIDs(i, ess[:0], opt[:0])
		if t := s.entCode[i]; t >= 0 {
			s.addDoc(doc{target: t, src: srcIndex, exact: s.entExact[i], entry: int32(i), via: -1}, ess, opt)
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
			w.add(int32(i), node, ess, opt, ref.also)
		}
	}
}

// aliasWalk makes the target of a cross-reference, and its subterms two
// levels down, findable by the words of the entry that refers to it: "Attack,
// heart — see Infarct, myocardium" lets "heart attack" reach I21.9. Its
// buffers hold the words of the path being walked, reused from one
// reference to the next.
type aliasWalk struct {
	s        *searchIndex
	ess, opt []int32
	n        int
	via      int32
	also     bool
}

// maxAliasDocs bounds the documents one reference adds.
const maxAliasDocs = 60

func (w *aliasWalk) add(via, node int32, ess, opt []int32, also bool) {
	w.ess = append(w.ess[:0], ess...)
	w.opt = append(w.opt[:0], opt...)
	w.n, w.via, w.also = 0, via, also
	w.walk(node, 0)
}

// walk adds the documents at and below entry at; the path's words are
// w.ess and w.opt, which it extends for the children and trims back.
func (w *aliasWalk) walk(at int32, depth int) {
	if w.n >= maxAliasDocs {
		return
	}
	s := w.s
	if t := s.entCode[at]; t >= 0 {
		s.addDoc(doc{target: t, src: srcAlias, exact: s.entExact[at] && !w.also, entry: at, via: w.via}, w.ess, w.opt)
		w.n++
	}
	if depth == 2 {
		return
	}
	ne, no := len(w.ess), len(w.opt)
	for _, ch := range s.children[at] {
		w.ess = append(w.ess[:ne], s.segs[ch][0]...)
		w.opt = append(w.opt[:no], s.segs[ch][1]...)
		w.walk(ch, depth+1)
	}
	w.ess, w.opt = w.ess[:ne], w.opt[:no]
}

// resolver finds the index entry a "see" text names: "Fracture, femur,
// upper end, neck" is the main term Fracture (printed "Fracture,
// traumatic") and then its subterms femur, upper end, neck.
type resolver struct {
	index    []IndexEntry
	children [][]int32
	mains    map[string][]int32
	lower    []string // each entry's term in lower case
}

func (r *resolver) resolve(see string) int32 {
	node, _ := r.resolveFull(see)
	return node
}

// resolveFull is resolve, also reporting whether every part of the
// reference was found.
func (r *resolver) resolveFull(see string) (int32, bool) {
	parts := strings.Split(seeKey(see), ", ")
	best, bestDepth := int32(-1), -1
	for k := len(parts); k >= 1; k-- {
		for _, m := range r.mains[strings.Join(parts[:k], ", ")] {
			node, depth := r.descend(m, parts[k:])
			if depth > bestDepth {
				best, bestDepth = node, depth
			}
		}
		if best >= 0 && bestDepth == len(parts)-k {
			return best, true
		}
	}
	return best, false
}

// seeKey is the form in which a cross-reference and the terms it names are
// compared: lower case, hyphens as spaces ("see Presence, knee joint
// implant" names the subterm "knee-joint implant"), spaces trimmed.
func seeKey(s string) string {
	s = strings.ToLower(s)
	if strings.ContainsAny(s, "-(") || strings.Contains(s, "  ") {
		// Nonessential words in parentheses do not name the entry; runs
		// of spaces are typing.
		_, out := splitParens(strings.ReplaceAll(s, "-", " "))
		s = strings.Join(strings.Fields(out), " ")
		s = strings.ReplaceAll(s, " ,", ",")
	}
	return strings.TrimSpace(s)
}

// descend follows subterm names from node as far as they match; it
// returns the last node reached and how many names it followed.
func (r *resolver) descend(node int32, names []string) (int32, int) {
	depth := 0
	for _, name := range names {
		name = strings.TrimSpace(name)
		next := int32(-1)
		for _, ch := range r.children[node] {
			t := r.lower[ch]
			if rest, ok := strings.CutPrefix(t, name); ok && (rest == "" || rest[0] == ',' || strings.HasPrefix(rest, " (")) {
				next = ch
				break
			}
		}
		if next < 0 {
			for _, ch := range r.children[node] {
				// Each comma-separated form, as strings.Split would give
				// them, without building the list.
				for rest, more := r.lower[ch], true; more; {
					var f string
					f, rest, more = strings.Cut(rest, ", ")
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
	// The prefix and typo tables depend only on the words: build them on
	// another core meanwhile.
	var wg sync.WaitGroup
	wg.Go(func() {
		s.sorted = make([]int32, n)
		for i := range s.sorted {
			s.sorted[i] = int32(i)
		}
		slices.SortFunc(s.sorted, func(a, b int32) int { return strings.Compare(s.words[a], s.words[b]) })
	})
	wg.Go(func() {
		s.deletes = make(map[uint64][]int32, n*6)
		for id, w := range s.words {
			if len(w) < 4 || isNumeric(w) {
				continue
			}
			for i := range w {
				k := deleteKey(w, i)
				s.deletes[k] = append(s.deletes[k], int32(id))
			}
		}
	})
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
	wg.Wait()
}

// deleteKey returns the FNV-1a hash of w with the byte at skip deleted
// (none when skip < 0), without building that string.
func deleteKey(w string, skip int) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(w); i++ {
		if i != skip {
			h ^= uint64(w[i])
			h *= 1099511628211
		}
	}
	return h
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
	for _, id := range s.deletes[deleteKey(w, -1)] {
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
		for _, id := range s.deletes[deleteKey(w, i)] {
			cand[id] = true
		}
		if maxDist < 2 {
			continue
		}
		// Two deletions from a long word against one from the known
		// words: a doubled letter and a wrong vowel ("diabeetus").
		for j := i + 1; j < len(w); j++ {
			k2 := k[:j-1] + k[j:]
			if id, ok := s.vocab[k2]; ok {
				cand[id] = true
			}
			for _, id := range s.deletes[deleteKey(k2, -1)] {
				cand[id] = true
			}
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
	if len(out) == 0 && maxDist == 2 {
		// Two edits the deletion table does not reach (a transposition
		// and a wrong letter: "pnuemothoraks"): the known words that
		// share the first two letters, as a typo seldom touches them.
		lo := sort.Search(len(s.sorted), func(i int) bool { return s.words[s.sorted[i]] >= w[:2] })
		for i := lo; i < len(s.sorted) && strings.HasPrefix(s.words[s.sorted[i]], w[:2]); i++ {
			id := s.sorted[i]
			if d := damerau(w, s.words[id], maxDist); d <= maxDist && d > 0 {
				out = append(out, c{id, d})
			}
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

// offMainPenalty scales the score of an index path whose main term the
// query does not name.
const offMainPenalty = 0.8

// mainMatched reports whether the query (the weights in sc.mw) names a
// word of the main term of a path: of the entry that holds the reference
// for a path reached through one.
func (s *searchIndex) mainMatched(sc *scratch, d *doc) bool {
	if d.main < 0 {
		return true
	}
	for _, t := range s.mainToks[d.main] {
		if sc.mw[t] > 0 {
			return true
		}
	}
	return false
}
