package codingaudit

import (
	"slices"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
)

// Line is a procedure line as the audit compares it: the CPT or HCPCS code,
// its modifiers and units. Charges and pointers are not compared: the
// charge follows from the fee schedule, and pointers from the diagnoses.
type Line struct {
	Code      string   `json:"code"`
	Modifiers []string `json:"modifiers,omitempty"`
	Units     int      `json:"units"`
}

// String writes a line as a coder reads it: "99213-25 x1".
func (l Line) String() string {
	s := l.Code
	for _, m := range l.Modifiers {
		s += "-" + m
	}
	return s + " x" + strconv.Itoa(l.Units)
}

// Coding is one encounter's codes: diagnoses in claim order (the first is
// the first-listed diagnosis) and procedure lines.
type Coding struct {
	Diagnoses []string `json:"diagnoses"`
	Lines     []Line   `json:"lines"`
}

// String writes a coding on one line: "E11.9, I10 | 99213-25 x1".
func (c Coding) String() string {
	s := strings.Join(c.Diagnoses, ", ")
	if len(c.Lines) > 0 {
		s += " |"
		for _, l := range c.Lines {
			s += " " + l.String()
		}
	}
	return s
}

// CodingOf returns an encounter's codes as the audit compares them.
func CodingOf(e *rcm.Encounter) Coding {
	c := Coding{Diagnoses: []string{}, Lines: []Line{}}
	for _, d := range e.Diagnoses {
		c.Diagnoses = append(c.Diagnoses, d.Code)
	}
	for _, l := range e.Lines {
		c.Lines = append(c.Lines, Line{Code: l.Code, Modifiers: slices.Clone(l.Modifiers), Units: l.Units})
	}
	return c
}

// Normalize puts the codes in the form they are compared in: diagnoses
// dotted and upper case (rcm.NormalizeICD10), procedure codes and modifiers
// upper case, units at least one. Empty entries are dropped.
func (c Coding) Normalize() Coding {
	out := Coding{Diagnoses: []string{}, Lines: []Line{}}
	for _, d := range c.Diagnoses {
		if d = rcm.NormalizeICD10(d); d != "" {
			out.Diagnoses = append(out.Diagnoses, d)
		}
	}
	for _, l := range c.Lines {
		n := Line{Code: strings.ToUpper(strings.TrimSpace(l.Code)), Units: max(l.Units, 1)}
		if n.Code == "" {
			continue
		}
		for _, m := range l.Modifiers {
			if m = strings.ToUpper(strings.TrimSpace(m)); m != "" {
				n.Modifiers = append(n.Modifiers, m)
			}
		}
		out.Lines = append(out.Lines, n)
	}
	return out
}

// Kinds of difference between a coding and the truth.
const (
	// DxMissed: the truth has a diagnosis the coding lacks.
	DxMissed = "diagnosis missed"
	// DxUnsupported: the coding has a diagnosis the truth lacks.
	DxUnsupported = "diagnosis not supported"
	// FirstListed: both have the code or not, but a different code leads.
	FirstListed = "first-listed diagnosis"
	// ProcMissed: a procedure line the truth has and the coding lacks
	// (under-coded: its charge is lost).
	ProcMissed = "procedure missed"
	// ProcUnsupported: a procedure line the coding bills and the truth
	// does not support (over-coded: its charge is billed without support).
	ProcUnsupported = "procedure not supported"
	// Modifiers: the same procedure with other modifiers.
	Modifiers = "modifiers"
	// Units: the same procedure with other units.
	Units = "units"
)

// Difference is one disagreement between the truth (the auditor's codes,
// or a practice case's answer key) and the coding scored.
type Difference struct {
	Kind string `json:"kind"`
	// Truth and Coded are the code (or line, "99213-25 x1") on each side;
	// one is empty when the code is on one side only.
	Truth string `json:"truth"`
	Coded string `json:"coded"`
	// TruthCode and CodedCode are the bare codes, for describing them.
	TruthCode string `json:"truth_code,omitempty"`
	CodedCode string `json:"coded_code,omitempty"`
	// TruthDescription and CodedDescription are the codes' words, filled
	// by Describe (not by the scoring).
	TruthDescription string `json:"truth_description,omitempty"`
	CodedDescription string `json:"coded_description,omitempty"`
	// Effect is what the coding bills minus what the truth supports, priced
	// from the fee schedule: positive is over-coded, negative under-coded.
	Effect rcm.Money `json:"effect"`
	// Unpriced says the fee schedule has no charge for a code on the date
	// of service, so Effect leaves it out.
	Unpriced bool `json:"unpriced,omitempty"`
}

