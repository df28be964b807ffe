// Package edit is OpenRCM's claim scrubber core: the Finding every edit
// reports, the Rule that names and dates it, and the Engine that runs the
// rule families (NCCI PTP and MUE in package edit/ncci; coding, payer and
// completeness rules later) over a claim's service lines.
//
// Rules are data: each has an id (such as "NCCI-PTP-1"), a severity and the
// dates of service it applies to, so a rule family can be versioned by
// effective date the way CMS versions its quarterly edit tables.
//
// Line numbers in findings are 1-based, in claim order: they match the
// 837P service line number (LX01) and the line of box 24 on the CMS-1500
// that a biller reads, not Go slice indexes.
package edit

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/openrcm/openrcm"
)

// Severity says whether a finding stops a claim. An error must be fixed (or
// consciously overridden with documentation) before the claim is
// submitted; a warning is shown but does not block submission.
type Severity string

// Severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Claim is what the edits read of a claim: the service lines of one patient
// from one rendering provider, and the claim's date of service for lines
// that carry none of their own. NCCI edits apply per beneficiary, provider
// and date of service, so the caller groups lines that way.
type Claim struct {
	DateOfService rcm.Date
	Lines         []rcm.ServiceLine
}

// LineDate returns the date of service of line i (0-based): its own date, or
// the claim's.
func (c *Claim) LineDate(i int) rcm.Date {
	if d := c.Lines[i].DateOfService; !d.IsZero() {
		return d
	}
	return c.DateOfService
}

// Finding is one problem an edit found on a claim, explained so that a
// biller can act on it without looking up the rule.
type Finding struct {
	// Rule is the id of the rule that fired, such as "NCCI-PTP-1".
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Lines are the 1-based claim line numbers the finding concerns, the
	// line to fix first (for a PTP edit, the column-two code's line).
	Lines []int `json:"lines"`
	// Codes are the procedure codes involved, in the order of Lines.
	Codes         []string `json:"codes"`
	DateOfService rcm.Date `json:"date_of_service"`
	// Message says what is wrong; Fix says what the biller may do about it.
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

// String formats the finding on one line for logs and the command line.
func (f Finding) String() string {
	return fmt.Sprintf("%s %s lines %v: %s Fix: %s", f.Severity, f.Rule, f.Lines, f.Message, f.Fix)
}

// Rule describes one edit: its id, what it checks, where the rule comes from
// and the dates of service it is in force for. Effective and Ends are
// inclusive; a zero date leaves that side open.
type Rule struct {
	ID       string   `json:"id"`
	Family   string   `json:"family"`
	Severity Severity `json:"severity"`
	Summary  string   `json:"summary"`
	// Source cites the policy the rule enforces, such as a chapter of the
	// NCCI Policy Manual.
	Source    string   `json:"source"`
	Effective rcm.Date `json:"effective,omitzero"`
	Ends      rcm.Date `json:"ends,omitzero"`
}

// InEffect reports whether the rule applies to a service on date dos.
func (r Rule) InEffect(dos rcm.Date) bool {
	if !r.Effective.IsZero() && dos.Before(r.Effective) {
		return false
	}
	return r.Ends.IsZero() || !dos.After(r.Ends)
}

// Checker is one rule family. Check reports findings only for rules that
// Rules lists; the Engine drops findings of rules not in effect on the
// finding's date of service, so a family need not repeat that test.
type Checker interface {
	Rules() []Rule
	Check(c *Claim) []Finding
}

// Engine runs rule families over claims. It is safe for concurrent use once
// built, provided its checkers are.
type Engine struct {
	checkers []Checker
	rules    map[string]Rule
}

// NewEngine returns an engine running the checkers. Rule ids must be unique
// across them, since findings name their rule by id alone.
func NewEngine(checkers ...Checker) (*Engine, error) {
	e := &Engine{checkers: checkers, rules: map[string]Rule{}}
	for _, c := range checkers {
		for _, r := range c.Rules() {
			if r.ID == "" {
				return nil, fmt.Errorf("edit: rule with no id in family %q", r.Family)
			}
			if _, dup := e.rules[r.ID]; dup {
				return nil, fmt.Errorf("edit: rule %s defined twice", r.ID)
			}
			e.rules[r.ID] = r
		}
	}
	return e, nil
}

// Rules returns every rule of the engine, sorted by id.
func (e *Engine) Rules() []Rule {
	rs := make([]Rule, 0, len(e.rules))
	for _, r := range e.rules {
		rs = append(rs, r)
	}
	slices.SortFunc(rs, func(a, b Rule) int { return cmp.Compare(a.ID, b.ID) })
	return rs
}

// Check runs every checker over c and returns the findings of rules in
// effect, errors before warnings, then by first line and rule id. A finding
// naming a rule its checker did not declare is a programming error and
// panics, so that an undeclared rule cannot slip past its effective dates.
func (e *Engine) Check(c *Claim) []Finding {
	var out []Finding
	for _, ch := range e.checkers {
		for _, f := range ch.Check(c) {
			r, ok := e.rules[f.Rule]
			if !ok {
				panic("edit: finding for undeclared rule " + f.Rule)
			}
			dos := f.DateOfService
			if dos.IsZero() {
				dos = c.DateOfService
			}
			if r.InEffect(dos) {
				out = append(out, f)
			}
		}
	}
	SortFindings(out)
	return out
}

// SortFindings orders findings the way a worklist shows them: errors first,
// then by first line, rule id and the remaining lines.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if c := cmp.Compare(severityRank(a.Severity), severityRank(b.Severity)); c != 0 {
			return c
		}
		if c := cmp.Compare(firstLine(a), firstLine(b)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Rule, b.Rule); c != 0 {
			return c
		}
		return slices.Compare(a.Lines, b.Lines)
	})
}

func severityRank(s Severity) int {
	if s == Error {
		return 0
	}
	return 1
}

func firstLine(f Finding) int {
	if len(f.Lines) == 0 {
		return 0
	}
	return f.Lines[0]
}

// HasErrors reports whether any finding is an error, the test for whether a
// claim may be submitted.
func HasErrors(fs []Finding) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Severity == Error })
}
