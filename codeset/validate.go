package codeset

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
)

// Severity says whether a finding stops a claim (error) or asks the coder
// to look (warning).
type Severity string

// Severities of findings.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Rule ids. They are stable: edits, reports and appeals cite them.
const (
	RuleNotFound      = "CS001" // the code exists in no release
	RuleHeader        = "CS002" // a header (category or subcategory) is not billable
	RuleDeleted       = "CS003" // deleted before the date of service
	RuleNotYet        = "CS004" // not yet effective on the date of service
	RuleSeventh       = "CS005" // needs a 7th character
	RulePlaceholder   = "CS006" // needs the placeholder X
	RuleAge           = "CS007" // the patient's age conflicts with the code
	RuleSex           = "CS008" // the patient's sex conflicts with the code
	RuleExcludes1     = "CS101" // two codes of an Excludes1 note on one claim
	RuleManifestation = "CS102" // a manifestation code first-listed
	RuleCodeFirst     = "CS103" // code first: the underlying condition is missing
	RuleUseAdditional = "CS104" // use additional code: a reminder
	RuleNoRelease     = "CS000" // no release of the system covers the date
)

// Finding is one problem or reminder about a code or the claim's codes.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code,omitempty"`
	Related  []string `json:"related,omitempty"`
	Message  string   `json:"message"`
}

// CodeResult is the answer for one code.
type CodeResult struct {
	Input       string    `json:"input"`
	System      System    `json:"system"`
	Code        string    `json:"code"`
	Exists      bool      `json:"exists"`
	Billable    bool      `json:"billable"`
	Description string    `json:"description,omitempty"`
	Release     string    `json:"release,omitempty"`
	Findings    []Finding `json:"findings,omitempty"`
}

// Validation is the answer for a set of codes reported on one claim, in
// claim order (the first is the first-listed diagnosis).
type Validation struct {
	DOS   rcm.Date     `json:"dos"`
	Codes []CodeResult `json:"codes"`
	// Claim holds the findings about the codes together.
	Claim []Finding `json:"claim,omitempty"`
}

// OK reports whether no finding is an error.
func (v *Validation) OK() bool {
	for _, c := range v.Codes {
		for _, f := range c.Findings {
			if f.Severity == SeverityError {
				return false
			}
		}
	}
	for _, f := range v.Claim {
		if f.Severity == SeverityError {
			return false
		}
	}
	return true
}

// Patient is what validation may know of the patient: age in years (nil
// when unknown) and sex ("F", "M" or "").
type Patient struct {
	Age *int
	Sex string
}

// Validate checks codes as of the date of service: each alone (exists,
// billable, or why not), and the ICD-10-CM diagnoses together as one claim
// reports them. sys may be empty: each code's system is then told from its
// shape (ICD-10-CM first, then HCPCS, CPT).
func (c *Catalog) Validate(codes []string, sys System, org string, dos rcm.Date, p Patient) (*Validation, error) {
	if dos.IsZero() {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "dos", "a date of service is required: codes are valid as of a date")
	}
	if p.Sex != "" && p.Sex != "F" && p.Sex != "M" {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "sex", "sex must be F or M")
	}
	v := &Validation{DOS: dos}
	var dx []string
	for _, in := range codes {
		s := sys
		if s == "" {
			s = c.guessSystem(Normalize(in), org)
			// Only ICD-10-CM codes are written with a dot.
			if strings.Contains(in, ".") {
				s = ICD10CM
			}
		}
		r := c.validateOne(in, s, org, dos, p)
		v.Codes = append(v.Codes, r)
		if s == ICD10CM && r.Exists && r.Billable {
			dx = append(dx, Normalize(in))
		}
	}
	if l := c.inForce(ICD10CM, "", dos); l != nil && len(dx) > 0 {
		v.Claim = l.claimFindings(dx)
	}
	return v, nil
}

func (c *Catalog) guessSystem(code, org string) System {
	for _, s := range []System{ICD10CM, HCPCS, CPT, Modifier, POS, Taxonomy} {
		for _, l := range c.line(s, org) {
			if _, ok := l.byCode[code]; ok {
				return s
			}
		}
	}
	switch {
	case isCPTCode(code):
		return CPT
	case isLevel2Code(code):
		return HCPCS
	}
	return ICD10CM
}

