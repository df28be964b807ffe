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

// fit scores how well a code's description (lower case) carries the
// qualifiers: a small reward for each one stated and present, a larger
// penalty for each contradicted, a smaller one for an unspecified side
// when a side is stated.
func (q qualifiers) fit(d string) float64 {
	var s float64
	if q.side != "" {
		switch {
		case hasWord(d, q.side):
			s += 0.05
		case q.side != "bilateral" && hasWord(d, "bilateral"),
			q.side != "left" && hasWord(d, "left"),
			q.side != "right" && hasWord(d, "right"):
			s -= 0.15
		case strings.Contains(d, "unspecified"):
			s -= 0.05
		}
	}
	if q.acuity != "" {
		aoc := strings.Contains(d, "acute on chronic")
		acute := strings.Contains(d, "acute") || strings.Contains(d, "subacute")
		chronic := strings.Contains(d, "chronic")
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
		case strings.Contains(d, q.episode):
			s += 0.05
		case strings.Contains(d, "encounter") || strings.Contains(d, "sequela"):
			s -= 0.15
		}
	}
	if q.dmType != "" && strings.Contains(d, "diabetes") {
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
	d := strings.ToLower(ref.Description())
	best, bestFit := ref, q.fit(d)
	if !ref.Billable {
		bestFit = -1 // a header always gives way to a billable code
	}
	if bestFit >= q.maxFit() {
		return ref
	}
	words := strings.Fields(d)
	bestSim := -1 << 30
	for _, k := range l.firstBillableUnder(root, 200) {
		kd := strings.ToLower(k.Description())
		f := q.fit(kd)
		if f < bestFit {
			continue
		}
		sim := similarity(words, kd)
		if f > bestFit || sim > bestSim {
			best, bestFit, bestSim = k, f, sim
		}
	}
	return best
}

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

// similarity counts the words of a found in b, less the words of b not in
// a: how near in wording two descriptions are.
func similarity(a []string, b string) int {
	bw := strings.Fields(b)
	n := 0
	for _, w := range bw {
		found := false
		for _, x := range a {
			if x == w {
				found = true
				break
			}
		}
		if found {
			n++
		} else {
			n--
		}
	}
	return n
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
