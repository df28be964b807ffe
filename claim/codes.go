package claim

import (
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/edit"
)

// CatalogChecker checks a claim's codes against the code-set releases in
// force on its date of service: every diagnosis, procedure code, modifier
// and the place of service, and the diagnoses together (Excludes1,
// manifestation first-listed, code first).
type CatalogChecker struct {
	Catalog *codeset.Catalog
	// Org is the organization whose licensed CPT release applies.
	Org string
}

// codeFixes tells the biller or coder what to do for each code-set rule.
var codeFixes = map[string]string{
	codeset.RuleNoRelease:     "Import the code set release in force on the date of service (rcm codes import).",
	codeset.RuleNotFound:      "Check the code for a typo; search the encoder for the right one.",
	codeset.RuleHeader:        "Code to the highest specificity: pick one of the billable codes listed.",
	codeset.RuleDeleted:       "Use the code that replaced it in the release in force on the date of service.",
	codeset.RuleNotYet:        "Use the code valid on the date of service; the new code applies only to later dates.",
	codeset.RuleSeventh:       "Add the 7th character for the encounter (A initial, D subsequent, S sequela ...).",
	codeset.RulePlaceholder:   "Add the placeholder X so the 7th character sits in the 7th position.",
	codeset.RuleAge:           "Check the patient's birth date and the code; the code is for another age group.",
	codeset.RuleSex:           "Check the patient's sex and the code; the code is for the other sex.",
	codeset.RuleExcludes1:     "Report only one of the two: an Excludes1 note says they never go together.",
	codeset.RuleManifestation: "List the underlying condition first and the manifestation after it.",
	codeset.RuleCodeFirst:     "Add the underlying condition and list it before this code.",
	codeset.RuleUseAdditional: "Add the additional code the note asks for, if documented.",
	codeset.RuleMalformed:     "Type the code as printed: letters and digits, the dot only after the third character (E11.9).",
	codeset.RuleStale:         "Import the code set release in force on the date of service (rcm codes import).",
}

// KnownTaxonomy implements TaxonomyList from the catalog's NUCC releases.
func (cc CatalogChecker) KnownTaxonomy(code string, on rcm.Date) (listed, loaded bool) {
	if _, ok := cc.Catalog.Release(codeset.Taxonomy, "", on); !ok {
		return false, false
	}
	_, listed = cc.Catalog.Lookup(codeset.Taxonomy, "", code, on)
	return listed, true
}

// CheckCodes implements CodeChecker.
func (cc CatalogChecker) CheckCodes(b *Bundle) []edit.Finding {
	c := b.Claim
	age := b.Patient.BirthDate.AgeOn(c.DateOfService)
	p := codeset.Patient{Age: &age}
	if b.Patient.Sex == "F" || b.Patient.Sex == "M" {
		p.Sex = b.Patient.Sex
	}
	var fs []edit.Finding
	add := func(f codeset.Finding, lines []int) {
		fs = append(fs, edit.Finding{Rule: f.Rule, Severity: edit.Severity(f.Severity), Lines: lines, Codes: append([]string{f.Code}, f.Related...),
			DateOfService: c.DateOfService, Message: f.Message, Fix: codeFixes[f.Rule]})
	}
	dx := make([]string, len(c.Diagnoses))
	for i, d := range c.Diagnoses {
		dx[i] = d.Code
	}
	if v, err := cc.Catalog.Validate(dx, codeset.ICD10CM, cc.Org, c.DateOfService, p); err == nil {
		for i, r := range v.Codes {
			var lines []int
			for j, l := range c.Lines {
				for _, ptr := range l.Pointers {
					if ptr == i+1 {
						lines = append(lines, j+1)
						break
					}
				}
			}
			for _, f := range r.Findings {
				add(f, lines)
			}
		}
		for _, f := range v.Claim {
			add(f, nil)
		}
	}
	for i, l := range c.Lines {
		if l.Code == "" {
			continue // a facility line billed by its revenue code alone
		}
		sys := codeset.CPT
		if l.Code[0] >= 'A' && l.Code[0] <= 'Z' {
			sys = codeset.HCPCS
		}
		codes := append([]string{l.Code}, l.Modifiers...)
		systems := []codeset.System{sys}
		for range l.Modifiers {
			systems = append(systems, codeset.Modifier)
		}
		for k, code := range codes {
			v, err := cc.Catalog.Validate([]string{code}, systems[k], cc.Org, lineDate(b, i), p)
			if err != nil {
				continue
			}
			for _, r := range v.Codes {
				for _, f := range r.Findings {
					add(f, []int{i + 1})
				}
			}
		}
	}
	if v, err := cc.Catalog.Validate([]string{c.PlaceOfService}, codeset.POS, "", c.DateOfService, p); err == nil {
		for _, r := range v.Codes {
			for _, f := range r.Findings {
				add(f, nil)
			}
		}
	}
	return fs
}

func lineDate(b *Bundle, i int) rcm.Date {
	if d := b.Claim.Lines[i].DateOfService; !d.IsZero() {
		return d
	}
	return b.Claim.DateOfService
}
