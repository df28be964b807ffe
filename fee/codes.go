package fee

import (
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
)

// CatalogCodes checks codes against the code sets: a code is known when
// the CPT release (the organization's licensed one, or the starter set's)
// or the HCPCS release in force on the date holds it.
func CatalogCodes(cat *codeset.Catalog, org string) Codes {
	return func(code string, on rcm.Date) bool {
		for _, c := range []struct {
			sys codeset.System
			org string
		}{{codeset.CPT, org}, {codeset.CPT, ""}, {codeset.HCPCS, ""}} {
			if _, ok := cat.Lookup(c.sys, c.org, code, on); ok {
				return true
			}
		}
		return false
	}
}
