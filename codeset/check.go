package codeset

import (
	"context"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
)

// Checker answers whether one code may be billed on a date of service, for
// the interfaces that take codes from an EHR (HL7 v2, FHIR): they refuse a
// message whose code is unknown, deleted or a header on that date.
type Checker struct {
	Catalog *Catalog
	// Org is the organization's CPT line (CPT releases are per
	// organization: the AMA licence is theirs); empty means the
	// organization of the actor in the context.
	Org string
}

// CheckDiagnosis checks an ICD-10-CM code.
func (k Checker) CheckDiagnosis(ctx context.Context, code string, dos rcm.Date) error {
	return k.check(ctx, code, ICD10CM, dos)
}

// CheckProcedure checks a CPT (five digits, or four and a letter) or HCPCS
// Level II (a letter and four digits) code.
func (k Checker) CheckProcedure(ctx context.Context, code string, dos rcm.Date) error {
	sys := CPT
	if c := strings.ToUpper(code); c != "" && c[0] >= 'A' && c[0] <= 'Z' {
		sys = HCPCS
	}
	return k.check(ctx, code, sys, dos)
}

func (k Checker) check(ctx context.Context, code string, sys System, dos rcm.Date) error {
	org := ""
	if sys == CPT {
		org = k.Org
		if a, ok := rcm.ActorFromContext(ctx); ok && org == "" {
			org = strconv.FormatInt(a.OrgID, 10)
		}
	}
	v, err := k.Catalog.Validate([]string{code}, sys, org, dos, Patient{})
	if err != nil {
		return err
	}
	for _, r := range v.Codes {
		for _, f := range r.Findings {
			if f.Severity == SeverityError {
				return rcm.Errorf(rcm.EINVALID, "%s %s is not valid on %s: %s", sys.Name(), r.Code, dos, f.Message)
			}
		}
	}
	return nil
}
