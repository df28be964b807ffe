package codeset

import (
	"math"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/openrcm/openrcm"
)

// Query is an encoder search.
type Query struct {
	Text string
	// Systems limits the search; empty searches ICD-10-CM, HCPCS and the
	// organization's CPT.
	Systems []System
	Org     string
	// DOS picks the releases in force on that date; zero means the newest.
	DOS   rcm.Date
	Limit int
}

// Hit is one search result.
type Hit struct {
	System      System `json:"system"`
	Code        string `json:"code"`
	Description string `json:"description"`
	Billable    bool   `json:"billable"`
	// Children lists the billable codes under a header hit, so the coder
	// sees what to pick instead.
	Children []Child `json:"children,omitempty"`
	// Path is the way through the Alphabetic Index that led here, when the
	// hit came from the index ("Fracture, traumatic > femur > neck").
	Path   string  `json:"index_path,omitempty"`
	Source string  `json:"source"`
	Score  float64 `json:"score"`
}

// Child is a billable code under a header hit.
type Child struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// maxChildren bounds the children listed under a header hit.
const maxChildren = 25

// Search finds codes for a query, best first.
func (c *Catalog) Search(q Query) []Hit {
	if q.Limit <= 0 {
		q.Limit = 20
	}
	systems := q.Systems
	if len(systems) == 0 {
		systems = []System{ICD10CM, HCPCS, CPT}
	}
	var hits []Hit
	text := strings.TrimSpace(q.Text)
	if codeQueryRE.MatchString(text) {
		// A code or code prefix: list codes, ICD-10-CM first. A dotted
		// query is ICD-10-CM only.
		p := Normalize(strings.TrimSuffix(text, "."))
		for i, sys := range systems {
			l := c.inForce(sys, q.Org, q.DOS)
			if l == nil || (sys != ICD10CM && strings.Contains(text, ".")) {
				continue
			}
			for _, h := range l.searcher().codePrefix(p, q.Limit) {
				h.Score -= float64(i)
				hits = append(hits, h)
			}
		}
	}
	if len(hits) == 0 {
		// A diagnosis search returns diagnoses first: procedure and supply
		// codes rank below them unless the query asks for one.
		demote := slices.Contains(systems, ICD10CM) && len(systems) > 1 && !asksProcedure(text)
		for _, sys := range systems {
			l := c.inForce(sys, q.Org, q.DOS)
			if l == nil {
				continue
			}
			for _, h := range l.searcher().textSearch(text, q.Limit) {
				if demote && sys != ICD10CM {
					h.Score *= procedureDemotion
				}
				hits = append(hits, h)
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	if len(hits) > q.Limit {
		hits = hits[:q.Limit]
	}
	return hits
}

// procedureDemotion scales the score of a procedure or supply code found
// by a query that does not ask for one.
const procedureDemotion = 0.6

var codeQueryRE = regexp.MustCompile(`^(?i)([A-Z][0-9][0-9A-Z]?\.?[0-9A-Z]{0,4}\.?|[A-V][0-9]{1,4}|[0-9]{3,4}[0-9FTU]?)$`)

// codePrefix lists the codes that start with p: the code a coder most
// likely means first (the code itself when billable, else its default
// descendant), then the other billable codes in classification order, then
// the headers.
func (s *searchIndex) codePrefix(p string, limit int) []Hit {
	l := s.l
	pos := s.withPrefix(p)
	if len(pos) == 0 {
		return nil
	}
	first := ""
	if c, ok := l.code(p); ok && c.Billable {
		first = p
	} else if c, ok := s.defaultUnder(p, pos); ok {
		first = c.Code
	}
	var hits []Hit
	score := 2.0
	add := func(c Code) {
		hits = append(hits, s.hit(c, score, "code", ""))
		score -= 0.001
	}
	if c, ok := l.code(first); ok {
		add(c)
	}
	for _, i := range pos {
		if len(hits) >= limit {
			break
		}
		if c := l.Codes[i]; c.Billable && c.Code != first {
			add(c)
		}
	}
	for _, i := range pos {
		if len(hits) >= limit {
			break
		}
		if c := l.Codes[i]; !c.Billable {
			add(c)
		}
	}
	return hits
}

// withPrefix returns the positions of the codes that start with p, in
// classification order, by a binary search of the codes sorted by value.
func (s *searchIndex) withPrefix(p string) []int32 {
	codes := s.l.Codes
	at := func(k int) string { return codes[s.byValue[k]].Code }
	lo := sort.Search(len(s.byValue), func(k int) bool { return at(k) >= p })
	hi := lo
	for hi < len(s.byValue) && strings.HasPrefix(at(hi), p) {
		hi++
	}
	pos := slices.Clone(s.byValue[lo:hi])
	slices.Sort(pos)
	return pos
}

// defaultWords are the words by which a default code differs from its
// parent without narrowing the concept.
var defaultWords = map[string]bool{"unspecified": true, "without": true, "initial": true, "encounter": true,
	"closed": true, "accidental": true, "unintentional": true, "nos": true, "site": true, "fracture": true}

// defaultScore says how likely a code is the one a coder means when they
// name only its parent: the unspecified or uncomplicated form, the initial
// encounter, accidental intent; not "other", a later encounter, or a code
// that adds qualifiers (recurrent, open, with ...).
func defaultScore(c Code, parent map[string]bool) float64 {
	d := strings.ToLower(c.Description())
	s := float64(min(strings.Count(d, "unspecified"), 2))
	if strings.Contains(d, "without") || strings.HasSuffix(d, " nos") {
		s += 2
	}
	if strings.Contains(d, "initial encounter") {
		s++
	}
	if strings.Contains(d, "accidental") {
		s++
	}
	if strings.Contains(d, "subsequent encounter") || strings.Contains(d, "sequela") {
		s -= 2
	}
	if strings.HasPrefix(d, "other") || strings.Contains(d, " other ") {
		s--
	}
	for _, w := range terms(d) {
		if !parent[w] && !defaultWords[w] {
			s -= 0.3
		}
	}
	return s
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range terms(s) {
		m[w] = true
	}
	return m
}

// defaultChild returns the billable code a header most likely stands for,
// choosing level by level the child that best fits defaultScore (the first
// in classification order on a tie).
func (l *loaded) defaultChild(code string) (Code, bool) {
	i, ok := l.byCode[code]
	if !ok {
		return Code{}, false
	}
	if l.Codes[i].Billable {
		return l.Codes[i], true
	}
	if k, ok := l.defaults.Load(i); ok {
		if k.(int32) < 0 {
			return Code{}, false
		}
		return l.Codes[k.(int32)], true
	}
	k := l.findDefault(i)
	l.defaults.Store(i, k)
	if k < 0 {
		return Code{}, false
	}
	return l.Codes[k], true
}

// findDefault is defaultChild without the cache: the position of the
// default billable code under the header at position i, or -1.
func (l *loaded) findDefault(i int32) int32 {
	for !l.Codes[i].Billable {
		cur := l.Codes[i]
		kids := l.children[cur.Code]
		if len(kids) == 0 {
			return -1
		}
		parent := wordSet(cur.Description())
		best, bestScore := kids[0], defaultScore(l.Codes[kids[0]], parent)
		for _, k := range kids[1:] {
			if sc := defaultScore(l.Codes[k], parent); sc > bestScore {
				best, bestScore = k, sc
			}
		}
		i = best
	}
	return i
}

// defaultUnder is defaultChild for a prefix that may not be a code itself
// (a typed "C4"): it starts from the shortest of the codes with that
// prefix (pos, in classification order), the first of them on a tie.
func (s *searchIndex) defaultUnder(p string, pos []int32) (Code, bool) {
	if _, ok := s.l.code(p); ok {
		return s.l.defaultChild(p)
	}
	best := int32(-1)
	for _, i := range pos {
		if best < 0 || len(s.l.Codes[i].Code) < len(s.l.Codes[best].Code) {
			best = i
		}
	}
	if best < 0 {
		return Code{}, false
	}
	return s.l.defaultChild(s.l.Codes[best].Code)
}

func (s *searchIndex) hit(c Code, score float64, source, path string) Hit {
	h := Hit{System: s.l.System, Code: Display(s.l.System, c.Code), Description: c.Description(), Billable: c.Billable,
		Path: path, Source: source, Score: score}
	if !c.Billable {
		for _, k := range s.l.firstBillableUnder(c.Code, maxChildren) {
			h.Children = append(h.Children, Child{Display(s.l.System, k.Code), k.Description()})
		}
	}
	return h
}

// term is one word of a query with the index words it may match, each with
// a weight: the word itself, words it is a prefix of, and near spellings.
// A term is shared through the term cache and never changed.
type term struct {
	ids []int32
	w   []float32
	idf float32
	// posted is the length of the posting lists of ids together.
	posted int
}

// acc is what one search has gathered for a document: which query words
// matched (a bit each) and their weight. Both sit side by side so a posting
// costs one memory access.
type acc struct {
	mask  uint32
	score float32
}

// scratch is the per-search working memory, sized to the index and reused:
// allocating it per search would cost more than the search.
type scratch struct {
	acc     []acc
	touched []int32
	// tw holds, by token, the weight of the term being applied; mw the best
	// weight any term of the reading gives the token.
	tw, mw []float32
	mwSet  []int32
	live   []int32
	out    []docScore
	// best holds, by code position, the best document for the code (its
	// position plus one, so zero means none yet); bestSet the codes set.
	best    []docScore
	bestSet []int32
	topK    []float32
}

// maxScratch returns how many searches of one index run at once: a few per
// core. More would not search faster, and under a burst each would
// allocate megabytes of scratch, which the garbage collector then has to
// chase while requests queue; the others wait for a scratch instead.
func maxScratch() int { return 2 * runtime.GOMAXPROCS(0) }

// getScratch takes a free scratch, makes one while fewer than maxScratch
// exist, or else waits for one.
func (s *searchIndex) getScratch() *scratch {
	select {
	case sc := <-s.free:
		return sc
	default:
	}
	s.mu.Lock()
	if s.made < cap(s.free) {
		s.made++
		s.mu.Unlock()
		return &scratch{acc: make([]acc, len(s.docs)), tw: make([]float32, len(s.words)), mw: make([]float32, len(s.words)),
			best: make([]docScore, len(s.l.Codes))}
	}
	s.mu.Unlock()
	return <-s.free
}

// reset clears what one reading touched.
func (sc *scratch) reset() {
	for _, d := range sc.touched {
		sc.acc[d] = acc{}
	}
	sc.touched = sc.touched[:0]
	for _, id := range sc.mwSet {
		sc.mw[id] = 0
	}
	sc.mwSet = sc.mwSet[:0]
}

func (s *searchIndex) putScratch(sc *scratch) {
	sc.reset()
	sc.out = sc.out[:0]
	for _, t := range sc.bestSet {
		sc.best[t] = docScore{}
	}
	sc.bestSet = sc.bestSet[:0]
	s.free <- sc // never blocks: there are at most cap(s.free) scratches
}

// termCacheSize bounds each generation of the term cache.
const termCacheSize = 4096

type termKey struct {
	word string
	last bool
}

// cachedTerm returns makeTerm(w, last), remembered across searches: the
// prefix completions and near spellings of a word cost more than scoring
// it. The cache keeps two generations of at most termCacheSize words each,
// the older dropped when the newer fills, so the words in use stay and
// the memory is bounded.
func (s *searchIndex) cachedTerm(w string, last bool) (term, bool) {
	k := termKey{w, last}
	s.tmu.RLock()
	t, ok := s.terms[k]
	if !ok {
		t, ok = s.oldTerms[k]
	}
	s.tmu.RUnlock()
	if ok {
		return t, len(t.ids) > 0
	}
	t, _ = s.makeTerm(w, last)
	s.tmu.Lock()
	if len(s.terms) >= termCacheSize {
		s.oldTerms, s.terms = s.terms, nil
	}
	if s.terms == nil {
		s.terms = make(map[termKey]term, termCacheSize)
	}
	s.terms[k] = t
	s.tmu.Unlock()
	return t, len(t.ids) > 0
}

// makeTerm finds what one query word matches.
func (s *searchIndex) makeTerm(w string, last bool) (term, bool) {
	var t term
	add := func(id int32, wt float32) {
		for _, x := range t.ids {
			if x == id {
				return
			}
		}
		t.ids = append(t.ids, id)
		t.w = append(t.w, wt)
	}
	sw := stem(w)
	if id, ok := s.vocab[sw]; ok {
		add(id, 1)
	}
	if sw != w {
		if id, ok := s.vocab[w]; ok {
			add(id, 1)
		}
	}
	// A whole known word is taken as typed, except the last one, which the
	// user may still be typing.
	if len(w) >= 3 && !isNumeric(w) && (len(t.ids) == 0 || last) {
		for _, id := range s.prefixed(w, 40) {
			add(id, 0.9)
		}
	}
	if len(t.ids) == 0 {
		// Nearer and commoner spellings first, each a little less sure.
		for i, id := range s.fuzzy(w) {
			add(id, 0.85-0.05*float32(i))
		}
		if sw != w {
			for i, id := range s.fuzzy(sw) {
				add(id, 0.85-0.05*float32(i))
			}
		}
		// The index holds words stemmed ("diabete"): a misspelt word
		// ending in s ("diabeetus") is compared without it too.
		if len(t.ids) == 0 && len(w) > 5 && strings.HasSuffix(w, "s") {
			for i, id := range s.fuzzy(w[:len(w)-1]) {
				add(id, 0.85-0.05*float32(i))
			}
		}
	}
	if len(t.ids) == 0 {
		return t, false
	}
	// A word's weight is that of its commonest reading, so a prefix that
	// happens to complete to a rare word does not dominate.
	t.idf = s.idf[t.ids[0]]
	for _, id := range t.ids {
		if s.idf[id] < t.idf {
			t.idf = s.idf[id]
		}
	}
	if t.w[0] < 1 {
		t.idf *= t.w[0]
	}
	for _, id := range t.ids {
		t.posted += len(s.postings[id])
	}
	return t, true
}

type docScore struct {
	doc   int32
	score float32
}

// kthBest returns the k-th best score among the codes reached, or a floor
// below every score when fewer than k were.
func (sc *scratch) kthBest(k int) float32 {
	if len(sc.bestSet) < k {
		return -1
	}
	top := sc.topK[:0]
	for _, t := range sc.bestSet {
		v := sc.best[t].score
		if len(top) == k && v <= top[k-1] {
			continue
		}
		// Insert keeping top in descending order, at most k long.
		i := len(top)
		if i < k {
			top = append(top, v)
		} else {
			i--
		}
		for ; i > 0 && top[i-1] < v; i-- {
			top[i] = top[i-1]
		}
		top[i] = v
	}
	sc.topK = top
	return top[k-1]
}

// textSearch scores every document against each reading of the query (as
// typed, and with abbreviations and lay terms expanded) and returns the
// codes of the best documents.
func (s *searchIndex) textSearch(text string, limit int) []Hit {
	sc := s.getScratch()
	defer s.putScratch(sc)
	// The ranking below turns at most limit*2 codes into hits, and each
	// code reached adds at least one hit of its own, so a document that
	// scores below the limit*2-th best code so far cannot show: later
	// readings skip it (floor).
	keep := limit * 2
	var floor float32
	variants := queryVariantsWith(text, s.moreRewrites)
	var q qualifiers
	if len(variants) > 0 {
		all := tokenize(text)
		for _, v := range variants[1:] {
			all = append(all, v...)
		}
		q = parseQualifiers(all)
	}
	for vi, v := range variants {
		penalty := float32(1)
		if vi > 0 {
			penalty = 0.97
		}
		sc.out = sc.out[:0]
		s.scoreVariant(sc, v, floor/penalty)
		for _, ds := range sc.out {
			ds.score *= penalty
			t := s.docs[ds.doc].target
			cur := &sc.best[t]
			if cur.doc == 0 {
				sc.bestSet = append(sc.bestSet, t)
			}
			if cur.doc == 0 || ds.score > cur.score {
				*cur = docScore{ds.doc + 1, ds.score}
			}
		}
		floor = sc.kthBest(keep)
	}
	ranked := make([]docScore, 0, len(sc.bestSet))
	for _, t := range sc.bestSet {
		ds := sc.best[t]
		ranked = append(ranked, docScore{ds.doc - 1, ds.score})
	}
	sort.Slice(ranked, func(i, j int) bool {
		if ranked[i].score != ranked[j].score {
			return ranked[i].score > ranked[j].score
		}
		return s.docs[ranked[i].doc].target < s.docs[ranked[j].doc].target
	})
	// Rank the codes first and spell out only the hits returned: a hit's
	// children and index path cost more than ranking it.
	type cand struct {
		c     Code
		score float64
		d     *doc
	}
	var cands []cand
	seen := map[string]bool{}
	push := func(c Code, score float64, d *doc) {
		if seen[c.Code] || len(cands) >= limit*2 {
			return
		}
		seen[c.Code] = true
		cands = append(cands, cand{c, score, d})
	}
	for _, ds := range ranked {
		if len(cands) >= limit*2 {
			break
		}
		d := &s.docs[ds.doc]
		c := s.l.Codes[d.target]
		// Only the codes that may show are qualified: the rest are ranked
		// out anyway.
		qualify := q.any() && len(cands) < limit
		if c.Billable {
			if qualify {
				// The code of the family that carries what the query
				// states (the side, the encounter), beside the code found.
				push(s.l.qualified(c, q), float64(ds.score), d)
			}
			push(c, float64(ds.score), d)
			continue
		}
		if qualify {
			push(s.l.qualified(c, q), float64(ds.score)*0.98, d)
		}
		if kid, ok := s.l.defaultChild(c.Code); ok {
			push(kid, float64(ds.score)*0.98, d)
		}
		push(c, float64(ds.score)*0.85, d)
	}
	if q.any() {
		for i := range cands {
			cands[i].score += q.fit(cands[i].c.Description())
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	if len(cands) > limit {
		cands = cands[:limit]
	}
	hits := make([]Hit, 0, len(cands))
	for _, k := range cands {
		hits = append(hits, s.hit(k.c, k.score, sourceName(k.d.src), s.pathOf(k.d)))
	}
	return hits
}

func sourceName(src uint8) string {
	switch src {
	case srcIndex, srcAlias:
		return "index"
	case srcInclusion:
		return "inclusion term"
	}
	return "description"
}

// pathOf spells the index path of a document: the entry's path, and for a
// cross-reference the entry that holds it and the path it leads to.
func (s *searchIndex) pathOf(d *doc) string {
	if d.entry < 0 {
		return ""
	}
	spell := func(i int32) string {
		var parts []string
		for j := int(i); j >= 0; j = s.index[j].Parent {
			parts = append([]string{s.index[j].Term}, parts...)
		}
		return strings.Join(parts, " > ")
	}
	if d.via >= 0 {
		return spell(d.via) + " → see " + spell(d.entry)
	}
	return spell(d.entry)
}

// scoreVariant scores documents against one reading of the query. A
// document's score rewards covering every query word (coverage) and having
// few essential words the query did not ask for (precision), so the
// exact concept outranks longer descriptions that merely contain it. The
// scores are appended to sc.out, except those that cannot reach floor.
func (s *searchIndex) scoreVariant(sc *scratch, words []string, floor float32) {
	var tsBuf [32]term
	ts := tsBuf[:0]
	for i, w := range words {
		if t, ok := s.cachedTerm(w, i == len(words)-1); ok {
			ts = append(ts, t)
		} else {
			// An unknown word still counts against coverage.
			ts = append(ts, term{idf: 2})
		}
		if len(ts) == 32 {
			break
		}
	}
	if len(ts) == 0 {
		return
	}
	defer sc.reset()
	var total float32
	for _, t := range ts {
		total += t.idf
		for k, id := range t.ids {
			if sc.mw[id] == 0 {
				sc.mwSet = append(sc.mwSet, id)
			}
			sc.mw[id] = max(sc.mw[id], t.w[k])
		}
	}
	// The score below is at most cov² plus bonuses of at most bonus, so a
	// document needs query words weighing minRaw to reach floor.
	var hitMax float32
	for _, id := range sc.mwSet {
		hitMax += s.idf[id] * sc.mw[id]
	}
	bonus := 0.02 + 0.1 + 0.05*hitMax/total
	var minRaw float32
	if floor > bonus {
		minRaw = total * float32(math.Sqrt(float64(floor-bonus)))
	}
	// Rarer words first. Only documents whose words weigh at least 60% of
	// the best document's are scored (below), so once the words still to
	// come weigh less than that, a document none of the words so far
	// reached can no longer make it: the remaining words only add to
	// documents already reached. For a word like "left" that is a walk
	// over the few reached documents instead of its long posting list.
	var orderBuf [32]int
	order := orderBuf[:len(ts)]
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return ts[order[a]].idf > ts[order[b]].idf })
	remaining := total
	var top float32
	// live, once set, holds the reached documents that can still pass the
	// cut; tokCost is about how many words they have together.
	var live []int32
	pruned := false
	tokCost := 0
	for _, ti := range order {
		t := &ts[ti]
		bit := uint32(1) << ti
		cut := max(0.6*top, minRaw)
		if remaining < cut {
			// Drop the documents that cannot pass the cut even with all the
			// words still to come.
			src := sc.touched
			if pruned {
				src = live
			}
			live = sc.live[:0]
			for _, d := range src {
				if sc.acc[d].score+remaining >= cut {
					live = append(live, d)
				}
			}
			sc.live, pruned = live, true
			tokCost = len(live) * s.docWords
		}
		switch {
		case pruned && tokCost < t.posted:
			// Few documents left: look the word up in each.
			for k, id := range t.ids {
				sc.tw[id] = t.w[k]
			}
			for _, d := range live {
				doc := &s.docs[d]
				var best float32
				for _, tok := range s.toks[doc.ess[0]:doc.opt[1]] {
					best = max(best, sc.tw[tok])
				}
				if best > 0 {
					a := &sc.acc[d]
					a.mask |= bit
					a.score += t.idf * best
					top = max(top, a.score)
				}
			}
			for _, id := range t.ids {
				sc.tw[id] = 0
			}
		case pruned:
			// Walk the postings, adding only to documents already reached.
			for k, id := range t.ids {
				add := t.idf * t.w[k]
				for _, d := range s.postings[id] {
					a := &sc.acc[d]
					if a.mask == 0 || a.mask&bit != 0 {
						continue
					}
					a.mask |= bit
					a.score += add
					top = max(top, a.score)
				}
			}
		default:
			for k, id := range t.ids {
				add := t.idf * t.w[k]
				for _, d := range s.postings[id] {
					a := &sc.acc[d]
					if a.mask&bit != 0 {
						continue
					}
					if a.mask == 0 {
						sc.touched = append(sc.touched, d)
					}
					a.mask |= bit
					a.score += add
					top = max(top, a.score)
				}
			}
		}
		remaining -= t.idf
	}
	if !pruned {
		live = sc.touched
	}
	cut := max(top*0.6, minRaw)
	for _, d := range live {
		if sc.acc[d].score < cut {
			continue
		}
		doc := &s.docs[d]
		cov := sc.acc[d].score / total
		var hitIDF float32
		for _, t := range s.toks[doc.ess[0]:doc.ess[1]] {
			if w := sc.mw[t]; w > 0 {
				hitIDF += s.idf[t] * w
			}
		}
		prec := float32(1)
		if doc.essIDF > 0 {
			prec = hitIDF / doc.essIDF
		}
		score := cov * cov * (0.5 + 0.5*prec)
		switch doc.src {
		case srcIndex:
			score += 0.02
		case srcAlias:
			score += 0.01
		case srcInclusion:
			score -= 0.01
		}
		if !doc.exact {
			score -= 0.03
		}
		if cov > 0.999 && prec > 0.999 {
			score += 0.1
		}
		if (doc.src == srcIndex || doc.src == srcAlias) && !s.mainMatched(sc, doc) {
			// The main term names the condition: a path whose main term
			// the query never names is another condition that happens to
			// share a subterm or a nonessential modifier ("Syphilis
			// (acquired) > pneumonia" for "acquired pneumonia").
			score *= offMainPenalty
		}
		// Query words found among the essential words (not only in
		// nonessential modifiers) mark the more specific entry.
		score += 0.05 * hitIDF / total
		sc.out = append(sc.out, docScore{d, score})
	}
}
