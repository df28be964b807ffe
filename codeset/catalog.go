package codeset

import (
	"sort"
	"strings"
	"sync"

	"github.com/openrcm/openrcm"
)

// Catalog is every loaded release, kept in memory for search and
// validation: the releases of each system (and organization, for CPT) in
// order of their effective dates, each with its codes by value.
type Catalog struct {
	// lines holds, per system and organization, the releases in force one
	// after the other.
	lines map[lineKey][]*loaded
}

type lineKey struct {
	sys System
	org string
}

// loaded is a release with the lookups built from it.
type loaded struct {
	*Release
	byCode map[string]int32
	// children lists, per header code, its direct children by position.
	children map[string][]int32
	notes    map[string][]Note

	// The search index is built on first use (or by Warm): a command that
	// validates never pays for it, a server builds it once at start.
	indexSrc   []IndexEntry
	searchOnce sync.Once
	search     *searchIndex

	// defaults caches defaultChild by header position: search asks for
	// the same headers again and again, and the answer never changes.
	defaults sync.Map
}

func (l *loaded) searcher() *searchIndex {
	l.searchOnce.Do(func() { l.search = buildSearchIndex(l, l.indexSrc) })
	return l.search
}

// Warm builds the search indexes of the newest release of every system, so
// the first search after start-up is as fast as the others. The indexes
// are built side by side: start-up waits for the largest, not the sum.
func (c *Catalog) Warm() {
	var wg sync.WaitGroup
	for _, ls := range c.lines {
		wg.Go(func() { ls[len(ls)-1].searcher() })
	}
	wg.Wait()
}

// NewCatalog builds a catalog from releases. Parts of one release (the same
// system, organization and version, as separate imports give) are merged:
// codes from the order file win over codes from a tabular chapter. The
// search indexes are built here, so the catalog is ready when it returns.
func NewCatalog(releases []*Release) *Catalog {
	merged := map[string]*Release{}
	var order []string
	for _, r := range releases {
		k := r.Key()
		m, ok := merged[k]
		if !ok {
			m = &Release{System: r.System, Version: r.Version, Effective: r.Effective, Org: r.Org}
			merged[k] = m
			order = append(order, k)
		}
		m.Sources = append(m.Sources, r.Sources...)
		if len(r.Codes) > 0 && (len(m.Codes) == 0 || len(r.Codes) > len(m.Codes)) {
			m.Codes = r.Codes
		}
		if len(r.Notes) > 0 {
			m.Notes = r.Notes
		}
		if len(r.Index) > 0 {
			m.Index = r.Index
		}
	}
	c := &Catalog{lines: map[lineKey][]*loaded{}}
	for _, k := range order {
		r := merged[k]
		if len(r.Codes) == 0 {
			continue // notes or an index alone: used by the releases that have codes
		}
		if r.System == ICD10CM && !hasSeventh(r.Codes) {
			if donor := nearest(merged, lineKey{r.System, r.Org}, r.Effective, func(o *Release) bool { return hasSeventh(o.Codes) }); donor != nil {
				r.Codes = inheritSeventh(r.Codes, donor.Codes)
			}
		}
		l := newLoaded(r)
		key := lineKey{r.System, r.Org}
		c.lines[key] = append(c.lines[key], l)
	}
	for key, ls := range c.lines {
		sort.Slice(ls, func(i, j int) bool { return ls[i].Effective.Before(ls[j].Effective) })
		for _, l := range ls {
			if len(l.Notes) == 0 && key.sys == ICD10CM {
				if src := nearest(merged, key, l.Effective, func(r *Release) bool { return len(r.Notes) > 0 }); src != nil {
					l.notes = notesByCode(src.Notes)
				}
			}
			idx := l.Index
			if len(idx) == 0 && key.sys == ICD10CM {
				if src := nearest(merged, key, l.Effective, func(r *Release) bool { return len(r.Index) > 0 }); src != nil {
					idx = src.Index
				}
			}
			l.indexSrc = idx
		}
	}
	return c
}

