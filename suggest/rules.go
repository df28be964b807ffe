package suggest

import (
	_ "embed"
	"regexp"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm/codeset"
)

//go:embed data/drugs.tsv
var drugData string

//go:embed data/neoplasm_history.tsv
var neoplasmData string

type drug struct {
	words []string
	code  string
	needs string
}

var drugs = parseDrugs(drugData)

func parseDrugs(data string) map[string][]drug {
	m := map[string][]drug{}
	for _, line := range strings.Split(data, "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 || strings.HasPrefix(line, "#") {
			continue
		}
		d := drug{code: f[1], needs: f[2]}
		for _, w := range words(Note{Lower: f[0]}, 0, len(f[0])) {
			d.words = append(d.words, w.w)
		}
		m[d.words[0]] = append(m[d.words[0]], d)
	}
	return m
}

type neoRange struct{ lo, hi, family, personal string }

var neoplasmHistory = parseNeo(neoplasmData)

func parseNeo(data string) []neoRange {
	var out []neoRange
	for _, line := range strings.Split(data, "\n") {
		f := strings.Split(line, "\t")
		if len(f) == 4 && !strings.HasPrefix(line, "#") {
			out = append(out, neoRange{f[0], f[1], f[2], f[3]})
		}
	}
	return out
}

// neoHistory returns the history code for a malignant neoplasm code, from
// the narrowest range that holds its category.
func neoHistory(code string, family bool) string {
	cat := code[:3]
	best, width := "", 1000
	for _, r := range neoplasmHistory {
		if cat >= r.lo && cat <= r.hi {
			w := (int(r.hi[1]-'0')*10 + int(r.hi[2]-'0')) - (int(r.lo[1]-'0')*10 + int(r.lo[2]-'0'))
			if w < width {
				best, width = r.personal, w
				if family {
					best = r.family
				}
			}
		}
	}
	return best
}

func (r *reader) has(pred func(string) bool) bool {
	for _, s := range r.res.Suggestions {
		if pred(s.Code) {
			return true
		}
	}
	return false
}

func prefix(p ...string) func(string) bool {
	return func(c string) bool {
		for _, x := range p {
			if strings.HasPrefix(c, x) {
				return true
			}
		}
		return false
	}
}

func (r *reader) remove(pred func(string) bool) {
	out := r.res.Suggestions[:0]
	for _, s := range r.res.Suggestions {
		if !pred(s.Code) {
			out = append(out, s)
		}
	}
	r.res.Suggestions = out
}

func (r *reader) find(pred func(string) bool) *Suggestion {
	for i := range r.res.Suggestions {
		if pred(r.res.Suggestions[i].Code) {
			return &r.res.Suggestions[i]
		}
	}
	return nil
}

// addCode suggests a code the rules derived, looked up in the release in
// force so that a code missing from it is never suggested.
func (r *reader) addCode(code string, ev []Span, order int, path ...string) *Suggestion {
	c, ok := r.e.Catalog.Lookup(codeset.ICD10CM, r.req.Org, codeset.Normalize(code), r.req.DOS)
	if !ok || !c.Billable {
		return nil
	}
	code = codeset.Display(codeset.ICD10CM, c.Code)
	if s := r.find(func(x string) bool { return x == code }); s != nil {
		return s
	}
	r.res.Suggestions = append(r.res.Suggestions, Suggestion{Code: code, System: string(codeset.ICD10CM),
		Description: c.Description(), Evidence: ev, Path: path, Confidence: 0.9, order: order})
	return &r.res.Suggestions[len(r.res.Suggestions)-1]
}

func (r *reader) applyRules() {
	r.sepsis()
	r.hypertension()
	r.diabetesWith()
	r.episode()
	r.longTermDrugs()
	r.bmi()
	r.gestation()
	r.delivery()
	r.immunization()
}

var vaccineRE = regexp.MustCompile(`\b(vaccines?|vaccinations?|immunizations?)\b[^.;]{0,40}?\b(given|administered|received today|were given|was given)\b|\b(administered|gave|given)\b[^.;]{0,40}?\b(vaccines?|immunizations?)\b`)

