package ncci

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/edit"
)

// Rule ids of the NCCI edits.
const (
	RulePTP0 = "NCCI-PTP-0"
	RulePTP1 = "NCCI-PTP-1"
	RuleMUE1 = "NCCI-MUE-1"
	RuleMUE2 = "NCCI-MUE-2"
	RuleMUE3 = "NCCI-MUE-3"
)

// Rules are the NCCI rules as the engine lists them. Their dates are open:
// each table row carries its own effective and deletion dates.
var Rules = []edit.Rule{
	{ID: RulePTP0, Family: "NCCI", Severity: edit.Error,
		Summary: "Column-two code of a PTP edit with modifier indicator 0 billed with its column-one code on the same date of service.",
		Source:  "NCCI Policy Manual for Medicare Services, Chapter I, section E (modifier indicator 0: no modifier allows both codes)."},
	{ID: RulePTP1, Family: "NCCI", Severity: edit.Error,
		Summary: "Column-two code of a PTP edit with modifier indicator 1 billed with its column-one code without an NCCI-associated modifier.",
		Source:  "NCCI Policy Manual for Medicare Services, Chapter I, section E (modifier indicator 1 and the NCCI-associated modifiers)."},
	{ID: RuleMUE1, Family: "NCCI", Severity: edit.Error,
		Summary: "Units of service on one line above the code's MUE (adjudication indicator 1, claim line edit).",
		Source:  "NCCI Policy Manual for Medicare Services, Chapter I, section V (Medically Unlikely Edits); MUE adjudication indicator 1."},
	{ID: RuleMUE2, Family: "NCCI", Severity: edit.Error,
		Summary: "Units of service of a code on one date of service above its MUE (adjudication indicator 2, date of service edit: policy).",
		Source:  "NCCI Policy Manual for Medicare Services, Chapter I, section V (Medically Unlikely Edits); MUE adjudication indicator 2."},
	{ID: RuleMUE3, Family: "NCCI", Severity: edit.Error,
		Summary: "Units of service of a code on one date of service above its MUE (adjudication indicator 3, date of service edit: clinical).",
		Source:  "NCCI Policy Manual for Medicare Services, Chapter I, section V (Medically Unlikely Edits); MUE adjudication indicator 3."},
}

// Modifiers that bypass a PTP edit with modifier indicator 1 when the
// clinical circumstances justify them (NCCI Policy Manual, Chapter I,
// section E): the anatomic modifiers, the global surgery modifiers 24, 25,
// 57, 58, 78 and 79, and 27, 59, 91, XE, XS, XP and XU.
var (
	anatomicModifiers = set("E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9",
		"TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LT", "RT", "LC", "LD", "RC", "LM", "RI")
	otherModifiers = set("24", "25", "27", "57", "58", "78", "79", "91", "59", "XE", "XS", "XP", "XU")
)

func set(ss ...string) map[string]bool {
	m := make(map[string]bool, len(ss))
	for _, s := range ss {
		m[s] = true
	}
	return m
}

// IsNCCIModifier reports whether m is an NCCI-associated modifier.
func IsNCCIModifier(m string) bool {
	m = strings.ToUpper(m)
	return anatomicModifiers[m] || otherModifiers[m]
}

// Checker runs the PTP and MUE edits of one setting over claims. It
// implements edit.Checker.
type Checker struct {
	Edits *Edits
	// Setting is the table to check against: Practitioner for
	// professional (837P) claims.
	Setting Setting
}

// Rules returns the NCCI rules.
func (c *Checker) Rules() []edit.Rule { return Rules }

// Check returns the PTP and MUE findings of the claim.
func (c *Checker) Check(cl *edit.Claim) []edit.Finding {
	fs := c.CheckPTP(cl, nil)
	return c.CheckMUE(cl, fs)
}

// maxStack is the claim size whose per-line scratch lives on the stack.
const maxStack = 64

