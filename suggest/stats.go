package suggest

import (
	"sort"
	"strings"

	"github.com/openrcm/openrcm"
)

// Families a measure is broken down by.
const (
	ByCategory = "category" // ICD-10-CM 3-character category; HCPCS Level II section letter
	ByChapter  = "chapter"  // ICD-10-CM chapter; HCPCS Level II section letter
)

// FamilyStats measures the suggestions of one code family on real use.
//
// Precision is accepted / (accepted + rejected + changed): of the
// suggestions a coder decided on, the share taken as suggested. The
// recall proxy is, over the encounters with a decision, the share of the
// codes finally on them (in this family) that were suggested and
// accepted: a code the coder added by hand, or changed a suggestion to,
// is one the suggestions missed. It is a proxy because a coder who
// accepts without adding what is missing inflates it.
type FamilyStats struct {
	Family    string  `json:"family"`
	Decided   int     `json:"decided"`
	Accepted  int     `json:"accepted"`
	Rejected  int     `json:"rejected"`
	Changed   int     `json:"changed"`
	Precision float64 `json:"precision"`
	// Coded is the codes of the family on the decided encounters now;
	// Found those among them accepted from a suggestion.
	Coded       int     `json:"coded"`
	Found       int     `json:"found"`
	RecallProxy float64 `json:"recall_proxy"`
	// Reasons counts the rejections by reason code.
	Reasons map[string]int `json:"reasons"`
}

// Stats is the measure of the suggestions over a set of decisions.
type Stats struct {
	By         string        `json:"by"`
	Encounters int           `json:"encounters"`
	Total      FamilyStats   `json:"total"`
	Families   []FamilyStats `json:"families"`
}

// Measure computes the suggestions' precision and recall proxy per family
// from stored decisions and the codes now on the decided encounters
// (rcm.SuggestionDecisionService.FindDecidedEncounterCodes). CPT codes
// are left out of the recall: the suggestions do not propose them.
func Measure(ds []*rcm.SuggestionDecision, final map[int64][]string, by string) Stats {
	if by != ByChapter {
		by = ByCategory
	}
	fams := map[string]*FamilyStats{}
	fam := func(code string) *FamilyStats {
		k := FamilyOf(code, by)
		f := fams[k]
		if f == nil {
			f = &FamilyStats{Family: k, Reasons: map[string]int{}}
			fams[k] = f
		}
		return f
	}
	total := FamilyStats{Family: "all", Reasons: map[string]int{}}
	accepted := map[int64]map[string]bool{}
	encs := map[int64]bool{}
	for _, d := range ds {
		encs[d.EncounterID] = true
		f := fam(d.Code)
		for _, s := range []*FamilyStats{f, &total} {
			s.Decided++
			switch d.Decision {
			case rcm.SuggestionAccepted:
				s.Accepted++
			case rcm.SuggestionRejected:
				s.Rejected++
				s.Reasons[d.Reason]++
			case rcm.SuggestionChanged:
				s.Changed++
			}
		}
		if d.Decision == rcm.SuggestionAccepted {
			if accepted[d.EncounterID] == nil {
				accepted[d.EncounterID] = map[string]bool{}
			}
			accepted[d.EncounterID][d.Code] = true
		}
	}
	for enc, codes := range final {
		if !encs[enc] {
			continue
		}
		seen := map[string]bool{}
		for _, c := range codes {
			if seen[c] || FamilyOf(c, by) == "" {
				continue
			}
			seen[c] = true
			f := fam(c)
			for _, s := range []*FamilyStats{f, &total} {
				s.Coded++
				if accepted[enc][c] {
					s.Found++
				}
			}
		}
	}
	st := Stats{By: by, Encounters: len(encs), Total: total}
	for _, f := range fams {
		if f.Family == "" {
			continue
		}
		st.Families = append(st.Families, *f)
	}
	sort.Slice(st.Families, func(i, j int) bool { return st.Families[i].Family < st.Families[j].Family })
	for i := range st.Families {
		rates(&st.Families[i])
	}
	rates(&st.Total)
	return st
}

func rates(f *FamilyStats) {
	if f.Decided > 0 {
		f.Precision = round3(float64(f.Accepted) / float64(f.Decided))
	}
	if f.Coded > 0 {
		f.RecallProxy = round3(float64(f.Found) / float64(f.Coded))
	}
}

func round3(v float64) float64 { return float64(int(v*1000+0.5)) / 1000 }

// FamilyOf names a code's family: "E11" (category) or "ICD-10-CM chapter 4
// E00-E89" for a diagnosis, "HCPCS J" for a Level II code, and "" for a
// code the suggestions do not propose (CPT).
func FamilyOf(code, by string) string {
	c := strings.ToUpper(strings.TrimSpace(code))
	switch {
	case len(c) < 3 || c[0] < 'A' || c[0] > 'Z':
		return ""
	case len(c) == 5 && !strings.Contains(c, ".") && allDigits(c[1:]):
		return "HCPCS " + c[:1]
	case by == ByChapter:
		for _, ch := range chapters {
			if c[:3] >= ch.lo && c[:3] <= ch.hi {
				return "ICD-10-CM chapter " + ch.n + " " + ch.lo + "-" + ch.hi
			}
		}
		return ""
	}
	return c[:3]
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// chapters are the ICD-10-CM chapters' category ranges, as the Tabular
// List's chapter headings give them.
var chapters = []struct{ n, lo, hi string }{
	{"1", "A00", "B99"}, {"2", "C00", "D49"}, {"3", "D50", "D89"}, {"4", "E00", "E89"}, {"5", "F01", "F99"},
	{"6", "G00", "G99"}, {"7", "H00", "H59"}, {"8", "H60", "H95"}, {"9", "I00", "I99"}, {"10", "J00", "J99"},
	{"11", "K00", "K95"}, {"12", "L00", "L99"}, {"13", "M00", "M99"}, {"14", "N00", "N99"}, {"15", "O00", "O9A"},
	{"16", "P00", "P96"}, {"17", "Q00", "Q99"}, {"18", "R00", "R99"}, {"19", "S00", "T88"}, {"20", "V00", "Y99"},
	{"21", "Z00", "Z99"}, {"22", "U00", "U85"},
}
