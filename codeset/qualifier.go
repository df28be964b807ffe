package codeset

import (
	"strings"
)

// qualifiers are the axes a query may state that ICD-10-CM classifies by:
// laterality, acuity, the encounter of an injury code's 7th character and
// the type of diabetes. Search rewards the codes that carry each one stated
// and moves away from those that contradict it (the other side, the
// unspecified side, chronic for acute).
type qualifiers struct {
	side    string // "left", "right", "bilateral"
	acuity  string // "acute", "chronic", "acute on chronic"
	episode string // "initial encounter", "subsequent encounter", "sequela"
	dmType  string // "type 1", "type 2"
}

func (q qualifiers) any() bool { return q != qualifiers{} }

// sideWords read laterality as coders write it.
var sideWords = map[string]string{
	"left": "left", "lt": "left", "l": "left",
	"right": "right", "rt": "right", "r": "right",
	"bilateral": "bilateral", "bilat": "bilateral", "bil": "bilateral", "both": "bilateral",
	"lle": "left", "lue": "left", "rle": "right", "rue": "right",
}

// parseQualifiers reads the qualifiers a query states from its words
// (tokenize's lower-case words, stopwords kept: "acute on chronic").
func parseQualifiers(words []string) qualifiers {
	var q qualifiers
	var acute, chronic bool
	for i, w := range words {
		if s, ok := sideWords[w]; ok && (len(w) > 1 || len(words) > 1) {
			if q.side != "" && q.side != s {
				q.side = "bilateral" // "left and right"
			} else {
				q.side = s
			}
		}
		switch w {
		case "acute", "acutely":
			acute = true
		case "chronic", "chronically":
			chronic = true
		case "initial":
			q.episode = "initial encounter"
		case "subsequent":
			q.episode = "subsequent encounter"
		case "sequela", "sequelae":
			q.episode = "sequela"
		case "type":
			if i+1 < len(words) {
				switch words[i+1] {
				case "1", "i", "one":
					q.dmType = "type 1"
				case "2", "ii", "two":
					q.dmType = "type 2"
				}
			}
		case "t1dm", "dm1", "iddm":
			q.dmType = "type 1"
		case "t2dm", "dm2", "niddm":
			q.dmType = "type 2"
		}
	}
	switch {
	case acute && chronic:
		q.acuity = "acute on chronic"
	case acute:
		q.acuity = "acute"
	case chronic:
		q.acuity = "chronic"
	}
	return q
}

// fit scores how well a code's description carries the qualifiers (the
// description as printed: its words are lower case but for the first): a small reward for each one stated and present, a larger
// penalty for each contradicted, a smaller one for an unspecified side
// when a side is stated.
func (q qualifiers) fit(d string) float64 {
	var s float64
	if q.side != "" {
		switch {
		case sideWord(d, q.side):
			s += 0.05
		case q.side != "bilateral" && sideWord(d, "bilateral"),
			q.side != "left" && sideWord(d, "left"),
			q.side != "right" && sideWord(d, "right"):
			s -= 0.15
		case has(d, "unspecified"):
			s -= 0.05
		}
	}
	if q.acuity != "" {
		aoc := has(d, "acute on chronic")
		acute := has(d, "acute")
		chronic := has(d, "chronic")
		switch q.acuity {
		case "acute on chronic":
			switch {
			case aoc:
				s += 0.06
			case acute || chronic:
				s -= 0.1
			}
		case "acute":
			switch {
			case aoc:
				s -= 0.05
			case acute:
				s += 0.04
			case chronic:
				s -= 0.15
			}
		case "chronic":
			switch {
			case aoc:
				s -= 0.05
			case chronic:
				s += 0.04
			case acute:
				s -= 0.15
			}
		}
	}
	if q.episode != "" {
		switch {
		case has(d, q.episode):
			s += 0.05
		case strings.Contains(d, "encounter") || strings.Contains(d, "sequela"):
			s -= 0.15
		}
	}
	if q.dmType != "" && strings.Contains(d, "diabetes") {
		d := strings.ToLower(d) // "Type 1 diabetes mellitus"
		other := "type 2"
		if q.dmType == "type 2" {
			other = "type 1"
		}
		switch {
		case strings.Contains(d, q.dmType):
			s += 0.04
		case strings.Contains(d, other) || strings.Contains(d, "other specified diabetes"):
			s -= 0.15
		}
	}
	return s
}

