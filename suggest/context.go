package suggest

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
)

// Context is what the note says about a finding besides the finding
// itself, in ConText's terms (Harkema et al. 2009).
type Context uint8

// Context flags. Several may hold at once ("no family history of").
const (
	Negated Context = 1 << iota
	Uncertain
	Historical
	Family
	Hypothetical
)

// String names the flags for the path a suggestion explains.
func (c Context) String() string {
	var s []string
	for _, f := range []struct {
		c Context
		n string
	}{{Negated, "negated"}, {Uncertain, "uncertain"}, {Historical, "historical"}, {Family, "family"}, {Hypothetical, "hypothetical"}} {
		if c&f.c != 0 {
			s = append(s, f.n)
		}
	}
	if len(s) == 0 {
		return "affirmed"
	}
	return strings.Join(s, ",")
}

type triggerKind uint8

const (
	kindContext triggerKind = iota
	kindPseudo
	kindEnd
	kindTail
)

type trigger struct {
	words []string
	kind  triggerKind
	ctx   Context
	post  bool
}

//go:embed data/context.tsv
var contextData string

var triggers = mustParseTriggers(contextData)

func mustParseTriggers(data string) map[string][]trigger {
	m, err := parseTriggers(data)
	if err != nil {
		panic(err)
	}
	return m
}

// parseTriggers reads the trigger table, keyed by first word, longest
// phrase first so that "no evidence of" wins over "no".
func parseTriggers(data string) (map[string][]trigger, error) {
	m := map[string][]trigger{}
	for n, line := range strings.Split(data, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("context.tsv:%d: want phrase, kind and direction separated by tabs", n+1)
		}
		t := trigger{post: f[2] == "post"}
		if f[2] != "pre" && f[2] != "post" {
			return nil, fmt.Errorf("context.tsv:%d: direction %q (want pre or post)", n+1, f[2])
		}
		switch f[1] {
		case "negated":
			t.ctx = Negated
		case "uncertain":
			t.ctx = Uncertain
		case "historical":
			t.ctx = Historical
		case "family":
			t.ctx = Family
		case "hypothetical":
			t.ctx = Hypothetical
		case "pseudo":
			t.kind = kindPseudo
		case "end":
			t.kind = kindEnd
		case "tail":
			t.kind = kindTail
		default:
			return nil, fmt.Errorf("context.tsv:%d: unknown kind %q", n+1, f[1])
		}
		for _, w := range words(Note{Lower: strings.ToLower(f[0])}, 0, len(f[0])) {
			t.words = append(t.words, w.w)
		}
		if len(t.words) == 0 {
			return nil, fmt.Errorf("context.tsv:%d: empty phrase", n+1)
		}
		m[t.words[0]] = append(m[t.words[0]], t)
	}
	for k := range m {
		ts := m[k]
		sort.SliceStable(ts, func(i, j int) bool { return len(ts[i].words) > len(ts[j].words) })
	}
	return m, nil
}

// tagged is a word of a clause with what the context says about it.
type tagged struct {
	word
	ctx     Context
	trigger bool // part of a trigger phrase
	tail    bool // after a tail trigger: status or treatment
	paren   bool // inside parentheses: a detail or an alternative name
}

// annotate runs the ConText algorithm over one clause: each pre-trigger
// marks the words after it up to a terminator or the clause's end, each
// post-trigger the words before it back to a terminator or the clause's
// start. Pseudo-triggers are consumed so their words trigger nothing.
//
// Negation and uncertainty run through a comma list ("denies fever, chills
// or cough"); history, family and hypothetical scopes stop at a comma or a
// parenthesis, since a list of those is rare and a run-on is common.
func annotate(n Note, ws []word) []tagged {
	out := make([]tagged, len(ws))
	depth := 0
	for i, w := range ws {
		out[i].word = w
		if i > 0 {
			gap := n.Lower[ws[i-1].end:w.start]
			depth += strings.Count(gap, "(") - strings.Count(gap, ")")
			if depth < 0 {
				depth = 0
			}
		}
		out[i].paren = depth > 0
	}
	comma := func(j int) bool {
		return j > 0 && strings.ContainsAny(n.Lower[ws[j-1].end:ws[j].start], ",()")
	}
	type hit struct {
		t      trigger
		at, to int
	}
	var hits []hit
	for i := 0; i < len(ws); {
		matched := false
		for _, t := range triggers[ws[i].w] {
			if i+len(t.words) > len(ws) {
				continue
			}
			ok := true
			for k, tw := range t.words {
				if ws[i+k].w != tw {
					ok = false
					break
				}
			}
			if ok {
				hits = append(hits, hit{t, i, i + len(t.words)})
				i += len(t.words)
				matched = true
				break
			}
		}
		if !matched {
			i++
		}
	}
	ends := func(j int) bool {
		for _, h := range hits {
			if h.t.kind == kindEnd && j >= h.at && j < h.to {
				return true
			}
		}
		return false
	}
	for _, h := range hits {
		if h.t.kind != kindEnd {
			for j := h.at; j < h.to; j++ {
				out[j].trigger = true
			}
		}
		switch h.t.kind {
		case kindTail:
			for j := h.to; j < len(out) && !ends(j); j++ {
				out[j].tail = true
			}
		case kindContext:
			if h.t.post {
				for j := h.at - 1; j >= 0 && !ends(j); j-- {
					out[j].ctx |= h.t.ctx
				}
			} else {
				short := h.t.ctx&(Historical|Family|Hypothetical) != 0
				for j := h.to; j < len(out) && !ends(j) && !(short && j > h.to && comma(j)); j++ {
					out[j].ctx |= h.t.ctx
				}
			}
		}
	}
	return out
}
