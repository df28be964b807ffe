package codeset

import (
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
)

// minIndexReach is the share of sampled Alphabetic Index paths whose code
// search finds within five hits, as reached, less a margin.
const minIndexReach = 0.95

// TestIndexReach searches for every 97th path of the FY2025 Alphabetic
// Index that ends in a code, typed as a coder reads it (main term >
// subterm > subterm, first forms, without nonessential modifiers), and
// checks that its code, or a code under it, is within the first five
// hits: every level of the index is a way in.
func TestIndexReach(t *testing.T) {
	c := loadShared(t)
	l := c.inForce(ICD10CM, "", rcm.Date{})
	s := l.searcher()
	var tried, found int
	byLevel := map[int][2]int{}
	for i := 0; i < len(s.index); i += 97 {
		e := &s.index[i]
		if e.Code == "" {
			continue
		}
		target, exact, ok := s.resolveCode(e.Code)
		if !ok || !exact {
			continue
		}
		want := l.Codes[target].Code
		var parts []string
		level := 0
		for j := i; j >= 0; j = s.index[j].Parent {
			first, _, _ := strings.Cut(s.index[j].Term, ", ")
			parts = append([]string{seeKey(first)}, parts...)
			level++
		}
		q := strings.Join(parts, " ")
		tried++
		k := byLevel[level]
		k[1]++
		hit := false
		for _, h := range c.Search(Query{Text: q, Systems: []System{ICD10CM}, Limit: 5}) {
			if strings.HasPrefix(Normalize(h.Code), want) {
				hit = true
				break
			}
		}
		if hit {
			found++
			k[0]++
		} else if testing.Verbose() {
			t.Logf("level %d %-60q want %s", level, q, Display(ICD10CM, want))
		}
		byLevel[level] = k
	}
	for lv := 1; lv <= 8; lv++ {
		if k, ok := byLevel[lv]; ok {
			t.Logf("depth %d: %d/%d", lv, k[0], k[1])
		}
	}
	r := float64(found) / float64(tried)
	t.Logf("index reach: %d of %d sampled paths (%.2f)", found, tried, r)
	if r < minIndexReach {
		t.Errorf("index reach %.2f, floor %.2f", r, minIndexReach)
	}
}

// minSeeReach is the share of sampled "see" references whose target search
// reaches from the referring entry's words, as reached, less a margin.
const minSeeReach = 0.80

// TestSeeReach searches for every 7th entry of the index that sends the
// reader elsewhere ("Hives — see Urticaria"), typed as its path, and
// checks that a code of the entry it names (or two levels under it) is
// within the first five hits.
func TestSeeReach(t *testing.T) {
	c := loadShared(t)
	l := c.inForce(ICD10CM, "", rcm.Date{})
	s := l.searcher()
	lower := make([]string, len(s.index))
	mains := map[string][]int32{}
	for i := range s.index {
		lower[i] = seeKey(s.index[i].Term)
		if s.index[i].Parent < 0 {
			mains[lower[i]] = append(mains[lower[i]], int32(i))
			if f, _, _ := strings.Cut(lower[i], ", "); f != lower[i] {
				mains[f] = append(mains[f], int32(i))
			}
		}
	}
	r := &resolver{index: s.index, children: s.children, mains: mains, lower: lower}
	var tried, found int
	for i := 0; i < len(s.index); i += 7 {
		e := &s.index[i]
		if e.See == "" || e.Code != "" || strings.EqualFold(e.See, "condition") || strings.Contains(e.See, "Table") || strings.Contains(e.See, "Neoplasm") {
			continue
		}
		node, full := r.resolveFull(e.See)
		if node < 0 || !full {
			continue
		}
		want := map[string]bool{}
		var collect func(n int32, depth int)
		collect = func(n int32, depth int) {
			if code := s.index[n].Code; code != "" {
				if t, _, ok := s.resolveCode(code); ok {
					want[l.Codes[t].Code] = true
				}
			}
			if depth < 2 {
				for _, ch := range s.children[n] {
					collect(ch, depth+1)
				}
			}
		}
		collect(node, 0)
		if len(want) == 0 {
			continue
		}
		var parts []string
		for j := i; j >= 0; j = s.index[j].Parent {
			first, _, _ := strings.Cut(s.index[j].Term, ", ")
			parts = append([]string{seeKey(first)}, parts...)
		}
		q := strings.Join(parts, " ")
		tried++
		hit := false
		for _, h := range c.Search(Query{Text: q, Systems: []System{ICD10CM}, Limit: 5}) {
			code := Normalize(h.Code)
			for w := range want {
				if strings.HasPrefix(code, w) {
					hit = true
				}
			}
		}
		if hit {
			found++
		} else if testing.Verbose() {
			t.Logf("%-50q see %q", q, e.See)
		}
	}
	rate := float64(found) / float64(tried)
	t.Logf("see reach: %d of %d sampled references (%.2f)", found, tried, rate)
	if rate < minSeeReach {
		t.Errorf("see reach %.2f, floor %.2f", rate, minSeeReach)
	}
}
