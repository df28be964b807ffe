package codeset

import (
	"embed"
	"fmt"
	"strings"

	"github.com/openrcm/openrcm"
)

//go:embed starter/*.tsv
var starterFS embed.FS

// StarterRelease names the official releases the starter set's
// descriptions come from, for the README and the first-use notice.
const StarterRelease = "ICD-10-CM FY2025 and HCPCS October 2025 descriptions (a few hundred codes)"

// StarterNewest is the last day of the newest release the starter set
// follows (ICD-10-CM FY2025 ends 30 September 2025): a date of service after
// it may need codes the starter set does not know.
var StarterNewest = rcm.Date{Year: 2025, Month: 9, Day: 30}

// Starter returns the small code set written into the repository: a few
// hundred common ICD-10-CM diagnoses and HCPCS codes and modifiers with
// their official descriptions (public domain), and CPT code numbers, each
// with a plain-language label of OpenRCM's own (never an AMA descriptor).
// It lets the demo and a fresh machine work before any official release is
// imported; an imported release of a system replaces it.
func Starter() []*Release {
	eff := rcm.Date{Year: 2015, Month: 10, Day: 1} // ICD-10-CM's first day in the U.S.
	icd := &Release{System: ICD10CM, Version: "starter", Effective: eff, Sources: []string{"starter/icd10cm.tsv"}}
	hcpcs := &Release{System: HCPCS, Version: "starter", Effective: eff, Sources: []string{"starter/hcpcs.tsv"}}
	mods := &Release{System: Modifier, Version: "starter", Effective: eff, Sources: []string{"starter/hcpcs.tsv"}}
	cpt := &Release{System: CPT, Version: "starter", Effective: eff, Sources: []string{"starter/cpt.tsv"}}
	pos := &Release{System: POS, Version: "starter", Effective: eff, Sources: []string{"starter/pos.tsv"}}
	for _, f := range []struct {
		name string
		add  func(code, label string)
	}{
		{"starter/icd10cm.tsv", func(code, label string) { icd.Codes = append(icd.Codes, starterCode(code, label)) }},
		{"starter/hcpcs.tsv", func(code, label string) {
			if isModifier(code) {
				mods.Codes = append(mods.Codes, starterCode(code, label))
			} else {
				hcpcs.Codes = append(hcpcs.Codes, starterCode(code, label))
			}
		}},
		{"starter/cpt.tsv", func(code, label string) { cpt.Codes = append(cpt.Codes, starterCode(code, label)) }},
		{"starter/pos.tsv", func(code, label string) { pos.Codes = append(pos.Codes, starterCode(code, label)) }},
	} {
		data, err := starterFS.ReadFile(f.name)
		if err != nil {
			panic(err)
		}
		for n, line := range strings.Split(string(data), "\n") {
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				continue
			}
			code, label, ok := strings.Cut(line, "\t")
			label, header := strings.CutSuffix(label, "\theader")
			if !ok || label == "" || strings.Contains(label, "\t") {
				panic(fmt.Sprintf("%s:%d: want code<TAB>label[<TAB>header]", f.name, n+1))
			}
			if header {
				// The parent of 7th-character codes: search reaches them
				// through it, and it may not be billed itself.
				icd.Codes = append(icd.Codes, Code{Code: Normalize(code), Short: label, Long: label})
				continue
			}
			f.add(code, label)
		}
	}
	return []*Release{icd, hcpcs, mods, cpt, pos}
}

func starterCode(code, label string) Code {
	return Code{Code: Normalize(code), Billable: true, Short: label, Long: label}
}