// nearest returns the release of the same line, closest in effective date,
// that has what want asks for: a fiscal year's index or tabular notes serve
// a release imported without them.
func nearest(all map[string]*Release, key lineKey, eff rcm.Date, want func(*Release) bool) *Release {
	var best *Release
	bestDist := 0
	for _, r := range all {
		if r.System != key.sys || r.Org != key.org || !want(r) {
			continue
		}
		d := r.Effective.DaysSince(eff)
		if d < 0 {
			d = -d
		}
		if best == nil || d < bestDist {
			best, bestDist = r, d
		}
	}
	return best
}

func notesByCode(notes []Note) map[string][]Note {
	m := map[string][]Note{}
	for _, n := range notes {
		m[n.Code] = append(m[n.Code], n)
	}
	return m
}

func newLoaded(r *Release) *loaded {
	l := &loaded{Release: r, byCode: make(map[string]int32, len(r.Codes)), children: map[string][]int32{}}
	for i, c := range r.Codes {
		l.byCode[c.Code] = int32(i)
	}
	for i, c := range r.Codes {
		if p := l.parentOf(c.Code); p != "" {
			l.children[p] = append(l.children[p], int32(i))
		}
	}
	l.notes = notesByCode(r.Notes)
	return l
}

// parentOf returns the nearest shorter code of the release that code
// extends ("" for a category).
func (l *loaded) parentOf(code string) string {
	for n := len(code) - 1; n >= 3; n-- {
		if _, ok := l.byCode[code[:n]]; ok {
			return code[:n]
		}
	}
	return ""
}

func (l *loaded) code(code string) (Code, bool) {
	i, ok := l.byCode[code]
	if !ok {
		return Code{}, false
	}
	return l.Codes[i], true
}

// billableUnder returns the billable codes at or below code, in file order.
func (l *loaded) billableUnder(code string) []Code {
	return l.firstBillableUnder(code, -1)
}

// firstBillableUnder returns at most limit (all, when negative) of the
// billable codes at or below code, in file order, without walking the rest
// of the subtree: a header like S72 has hundreds.
func (l *loaded) firstBillableUnder(code string, limit int) []Code {
	var out []Code
	var walk func(c string)
	walk = func(c string) {
		if len(out) == limit {
			return
		}
		i, ok := l.byCode[c]
		if ok && l.Codes[i].Billable {
			out = append(out, l.Codes[i])
		}
		for _, ch := range l.children[c] {
			walk(l.Codes[ch].Code)
		}
	}
	walk(code)
	return out
}

// notesFor returns the notes of code and of every code above it, nearest
// first: a note on a category applies to all its codes.
func (l *loaded) notesFor(code string) []Note {
	var out []Note
	for n := len(code); n >= 3; n-- {
		out = append(out, l.notes[code[:n]]...)
	}
	return out
}