// CheckPTP appends to fs a finding for every pair of lines on the same date
// of service whose codes are a PTP edit in effect on that date and not
// bypassed: indicator 0 always fires; indicator 1 fires unless the column-
// two line carries an NCCI-associated modifier, or one line carries an
// anatomic modifier the other lacks (the procedures were at different
// sites); indicator 9 never fires.
func (c *Checker) CheckPTP(cl *edit.Claim, fs []edit.Finding) []edit.Finding {
	ix := c.Edits.ptp[c.Setting]
	if ix == nil || len(cl.Lines) < 2 {
		return fs
	}
	var codesBuf [maxStack]uint32
	var okBuf [maxStack]bool
	var dosBuf [maxStack]ymd
	n := len(cl.Lines)
	codes, ok, dos := codesBuf[:0], okBuf[:0], dosBuf[:0]
	if n > maxStack {
		codes, ok, dos = make([]uint32, 0, n), make([]bool, 0, n), make([]ymd, 0, n)
	}
	for i, l := range cl.Lines {
		p, good := packCode([]byte(l.Code))
		codes, ok, dos = append(codes, p), append(ok, good), append(dos, toYMD(cl.LineDate(i)))
	}
	for i := 0; i < n; i++ {
		if !ok[i] {
			continue
		}
		for j := i + 1; j < n; j++ {
			if !ok[j] || dos[j] != dos[i] || codes[j] == codes[i] {
				continue
			}
			if r, found := governing(ix.rows(codes[i], codes[j]), dos[i]); found {
				fs = c.ptpFinding(cl, ix, r, i, j, fs)
			}
			if r, found := governing(ix.rows(codes[j], codes[i]), dos[i]); found {
				fs = c.ptpFinding(cl, ix, r, j, i, fs)
			}
		}
	}
	return fs
}

// ptpFinding appends the finding, if any, of edit r between line l1 (the
// column-one code) and line l2 (column two), both 0-based.
func (c *Checker) ptpFinding(cl *edit.Claim, ix *ptpIndex, r ptpEntry, l1, l2 int, fs []edit.Finding) []edit.Finding {
	a, b := &cl.Lines[l1], &cl.Lines[l2]
	dos := cl.LineDate(l1)
	rationale := ix.rationales[r.rat]
	head := fmt.Sprintf("%s (line %d) is bundled into %s (line %d) by an NCCI procedure-to-procedure edit in effect on %s (%s table; rationale: %s).",
		b.Code, l2+1, a.Code, l1+1, dos, c.Setting.label(), rationale)
	f := edit.Finding{Severity: edit.Error, Lines: []int{l2 + 1, l1 + 1}, Codes: []string{b.Code, a.Code}, DateOfService: dos}
	switch r.mod {
	case 0:
		f.Rule = RulePTP0
		f.Message = head + " Its modifier indicator is 0: the two codes are never paid together for one patient, provider and date, whatever the modifiers."
		f.Fix = fmt.Sprintf("Remove %s from line %d; %s on line %d includes it. No modifier bypasses this edit.", b.Code, l2+1, a.Code, l1+1)
	case 1:
		if bypassed(a.Modifiers, b.Modifiers) {
			return fs
		}
		f.Rule = RulePTP1
		f.Message = head + " Its modifier indicator is 1: both are paid only when an NCCI-associated modifier shows the services were distinct."
		f.Fix = fmt.Sprintf("If the services were distinct (separate encounter, separate anatomic site or organ, different practitioner, or non-overlapping service) and the documentation supports it, append XE, XS, XP or XU (or 59 if none fits) to %s on line %d, or anatomic modifiers (such as LT/RT, F1-F9, T1-T9, E1-E4) that show different sites; otherwise remove line %d.",
			b.Code, l2+1, l2+1)
		if m := firstOf(a.Modifiers, otherModifiers); m != "" {
			f.Fix = fmt.Sprintf("Modifier %s is on the column-one code %s (line %d); the edit looks for it on the column-two code. ", m, a.Code, l1+1) + f.Fix
		} else if m := sharedAnatomic(a.Modifiers, b.Modifiers); m != "" {
			f.Fix = fmt.Sprintf("Both lines carry %s, which places them at the same site. ", m) + f.Fix
		}
	default:
		return fs
	}
	return append(fs, f)
}

// bypassed reports whether the modifiers of the column-one line (m1) and
// column-two line (m2) bypass an indicator-1 edit.
func bypassed(m1, m2 []string) bool {
	if firstOf(m2, otherModifiers) != "" {
		return true
	}
	return differentSites(m1, m2) || differentSites(m2, m1)
}

// differentSites reports whether ma has an anatomic modifier that mb lacks.
func differentSites(ma, mb []string) bool {
	for _, m := range ma {
		m = strings.ToUpper(m)
		if anatomicModifiers[m] && !slices.ContainsFunc(mb, func(o string) bool { return strings.EqualFold(o, m) }) {
			return true
		}
	}
	return false
}

func sharedAnatomic(ma, mb []string) string {
	for _, m := range ma {
		m = strings.ToUpper(m)
		if anatomicModifiers[m] && slices.ContainsFunc(mb, func(o string) bool { return strings.EqualFold(o, m) }) {
			return m
		}
	}
	return ""
}