// qualified returns the billable code among c and its family (the codes
// under its parent, or under c when c is a header) that best carries the
// qualifiers, nearest in wording to c on a tie: the left-side code for
// "left" where c is the unspecified side, the subsequent encounter for
// "subsequent". It returns c when none fits better.
func (l *loaded) qualified(c Code, q qualifiers) Code {
	root := c.Code
	if c.Billable {
		root = l.parentOf(c.Code)
		// An encounter extension's family is its parent's parent's: the
		// side sits at the 6th character, the encounter at the 7th.
		if isEncounterExtension(l, c) && len(root) > 3 {
			root = l.parentOf(root)
		}
	}
	if root == "" {
		return c
	}
	ref := c
	if !c.Billable {
		// A header is compared through the code it stands for.
		if k, ok := l.defaultChild(c.Code); ok {
			ref = k
		}
	}
	d := ref.Description()
	best, bestFit := ref, q.fit(d)
	if !ref.Billable {
		bestFit = -1 // a header always gives way to a billable code
	}
	if bestFit >= q.maxFit() {
		return ref
	}
	fam := l.billablePositions(root, maxFamily+1)
	if len(fam) > maxFamily {
		// A chapter-wide header ("S82") is not one concept with a side to
		// choose: leave it to its default.
		return ref
	}
	bestSim := -1 << 30
	for _, i := range fam {
		k := &l.Codes[i]
		kd := k.Description()
		f := q.fit(kd)
		if f < bestFit {
			continue
		}
		sim := similarity(d, kd)
		if f > bestFit || sim > bestSim {
			best, bestFit, bestSim = *k, f, sim
		}
	}
	return best
}

// billablePositions returns the positions of at most limit of the
// billable codes at or below code, in file order.
func (l *loaded) billablePositions(code string, limit int) []int32 {
	var out []int32
	var walk func(c string)
	walk = func(c string) {
		if len(out) == limit {
			return
		}
		i, ok := l.byCode[c]
		if ok && l.Codes[i].Billable {
			out = append(out, i)
		}
		for _, ch := range l.children[c] {
			walk(l.Codes[ch].Code)
		}
	}
	walk(code)
	return out
}

// maxFamily bounds the codes qualified compares: a family is the sides
// and encounters of one concept, a few dozen codes at most.
const maxFamily = 64

// maxFit is fit's answer when every stated qualifier is present.
func (q qualifiers) maxFit() float64 {
	var s float64
	if q.side != "" {
		s += 0.05
	}
	switch q.acuity {
	case "acute on chronic":
		s += 0.06
	case "acute", "chronic":
		s += 0.04
	}
	if q.episode != "" {
		s += 0.05
	}
	if q.dmType != "" {
		s += 0.04
	}
	return s - 1e-9
}

// similarity counts the words of b found in a, less the words of b not in
// a: how near in wording two descriptions are.
func similarity(a, b string) int {
	n := 0
	for w := range strings.FieldsSeq(b) {
		if hasWord(a, w) {
			n++
		} else {
			n--
		}
	}
	return n
}

// has reports whether d holds phrase, or holds it capitalised as its
// first words ("Acute bronchitis").
func has(d, phrase string) bool {
	if strings.Contains(d, phrase) {
		return true
	}
	return len(d) >= len(phrase) && d[0] == phrase[0]-'a'+'A' && d[1:len(phrase)] == phrase[1:]
}

// hasWord reports whether w occurs in d as a whole word.
func hasWord(d, w string) bool {
	for i := 0; ; {
		k := strings.Index(d[i:], w)
		if k < 0 {
			return false
		}
		k += i
		end := k + len(w)
		if (k == 0 || !isLetter(d[k-1])) && (end == len(d) || !isLetter(d[end])) {
			return true
		}
		i = k + 1
	}
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// procedureSuffixes and procedureWords mark a query that asks for a
// procedure, a service or a supply rather than a diagnosis.
var (
	procedureSuffixes = []string{"ectomy", "otomy", "ostomy", "plasty", "scopy", "graphy", "centesis", "pexy", "rrhaphy", "tripsy"}
	procedureWords    = map[string]bool{
		"injection": true, "infusion": true, "repair": true, "removal": true, "insertion": true, "biopsy": true,
		"excision": true, "incision": true, "drainage": true, "debridement": true, "anesthesia": true, "imaging": true,
		"xray": true, "mri": true, "ct": true, "ultrasound": true, "scan": true, "supply": true, "supplies": true,
		"kit": true, "mg": true, "ml": true, "mcg": true, "units": true, "dose": true, "wheelchair": true,
		"catheter": true, "dressing": true, "orthosis": true, "prosthesis": true, "splint": true, "brace": true,
		"visit": true, "transport": true, "ambulance": true, "therapy": true, "vaccine": true, "immunization": true,
		"administration": true, "test": true, "assay": true, "panel": true, "screening": true, "surgery": true,
	}
)

// asksProcedure reports whether a query names a procedure, service or
// supply: a diagnosis search otherwise returns diagnoses first.
func asksProcedure(text string) bool {
	for _, w := range tokenize(text) {
		if procedureWords[w] {
			return true
		}
		for _, suf := range procedureSuffixes {
			if strings.HasSuffix(w, suf) && len(w) > len(suf)+2 {
				return true
			}
		}
	}
	return false
}

// sideWord reports whether d holds the side word w, as a whole word, in
// lower case or capitalised as the first word ("Left ventricular ...").
func sideWord(d, w string) bool {
	return hasWord(d, w) || has(d, w) && (len(d) == len(w) || !isLetter(d[len(w)]))
}