func (c *Catalog) validateOne(in string, sys System, org string, dos rcm.Date, p Patient) CodeResult {
	code := Normalize(in)
	r := CodeResult{Input: in, System: sys, Code: Display(sys, code)}
	find := func(rule string, sev Severity, format string, args ...any) {
		r.Findings = append(r.Findings, Finding{Rule: rule, Severity: sev, Code: r.Code, Message: fmt.Sprintf(format, args...)})
	}
	if err := CheckShape(sys, in); err != nil {
		r.Code = strings.TrimSpace(in)
		find(RuleMalformed, SeverityError, "%s", err.Error())
		return r
	}
	r = c.checkOne(r, code, sys, org, dos, p)
	if f, ok := c.staleFinding(sys, org, dos, r.Code); ok {
		r.Findings = append(r.Findings, f)
	}
	return r
}

// checkOne looks a well-formed code up in the release in force on dos.
func (c *Catalog) checkOne(r CodeResult, code string, sys System, org string, dos rcm.Date, p Patient) CodeResult {
	find := func(rule string, sev Severity, format string, args ...any) {
		r.Findings = append(r.Findings, Finding{Rule: rule, Severity: sev, Code: r.Code, Message: fmt.Sprintf(format, args...)})
	}
	l := c.inForce(sys, org, dos)
	if l == nil {
		find(RuleNoRelease, SeverityError, "no %s release in force on %s has been imported", sys.Name(), dos)
		return r
	}
	r.Release = l.Version
	if cd, ok := l.code(code); ok {
		r.Exists, r.Billable, r.Description = true, cd.Billable, cd.Description()
		if !cd.Billable {
			kids := l.billableUnder(code)
			if sys == ICD10CM && takesSeventh(code, kids) {
				find(RuleSeventh, SeverityError, "%s needs a 7th character: %s", r.Code, seventhChoices(sys, cd.Description(), kids))
			} else {
				find(RuleHeader, SeverityError, "%s is a header, not billable on %s; choose one of its %d codes: %s",
					r.Code, dos, len(kids), listCodes(sys, kids, 8))
			}
		}
		if sys == ICD10CM {
			r.Findings = append(r.Findings, ageSexFindings(code, r.Code, p)...)
		}
		return r
	}
	// Not in the release in force: say why.
	if sys == ICD10CM {
		if fixed := placeholderFix(l, code); fixed != "" {
			find(RulePlaceholder, SeverityError, "%s is missing the placeholder X: the code is %s", r.Code, Display(sys, fixed))
			return r
		}
	}
	line := c.line(sys, org)
	var before, after *loaded
	for _, o := range line {
		if _, ok := o.byCode[code]; !ok {
			continue
		}
		if o.Effective.Before(l.Effective) {
			before = o
		} else if o.Effective.After(l.Effective) && after == nil {
			after = o
		}
	}
	switch {
	case before != nil:
		cd, _ := before.code(code)
		r.Exists, r.Description = true, cd.Description()
		deletedIn := before.Version
		for _, o := range line {
			if o.Effective.After(before.Effective) {
				deletedIn = o.Version + " (effective " + o.Effective.String() + ")"
				break
			}
		}
		msg := fmt.Sprintf("%s was deleted in release %s; it was last valid in %s", r.Code, deletedIn, before.Version)
		// A code deleted because it was subdivided: its new codes extend it.
		if repl := l.expansions(code); len(repl) > 0 {
			msg += "; it was expanded to " + listCodes(sys, repl, 8)
		}
		find(RuleDeleted, SeverityError, "%s", msg)
	case after != nil:
		cd, _ := after.code(code)
		r.Exists, r.Description = true, cd.Description()
		find(RuleNotYet, SeverityError, "%s is not yet effective on %s: it starts with release %s on %s", r.Code, dos, after.Version, after.Effective)
	default:
		if kids := l.expansions(code); len(kids) > 0 && sys == ICD10CM && takesSeventh(code, kids) {
			find(RuleSeventh, SeverityError, "%s needs a 7th character: %s", r.Code, seventhChoices(sys, "", kids))
			return r
		}
		find(RuleNotFound, SeverityError, "%s is not in any imported %s release", r.Code, sys.Name())
	}
	return r
}

