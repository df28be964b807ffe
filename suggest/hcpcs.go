package suggest

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/openrcm/openrcm/codeset"
)

// HCPCS Level II drug codes are read from the official long descriptions
// of the release in force, not from a list: "Injection, ketorolac
// tromethamine, per 15 mg" names the drug (ketorolac, with its salt), any
// qualifier (preservative free, extended release, biosimilar, not otherwise
// specified) and the amount one unit of service bills (15 mg). A note that
// gives the drug a dose by a parenteral route ("ketorolac 15 mg IM") is
// billed in units of that amount, rounded up (the CMS rule for a dose
// between two units: ceftriaxone 1 g is J0696 x 4 at 250 mg a unit).

// drugCode is one HCPCS drug code read from its description.
type drugCode struct {
	code, desc string
	// name is the drug's own words ("ketorolac", "tromethamine"); the
	// first is the key a note must name. brand is a name in parentheses.
	name  []string
	brand []string
	// quals are the qualifiers the note must state ("preservative free");
	// "not otherwise specified" needs nothing.
	quals [][]string
	per   float64 // the amount one unit bills, in base units
	unit  string  // mg, ml or units
	upTo  bool
}

// dosePartRE reads the last part of a description: "per 250 mg", "up to
// 50 mg", "40 mg", "per 1,000 units", "0.1 mg".
var dosePartRE = regexp.MustCompile(`^(per |up to )?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+) ?(mg|mcg|microgram|micrograms|g|gm|gram|grams|ml|cc|units?|iu)$`)

// parseDrug reads an "Injection, <drug>[, qualifier...], [per|up to] N
// unit" description; ok is false for any other kind of code.
func parseDrug(code, desc string) (drugCode, bool) {
	low := strings.ToLower(strings.TrimSpace(desc))
	parts := strings.Split(low, ", ")
	if len(parts) < 3 || parts[0] != "injection" && parts[0] != "infusion" {
		return drugCode{}, false
	}
	m := dosePartRE.FindStringSubmatch(parts[len(parts)-1])
	if last := parts[len(parts)-1]; m == nil && strings.Contains(last, ",") {
		// "not otherwise specified,10 mg": the file's own missing space
		i := strings.LastIndexByte(last, ',')
		parts = append(parts[:len(parts)-1], last[:i], strings.TrimSpace(last[i+1:]))
		m = dosePartRE.FindStringSubmatch(parts[len(parts)-1])
	}
	if m == nil {
		return drugCode{}, false
	}
	amount, err := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", ""), 64)
	if err != nil || amount <= 0 {
		return drugCode{}, false
	}
	per, unit := toBase(amount, m[3])
	d := drugCode{code: code, desc: desc, per: per, unit: unit, upTo: m[1] == "up to "}
	name := parts[1]
	if i := strings.IndexByte(name, '('); i >= 0 {
		if j := strings.IndexByte(name[i:], ')'); j > 0 {
			d.brand = tokens(name[i+1 : i+j])
		}
		name = name[:i]
	}
	d.name = tokens(name)
	if len(d.name) == 0 {
		return drugCode{}, false
	}
	for _, q := range parts[2 : len(parts)-1] {
		if q == "not otherwise specified" || q == "nos" {
			continue
		}
		d.quals = append(d.quals, tokens(q))
	}
	return d, true
}

func tokens(s string) []string {
	var out []string
	for _, w := range words(Note{Lower: s}, 0, len(s)) {
		out = append(out, w.w)
	}
	return out
}

// toBase converts an amount to the unit family's base: milligrams for
// mass, millilitres for volume, units for units.
func toBase(v float64, unit string) (float64, string) {
	switch unit {
	case "mcg", "microgram", "micrograms":
		return v / 1000, "mg"
	case "g", "gm", "gram", "grams":
		return v * 1000, "mg"
	case "mg", "milligram", "milligrams":
		return v, "mg"
	case "ml", "cc":
		return v, "ml"
	}
	return v, "units"
}

// drugIndex is the drug codes of one release by the words a note names
// them with (the drug's first word, and its brand), and the salt words.
type drugIndex struct {
	byWord map[string][]drugCode
	// salt holds the words that follow a drug's name in other
	// descriptions ("sodium", "acetate", "hcl"): a drug whose name starts
	// with one ("sodium thiosulfate") is named only by its whole name.
	salt map[string]bool
}

