package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/x12"
)

// x12Catalog judges the diagnosis and procedure codes of the 837s that
// rcm x12 validate --codes reads against the code sets of a database
// (x12.CodeCatalog). It judges only what a loaded release can decide: a
// date before every release, CPT without the organization's own CPT
// release, and a code missing from the starter set (a sample of a few
// hundred codes, not a release) are left alone.
type x12Catalog struct {
	cat *codeset.Catalog
	// org is the organization whose CPT release judges CPT codes; ""
	// judges none.
	org  string
	mu   sync.Mutex
	memo map[string]x12Answer
}

type x12Answer struct {
	v   x12.CodeVerdict
	why string
}

// loadX12Catalog loads the code sets of the database dsn as catalogFor
// does, and the organization for CPT: org, or the only one there is.
func loadX12Catalog(ctx context.Context, env *Env, dsn string, org int64) (*x12Catalog, error) {
	db, err := openDB(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	cat, err := catalogFor(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("load code sets: %w", err)
	}
	c := &x12Catalog{cat: cat, memo: map[string]x12Answer{}}
	if org == 0 {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(max(id), 0) FROM organization`).Scan(&n, &org); err != nil {
			return nil, err
		}
		if n != 1 {
			org = 0
			if n > 1 {
				fmt.Fprintf(env.Stderr, "Note: the database has %d organizations: CPT codes are judged only with --org.\n", n)
			}
		}
	}
	if org != 0 {
		c.org = strconv.FormatInt(org, 10)
	}
	for _, sys := range []codeset.System{codeset.ICD10CM, codeset.HCPCS} {
		if r, ok := cat.Release(sys, "", rcm.Date{}); ok && r.Version == "starter" {
			fmt.Fprintf(env.Stderr, "Note: no %s release is imported; only the starter set's headers and codes are judged (rcm codes import).\n", sys.Name())
		}
	}
	return c, nil
}

// CheckCode implements x12.CodeCatalog.
func (c *x12Catalog) CheckCode(src x12.CodeSource, code, date string) (x12.CodeVerdict, string) {
	key := strconv.Itoa(int(src)) + "|" + code + "|" + date
	c.mu.Lock()
	a, ok := c.memo[key]
	c.mu.Unlock()
	if ok {
		return a.v, a.why
	}
	a.v, a.why = c.judge(src, code, date)
	c.mu.Lock()
	c.memo[key] = a
	c.mu.Unlock()
	return a.v, a.why
}

func (c *x12Catalog) judge(src x12.CodeSource, code, date string) (x12.CodeVerdict, string) {
	if len(date) != 8 {
		return x12.CodeNotChecked, ""
	}
	dos, err := rcm.ParseDate(date[:4] + "-" + date[4:6] + "-" + date[6:])
	if err != nil {
		return x12.CodeNotChecked, ""
	}
	sys, org := codeset.ICD10CM, ""
	switch src {
	case x12.ICD10CM:
	case x12.HCPCS:
		sys = codeset.HCPCS
		if code != "" && code[0] >= '0' && code[0] <= '9' {
			// CPT (Level I) is licensed per organization: judged only
			// by the organization's own release.
			if c.org == "" {
				return x12.CodeNotChecked, ""
			}
			sys, org = codeset.CPT, c.org
		}
	default:
		return x12.CodeNotChecked, ""
	}
	rel, ok := c.cat.Release(sys, org, dos)
	if !ok || sys == codeset.CPT && rel.Org == "" {
		return x12.CodeNotChecked, ""
	}
	if cd, ok := c.cat.Lookup(sys, org, code, dos); ok && cd.Billable {
		return x12.CodeValid, ""
	}
	v, err := c.cat.Validate([]string{code}, sys, org, dos, codeset.Patient{})
	if err != nil || len(v.Codes) == 0 {
		return x12.CodeNotChecked, ""
	}
	r := v.Codes[0]
	for _, f := range r.Findings {
		if f.Severity != codeset.SeverityError {
			continue
		}
		switch f.Rule {
		case codeset.RuleHeader:
			why := "a code below it is needed"
			if _, choose, ok := strings.Cut(f.Message, "; "); ok {
				why += "; " + choose
			}
			return x12.CodeNotBillable, why
		case codeset.RuleSeventh:
			if r.Exists {
				return x12.CodeNotBillable, f.Message
			}
			return x12.CodeUnknown, f.Message
		case codeset.RuleDeleted, codeset.RuleNotYet:
			return x12.CodeInactive, f.Message
		case codeset.RulePlaceholder:
			return x12.CodeUnknown, f.Message
		case codeset.RuleNotFound:
			if rel.Version == "starter" {
				return x12.CodeNotChecked, ""
			}
			return x12.CodeUnknown, f.Message
		}
	}
	return x12.CodeNotChecked, ""
}