// expansions returns the billable codes of the release that extend code.
func (l *loaded) expansions(code string) []Code {
	var out []Code
	for _, c := range l.Codes {
		if c.Billable && len(c.Code) > len(code) && strings.HasPrefix(c.Code, code) {
			out = append(out, c)
		}
	}
	return out
}

// takesSeventh reports whether every billable code under code is code
// padded with placeholders to six characters plus one 7th character.
func takesSeventh(code string, kids []Code) bool {
	if len(kids) == 0 || len(code) >= 7 {
		return false
	}
	for _, k := range kids {
		if len(k.Code) != 7 || strings.TrimRight(k.Code[len(code):6], "X") != "" {
			return false
		}
	}
	return true
}

func seventhChoices(sys System, parentDesc string, kids []Code) string {
	var parts []string
	for i, k := range kids {
		if i == 6 {
			parts = append(parts, fmt.Sprintf("and %d more", len(kids)-6))
			break
		}
		// The 7th character's meaning is what the code adds to its parent.
		d := k.Description()
		if parentDesc != "" && strings.HasPrefix(d, parentDesc+", ") {
			d = d[len(parentDesc)+2:]
		} else if at := strings.Index(d, ", initial"); at >= 0 {
			d = d[at+2:]
		} else if at := strings.Index(d, ", subsequent"); at >= 0 {
			d = d[at+2:]
		} else if at := strings.LastIndex(d, ", "); at >= 0 {
			d = d[at+2:]
		}
		parts = append(parts, Display(sys, k.Code)+" ("+d+")")
	}
	return strings.Join(parts, ", ")
}

// placeholderFix finds the code meant when a 7th character was typed
// without the X placeholders before it ("T36.01A" for "T36.0X1A").
func placeholderFix(l *loaded, code string) string {
	if len(code) < 4 || len(code) >= 7 || !isUpper(code[len(code)-1]) && !isDigit(code[len(code)-1]) {
		return ""
	}
	need := 7 - len(code)
	var try func(s string, from, left int) string
	try = func(s string, from, left int) string {
		if left == 0 {
			if c, ok := l.code(s); ok && c.Billable {
				return s
			}
			return ""
		}
		for i := from; i < len(s); i++ {
			if got := try(s[:i]+"X"+s[i:], i+1, left-1); got != "" {
				return got
			}
		}
		return ""
	}
	return try(code, 3, need)
}

func listCodes(sys System, codes []Code, max int) string {
	var parts []string
	for i, c := range codes {
		if i == max {
			parts = append(parts, fmt.Sprintf("and %d more", len(codes)-max))
			break
		}
		parts = append(parts, Display(sys, c.Code)+" "+c.Description())
	}
	return strings.Join(parts, "; ")
}

//go:embed data/agesex.tsv
var ageSexData string

type ageSexRule struct {
	lo, hi   string
	sex      string
	min, max int // -1 for none
	what     string
}

var ageSexRules = mustParseAgeSex(ageSexData)

func mustParseAgeSex(data string) []ageSexRule {
	var out []ageSexRule
	for n, line := range strings.Split(data, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			panic(fmt.Sprintf("agesex.tsv:%d: want 6 tab-separated fields", n+1))
		}
		num := func(s string) int {
			if s == "-" {
				return -1
			}
			v, err := strconv.Atoi(s)
			if err != nil {
				panic(fmt.Sprintf("agesex.tsv:%d: %v", n+1, err))
			}
			return v
		}
		out = append(out, ageSexRule{f[0], f[1], f[2], num(f[3]), num(f[4]), f[5]})
	}
	return out
}

