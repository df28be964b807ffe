// Package attack holds what the attack suite shares: the generator of
// hostile X12 files (mutants of sample interchanges, each with the verdict
// its defect calls for) and the hostile values the HTTP tests send. The
// tests themselves sit beside it (internal/attack/*_test.go) and beside the
// doors they attack (cmd/rcm's attack_test.go), and run in go test ./...
// on SQLite and PostgreSQL.
package attack

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Verdict is what every door must do with a mutant. The generator decides
// it from the defect it put in, never by running the validator, so a
// validator that starts passing a broken file fails the suite.
type Verdict string

// Verdicts.
const (
	// Invalid files break X12 or the implementation guide: rcm x12
	// validate refuses them, and every posting door refuses them and posts
	// nothing.
	Invalid Verdict = "invalid"
	// Unbalanced 835s are well-formed X12 whose money does not add up
	// (BPR02 is not the sum of CLP04 less the PLBs). The 835 guide
	// requires the balance, so rcm x12 validate refuses them as it does
	// invalid files, and every posting door refuses them too.
	Unbalanced Verdict = "unbalanced"
	// Duplicate 835s carry payments already posted: the same file again
	// (reported as already posted) or the same content under another trace
	// (refused as a conflict). They validate; nothing new is posted.
	Duplicate Verdict = "duplicate"
	// Valid files validate and, for an 835, post exactly once.
	Valid Verdict = "valid"
)

// Mutant is one hostile file made from a base interchange with one defect.
type Mutant struct {
	// Name is unique in a corpus and safe as a file name:
	// "era-sample.se01-count".
	Name string
	// Base names the sample it was made from; Defect names what was done.
	Base, Defect string
	// Kind is the base's transaction set: "835" or "837".
	Kind    string
	Verdict Verdict
	Data    []byte
}

// interchange is an X12 file cut into segments and elements, enough to
// change one thing and write it back.
type interchange struct {
	elem string     // element separator (ISA's fourth character)
	term string     // segment terminator (ISA's 106th character)
	gap  string     // what follows each terminator in the base ("", "\n", "\r\n")
	segs [][]string // segments split into elements; segs[i][0] is the ID
}

func parse(data []byte) (*interchange, error) {
	data = bytes.TrimLeft(data, " \t\r\n")
	if len(data) < 106 || !bytes.HasPrefix(data, []byte("ISA")) {
		return nil, fmt.Errorf("not an X12 interchange: no 106-character ISA")
	}
	x := &interchange{elem: string(data[3]), term: string(data[105])}
	rest := string(data[106:])
	for _, g := range []string{"\r\n", "\n"} {
		if strings.HasPrefix(rest, g) {
			x.gap = g
			break
		}
	}
	for _, s := range strings.Split(string(data), x.term) {
		s = strings.Trim(s, "\r\n")
		if s == "" {
			continue
		}
		x.segs = append(x.segs, strings.Split(s, x.elem))
	}
	return x, nil
}

func (x *interchange) clone() *interchange {
	c := *x
	c.segs = make([][]string, len(x.segs))
	for i, s := range x.segs {
		c.segs[i] = slices.Clone(s)
	}
	return &c
}

func (x *interchange) bytes() []byte {
	var b strings.Builder
	for _, s := range x.segs {
		b.WriteString(strings.Join(s, x.elem))
		b.WriteString(x.term)
		b.WriteString(x.gap)
	}
	return []byte(b.String())
}

// find returns the index of the first segment with id, or -1.
func (x *interchange) find(id string) int {
	return slices.IndexFunc(x.segs, func(s []string) bool { return s[0] == id })
}

// all returns the indexes of every segment with one of ids.
func (x *interchange) all(ids ...string) []int {
	var out []int
	for i, s := range x.segs {
		if slices.Contains(ids, s[0]) {
			out = append(out, i)
		}
	}
	return out
}

// at returns a pointer to element n of the first segment id, growing
// the segment if it is shorter; nil when there is no such segment.
func (x *interchange) at(id string, n int) *string {
	i := x.find(id)
	if i < 0 {
		return nil
	}
	for len(x.segs[i]) <= n {
		x.segs[i] = append(x.segs[i], "")
	}
	return &x.segs[i][n]
}

