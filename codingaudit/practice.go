package codingaudit

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/openrcm/openrcm"
)

// Practice cases are synthetic notes written for OpenRCM, each with its
// answer key. They name no real patient.
//
//go:embed cases/*.json
var caseFiles embed.FS

// Case is a practice case: a synthetic note and its answer key, with the
// rationale of each code (the Alphabetic Index path and the ICD-10-CM
// Official Guidelines section) that explains a difference to a learner.
type Case struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Setting string   `json:"setting"`
	DOS     rcm.Date `json:"dos"`
	Note    string   `json:"note"`
	// Diagnoses are the key's diagnoses, first-listed first; Lines its
	// procedure lines.
	Diagnoses []string `json:"diagnoses"`
	// Descriptions are the key's diagnoses in the words of the FY2025
	// ICD-10-CM code file (checked by a test), so a difference reads in
	// words even where the organization has not imported that release.
	Descriptions map[string]string `json:"descriptions"`
	Lines        []Line            `json:"lines"`
	Rationale    []Rationale       `json:"rationale"`
	// Notes say what the key leaves out and why (the traps of the case).
	Notes string `json:"notes"`
}

// Rationale explains one code of the key.
type Rationale struct {
	Code string `json:"code"`
	// Index is the Alphabetic Index path, main term first, subterms after
	// " > " (empty for procedures).
	Index string `json:"index,omitempty"`
	// Guideline names the ICD-10-CM Official Guidelines sections (or, for
	// procedures, the coding rule) that apply.
	Guideline string `json:"guideline"`
	Why       string `json:"why"`
}

// Key returns the case's answer key as a coding.
func (c *Case) Key() Coding { return Coding{Diagnoses: c.Diagnoses, Lines: c.Lines}.Normalize() }

// RationaleFor returns the rationale of a code of the key.
func (c *Case) RationaleFor(code string) (Rationale, bool) {
	for _, r := range c.Rationale {
		if strings.EqualFold(r.Code, code) {
			return r, true
		}
	}
	return Rationale{}, false
}

var loadCases = sync.OnceValues(func() ([]*Case, error) {
	names, err := fs.Glob(caseFiles, "cases/*.json")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var out []*Case
	for _, n := range names {
		b, err := caseFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		c := &Case{}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(c); err != nil {
			return nil, fmt.Errorf("practice case %s: %w", n, err)
		}
		out = append(out, c)
	}
	return out, nil
})

// Cases returns the practice cases in their order.
func Cases() ([]*Case, error) { return loadCases() }

// FindCase returns a practice case by its id, or by its number in the
// list ("3" for the third).
func FindCase(ref string) (*Case, error) {
	cs, err := Cases()
	if err != nil {
		return nil, err
	}
	ref = strings.TrimSpace(ref)
	for i, c := range cs {
		if c.ID == ref || fmt.Sprint(i+1) == ref || strings.HasPrefix(c.ID, ref+"-") || strings.HasPrefix(c.ID, "0"+ref+"-") {
			return c, nil
		}
	}
	return nil, rcm.FieldErrorf(rcm.ENOTFOUND, "case", "No practice case %q: `rcm practice list` lists them.", ref)
}

// Explained is a difference with the answer key's explanation.
type Explained struct {
	Difference
	Rationale *Rationale `json:"rationale,omitempty"`
	// Hint is said when the key has no rationale for the code at issue
	// (a code the learner added): the case's notes.
	Hint string `json:"hint,omitempty"`
}

// Graded is a learner's attempt scored against a case's key by the
// audit's engine, each difference explained.
type Graded struct {
	Case    *Case       `json:"case"`
	Attempt *Attempt    `json:"attempt"`
	Diffs   []Explained `json:"differences"`
}

// Grade scores a coding of a case against its key (no prices: practice
// counts codes, not dollars) and explains each difference; org picks the
// organization's CPT labels for the words.
func Grade(c *Case, coded Coding, desc Describer, org string) *Graded {
	s := ScoreCoding(c.Key(), coded, nil)
	Describe(&s, desc, org, c.DOS)
	g := &Graded{Case: c}
	for _, d := range s.Diffs {
		if d.TruthDescription == "" && !d.Procedure() {
			d.TruthDescription = c.Descriptions[d.TruthCode]
		}
		e := Explained{Difference: d}
		code := d.TruthCode
		if code == "" {
			code = d.CodedCode
		}
		if r, ok := c.RationaleFor(code); ok {
			e.Rationale = &r
		} else {
			e.Hint = c.Notes
		}
		g.Diffs = append(g.Diffs, e)
	}
	s.Diffs = nil
	g.Attempt = &Attempt{CaseID: c.ID, Coding: coded.Normalize(), Score: s}
	return g
}

// Submit grades a learner's coding of a case and stores the attempt under
// the actor.
func Submit(ctx context.Context, st PracticeStore, desc Describer, caseRef string, coded Coding) (*Graded, error) {
	c, err := FindCase(caseRef)
	if err != nil {
		return nil, err
	}
	coded = coded.Normalize()
	if len(coded.Diagnoses) == 0 {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "diagnoses", "Give at least one diagnosis.")
	}
	if err := checkCoding(coded, nil, "", c.DOS); err != nil {
		return nil, err
	}
	a, _ := rcm.ActorFromContext(ctx)
	g := Grade(c, coded, desc, strconv.FormatInt(a.OrgID, 10))
	if err := st.CreatePracticeAttempt(ctx, g.Attempt); err != nil {
		return nil, err
	}
	return g, nil
}

// Progress is a learner's record: every attempt in order, the total score,
// and the best attempt at each case.
type Progress struct {
	Attempts []*Attempt `json:"attempts"`
	Total    Score      `json:"total"`
	// Best is each case's best attempt (by diagnosis recall, then
	// precision), by case id.
	Best map[string]*Attempt `json:"best"`
	// Cases is how many practice cases there are.
	Cases int `json:"cases"`
}

// FindProgress reads the actor's attempts and sums them.
func FindProgress(ctx context.Context, st PracticeStore) (*Progress, error) {
	as, err := st.FindPracticeAttempts(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := Cases()
	if err != nil {
		return nil, err
	}
	p := &Progress{Attempts: as, Best: map[string]*Attempt{}, Cases: len(cs)}
	for _, a := range as {
		p.Total.Add(a.Score)
		b := p.Best[a.CaseID]
		if b == nil || better(a.Score, b.Score) {
			p.Best[a.CaseID] = a
		}
	}
	return p, nil
}

func better(a, b Score) bool {
	if a.DxRecall() != b.DxRecall() {
		return a.DxRecall() > b.DxRecall()
	}
	if a.DxPrecision() != b.DxPrecision() {
		return a.DxPrecision() > b.DxPrecision()
	}
	return a.ProcRecall()+a.ProcPrecision() > b.ProcRecall()+b.ProcPrecision()
}
