package codingaudit

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/codeset/codesettest"
)

func readCSV(t *testing.T, rel string) [][]string {
	t.Helper()
	f, err := os.Open(codesettest.File(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

// TestCasesAgainstFY2025 checks every answer key against the FY2025 code
// file: each diagnosis is a code of the file with no code below it (a
// billable code), a 7th-character code's stem (without its X placeholders)
// is such a code and its 7th character is an injury one; each diagnosis
// has a rationale whose Alphabetic Index path is a path of the FY2025
// index leading to the code (or to its category, "S52.53-"); each date of
// service falls in FY2025; each HCPCS Level II code is in the catalog.
func TestCasesAgainstFY2025(t *testing.T) {
	codes, words := map[string]bool{}, map[string]string{}
	for _, r := range readCSV(t, "icd10cm/ICD10CM_2025_codes.csv") {
		codes[r[0]], words[r[0]] = true, r[1]
	}
	hasChild := map[string]bool{}
	for c := range codes {
		for i := 4; i < len(c); i++ {
			hasChild[c[:i]] = true
		}
	}
	index := readCSV(t, "icd10cm/ICD10CM_2025_Index.csv")
	cs, err := Cases()
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) < 10 {
		t.Fatalf("%d practice cases, want at least 10", len(cs))
	}
	cat := codeset.NewCatalog(codeset.Starter())
	fy := [2]rcm.Date{rcm.MustParseDate("2024-10-01"), rcm.MustParseDate("2025-09-30")}
	for _, c := range cs {
		if c.DOS.Before(fy[0]) || c.DOS.After(fy[1]) {
			t.Errorf("%s: date of service %s is outside FY2025", c.ID, c.DOS)
		}
		if strings.TrimSpace(c.Note) == "" || c.Title == "" || len(c.Diagnoses) == 0 {
			t.Errorf("%s: a case needs its title, note and diagnoses", c.ID)
		}
		for _, d := range c.Key().Diagnoses {
			stem, official := d, words[d]
			if len(strings.ReplaceAll(d, ".", "")) == 7 {
				if d[len(d)-1] != 'A' {
					t.Errorf("%s: %s: only 7th character A (initial encounter) is written in the keys", c.ID, d)
				}
				stem = strings.TrimRight(d[:len(d)-1], "X")
				official = words[stem] + ", initial encounter"
			}
			if c.Descriptions[d] != official {
				t.Errorf("%s: %s is described %q, the FY2025 file says %q", c.ID, d, c.Descriptions[d], official)
			}
			if !codes[stem] || hasChild[stem] {
				t.Errorf("%s: %s is not a billable FY2025 code (stem %s in the file: %v, has codes below it: %v)", c.ID, d, stem, codes[stem], hasChild[stem])
			}
			r, ok := c.RationaleFor(d)
			if !ok || r.Guideline == "" || r.Why == "" {
				t.Errorf("%s: %s has no rationale with its guideline", c.ID, d)
				continue
			}
			if got := indexCode(index, strings.Split(r.Index, " > ")); got == "" || !strings.HasPrefix(d, strings.TrimSuffix(got, "-")) {
				t.Errorf("%s: the index path %q leads to %q, not to %s", c.ID, r.Index, got, d)
			}
		}
		for _, l := range c.Key().Lines {
			if l.Code[0] >= 'A' && l.Code[0] <= 'Z' {
				if _, ok := cat.Lookup(codeset.HCPCS, "", l.Code, c.DOS); !ok {
					t.Errorf("%s: %s is not a HCPCS code", c.ID, l.Code)
				}
			}
		}
	}
}

// indexCode walks the flattened Alphabetic Index (Letter, Level, Term,
// See, SeeAlso, NonEssModif, Code) along a path of terms, each a subterm
// of the one before, and returns the code of the last.
func indexCode(rows [][]string, path []string) string {
	level := 0
	for i := 0; i < len(rows); i++ {
		r := rows[i]
		lv, _ := strconv.Atoi(r[2])
		if lv == level && strings.EqualFold(r[3], path[level]) {
			if level == len(path)-1 {
				return r[7]
			}
			level++
			continue
		}
		if lv < level {
			return ""
		}
	}
	return ""
}

// TestGrade grades a learner who coded the probable pneumonia as
// pneumonia: both symptoms missed, the pneumonia not supported, the wrong
// first-listed code; each difference carries the key's rationale, and the
// added code the case's notes.
func TestGrade(t *testing.T) {
	c, err := FindCase("4")
	if err != nil {
		t.Fatal(err)
	}
	g := Grade(c, Coding{Diagnoses: []string{"J18.9"}, Lines: []Line{{Code: "99213", Units: 1}}}, nil, "")
	var got []string
	for _, d := range g.Diffs {
		s := d.Kind + " " + d.Truth + "/" + d.Coded
		if d.Rationale != nil {
			s += " [" + d.Rationale.Guideline + "]"
		}
		if d.Hint != "" {
			s += " hint"
		}
		got = append(got, s)
	}
	want := []string{
		"diagnosis missed R05.1/ [IV.H; IV.D]",
		"diagnosis missed R50.9/ [IV.H; IV.D]",
		"diagnosis not supported /J18.9 hint",
		"first-listed diagnosis R05.1/J18.9 [IV.H; IV.D]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got)\n%s", diff)
	}
	s := g.Attempt.Score
	if s.DxTruth != 2 || s.DxCoded != 1 || s.DxAgree != 0 || s.ProcAgree != 1 || s.FirstListedAgree != 0 {
		t.Errorf("score %+v", s)
	}
	if g := Grade(c, c.Key(), nil, ""); len(g.Diffs) != 0 || g.Attempt.Score.DxRecall() != 1 {
		t.Errorf("the key graded against itself: %+v", g.Diffs)
	}
}