// saltMin is how many drug names a word must follow to be a salt or form
// word rather than a drug's name.
const saltMin = 5

var drugIndexes sync.Map // *codeset.Release -> drugIndex

func drugsOf(rel *codeset.Release) drugIndex {
	if v, ok := drugIndexes.Load(rel); ok {
		return v.(drugIndex)
	}
	ix := drugIndex{byWord: map[string][]drugCode{}, salt: map[string]bool{}}
	after := map[string]int{}
	for _, c := range rel.Codes {
		d, ok := parseDrug(c.Code, c.Description())
		if !ok {
			continue
		}
		ix.byWord[d.name[0]] = append(ix.byWord[d.name[0]], d)
		if len(d.brand) > 0 && d.brand[0] != d.name[0] {
			ix.byWord[d.brand[0]] = append(ix.byWord[d.brand[0]], d)
		}
		for _, w := range d.name[1:] {
			after[w]++
		}
	}
	// A salt or form word follows many drugs' names; a drug named second
	// in a combination ("meperidine and promethazine") follows a few.
	for w, n := range after {
		if n >= saltMin {
			ix.salt[w] = true
		}
	}
	v, _ := drugIndexes.LoadOrStore(rel, ix)
	return v.(drugIndex)
}

// noteDoseRE is a dose right after the drug's name: "15 mg", "1 g",
// "1,000 units", "0.5 mL"; "mg/kg" is a rate, not a dose.
var noteDoseRE = regexp.MustCompile(`^[^.;:\n\d]{0,30}?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+) ?(mg|mcg|micrograms?|milligrams?|g|gm|grams?|ml|cc|units?|iu)\b(/kg|/m2| ?per kg)?`)

// routeRE is a parenteral route: the drug codes bill what was injected or
// infused, not a prescription taken by mouth.
var routeRE = regexp.MustCompile(`\b(im|iv|ivp|ivpb|sc|sq|subq|subcut|intramuscular(?:ly)?|intravenous(?:ly)?|subcutaneous(?:ly)?|inj|injection|injected|infusion|infused|intra-articular|intraarticular)\b`)

// drugLines suggests an HCPCS drug code with its units for each drug the
// note gives by injection or infusion with a dose. A drug in a negated,
// hypothetical, historical or family clause is not billed.
func (r *reader) drugLines() {
	rel, ok := r.e.Catalog.Release(codeset.HCPCS, r.req.Org, r.req.DOS)
	if !ok {
		return
	}
	ix := drugsOf(rel)
	if len(ix.byWord) == 0 {
		return
	}
	for _, st := range statements(r.n, 0, len(r.n.Text)) {
		clause := r.n.Lower[st[0]:st[1]]
		if !routeRE.MatchString(clause) {
			continue
		}
		tg := annotate(r.n, words(r.n, st[0], st[1]))
		have := map[string]bool{}
		for _, o := range tg {
			have[o.w] = true
		}
		for i := 0; i < len(tg); i++ {
			t := tg[i]
			cands := ix.byWord[t.w]
			if ix.salt[t.w] {
				cands = wholeName(cands, tg[i:])
			}
			if len(cands) == 0 || t.ctx&(Negated|Hypothetical|Historical|Family) != 0 {
				continue
			}
			// the rest of the drug's name ("b-12 cyanocobalamin") comes
			// before its dose
			named := map[string]bool{}
			for _, d := range cands {
				for _, w := range d.name {
					named[w] = true
				}
			}
			last := i
			for last+1 < len(tg) && named[tg[last+1].w] {
				last++
			}
			i = last
			nameEnd := tg[last].end
			m := noteDoseRE.FindStringSubmatchIndex(r.n.Lower[nameEnd:st[1]])
			if m == nil || m[6] >= 0 {
				continue
			}
			amount, err := strconv.ParseFloat(strings.ReplaceAll(r.n.Lower[nameEnd+m[2]:nameEnd+m[3]], ",", ""), 64)
			if err != nil || amount <= 0 {
				continue
			}
			dose, unit := toBase(amount, strings.TrimSuffix(r.n.Lower[nameEnd+m[4]:nameEnd+m[5]], "s"))
			end := nameEnd + m[1]
			if rm := routeRE.FindStringIndex(r.n.Lower[end:st[1]]); rm != nil && strings.TrimSpace(r.n.Lower[end:end+rm[0]]) == "" {
				end += rm[1]
			}
			best, units, alts := pickDrug(cands, have, dose, unit)
			if best == nil {
				continue
			}
			ev := Span{t.start, end, r.n.Text[t.start:end]}
			r.addDrug(best, units, alts, ev, amount, r.n.Text[nameEnd+m[4]:nameEnd+m[5]], i)
		}
	}
}

