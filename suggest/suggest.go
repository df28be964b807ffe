// Package suggest reads a clinical note and suggests the ICD-10-CM codes it
// supports (computer-assisted coding), each with the spans of the note that
// support it and the path that produced it, so that a coder can check every
// suggestion line by line.
//
// The reader finds the statements of diagnosis (the assessment, impression
// or diagnosis list; the whole note when it has none), runs a ConText-style
// algorithm over each clause to leave out what is negated, hypothetical,
// about a relative or (outpatient, Official Guidelines IV.H) uncertain, and
// looks each remaining condition up through the encoder search (Alphabetic
// Index paths and Tabular descriptions). Guideline rules then apply:
// combination codes (I.A.15 "with", I.C.9.a hypertension), history and
// status Z codes, long-term drug use (I.C.4.a.3), BMI with a documented
// weight diagnosis (I.B.14), weeks of gestation (I.C.15.b), and sequencing.
package suggest

import (
	"sort"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
)

// Request is one note to read.
type Request struct {
	Note string
	// DOS picks the code release; zero means the newest.
	DOS rcm.Date
	// Age in years, -1 or 0 with AgeKnown false when unknown.
	Age      int
	AgeKnown bool
	Sex      string
	// Setting is "inpatient" or "outpatient" (ED is outpatient); empty
	// means read it from the note.
	Setting string
	Org     string
}

// Suggestion is one suggested code.
type Suggestion struct {
	Code        string   `json:"code"`
	System      string   `json:"system"`
	Description string   `json:"description"`
	Evidence    []Span   `json:"evidence"`
	Path        []string `json:"path"`
	Confidence  float64  `json:"confidence"`
	// NotReached says why a more specific code was not reached, when one
	// exists below the suggested code's category.
	NotReached string `json:"not_reached,omitempty"`
	// Sequence is "first-listed", "additional", "manifestation" or "status".
	Sequence string `json:"sequence"`
	Units    int    `json:"units,omitempty"`

	order int
	ctx   Context
}

// LeftOut is a finding the reader saw and did not code, and why.
type LeftOut struct {
	Evidence Span   `json:"evidence"`
	Context  string `json:"context"`
	Reason   string `json:"reason"`
}

// Result is the reader's answer for one note.
type Result struct {
	Setting     string       `json:"setting"`
	Suggestions []Suggestion `json:"suggestions"`
	LeftOut     []LeftOut    `json:"left_out"`
}

// Engine suggests codes from a catalog.
type Engine struct {
	Catalog *codeset.Catalog
}

// minScore is the search score below which a phrase is taken to name no
// code: the search matched only stray words.
const minScore = 0.3

// minScoreBody is the score a phrase must reach when the note has no
// diagnosis heading and every sentence is read: narrative text matches
// stray index words far more often than a diagnosis statement does.
const minScoreBody = 0.9

// mention is a condition named in the note with its context.
type mention struct {
	ws    []tagged // the condition's own words
	all   [2]int   // the clause it came from
	ctx   Context
	dx    bool // stated under a diagnosis heading
	order int
}

func (m mention) phrase(n Note) string { return m.text(n, true) }