// Score counts agreement between codings and their truths. One encounter's
// score and a coder's (the sum over encounters, with Add) have the same
// shape, so a coder's rates are micro averages: every code weighs the same.
type Score struct {
	Encounters int `json:"encounters"`
	// Diagnoses: in the truth, in the coding, in both.
	DxTruth int `json:"dx_truth"`
	DxCoded int `json:"dx_coded"`
	DxAgree int `json:"dx_agree"`
	// Procedure codes (CPT and HCPCS, one per line): in the truth, in the
	// coding, in both.
	ProcTruth int `json:"proc_truth"`
	ProcCoded int `json:"proc_coded"`
	ProcAgree int `json:"proc_agree"`
	// FirstListedAgree counts the encounters whose first-listed diagnosis
	// is the truth's.
	FirstListedAgree int `json:"first_listed_agree"`
	// LinesMatched counts the procedure lines on both sides; of those,
	// ModifiersAgree have the same modifiers (in any order) and
	// UnitsAgree the same units.
	LinesMatched   int `json:"lines_matched"`
	ModifiersAgree int `json:"modifiers_agree"`
	UnitsAgree     int `json:"units_agree"`
	// OverCoded and UnderCoded are the dollars billed beyond what the
	// truth supports and left unbilled that it supports (both positive).
	OverCoded  rcm.Money    `json:"over_coded"`
	UnderCoded rcm.Money    `json:"under_coded"`
	Diffs      []Difference `json:"differences"`
}

// Rate is a ratio of counts; of nothing it is 1 (nothing to get wrong), so
// a coding of nothing has precision 1 and, when the truth has codes,
// recall 0.
func Rate(n, d int) float64 {
	if d == 0 {
		return 1
	}
	return float64(n) / float64(d)
}

// DxPrecision is the share of the coded diagnoses the truth has.
func (s Score) DxPrecision() float64 { return Rate(s.DxAgree, s.DxCoded) }

// DxRecall is the share of the truth's diagnoses the coding has.
func (s Score) DxRecall() float64 { return Rate(s.DxAgree, s.DxTruth) }

// ProcPrecision is the share of the coded procedures the truth has.
func (s Score) ProcPrecision() float64 { return Rate(s.ProcAgree, s.ProcCoded) }

// ProcRecall is the share of the truth's procedures the coding has.
func (s Score) ProcRecall() float64 { return Rate(s.ProcAgree, s.ProcTruth) }

// FirstListedRate is the share of encounters whose first-listed diagnosis
// agrees.
func (s Score) FirstListedRate() float64 { return Rate(s.FirstListedAgree, s.Encounters) }

// ModifiersRate is the share of matched lines whose modifiers agree.
func (s Score) ModifiersRate() float64 { return Rate(s.ModifiersAgree, s.LinesMatched) }

// UnitsRate is the share of matched lines whose units agree.
func (s Score) UnitsRate() float64 { return Rate(s.UnitsAgree, s.LinesMatched) }

// Net is the dollar effect of the differences: over-coded minus
// under-coded.
func (s Score) Net() rcm.Money { return s.OverCoded - s.UnderCoded }

// Add sums o into s (a coder's score is the sum of their encounters').
func (s *Score) Add(o Score) {
	s.Encounters += o.Encounters
	s.DxTruth += o.DxTruth
	s.DxCoded += o.DxCoded
	s.DxAgree += o.DxAgree
	s.ProcTruth += o.ProcTruth
	s.ProcCoded += o.ProcCoded
	s.ProcAgree += o.ProcAgree
	s.FirstListedAgree += o.FirstListedAgree
	s.LinesMatched += o.LinesMatched
	s.ModifiersAgree += o.ModifiersAgree
	s.UnitsAgree += o.UnitsAgree
	s.OverCoded += o.OverCoded
	s.UnderCoded += o.UnderCoded
	s.Diffs = append(s.Diffs, o.Diffs...)
}

// Price is the practice's charge for one unit of a code with its first
// modifier on the date of service; ok is false when the fee schedule has
// none. A nil Price prices nothing.
type Price func(code, modifier string) (charge rcm.Money, ok bool)