// pickDrug chooses among a drug's codes the one a coder reports: its
// qualifiers stated, the dose in its unit family, the fewest units (80 mg
// of methylprednisolone acetate is J1040 x 1, not J1030 x 2), then the
// most of its name words in the note, then the fewest qualifiers.
//
// Codes tied with the one chosen (a salt the note does not name) come back
// as alternatives, so the coder is told what was not documented.
func pickDrug(cands []drugCode, have map[string]bool, dose float64, unit string) (*drugCode, int, []*drugCode) {
	type scored struct {
		d            *drugCode
		units, named int
	}
	var ok []scored
	for i := range cands {
		d := &cands[i]
		if d.unit != unit {
			continue
		}
		stated := true
		for _, q := range d.quals {
			for _, w := range q {
				stated = stated && have[w]
			}
		}
		if !stated {
			continue
		}
		named := 0
		for _, w := range d.name[1:] {
			if have[w] {
				named++
			}
		}
		ok = append(ok, scored{d, int(math.Ceil(dose/d.per - 1e-9)), named})
	}
	if len(ok) == 0 {
		return nil, 0, nil
	}
	sort.SliceStable(ok, func(i, j int) bool {
		a, b := ok[i], ok[j]
		switch {
		case a.units != b.units:
			return a.units < b.units
		case a.named != b.named:
			return a.named > b.named
		case len(a.d.quals) != len(b.d.quals):
			return len(a.d.quals) < len(b.d.quals)
		}
		return a.d.code < b.d.code
	})
	var alts []*drugCode
	for _, o := range ok[1:] {
		if o.units == ok[0].units && o.named == ok[0].named && len(o.d.quals) == len(ok[0].d.quals) {
			alts = append(alts, o.d)
		}
	}
	return ok[0].d, ok[0].units, alts
}

// wholeName keeps the drugs whose whole name the words begin with.
func wholeName(cands []drugCode, tg []tagged) []drugCode {
	var out []drugCode
	for _, d := range cands {
		ok := len(d.name) <= len(tg)
		for k := 0; ok && k < len(d.name); k++ {
			ok = tg[k].w == d.name[k]
		}
		if ok {
			out = append(out, d)
		}
	}
	return out
}

func (r *reader) addDrug(d *drugCode, units int, alts []*drugCode, ev Span, amount float64, unit string, order int) {
	for i := range r.res.Suggestions {
		s := &r.res.Suggestions[i]
		if s.Code == d.code {
			s.Evidence = append(s.Evidence, ev)
			return
		}
	}
	per := "per"
	if d.upTo {
		per = "up to"
	}
	amt := strconv.FormatFloat(amount, 'f', -1, 64)
	base := strconv.FormatFloat(d.per, 'f', -1, 64)
	r.res.Suggestions = append(r.res.Suggestions, Suggestion{
		Code: d.code, System: string(codeset.HCPCS), Description: d.desc, Evidence: []Span{ev},
		Path: []string{"note: " + quoteSpan(ev),
			"HCPCS Level II: " + d.code + " " + d.desc,
			"units: " + amt + " " + unit + " given, " + per + " " + base + " " + d.unit + " a unit = " + strconv.Itoa(units) + " (a part unit is rounded up)"},
		Confidence: 0.9, Sequence: "service line", Units: units, order: order,
	})
	if len(alts) > 0 {
		s := &r.res.Suggestions[len(r.res.Suggestions)-1]
		var other []string
		for _, a := range alts {
			other = append(other, a.code+" "+a.desc)
		}
		s.Confidence = 0.6
		s.NotReached = "the drug's form or salt is not documented; the first of the codes that fit is suggested, others: " + strings.Join(other, "; ")
	}
}