// recount sets SE01 of the first transaction set to its segment count, so
// a mutant that adds or removes a segment carries that one defect and not
// also a wrong count.
func (x *interchange) recount() {
	st, se := x.find("ST"), x.find("SE")
	if st >= 0 && se > st {
		x.segs[se][1] = strconv.Itoa(se - st + 1)
	}
}

func (x *interchange) remove(i int) { x.segs = slices.Delete(x.segs, i, i+1) }

// bump adds one to a numeric element, keeping its width (control numbers
// are fixed width in ISA).
func bump(s string) string {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return s + "1"
	}
	out := strconv.Itoa(n + 1)
	if len(out) < len(s) {
		out = strings.Repeat("0", len(s)-len(out)) + out
	}
	return out
}

// defect is one way to break (or harmlessly change) a base. apply changes
// x and reports false when the base has nothing to apply it to.
type defect struct {
	name    string
	kinds   string // "835 837", or one of them
	verdict Verdict
	apply   func(x *interchange, rng *rand.Rand) bool
}

// textSegments are segments whose elements hold names and addresses:
// where a control character or an oversize value lands in real attacks.
var textSegments = []string{"N1", "NM1", "N3", "N4"}

// inject puts s into a text element picked by rng.
func inject(x *interchange, rng *rand.Rand, s string) bool {
	type spot struct{ seg, elem int }
	var spots []spot
	for _, i := range x.all(textSegments...) {
		e := 2 // N1 and NM1: the name
		if x.segs[i][0] == "N3" || x.segs[i][0] == "N4" {
			e = 1 // the address line, the city
		}
		if len(x.segs[i]) > e {
			spots = append(spots, spot{i, e})
		}
	}
	if len(spots) == 0 {
		return false
	}
	at := spots[rng.IntN(len(spots))]
	e := &x.segs[at.seg][at.elem]
	p := rng.IntN(len(*e) + 1)
	*e = (*e)[:p] + s + (*e)[p:]
	return true
}

func setElem(id string, n int, f func(string) string) func(*interchange, *rand.Rand) bool {
	return func(x *interchange, _ *rand.Rand) bool {
		e := x.at(id, n)
		if e == nil {
			return false
		}
		*e = f(*e)
		return true
	}
}

// setComponent sets component c of element n of the first segment id,
// splitting on the interchange's component separator (ISA16).
func setComponent(id string, n, c int, v string) func(*interchange, *rand.Rand) bool {
	return func(x *interchange, _ *rand.Rand) bool {
		e := x.at(id, n)
		sep := x.at("ISA", 16)
		if e == nil || sep == nil || *sep == "" {
			return false
		}
		parts := strings.Split(*e, *sep)
		if len(parts) < c {
			return false
		}
		parts[c-1] = v
		*e = strings.Join(parts, *sep)
		return true
	}
}

func drop(id string) func(*interchange, *rand.Rand) bool {
	return func(x *interchange, _ *rand.Rand) bool {
		i := x.find(id)
		if i < 0 {
			return false
		}
		x.remove(i)
		return true
	}
}

