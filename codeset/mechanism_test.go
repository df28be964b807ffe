package codeset

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

// TestSearchMechanisms checks each mechanism of issue 14 with queries
// written for it (none from the development set): the code wanted must be
// within the first `within` hits.
func TestSearchMechanisms(t *testing.T) {
	c := loadShared(t)
	for _, tc := range []struct {
		mechanism, query, want string
		within                 int
	}{
		// Misspellings over the whole vocabulary: one edit, two edits by
		// double deletion, two edits by the first-letters scan, and a
		// misspelt word ending in s against the stemmed vocabulary.
		{"typo, one edit", "hypertensoin", "I10", 1},
		{"typo, two edits", "gastroesophagal refluks", "K21.9", 1},
		{"typo, transposition and wrong letter", "pnuemothoraks", "J93.9", 1},
		{"typo, against a stemmed word", "diabeetus", "E11.9", 1},
		{"typo, in a longer query", "osteoarthritis of rigth knee", "M17.11", 1},
		// Abbreviations from the general list.
		{"abbreviation", "AAA", "I71.4", 2},
		{"abbreviation with words", "CHF acute on chronic systolic", "I50.23", 1},
		// The index's see references as word rewrites.
		{"index alias, main term", "hives chronic", "L50.8", 1},
		{"index alias, subterm pattern", "broken wrist", "S62.109A", 1},
		// Lay low/high as hypo-/hyper- compounds.
		{"compound", "low thyroid", "E03.9", 1},
		{"compound", "high calcium", "E83.52", 1},
		// Stated qualifiers pick the family member that carries them.
		{"side", "fracture of left distal radius", "S52.502A", 1},
		{"side, abbreviated", "otitis media lt", "H66.92", 1},
		{"episode", "sprain of left ankle subsequent encounter", "S93.402D", 1},
		{"acuity", "acute bronchitis", "J20.9", 1},
		{"acuity", "chronic sinusitis", "J32.9", 1},
		{"diabetes type", "type 1 diabetes with neuropathy", "E10.40", 1},
		// See references resolved across hyphens: "see Presence, knee
		// joint implant" names "knee-joint implant".
		{"see with hyphen", "knee replacement", "Z96.659", 3},
	} {
		hits := c.Search(Query{Text: tc.query, Limit: 10})
		var got []string
		for _, h := range hits {
			got = append(got, h.Code)
		}
		if i := slices.Index(got, tc.want); i < 0 || i >= tc.within {
			t.Errorf("%s: %q: want %s within %d, got %v", tc.mechanism, tc.query, tc.want, tc.within, got)
		}
	}
}

// TestSearchDiagnosesFirst: a diagnosis query over every system returns
// diagnoses first; a query that names a procedure or supply does not push
// them down.
func TestSearchDiagnosesFirst(t *testing.T) {
	c := loadShared(t)
	for _, tc := range []struct {
		query string
		first System
	}{
		{"abdominal aortic aneurysm", ICD10CM},
		{"thyroid nodule", ICD10CM},
		{"wheelchair cushion", HCPCS},
		{"ketorolac injection", HCPCS},
	} {
		hits := c.Search(Query{Text: tc.query, Limit: 5})
		if len(hits) == 0 || hits[0].System != tc.first {
			t.Errorf("%q: first hit %+v, want a %s code", tc.query, hits, tc.first)
			continue
		}
		if tc.first == ICD10CM {
			for _, h := range hits[:min(3, len(hits))] {
				if h.System != ICD10CM {
					t.Errorf("%q: %s %s among the first three", tc.query, h.System, h.Code)
				}
			}
		}
	}
}