func firstOf(ms []string, in map[string]bool) string {
	for _, m := range ms {
		if in[strings.ToUpper(m)] {
			return strings.ToUpper(m)
		}
	}
	return ""
}

func (s Setting) label() string { return strings.ReplaceAll(string(s), "_", " ") }

// CheckMUE appends to fs the MUE findings of the claim: for a code with MAI
// 1, every line whose units exceed the MUE; for MAI 2 and 3, every code
// whose units summed over the lines of one date of service exceed it.
func (c *Checker) CheckMUE(cl *edit.Claim, fs []edit.Finding) []edit.Finding {
	ix := c.Edits.mue[c.Setting]
	if ix == nil {
		return fs
	}
	var doneBuf [maxStack]bool
	done := doneBuf[:0]
	if len(cl.Lines) > maxStack {
		done = make([]bool, 0, len(cl.Lines))
	}
	done = done[:0]
	for range cl.Lines {
		done = append(done, false)
	}
	for i, l := range cl.Lines {
		if done[i] {
			continue
		}
		code, ok := packCode([]byte(l.Code))
		if !ok {
			continue
		}
		dos := cl.LineDate(i)
		r, ok := ix.lookup(code, toYMD(dos))
		if !ok {
			continue
		}
		if r.mai == 1 {
			if l.Units > int(r.value) {
				fs = append(fs, c.mueFinding(ix, r, l.Code, dos, []int{i + 1}, l.Units))
			}
			continue
		}
		lines := []int{i + 1}
		units := l.Units
		for j := i + 1; j < len(cl.Lines); j++ {
			if !done[j] && cl.Lines[j].Code == l.Code && cl.LineDate(j) == dos {
				done[j] = true
				lines = append(lines, j+1)
				units += cl.Lines[j].Units
			}
		}
		if units > int(r.value) {
			fs = append(fs, c.mueFinding(ix, r, l.Code, dos, lines, units))
		}
	}
	return fs
}

func (c *Checker) mueFinding(ix *mueIndex, r mueEntry, code string, dos rcm.Date, lines []int, units int) edit.Finding {
	f := edit.Finding{Severity: edit.Error, Lines: lines, DateOfService: dos}
	for range lines {
		f.Codes = append(f.Codes, code)
	}
	where := fmt.Sprintf("Line %d reports", lines[0])
	if len(lines) > 1 {
		where = fmt.Sprintf("Lines %s report", joinInts(lines))
	}
	limit := fmt.Sprintf("the %s MUE for %s is %s", c.Setting.label(), code, unitsText(int(r.value)))
	if r.value == 0 {
		limit = fmt.Sprintf("the %s MUE for %s is 0 units: CMS does not expect it billed in this setting", c.Setting.label(), code)
	}
	rationale := ix.rationales[r.rat]
	switch r.mai {
	case 1:
		f.Rule = RuleMUE1
		f.Message = fmt.Sprintf("%s %s of %s; %s per claim line (MAI 1, line edit; rationale: %s).", where, unitsText(units), code, limit, rationale)
		f.Fix = fmt.Sprintf("Reduce the units on line %d to %d. If more were medically necessary (at another site or session), report the extra units on a separate line with the modifier that shows why (such as 76, 91 or an anatomic modifier), as the documentation supports.", lines[0], r.value)
	case 2:
		f.Rule = RuleMUE2
		f.Message = fmt.Sprintf("%s %s of %s on %s; %s per date of service (MAI 2, date of service edit: policy; rationale: %s). This limit comes from CMS policy and is absolute: units above it are not paid, even on appeal.", where, unitsText(units), code, dos, limit, rationale)
		f.Fix = fmt.Sprintf("Reduce the units of %s on %s to %d. Move units to another date only if they were performed on that date.", code, dos, r.value)
	default:
		f.Rule = RuleMUE3
		f.Message = fmt.Sprintf("%s %s of %s on %s; %s per date of service (MAI 3, date of service edit: clinical; rationale: %s). Units above it are denied, but the denial can be appealed with documentation of medical necessity.", where, unitsText(units), code, dos, limit, rationale)
		f.Fix = fmt.Sprintf("Reduce the units of %s on %s to %d, or split units across dates only if they were in fact performed on those dates. If the extra units were medically necessary, keep them only with documentation that supports them, and expect to appeal with the records.", code, dos, r.value)
	}
	return f
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

func unitsText(n int) string {
	if n == 1 {
		return "1 unit"
	}
	return fmt.Sprintf("%d units", n)
}
