package codeset

import "github.com/openrcm/openrcm"

// Describe returns the words of a code for a screen, a statement or a
// listing: a diagnosis from ICD-10-CM, a procedure from the organization's
// licensed CPT release when it imported one (else the starter set's own
// label), from HCPCS otherwise; the release in force on dos, or the newest
// one when that release lacks the code. It returns "" for a code no loaded
// release knows, so a caller shows the code alone rather than a guess.
func (c *Catalog) Describe(sys System, org, code string, dos rcm.Date) string {
	systems := []System{sys}
	if sys == "" {
		systems = []System{ICD10CM, CPT, HCPCS, Modifier}
	}
	if sys == HCPCS || sys == CPT {
		// A claim line's code is CPT or HCPCS by its shape.
		systems = []System{CPT, HCPCS}
		if isLevel2Code(Normalize(code)) {
			systems = []System{HCPCS, CPT}
		}
	}
	for _, s := range systems {
		for _, on := range []rcm.Date{dos, {}} {
			if k, ok := c.Lookup(s, org, code, on); ok {
				return k.Description()
			}
		}
	}
	return ""
}