// immunization adds Z23 when the visit gave a vaccine (I.C.21.c.2).
func (r *reader) immunization() {
	for _, st := range statements(r.n, 0, len(r.n.Text)) {
		m := vaccineRE.FindStringIndex(r.n.Lower[st[0]:st[1]])
		if m == nil {
			continue
		}
		tg := annotate(r.n, words(r.n, st[0], st[1]))
		neg := false
		for _, t := range tg {
			if t.start >= st[0]+m[0] && t.end <= st[0]+m[1] && t.ctx&(Negated|Hypothetical) != 0 {
				neg = true
			}
		}
		if neg {
			continue
		}
		ev := Span{st[0] + m[0], st[0] + m[1], r.n.Text[st[0]+m[0] : st[0]+m[1]]}
		r.addCode("Z23", []Span{ev}, 1<<19, "encounter for immunization: vaccine given at this visit (Official Guidelines I.C.21.c.2)")
		return
	}
}

// hypertension applies I.C.9.a: hypertension with heart failure or chronic
// kidney disease is presumed causal and coded to the combination category
// (I11, I12, I13), with additional codes for the failure and the stage.
func (r *reader) hypertension() {
	ht := r.find(prefix("I10", "I11", "I12", "I13"))
	if ht == nil {
		return
	}
	hf := r.find(prefix("I50"))
	ckd := r.find(prefix("N18"))
	stage5 := r.has(prefix("N18.5", "N18.6"))
	want := ""
	switch {
	case hf != nil && ckd != nil && stage5:
		want = "I13.2"
	case hf != nil && ckd != nil:
		want = "I13.0"
	case hf != nil:
		want = "I11.0"
	case ckd != nil && stage5:
		want = "I12.0"
	case ckd != nil:
		want = "I12.9"
	case strings.HasPrefix(ht.Code, "I13") || strings.HasPrefix(ht.Code, "I11"):
		return
	default:
		return
	}
	if ht.Code == want {
		return
	}
	c, ok := r.e.Catalog.Lookup(codeset.ICD10CM, r.req.Org, codeset.Normalize(want), r.req.DOS)
	if !ok {
		return
	}
	old := ht.Code
	ht.Code, ht.Description = want, c.Description()
	ht.Path = append(ht.Path, "combination: hypertension with "+map[bool]string{true: "heart failure", false: "chronic kidney disease"}[hf != nil]+
		" is presumed causal (Official Guidelines I.C.9.a): "+old+" becomes "+want+"; use additional code for the heart failure type and the CKD stage")
	// the combination code is sequenced before the failure it requires
	if hf != nil && hf.order < ht.order {
		ht.order = hf.order - 1
	}
}

// diabetesWith applies the "with" convention (I.A.15): a condition the
// Alphabetic Index lists under Diabetes > with is presumed linked, so a
// diabetes code and the condition become the combination code, keeping the
// condition's own code only when it says more (a CKD stage, an ulcer site).
func (r *reader) diabetesWith() {
	dm := r.find(prefix("E08", "E09", "E10", "E11", "E13"))
	if dm == nil {
		return
	}
	typ := map[string]string{"E08": "due to underlying condition", "E09": "drug or chemical induced", "E10": "type 1", "E11": "type 2", "E13": "other specified"}[dm.Code[:3]]
	n := len(r.res.Suggestions)
	for i := 0; i < n; i++ {
		m := &r.res.Suggestions[i]
		if m.Code[0] == 'Z' || m.Code[0] == 'E' && m.Code[1] == '1' || m.Code[0] == 'R' || m.Code[0] == 'O' {
			continue
		}
		h, ok := r.lookup("diabetes "+typ+" with "+m.Description, func(c string) bool { return strings.HasPrefix(c, dm.Code[:3]) })
		if !ok || !strings.HasPrefix(h.Path, "Diabetes") || !strings.Contains(h.Path, "> with >") {
			continue
		}
		code := codeset.Display(codeset.ICD10CM, h.Code)
		if code == dm.Code {
			continue
		}
		path := []string{"index: " + h.Path, "combination: " + m.Code + " " + m.Description + " is listed under Diabetes > with (Official Guidelines I.A.15, I.C.4.a)"}
		if strings.HasSuffix(dm.Code, ".9") || strings.HasSuffix(dm.Code, ".8") {
			dm.Code, dm.Description = code, h.Description
			dm.Path = append(dm.Path, path...)
			dm.Evidence = append(dm.Evidence, m.Evidence...)
		} else if s := r.addCode(code, m.Evidence, dm.order, path...); s == nil {
			continue
		}
		if !saysMore(m.Description, h.Description) {
			m.Code = "" // folded into the combination code
		}
	}
	r.remove(func(c string) bool { return c == "" })
}