// Systems returns the systems (and organizations) the catalog holds.
func (c *Catalog) Systems() []System {
	seen := map[System]bool{}
	var out []System
	for k := range c.lines {
		if !seen[k.sys] {
			seen[k.sys] = true
			out = append(out, k.sys)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// ReleaseInfo describes a loaded release without its content.
type ReleaseInfo struct {
	System    System   `json:"system"`
	Version   string   `json:"version"`
	Effective rcm.Date `json:"effective"`
	Org       string   `json:"org,omitempty"`
	Codes     int      `json:"codes"`
	Billable  int      `json:"billable"`
	Notes     int      `json:"notes"`
	Index     int      `json:"index_terms"`
}

// Releases lists the loaded releases, by system and date.
func (c *Catalog) Releases() []ReleaseInfo {
	var out []ReleaseInfo
	for _, ls := range c.lines {
		for _, l := range ls {
			ri := ReleaseInfo{System: l.System, Version: l.Version, Effective: l.Effective, Org: l.Org, Codes: len(l.Codes), Notes: len(l.Notes), Index: len(l.Index)}
			for _, cd := range l.Codes {
				if cd.Billable {
					ri.Billable++
				}
			}
			out = append(out, ri)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].System != out[j].System {
			return out[i].System < out[j].System
		}
		return out[i].Effective.Before(out[j].Effective)
	})
	return out
}

// inForce returns the release of a line in force on dos: the latest one
// effective on or before it. A zero dos means the newest release.
func (c *Catalog) inForce(sys System, org string, dos rcm.Date) *loaded {
	ls := c.line(sys, org)
	if len(ls) == 0 {
		return nil
	}
	if dos.IsZero() {
		return ls[len(ls)-1]
	}
	var got *loaded
	for _, l := range ls {
		if !l.Effective.After(dos) {
			got = l
		}
	}
	return got
}

// line returns an organization's own releases of a system (a licensed CPT
// file, its CPT modifiers), or the public ones when it has none.
func (c *Catalog) line(sys System, org string) []*loaded {
	if org != "" {
		if ls := c.lines[lineKey{sys, org}]; len(ls) > 0 {
			return ls
		}
	}
	return c.lines[lineKey{sys, ""}]
}

// Lookup returns a code as the release in force on dos has it.
func (c *Catalog) Lookup(sys System, org, code string, dos rcm.Date) (Code, bool) {
	l := c.inForce(sys, org, dos)
	if l == nil || CheckShape(sys, code) != nil {
		return Code{}, false
	}
	return l.code(Normalize(code))
}

// Release returns the release of a system in force on dos (the newest for
// a zero dos).
func (c *Catalog) Release(sys System, org string, dos rcm.Date) (*Release, bool) {
	l := c.inForce(sys, org, dos)
	if l == nil {
		return nil, false
	}
	return l.Release, true
}

// FindRelease returns a loaded release by system and version.
func (c *Catalog) FindRelease(sys System, org, version string) (*Release, bool) {
	for _, l := range c.line(sys, org) {
		if strings.EqualFold(l.Version, version) {
			return l.Release, true
		}
	}
	return nil, false
}

// hasSeventh reports whether a code list holds the 7th-character
// expansions: the flattened code list has none, the order file has all.
func hasSeventh(codes []Code) bool {
	for _, c := range codes {
		// Some 7-character codes are plain subdivisions (E11.3211); the
		// encounter 7th characters of chapter 19 show an expanded list.
		if len(c.Code) == 7 && strings.Contains(c.Description(), "initial encounter") {
			return true
		}
	}
	return false
}

// inheritSeventh completes a code list that lacks the 7th-character
// expansions with those of the nearest release that has them: a code of
// the list that the donor expands with 7th characters becomes a header,
// followed by its expansions, described as the list describes the code
// plus the donor's 7th-character wording.
func inheritSeventh(codes, donor []Code) []Code {
	byCode := map[string]int{}
	for i, c := range codes {
		byCode[c.Code] = i
	}
	donorDesc := map[string]string{}
	for _, d := range donor {
		donorDesc[d.Code] = d.Description()
	}
	ext := map[string][]Code{}
	for _, d := range donor {
		if len(d.Code) != 7 {
			continue
		}
		base := strings.TrimRight(d.Code[:6], "X")
		i, ok := byCode[base]
		if !ok || !codes[i].Billable {
			continue
		}
		suffix := d.Description()
		if pd, ok := donorDesc[d.Code[:6]]; ok && strings.HasPrefix(suffix, pd) {
			suffix = strings.TrimPrefix(suffix, pd)
		} else if pd, ok := donorDesc[base]; ok && strings.HasPrefix(suffix, pd) {
			suffix = strings.TrimPrefix(suffix, pd)
		} else if at := strings.LastIndex(suffix, ", "); at >= 0 {
			suffix = suffix[at:]
		}
		desc := codes[i].Description() + suffix
		ext[base] = append(ext[base], Code{Code: d.Code, Billable: true, Short: desc, Long: desc})
	}
	if len(ext) == 0 {
		return codes
	}
	out := make([]Code, 0, len(codes)+len(ext)*4)
	for _, c := range codes {
		if e, ok := ext[c.Code]; ok {
			c.Billable = false
			out = append(out, c)
			out = append(out, e...)
			continue
		}
		out = append(out, c)
	}
	return out
}
