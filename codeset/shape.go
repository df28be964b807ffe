package codeset

import (
	"time"

	"github.com/openrcm/openrcm"
)

// Rule ids of the strict checks.
const (
	RuleMalformed = "CS009" // the input is not written as a code
	RuleStale     = "CS010" // the date of service is after the newest release's period
)

// CheckShape refuses input that is not written as a code, so a typo is
// never normalised into a real code: rcm.CheckCodeShape, the one shape
// check every door uses, with a dot allowed only in ICD-10-CM codes (sys
// empty counts as ICD-10-CM: the dot then tells the system). Lower case,
// surrounding spaces and a missing dot stay accepted ("e119"); "E1.19",
// "E11..9", ".E119" and "E11 9" are refused.
func CheckShape(sys System, in string) error {
	return rcm.CheckCodeShape(in, sys == ICD10CM || sys == "")
}

// periodEnd returns the last day the newest release of a system may be
// relied on when no later release is imported: ICD-10-CM runs to the end
// of its fiscal year (30 September), CPT to the end of its calendar year,
// HCPCS Level II to the end of its quarter. Other systems have no set
// period.
func periodEnd(sys System, eff rcm.Date) (rcm.Date, bool) {
	t := eff.Time()
	switch sys {
	case ICD10CM:
		y := t.Year()
		if t.Month() >= time.October {
			y++
		}
		return rcm.DateOf(time.Date(y, time.September, 30, 0, 0, 0, 0, time.UTC)), true
	case CPT:
		return rcm.DateOf(time.Date(t.Year(), time.December, 31, 0, 0, 0, 0, time.UTC)), true
	case HCPCS:
		q := (int(t.Month())-1)/3*3 + 4 // first month of the next quarter
		return rcm.DateOf(time.Date(t.Year(), time.Month(q), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)), true
	}
	return rcm.Date{}, false
}

// staleFinding warns when dos falls after the period of the newest
// imported release: the code may have been deleted or changed since.
func (c *Catalog) staleFinding(sys System, org string, dos rcm.Date, shown string) (Finding, bool) {
	ls := c.line(sys, org)
	if len(ls) == 0 {
		return Finding{}, false
	}
	newest := ls[len(ls)-1]
	if newest.Version == "starter" { // the starter set has its own notice
		return Finding{}, false
	}
	end, ok := periodEnd(sys, newest.Effective)
	if !ok || !dos.After(end) {
		return Finding{}, false
	}
	return Finding{Rule: RuleStale, Severity: SeverityWarning, Code: shown,
		Message: "the date of service " + dos.String() + " is after the end (" + end.String() + ") of the newest imported " +
			sys.Name() + " release " + newest.Version + ": import the release in force to be sure " + shown + " is still valid"}, true
}