// saysMore reports whether a description has content words that another
// lacks (besides "unspecified" and the like): the stage of a CKD, the site
// of an ulcer.
func saysMore(a, b string) bool {
	have := map[string]bool{}
	for _, w := range codeset.Terms(b) {
		have[w] = true
		if len(w) > 5 {
			have[w[:5]] = true
		}
	}
	for _, w := range codeset.Terms(a) {
		if w == "unspecified" || w == "other" || w == "diabetic" || w == "disease" {
			continue
		}
		if !have[w] && !(len(w) > 5 && have[w[:5]]) {
			return true
		}
	}
	return false
}

var (
	subsequentRE = regexp.MustCompile(`\b(routine healing|healing as expected|healing well|healing normally|subsequent encounter|follow-up of (?:a |the )?fracture|interval callus|weeks? after (?:a |the )?[a-z -]*fracture)\b`)
	delayedRE    = regexp.MustCompile(`\bdelayed healing\b`)
	nonunionRE   = regexp.MustCompile(`\bnonunion\b`)
	malunionRE   = regexp.MustCompile(`\bmalunion\b`)
	sequelaRE    = regexp.MustCompile(`\b(sequela|late effect)\b`)
)

// episode sets the 7th character of an injury or pathological fracture code
// from the episode of care the note documents (I.C.19.a): A while active
// treatment goes on, D for routine healing, G, K, P for delayed healing,
// nonunion, malunion, S for a sequela.
func (r *reader) episode() {
	want, why := byte(0), ""
	switch {
	case sequelaRE.MatchString(r.n.Lower):
		want, why = 'S', "sequela"
	case nonunionRE.MatchString(r.n.Lower):
		want, why = 'K', "subsequent encounter for fracture with nonunion"
	case malunionRE.MatchString(r.n.Lower):
		want, why = 'P', "subsequent encounter for fracture with malunion"
	case delayedRE.MatchString(r.n.Lower):
		want, why = 'G', "subsequent encounter for fracture with delayed healing"
	case subsequentRE.MatchString(r.n.Lower):
		want, why = 'D', "subsequent encounter, routine healing"
	default:
		return
	}
	for i := range r.res.Suggestions {
		s := &r.res.Suggestions[i]
		if len(s.Code) != 8 || s.Code[7] != 'A' || !(s.Code[0] == 'S' || s.Code[0] == 'T' || strings.HasPrefix(s.Code, "M80") || strings.HasPrefix(s.Code, "M84")) {
			continue
		}
		code := s.Code[:7] + string(want)
		c, ok := r.e.Catalog.Lookup(codeset.ICD10CM, r.req.Org, codeset.Normalize(code), r.req.DOS)
		if !ok {
			continue
		}
		s.Code, s.Description = code, c.Description()
		s.Path = append(s.Path, "7th character "+string(want)+": "+why+" documented (Official Guidelines I.C.19.a)")
	}
}

// longTermDrugs adds the Z79 status code for a drug the patient takes, as
// the drug table lists it; a drug in a negated clause ("no insulin") is not
// counted, and insulin or oral agents need a diabetes other than type 1.
func (r *reader) longTermDrugs() {
	diabetes := r.has(prefix("E08", "E09", "E11", "E13", "O24.11", "O24.31", "O24.81", "O24.414", "O24.424", "O24.434", "O24.415", "O24.425", "O24.435"))
	for _, st := range statements(r.n, 0, len(r.n.Text)) {
		tg := annotate(r.n, words(r.n, st[0], st[1]))
		for i := 0; i < len(tg); i++ {
			for _, d := range drugs[tg[i].w] {
				if i+len(d.words) > len(tg) || tg[i].ctx&(Negated|Hypothetical|Family) != 0 {
					continue
				}
				ok := true
				for k, w := range d.words {
					ok = ok && tg[i+k].w == w
				}
				if !ok || d.needs == "diabetes-not-type1" && !diabetes {
					continue
				}
				ev := Span{tg[i].start, tg[i+len(d.words)-1].end, r.n.Text[tg[i].start:tg[i+len(d.words)-1].end]}
				if s := r.addCode(d.code, []Span{ev}, 1<<20, "drug: "+quoteSpan(ev)+" is long-term (current) drug therapy (Official Guidelines I.C.21.c.3, I.C.4.a.3)"); s != nil {
					if len(s.Evidence) == 0 || s.Evidence[len(s.Evidence)-1] != ev {
						if len(s.Evidence) > 0 && s.Evidence[0].Start != ev.Start {
							s.Evidence = append(s.Evidence, ev)
						}
					}
				}
			}
		}
	}
}

var bmiRE = regexp.MustCompile(`\bbmi(?: of| is| was|:|=)?\s*(\d{2}(?:\.\d+)?)`)