func TestParseQualifiers(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  qualifiers
	}{
		{"fracture left radius", qualifiers{side: "left"}},
		{"otitis media rt ear", qualifiers{side: "right"}},
		{"knee pain left and right", qualifiers{side: "bilateral"}},
		{"bilat cataract", qualifiers{side: "bilateral"}},
		{"acute on chronic systolic heart failure", qualifiers{acuity: "acute on chronic"}},
		{"chronic cough", qualifiers{acuity: "chronic"}},
		{"sprain ankle subsequent encounter", qualifiers{episode: "subsequent encounter"}},
		{"burn sequela", qualifiers{episode: "sequela"}},
		{"diabetes type II", qualifiers{dmType: "type 2"}},
		{"T1DM hypoglycemia", qualifiers{dmType: "type 1"}},
		{"hepatitis b", qualifiers{}},
		{"r", qualifiers{}},
	} {
		if got := parseQualifiers(tokenize(tc.query)); got != tc.want {
			t.Errorf("%q: %+v, want %+v", tc.query, got, tc.want)
		}
	}
}

func TestQualifierFit(t *testing.T) {
	left := qualifiers{side: "left"}
	acute := qualifiers{acuity: "acute"}
	for _, tc := range []struct {
		q       qualifiers
		better  string
		worse   string
		because string
	}{
		{left, "fracture of left radius", "fracture of unspecified radius", "unspecified side"},
		{left, "fracture of unspecified radius", "fracture of right radius", "other side"},
		{left, "cleft lip, left", "cleft lip, right", "cleft is not left"},
		{acute, "acute pancreatitis", "chronic pancreatitis", "contradiction"},
		{qualifiers{episode: "subsequent encounter"}, "sprain, subsequent encounter", "sprain, initial encounter", "encounter"},
		{qualifiers{dmType: "type 1"}, "type 1 diabetes mellitus with ketoacidosis", "type 2 diabetes mellitus with ketoacidosis", "type"},
	} {
		if b, w := tc.q.fit(tc.better), tc.q.fit(tc.worse); b <= w {
			t.Errorf("%s: fit(%q) = %.2f not above fit(%q) = %.2f", tc.because, tc.better, b, tc.worse, w)
		}
	}
}

func TestAsksProcedure(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  bool
	}{
		{"knee arthroscopy", true},
		{"appendectomy", true},
		{"ketorolac injection", true},
		{"wheelchair", true},
		{"appendicitis", false},
		{"knee pain", false},
		{"ectomy", false},
	} {
		if got := asksProcedure(tc.query); got != tc.want {
			t.Errorf("asksProcedure(%q) = %v, want %v", tc.query, got, tc.want)
		}
	}
}

func TestSeeKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Presence, knee joint implant", "presence, knee joint implant"},
		{"knee-joint implant", "knee joint implant"},
		{"Abnormal, Papanicolaou (smear)", "abnormal, papanicolaou"},
		{"Abnormal, diagnostic  imaging", "abnormal, diagnostic imaging"},
		{"Loss (of), pregnancy, recurrent", "loss, pregnancy, recurrent"},
	} {
		if got := seeKey(tc.in); got != tc.want {
			t.Errorf("seeKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestIndexAliases reads word rewrites off the FY2025 index's see
// references: those the index states, and none to "condition".
func TestIndexAliases(t *testing.T) {
	c := loadShared(t)
	s := c.inForce(ICD10CM, "", rcm.Date{}).searcher()
	find := func(from string) []string {
		var out []string
		for _, rw := range s.aliases[strings.Fields(from)[0]] {
			if strings.Join(rw.from, " ") == from {
				for _, to := range rw.to {
					out = append(out, strings.Join(to, " "))
				}
			}
		}
		return out
	}
	for from, want := range map[string][]string{
		"broken":  {"fracture"},
		"hives":   {"urticaria"},
		"pain":    nil, // a condition of its own: its subterms' references do not make it a name of another
		"costive": nil,
		"strain":  nil, // "Strain, heart — see Disease, heart" alone: one subterm is a coincidence
	} {
		if diff := cmp.Diff(want, find(from)); diff != "" {
			t.Errorf("aliases of %q mismatch (-want +got):\n%s", from, diff)
		}
	}
	for first, rws := range s.aliases {
		for _, rw := range rws {
			for _, to := range rw.to {
				if slices.Contains(to, "condition") {
					t.Errorf("%s: %v -> %v", first, rw.from, to)
				}
			}
		}
	}
}