// defects is every mutation the generator knows, in a fixed order.
var defects = []defect{
	{"se01-count", "835 837", Invalid, setElem("SE", 1, bump)},
	{"ge01-count", "835 837", Invalid, setElem("GE", 1, bump)},
	{"iea01-count", "835 837", Invalid, setElem("IEA", 1, bump)},
	{"se02-mismatch", "835 837", Invalid, setElem("SE", 2, bump)},
	{"ge02-mismatch", "835 837", Invalid, setElem("GE", 2, bump)},
	{"iea02-mismatch", "835 837", Invalid, setElem("IEA", 2, bump)},
	{"no-se", "835 837", Invalid, drop("SE")},
	{"no-ge", "835 837", Invalid, drop("GE")},
	{"no-iea", "835 837", Invalid, drop("IEA")},
	{"isa06-too-long", "835 837", Invalid, setElem("ISA", 6, func(s string) string { return s + "X" })},
	{"isa13-too-short", "835 837", Invalid, setElem("ISA", 13, func(s string) string { return s[1:] })},
	{"isa12-00401", "835 837", Invalid, setElem("ISA", 12, func(string) string { return "00401" })},
	{"gs08-other-guide", "835 837", Invalid, func(x *interchange, _ *rand.Rand) bool {
		e := x.at("GS", 8)
		if e == nil {
			return false
		}
		if strings.Contains(*e, "X221") {
			*e = "005010X222A1"
		} else {
			*e = "005010X221A1"
		}
		return true
	}},
	{"control-character", "835 837", Invalid, func(x *interchange, rng *rand.Rand) bool {
		return inject(x, rng, string(rune(1+rng.IntN(0x1f))))
	}},
	{"nul-byte", "835 837", Invalid, func(x *interchange, rng *rand.Rand) bool { return inject(x, rng, "\x00") }},
	{"invalid-utf8", "835 837", Invalid, func(x *interchange, rng *rand.Rand) bool { return inject(x, rng, "\xff\xfe") }},
	{"huge-element", "835 837", Invalid, func(x *interchange, rng *rand.Rand) bool {
		return inject(x, rng, strings.Repeat("A", 100_000))
	}},
	{"unknown-segment", "835 837", Invalid, func(x *interchange, rng *rand.Rand) bool {
		st, se := x.find("ST"), x.find("SE")
		if st < 0 || se <= st+1 {
			return false
		}
		at := st + 1 + rng.IntN(se-st-1)
		x.segs = slices.Insert(x.segs, at, []string{"ZZZ", "1"})
		x.recount()
		return true
	}},
	{"required-segment-deleted", "835 837", Invalid, func(x *interchange, _ *rand.Rand) bool {
		// BPR (835) and BHT (837) are required once in the header.
		for _, id := range []string{"BPR", "BHT"} {
			if i := x.find(id); i >= 0 {
				x.remove(i)
				x.recount()
				return true
			}
		}
		return false
	}},
	{"segment-duplicated", "835 837", Invalid, func(x *interchange, _ *rand.Rand) bool {
		// BPR and BHT may appear once.
		for _, id := range []string{"BPR", "BHT"} {
			if i := x.find(id); i >= 0 {
				x.segs = slices.Insert(x.segs, i+1, slices.Clone(x.segs[i]))
				x.recount()
				return true
			}
		}
		return false
	}},
	{"truncated", "835 837", Invalid, func(x *interchange, rng *rand.Rand) bool {
		se := x.find("SE")
		if se < 3 {
			return false
		}
		x.segs = x.segs[:2+rng.IntN(se-2)]
		return true
	}},
	{"elements-shifted", "835 837", Invalid, func(x *interchange, _ *rand.Rand) bool {
		// A separator lost inside ST: ST01 and ST02 run together.
		i := x.find("ST")
		if i < 0 || len(x.segs[i]) < 3 {
			return false
		}
		x.segs[i] = append([]string{"ST", x.segs[i][1] + x.segs[i][2]}, x.segs[i][3:]...)
		return true
	}},
	{"bpr02-comma", "835", Invalid, setElem("BPR", 2, func(s string) string {
		// A thousands separator, which X12's R type does not have.
		return "1," + s
	})},
	{"bpr02-not-a-number", "835", Invalid, setElem("BPR", 2, func(string) string { return "12O.00" })},
	{"bpr02-unbalanced", "835", Unbalanced, setElem("BPR", 2, func(s string) string {
		return addCents(s, 100)
	})},
	{"clp04-unbalanced", "835", Unbalanced, setElem("CLP", 4, func(s string) string {
		return addCents(s, 1)
	})},
	{"same-file-again", "835", Duplicate, func(*interchange, *rand.Rand) bool { return true }},
	{"same-file-other-separators", "835", Duplicate, func(x *interchange, _ *rand.Rand) bool {
		x.gap = "\r\n"
		return true
	}},
	{"trace-one-character-changed", "835", Duplicate, setElem("TRN", 2, func(s string) string {
		last := s[len(s)-1]
		if last == '9' {
			return s[:len(s)-1] + "8"
		}
		return s[:len(s)-1] + string(rune(last+1))
	})},
	{"new-payment-newlines", "835", Valid, func(x *interchange, _ *rand.Rand) bool {
		// Another check: a new trace and payment date, one segment a line.
		trn, bpr := x.at("TRN", 2), x.at("BPR", 16)
		if trn == nil || bpr == nil || len(*bpr) != 8 {
			return false
		}
		*trn += "R"
		day := "28"
		if strings.HasSuffix(*bpr, day) {
			day = "27"
		}
		*bpr = (*bpr)[:6] + day
		x.gap = "\n"
		return true
	}},
	// Place of service (837P CLM05-1) outside the CMS code set: XX is no
	// code, 00 is unassigned (issue 17). On an 837I, CLM05-1 is the
	// facility type, where neither is a code either.
	{"clm05-place-of-service-xx", "837", Invalid, setComponent("CLM", 5, 1, "XX")},
	{"clm05-place-of-service-00", "837", Invalid, setComponent("CLM", 5, 1, "00")},
	{"newlines", "837", Valid, func(x *interchange, _ *rand.Rand) bool {
		x.gap = "\r\n"
		return true
	}},
}