// bmi codes the body mass index only beside a weight diagnosis the provider
// documents (I.B.14, I.C.21.c.3), adult ranges only.
func (r *reader) bmi() {
	r.remove(prefix("Z68"))
	if !r.has(prefix("E66", "E44", "E45", "E46", "R63.6", "R63.5", "E88.8")) || r.req.AgeKnown && r.req.Age < 20 {
		return
	}
	m := bmiRE.FindStringSubmatchIndex(r.n.Lower)
	if m == nil || strings.Contains(r.n.Lower, "percentile") {
		return
	}
	v, err := strconv.ParseFloat(r.n.Lower[m[2]:m[3]], 64)
	if err != nil {
		return
	}
	code := ""
	switch {
	case v < 20:
		code = "Z68.1"
	case v < 40:
		code = "Z68." + strconv.Itoa(int(v))
	case v < 45:
		code = "Z68.41"
	case v < 50:
		code = "Z68.42"
	case v < 60:
		code = "Z68.43"
	case v < 70:
		code = "Z68.44"
	default:
		code = "Z68.45"
	}
	ev := Span{m[0], m[1], r.n.Text[m[0]:m[1]]}
	r.addCode(code, []Span{ev}, 1<<20, "BMI "+r.n.Text[m[2]:m[3]]+", adult, with a weight diagnosis the provider documents (Official Guidelines I.B.14)")
}

var weeksRE = regexp.MustCompile(`\b(\d{1,2})\s*(?:w|wk|wks|weeks?)(?:\s*,?\s*(\d)\s*d(?:ays?)?)?\b`)

// gestation adds the weeks of gestation (Z3A) to a pregnancy encounter,
// completed weeks only (I.C.15.b).
func (r *reader) gestation() {
	if !r.has(prefix("O", "Z34")) {
		return
	}
	for _, m := range weeksRE.FindAllStringSubmatchIndex(r.n.Lower, -1) {
		after := r.n.Lower[m[1]:min(len(r.n.Lower), m[1]+20)]
		if m[4] < 0 && !strings.Contains(after, "gestation") && !strings.Contains(after, "pregnan") {
			if !(m[1]-m[0] <= 6 && strings.Contains(r.n.Lower[max(0, m[0]-5):m[0]], "at")) {
				continue
			}
		}
		w, _ := strconv.Atoi(r.n.Lower[m[2]:m[3]])
		code := ""
		switch {
		case w < 8:
			code = "Z3A.01"
		case w > 42:
			code = "Z3A.49"
		default:
			code = "Z3A." + strconv.Itoa(w)
		}
		ev := Span{m[0], m[1], r.n.Text[m[0]:m[1]]}
		r.addCode(code, []Span{ev}, 1<<20, "weeks of gestation: "+strconv.Itoa(w)+" completed weeks (Official Guidelines I.C.15.b.3)")
		return
	}
}

var outcomeRE = regexp.MustCompile(`\b(single|twin|twins|triplets?)\s+(live ?born|stillborn)`)

// delivery adds the outcome of delivery (Z37) to a delivery (I.C.15.b.5).
func (r *reader) delivery() {
	if !r.has(prefix("O80", "O6", "O7")) && !strings.Contains(r.n.Lower, "delivery of") {
		return
	}
	m := outcomeRE.FindStringSubmatchIndex(r.n.Lower)
	if m == nil {
		return
	}
	ev := Span{m[0], m[1], r.n.Text[m[0]:m[1]]}
	if h, ok := r.lookup("outcome of delivery "+r.n.Lower[m[0]:m[1]], prefix("Z37")); ok {
		r.suggest(h, mention{ws: []tagged{{word: word{start: m[0], end: m[1]}}}, order: 1 << 20}, []string{"outcome of delivery " + quoteSpan(ev) + " (Official Guidelines I.C.15.b.5)"})
	}
}

// sepsis applies I.C.1.d.4: severe sepsis (R65.2-) is never first; the
// systemic infection is coded first, A41.9 when the organism is not named.
func (r *reader) sepsis() {
	sev := r.find(prefix("R65.2"))
	if sev == nil || r.has(prefix("A40", "A41", "A02.1", "A22.7", "A26.7", "A32.7", "A42.7", "A54.86", "B37.7", "O85", "T81.44", "P36")) {
		return
	}
	r.addCode("A41.9", sev.Evidence, sev.order-1, "severe sepsis requires the underlying systemic infection coded first; organism not documented: A41.9 (Official Guidelines I.C.1.d.1.a, I.C.1.d.4)")
}