// text joins the mention's words, with or without those in parentheses.
func (m mention) text(n Note, paren bool) string {
	var b strings.Builder
	for _, w := range m.ws {
		if w.paren && !paren {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(n.Text[w.start:w.end])
	}
	return b.String()
}

func (m mention) span(n Note) Span {
	if len(m.ws) == 0 {
		return Span{m.all[0], m.all[1], n.Text[m.all[0]:m.all[1]]}
	}
	s, e := m.ws[0].start, m.ws[len(m.ws)-1].end
	return Span{s, e, n.Text[s:e]}
}

// Suggest reads a note.
func (e *Engine) Suggest(req Request) (*Result, error) {
	n, err := ReadNote(req.Note)
	if err != nil {
		return nil, err
	}
	res := &Result{Setting: req.Setting, Suggestions: []Suggestion{}, LeftOut: []LeftOut{}}
	if res.Setting == "" {
		res.Setting = inferSetting(n)
	}
	r := &reader{e: e, n: n, req: req, res: res, inpatient: res.Setting == "inpatient"}
	r.read()
	return res, nil
}

var inpatientWords = []string{"discharge summary", "admitted", "admission", "hospital day", "hospital course", "inpatient", "discharged"}

// inferSetting reads the setting from the note's own words: an admission or
// a discharge summary is inpatient (Section II rules), anything else is
// outpatient (Section IV), the conservative reading.
func inferSetting(n Note) string {
	for _, w := range inpatientWords {
		if strings.Contains(n.Lower, w) {
			return "inpatient"
		}
	}
	return "outpatient"
}

type reader struct {
	e         *Engine
	n         Note
	req       Request
	res       *Result
	inpatient bool
	mentions  []mention
	order     int
}

func (r *reader) read() {
	secs := sections(r.n)
	haveDx := false
	for _, s := range secs {
		if isDxHeading(s.name) {
			haveDx = true
		}
	}
	for _, s := range secs {
		dx := isDxHeading(s.name)
		r.readSection(s, dx || !haveDx, dx)
	}
	r.code()
}

// readSection collects the mentions of a section. Conditions are coded from
// diagnosis statements; elsewhere only history, family history and status
// statements are read (they rarely reach the assessment).
func (r *reader) readSection(s section, conditions, dx bool) {
	for _, st := range statements(r.n, s.start, s.end) {
		ws := words(r.n, st[0], st[1])
		if len(ws) == 0 {
			continue
		}
		tg := annotate(r.n, ws)
		var cur *mention
		for _, p := range parts(r.n, st) {
			var own []tagged
			first := ""
			ctx := Context(0)
			anyWord := false
			for _, t := range tg {
				if t.start < p[0] || t.end > p[1] {
					continue
				}
				if first == "" {
					first = t.w
				}
				anyWord = true
				if t.trigger || t.tail {
					continue
				}
				own = append(own, t)
				ctx |= t.ctx
			}
			if !anyWord {
				continue
			}
			if cur != nil && (len(own) == 0 || qualifiers[first] && ctx == cur.ctx) {
				cur.ws = append(cur.ws, own...)
				cur.all[1] = p[1]
				continue
			}
			if cur != nil {
				r.add(*cur, conditions, dx)
			}
			own = trimConnectors(own)
			cur = &mention{ws: own, all: p, ctx: ctx, dx: dx}
		}
		if cur != nil {
			r.add(*cur, conditions, dx)
		}
	}
}

func trimConnectors(ws []tagged) []tagged {
	for len(ws) > 0 && connectors[ws[0].w] {
		ws = ws[1:]
	}
	for len(ws) > 0 && connectors[ws[len(ws)-1].w] {
		ws = ws[:len(ws)-1]
	}
	return ws
}

var connectors = wordSet("with and or due to secondary of in w/ w w/o the a an also both")

func (r *reader) add(m mention, conditions, dx bool) {
	m.ws = trimConnectors(m.ws)
	if len(m.ws) == 0 {
		return
	}
	// A clause of only numbers and units is a measurement, not a finding.
	if !hasLetters(m.ws) {
		return
	}
	if !conditions && m.ctx&(Historical|Family) == 0 {
		return
	}
	m.order = r.order
	r.order += 10
	r.mentions = append(r.mentions, m)
}

func hasLetters(ws []tagged) bool {
	for _, w := range ws {
		for i := 0; i < len(w.w); i++ {
			if isLetter(w.w[i]) {
				return true
			}
		}
	}
	return false
}

// code turns mentions into suggestions.
func (r *reader) code() {
	for _, m := range r.mentions {
		r.codeMention(m)
	}
	r.applyRules()
	r.sequence()
	r.drugLines()
}

func (r *reader) leaveOut(m mention, reason string) {
	r.res.LeftOut = append(r.res.LeftOut, LeftOut{Evidence: m.span(r.n), Context: m.ctx.String(), Reason: reason})
}

func (r *reader) codeMention(m mention) {
	switch {
	case m.ctx&Negated != 0:
		r.leaveOut(m, "negated: a finding the note denies is not coded")
		return
	case m.ctx&Hypothetical != 0:
		r.leaveOut(m, "hypothetical: a future or conditional finding is not coded")
		return
	case m.ctx&Family != 0:
		r.familyHistory(m)
		return
	case m.ctx&Historical != 0:
		r.history(m)
		return
	case m.ctx&Uncertain != 0 && !r.inpatient:
		r.leaveOut(m, "uncertain diagnosis in an outpatient setting (Official Guidelines IV.H): code the documented signs and symptoms instead")
		return
	}
	h, ok := r.lookup(m.text(r.n, false), nil)
	if !ok {
		if h, ok = r.lookup(m.phrase(r.n), nil); !ok {
			if m.dx {
				r.chunks(m, codeset.Hit{Code: "---"})
			}
			return
		}
	}
	if !m.dx && h.Score < minScoreBody {
		// a note without a diagnosis statement: only a clear match
		return
	}
	path := []string{"note: " + quoteSpan(m.span(r.n))}
	if m.ctx&Uncertain != 0 {
		path = append(path, "uncertain diagnosis coded as established: inpatient setting (Official Guidelines II.H, III.C)")
	}
	r.suggest(h, m, path)
	if m.dx {
		r.chunks(m, h)
	}
}

// linkers join two conditions in one statement ("cough with fever", "UTI
// due to E. coli").
var linkers = wordSet("with due secondary and from w/")

// chunks codes the conditions a statement joins with "with", "due to" or
// "and" when the code found for the whole statement is not itself a
// combination ("acute cough with fever" is R05.1 and R50.9; "COPD with
// acute exacerbation" is one code): each part is looked up alone and kept
// when it names a condition of another category that the first code's
// description does not already say.
func (r *reader) chunks(m mention, main codeset.Hit) {
	var parts [][]tagged
	start := 0
	for i, w := range m.ws {
		if linkers[w.w] {
			if i > start {
				parts = append(parts, m.ws[start:i])
			}
			start = i + 1
		}
	}
	if start == 0 {
		return
	}
	if start < len(m.ws) {
		parts = append(parts, m.ws[start:])
	}
	for _, p := range parts {
		sub := mention{ws: trimConnectors(p), all: m.all, ctx: m.ctx, dx: m.dx, order: m.order + 1}
		if len(sub.ws) == 0 {
			continue
		}
		text := sub.text(r.n, false)
		if covered(text, main.Description) {
			continue
		}
		h, ok := r.lookup(text, nil)
		if !ok || h.Code[:3] == main.Code[:3] || !saysMore(h.Description, main.Description) {
			continue
		}
		r.suggest(h, sub, []string{"note: " + quoteSpan(sub.span(r.n)), "a second condition in the statement " + quoteSpan(m.span(r.n)) + ", not part of " + codeset.Display(codeset.ICD10CM, main.Code)})
	}
}

func quoteSpan(s Span) string { return "\u201c" + s.Text + "\u201d" }

// lookup searches a phrase and returns the best billable ICD-10-CM hit that
// passes want.
func (r *reader) lookup(phrase string, want func(code string) bool) (codeset.Hit, bool) {
	hits := r.e.Catalog.Search(codeset.Query{Text: phrase, Systems: []codeset.System{codeset.ICD10CM}, DOS: r.req.DOS, Org: r.req.Org, Limit: 8})
	for i, h := range hits {
		if h.Score < minScore {
			break
		}
		if !h.Billable {
			if len(h.Children) == 0 {
				continue
			}
			// a header: its default child, the code a coder reaches
			// with nothing more documented
			c := h.Children[0]
			h.Code, h.Description, h.Billable = c.Code, c.Description, true
		}
		if want != nil && !want(h.Code) {
			continue
		}
		if contradicts(phrase, h.Description) {
			continue
		}
		if alt, ok := withoutSibling(phrase, h, hits); ok {
			return alt, true
		}
		if want == nil && i > 0 {
			return h, true
		}
		return h, true
	}
	return codeset.Hit{}, false
}

func (r *reader) suggest(h codeset.Hit, m mention, path []string) {
	code := codeset.Display(codeset.ICD10CM, h.Code)
	for i := range r.res.Suggestions {
		s := &r.res.Suggestions[i]
		if s.Code == code {
			s.Evidence = append(s.Evidence, m.span(r.n))
			return
		}
	}
	if h.Path != "" {
		path = append(path, "index: "+h.Path)
	} else {
		path = append(path, "tabular: "+code+" "+h.Description)
	}
	conf := h.Score
	if conf > 1 {
		conf = 1
	}
	r.res.Suggestions = append(r.res.Suggestions, Suggestion{
		Code: code, System: string(codeset.ICD10CM), Description: h.Description,
		Evidence: []Span{m.span(r.n)}, Path: path, Confidence: float64(int(conf*100)) / 100,
		order: m.order, ctx: m.ctx,
	})
}

// familyHistory codes a relative's condition to the family history
// categories Z80-Z84.
func (r *reader) familyHistory(m mention) {
	cond, ok := r.lookup(m.text(r.n, false), nil)
	if !ok || cond.Code[0] == 'Z' {
		r.leaveOut(m, "family history: no condition named")
		return
	}
	if cond.Code[0] == 'C' {
		if z := neoHistory(cond.Code, true); z != "" {
			r.addCode(z, []Span{m.span(r.n)}, m.order, "note: "+quoteSpan(m.span(r.n)), "family history of "+codeset.Display(codeset.ICD10CM, cond.Code)+" "+cond.Description,
				"malignant neoplasm classifiable to "+cond.Code[:3]+": family history category by the Tabular's inclusion note")
			return
		}
	}
	h, ok := r.lookup("family history of "+m.text(r.n, false), func(c string) bool { return c >= "Z80" && c < "Z85" })
	if !ok {
		r.leaveOut(m, "family history: the relative's condition is not the patient's")
		return
	}
	r.suggest(h, m, []string{"note: " + quoteSpan(m.span(r.n)), "family history, not the patient's condition (Z80-Z84)"})
}

// history codes a past condition to personal history (Z85-Z87, Z92) or a
// status (Z93-Z99).
func (r *reader) history(m mention) {
	p := m.text(r.n, false)
	cond, ok := r.lookup(p, nil)
	if !ok {
		r.leaveOut(m, "history: no condition named")
		return
	}
	if cond.Code[0] == 'C' {
		if z := neoHistory(cond.Code, false); z != "" {
			r.addCode(z, []Span{m.span(r.n)}, m.order, "note: "+quoteSpan(m.span(r.n)), "personal history of "+codeset.Display(codeset.ICD10CM, cond.Code)+" "+cond.Description,
				"malignant neoplasm excised or treated, no longer present: personal history category by the Tabular's inclusion note (I.C.2.d)")
			return
		}
	}
	isZ := func(lo, hi string) func(string) bool {
		return func(c string) bool { return c >= lo && c < hi }
	}
	if h, ok := r.lookup("presence of "+p, isZ("Z93", "Z9A")); ok {
		r.suggest(h, m, []string{"note: " + quoteSpan(m.span(r.n)), "status after a procedure or device: status code"})
		return
	}
	if h, ok := r.lookup("status "+p, isZ("Z93", "Z9A")); ok {
		r.suggest(h, m, []string{"note: " + quoteSpan(m.span(r.n)), "status after a procedure or device: status code"})
		return
	}
	if h, ok := r.lookup("personal history of "+p, func(c string) bool { return isZ("Z85", "Z88")(c) || isZ("Z92", "Z93")(c) }); ok {
		r.suggest(h, m, []string{"note: " + quoteSpan(m.span(r.n)), "past condition no longer present: personal history code"})
		return
	}
	r.leaveOut(m, "history: a past condition with no personal history or status code")
}

// sequence orders the suggestions: first-listed by the guidelines' rules,
// then the conditions in the order the note states them, then status codes.
func (r *reader) sequence() {
	s := r.res.Suggestions
	sort.SliceStable(s, func(i, j int) bool {
		ri, rj := rank(s[i].Code), rank(s[j].Code)
		if ri != rj {
			return ri < rj
		}
		return s[i].order < s[j].order
	})
	for i := range s {
		switch {
		case i == 0:
			s[i].Sequence = "first-listed"
		case rank(s[i].Code) >= rankStatus:
			s[i].Sequence = "status"
		case strings.Contains(strings.ToLower(s[i].Description), "in diseases classified elsewhere"):
			s[i].Sequence = "manifestation"
		default:
			s[i].Sequence = "additional"
		}
	}
}

const rankStatus = 50

// rank places a code in the guidelines' order: encounter reasons (Z00-Z13,
// Z34, Z51) and pregnancy (Chapter 15 first, I.C.15.a.1) before other
// conditions, systemic infection before a localized one (I.C.1.d), the
// manifestation after its etiology (I.A.13), status, history and
// external causes last.
func rank(code string) int {
	switch {
	case code >= "Z00" && code < "Z14", strings.HasPrefix(code, "Z34"), strings.HasPrefix(code, "Z51"):
		return 0
	case code[0] == 'O':
		return 1
	case code >= "A40" && code < "A42", strings.HasPrefix(code, "R65.2"):
		return 2
	case code >= "B95" && code < "B98":
		return 11 // organism: use additional code after the infection
	case code >= "V00":
		return rankStatus + 5
	case strings.HasPrefix(code, "Z3A"), strings.HasPrefix(code, "Z37"):
		return rankStatus
	case code[0] == 'Z' && (code >= "Z77" || code >= "Z68" && code < "Z69" || code >= "Z17" && code < "Z18"):
		return rankStatus + 1
	}
	return 10
}

// contradicts reports a hit whose description says "with X" where the
// phrase says "without X", or the reverse: the search matches words, and
// "without coma" shares them with "with coma".
func contradicts(phrase, desc string) bool {
	p, d := " "+strings.ToLower(phrase)+" ", " "+strings.ToLower(desc)+" "
	for _, pair := range [][2]string{{" without ", " with "}, {" with ", " without "}} {
		for i := strings.Index(p, pair[0]); i >= 0; {
			rest := strings.Fields(p[i+len(pair[0]):])
			if len(rest) > 0 {
				w := strings.Trim(rest[0], ",.;()")
				if strings.Contains(d, pair[1]+w) && !strings.Contains(d, pair[0]+w) {
					return true
				}
			}
			j := strings.Index(p[i+1:], pair[0])
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	return false
}

// covered reports whether some reading of a phrase (abbreviations spelled
// out) has all its words in a description.
func covered(phrase, desc string) bool {
	for _, rd := range codeset.Readings(phrase) {
		if !saysMore(strings.Join(rd, " "), desc) {
			return true
		}
	}
	return false
}

// withoutSibling prefers "X without Y" to a hit "X with Y" when the phrase
// does not state Y: a "with" axis must be documented, and the Index's
// default for the plain term is the "without" code.
func withoutSibling(phrase string, h codeset.Hit, hits []codeset.Hit) (codeset.Hit, bool) {
	d := strings.ToLower(h.Description)
	i := strings.Index(d, " with ")
	if i < 0 {
		return h, false
	}
	rest := strings.Fields(d[i+6:])
	if len(rest) == 0 || strings.Contains(strings.ToLower(phrase), strings.Trim(rest[0], ",.()")) {
		return h, false
	}
	want := d[:i] + " without " + d[i+6:]
	for _, o := range hits {
		if o.Billable && strings.ToLower(o.Description) == want {
			return o, true
		}
	}
	return h, false
}