// ScoreCoding scores a coding against the truth. It is a pure function:
// the same codings and prices give the same score.
//
// Diagnoses are compared as sets of codes (a code on both sides agrees
// wherever it is listed), and the first-listed diagnosis on its own.
// Procedure lines are paired by code, in order (two lines of 97110 on
// each side make two pairs); a paired line agrees on its code and is then
// compared on modifiers (as a set) and units. The dollar effect prices
// each line at its fee times its units: an unsupported line is over-coded
// by its charge, a missed line under-coded by its charge, and a paired
// line with other modifiers or units by the difference of the two
// charges. Diagnoses carry no dollar effect: a professional fee schedule
// prices procedures.
func ScoreCoding(truth, coded Coding, price Price) Score {
	truth, coded = truth.Normalize(), coded.Normalize()
	s := Score{Encounters: 1, DxTruth: len(truth.Diagnoses), DxCoded: len(coded.Diagnoses), ProcTruth: len(truth.Lines), ProcCoded: len(coded.Lines)}
	for _, d := range truth.Diagnoses {
		if slices.Contains(coded.Diagnoses, d) {
			s.DxAgree++
		} else {
			s.Diffs = append(s.Diffs, Difference{Kind: DxMissed, Truth: d, TruthCode: d})
		}
	}
	for _, d := range coded.Diagnoses {
		if !slices.Contains(truth.Diagnoses, d) {
			s.Diffs = append(s.Diffs, Difference{Kind: DxUnsupported, Coded: d, CodedCode: d})
		}
	}
	var tf, cf string
	if len(truth.Diagnoses) > 0 {
		tf = truth.Diagnoses[0]
	}
	if len(coded.Diagnoses) > 0 {
		cf = coded.Diagnoses[0]
	}
	if tf == cf {
		s.FirstListedAgree = 1
	} else {
		s.Diffs = append(s.Diffs, Difference{Kind: FirstListed, Truth: tf, Coded: cf, TruthCode: tf, CodedCode: cf})
	}

	charge := func(l Line) (rcm.Money, bool) {
		if price == nil {
			return 0, false
		}
		mod := ""
		if len(l.Modifiers) > 0 {
			mod = l.Modifiers[0]
		}
		p, ok := price(l.Code, mod)
		if !ok {
			return 0, false
		}
		return p * rcm.Money(l.Units), true
	}
	effect := func(d *Difference, amount rcm.Money) {
		d.Effect = amount
		if amount > 0 {
			s.OverCoded += amount
		} else {
			s.UnderCoded -= amount
		}
	}
	used := make([]bool, len(coded.Lines))
	for _, t := range truth.Lines {
		j := -1
		for k, c := range coded.Lines {
			if !used[k] && c.Code == t.Code {
				j = k
				break
			}
		}
		if j < 0 {
			d := Difference{Kind: ProcMissed, Truth: t.String(), TruthCode: t.Code}
			amt, ok := charge(t)
			d.Unpriced = !ok
			effect(&d, -amt)
			s.Diffs = append(s.Diffs, d)
			continue
		}
		used[j] = true
		c := coded.Lines[j]
		s.ProcAgree++
		s.LinesMatched++
		modsAgree := sameSet(t.Modifiers, c.Modifiers)
		if modsAgree {
			s.ModifiersAgree++
		}
		if t.Units == c.Units {
			s.UnitsAgree++
		}
		if modsAgree && t.Units == c.Units {
			continue
		}
		tc, tok := charge(t)
		cc, cok := charge(c)
		first := true
		for _, k := range []string{Modifiers, Units} {
			if k == Modifiers && modsAgree || k == Units && t.Units == c.Units {
				continue
			}
			d := Difference{Kind: k, Truth: t.String(), Coded: c.String(), TruthCode: t.Code, CodedCode: c.Code, Unpriced: !tok || !cok}
			if first && tok && cok {
				effect(&d, cc-tc)
			}
			first = false
			s.Diffs = append(s.Diffs, d)
		}
	}
	for k, c := range coded.Lines {
		if used[k] {
			continue
		}
		d := Difference{Kind: ProcUnsupported, Coded: c.String(), CodedCode: c.Code}
		amt, ok := charge(c)
		d.Unpriced = !ok
		effect(&d, amt)
		s.Diffs = append(s.Diffs, d)
	}
	return s
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