func ageSexFindings(code, shown string, p Patient) []Finding {
	var out []Finding
	for _, r := range ageSexRules {
		if !inRange(code, [2]string{r.lo, r.hi}) {
			continue
		}
		if p.Sex != "" && r.sex != "-" && p.Sex != r.sex {
			who := map[string]string{"F": "female", "M": "male"}[r.sex]
			out = append(out, Finding{Rule: RuleSex, Severity: SeverityError, Code: shown,
				Message: fmt.Sprintf("%s (%s) is for %s patients; the patient is %s", shown, r.what, who, map[string]string{"F": "female", "M": "male"}[p.Sex])})
		}
		if p.Age != nil && ((r.min >= 0 && *p.Age < r.min) || (r.max >= 0 && *p.Age > r.max)) {
			span := fmt.Sprintf("ages %d to %d", r.min, r.max)
			if r.min == r.max {
				span = fmt.Sprintf("age %d", r.min)
			}
			out = append(out, Finding{Rule: RuleAge, Severity: SeverityError, Code: shown,
				Message: fmt.Sprintf("%s (%s) applies to %s; the patient is %d", shown, r.what, span, *p.Age)})
		}
	}
	return out
}

// claimFindings applies the Tabular List's conventions to the diagnoses of
// one claim, in claim order.
func (l *loaded) claimFindings(dx []string) []Finding {
	var out []Finding
	show := func(c string) string { return Display(ICD10CM, c) }
	has := func(refs [][2]string, except string) (string, bool) {
		for _, d := range dx {
			if d == except {
				continue
			}
			for _, r := range refs {
				if inRange(d, r) {
					return d, true
				}
			}
		}
		return "", false
	}
	pairs := map[[2]string]bool{}
	for i, a := range dx {
		notes := l.notesFor(a)
		for _, n := range notes {
			switch n.Kind {
			case NoteExcludes1:
				for j, b := range dx {
					if j == i || strings.HasPrefix(b, a) || strings.HasPrefix(a, b) {
						continue
					}
					for _, r := range n.Refs() {
						key := [2]string{min(a, b), max(a, b)}
						if inRange(b, r) && !pairs[key] {
							pairs[key] = true
							out = append(out, Finding{Rule: RuleExcludes1, Severity: SeverityError, Code: show(a), Related: []string{show(b)},
								Message: fmt.Sprintf("%s and %s may not be reported together: Excludes1 at %s (%s)", show(a), show(b), show(n.Code), n.Text)})
						}
					}
				}
			case NoteCodeFirst:
				refs := n.Refs()
				if len(refs) == 0 {
					continue
				}
				if d, ok := has(refs, a); !ok {
					out = append(out, Finding{Rule: RuleCodeFirst, Severity: SeverityWarning, Code: show(a),
						Message: fmt.Sprintf("%s: code first %s (note at %s); no such code is on the claim", show(a), n.Text, show(n.Code))})
				} else if pos(dx, d) > i {
					out = append(out, Finding{Rule: RuleCodeFirst, Severity: SeverityWarning, Code: show(a), Related: []string{show(d)},
						Message: fmt.Sprintf("%s: code first %s — list %s before %s", show(a), n.Text, show(d), show(a))})
				}
			case NoteUseAdditional:
				refs := n.Refs()
				if len(refs) == 0 {
					continue
				}
				if _, ok := has(refs, a); !ok {
					out = append(out, Finding{Rule: RuleUseAdditional, Severity: SeverityWarning, Code: show(a),
						Message: fmt.Sprintf("%s: use additional code, if applicable, for %s (note at %s)", show(a), n.Text, show(n.Code))})
				}
			}
		}
	}
	if len(dx) > 0 {
		if c, ok := l.code(dx[0]); ok && isManifestation(c) {
			out = append(out, Finding{Rule: RuleManifestation, Severity: SeverityError, Code: show(c.Code),
				Message: fmt.Sprintf("%s (%s) is a manifestation code and may not be first-listed: list the underlying condition first", show(c.Code), c.Description())})
		}
	}
	return out
}

// isManifestation reports whether a code is a manifestation of the
// etiology/manifestation convention, which ICD-10-CM titles "in diseases
// classified elsewhere".
func isManifestation(c Code) bool {
	return strings.Contains(strings.ToLower(c.Description()), "in diseases classified elsewhere")
}

func pos(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