// addCents adds cents to an X12 decimal amount ("132", "810.8").
func addCents(s string, cents int64) string {
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return s + "1"
	}
	n += cents
	return fmt.Sprintf("%d.%02d", n/100, n%100)
}

// Mutate makes every mutant of one base interchange (an 835 or an 837,
// read from its ST01), in a fixed order; seed picks where the defects
// that need a place land, so one seed gives the same corpus on every run.
// base names the sample ("era-sample").
func Mutate(base string, data []byte, seed uint64) ([]Mutant, error) {
	x, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", base, err)
	}
	kind := ""
	if e := x.at("ST", 1); e != nil {
		kind = *e
	}
	if kind != "835" && kind != "837" {
		return nil, fmt.Errorf("%s: ST01 %q: the generator mutates 835s and 837s", base, kind)
	}
	var out []Mutant
	for i, d := range defects {
		if !strings.Contains(d.kinds, kind) {
			continue
		}
		m := x.clone()
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		if !d.apply(m, rng) {
			continue
		}
		out = append(out, Mutant{Name: base + "." + d.name, Base: base, Defect: d.name, Kind: kind, Verdict: d.verdict, Data: m.bytes()})
	}
	return out, nil
}

// Defects returns the names of the defects the generator knows for a
// transaction set ("835" or "837").
func Defects(kind string) []string {
	var out []string
	for _, d := range defects {
		if strings.Contains(d.kinds, kind) {
			out = append(out, d.name)
		}
	}
	return out
}

// Samples are the shared sample files the corpus is made from, relative
// to the shared data folder (internal/shareddata): every 835 and 837P of
// the X12 samples that rcm x12 validate passes (the 837Ps with the
// situational rules off), so each mutant carries exactly the defect the
// generator put in. era-sample.edi is left out: it has the payer and trace
// (TRN02 12345, TRN03 1512345678) of multiple-claims-single-check.edi, so
// once one is posted the other is already posted, and a mutant's verdict
// would depend on which was posted first.
var Samples = []string{
	"x12-samples/stupidedi-005010/X221A1_HP835/pass/dollars-and-data-sent-separate.edi",
	"x12-samples/stupidedi-005010/X221A1_HP835/pass/dollars-and-data-sent-together.edi",
	"x12-samples/stupidedi-005010/X221A1_HP835/pass/multiple-claims-single-check.edi",
	"x12-samples/stupidedi-005010/X221A1_HP835/pass/secondary-payments.edi",
	"x12-samples/stupidedi-005010/X222A1_HC837/pass/ambulance.edi",
	"x12-samples/stupidedi-005010/X222A1_HC837/pass/anesthesia.edi",
	"x12-samples/stupidedi-005010/X222A1_HC837/pass/commercial-health-insurance.edi",
	"x12-samples/stupidedi-005010/X222A1_HC837/pass/drug-administered-in-the-physician-office.edi",
	"x12-samples/stupidedi-005010/X222A1_HC837/pass/encounter.edi",
	"x12-samples/stupidedi-005010/X222A1_HC837/pass/oxygen.edi",
}

// Write writes each mutant to dir under its name, and verdicts.tsv
// listing name, kind, defect and verdict, so a failing run leaves a corpus
// a person can feed to rcm x12 validate.
func Write(dir string, ms []Mutant) error {
	var idx strings.Builder
	idx.WriteString("name\tkind\tdefect\tverdict\n")
	for _, m := range ms {
		if err := os.WriteFile(filepath.Join(dir, m.Name), m.Data, 0o600); err != nil {
			return err
		}
		fmt.Fprintf(&idx, "%s\t%s\t%s\t%s\n", m.Name, m.Kind, m.Defect, m.Verdict)
	}
	return os.WriteFile(filepath.Join(dir, "verdicts.tsv"), []byte(idx.String()), 0o600)
}
