// Package lookup finds a patient, claim, payer or provider by what a user
// knows of it: an account number, a claim number, a payer ID, an NPI, a
// name, or the internal id. The command line, the workbench and the API
// resolve what people type through these functions, so the same words find
// the same record at every door (issue 16).
package lookup

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
)

// Patients is what Patient needs of storage.
type Patients interface {
	FindPatientByID(ctx context.Context, id int64) (*rcm.Patient, error)
	FindPatients(ctx context.Context, f rcm.PatientFilter) ([]*rcm.Patient, error)
}

// Claims is what Claim needs of storage.
type Claims interface {
	FindClaimByID(ctx context.Context, id int64) (*rcm.Claim, error)
	FindClaims(ctx context.Context, f rcm.ClaimFilter) ([]*rcm.Claim, error)
}

// Payers is what Payer needs of storage.
type Payers interface {
	FindPayers(ctx context.Context) ([]*rcm.Payer, error)
}

// Providers is what Provider needs of storage.
type Providers interface {
	FindProviders(ctx context.Context) ([]*rcm.Provider, error)
}

// maxCandidates bounds the candidates an ambiguous name lists.
const maxCandidates = 5

// Patient finds a patient by account number, then by internal id (a number
// no account carries), then by member ID, then by name: "Smith", "Smith,
// Ann" or "Ann Smith". A name that fits more than one patient is an
// ECONFLICT that lists them by account number, so the user can choose.
func Patient(ctx context.Context, s Patients, ref string) (*rcm.Patient, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "patient", "Name the patient by account number, name, member ID or id.")
	}
	ps, err := s.FindPatients(ctx, rcm.PatientFilter{AccountNumber: ref, Limit: 2})
	if err != nil {
		return nil, err
	}
	if len(ps) == 1 {
		return ps[0], nil
	}
	if id, ok := number(ref); ok {
		p, err := s.FindPatientByID(ctx, id)
		if err == nil || rcm.ErrorCode(err) != rcm.ENOTFOUND {
			return p, err
		}
	}
	if ps, err = s.FindPatients(ctx, rcm.PatientFilter{MemberID: ref, Limit: maxCandidates + 1}); err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		if ps, err = byName(ctx, s, ref); err != nil {
			return nil, err
		}
	}
	switch {
	case len(ps) == 1:
		return ps[0], nil
	case len(ps) == 0:
		return nil, rcm.FieldErrorf(rcm.ENOTFOUND, "patient", "No patient has the account number, name, member ID or id %q.", ref)
	}
	var names []string
	for i, p := range ps {
		if i == maxCandidates {
			names = append(names, "...")
			break
		}
		names = append(names, fmt.Sprintf("%s %s, %s", p.AccountNumber, p.LastName, p.FirstName))
	}
	return nil, rcm.FieldErrorf(rcm.ECONFLICT, "patient", "%q fits %d patients (%s): name one by account number.", ref, len(ps), strings.Join(names, "; "))
}

// byName finds the patients whose name is ref: a last name, "Last, First"
// or "First Last", each word the start of the name part.
func byName(ctx context.Context, s Patients, ref string) ([]*rcm.Patient, error) {
	last, first, comma := strings.Cut(ref, ",")
	if !comma {
		if f, l, ok := strings.Cut(ref, " "); ok {
			first, last = f, l
		}
	}
	last, first = strings.TrimSpace(last), strings.TrimSpace(first)
	ps, err := s.FindPatients(ctx, rcm.PatientFilter{Name: last, Limit: 200})
	if err != nil {
		return nil, err
	}
	if first == "" && !comma {
		// One word: the start of the last or the first name, as typed in
		// a search box.
		return ps, nil
	}
	var out []*rcm.Patient
	for _, p := range ps {
		if hasPrefixFold(p.LastName, last) && hasPrefixFold(p.FirstName, first) {
			out = append(out, p)
		}
	}
	// An exact full name wins over the patients whose names merely start so.
	var exact []*rcm.Patient
	for _, p := range out {
		if strings.EqualFold(p.LastName, last) && (first == "" || strings.EqualFold(p.FirstName, first)) {
			exact = append(exact, p)
		}
	}
	if len(exact) == 1 {
		return exact, nil
	}
	return out, nil
}

// Claim finds a claim by its claim number (the patient control number,
// CLM01), then by the payer's claim number, then by internal id.
func Claim(ctx context.Context, s Claims, ref string) (*rcm.Claim, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "claim", "Name the claim by claim number or id.")
	}
	cs, err := s.FindClaims(ctx, rcm.ClaimFilter{ControlNumber: ref, Limit: 2})
	if err != nil {
		return nil, err
	}
	if up := strings.ToUpper(ref); len(cs) == 0 && up != ref {
		cs, err = s.FindClaims(ctx, rcm.ClaimFilter{ControlNumber: up, Limit: 2})
		if err != nil {
			return nil, err
		}
	}
	if len(cs) == 1 {
		return cs[0], nil
	}
	if id, ok := number(ref); ok {
		c, err := s.FindClaimByID(ctx, id)
		if err == nil || rcm.ErrorCode(err) != rcm.ENOTFOUND {
			return c, err
		}
	}
	return nil, rcm.FieldErrorf(rcm.ENOTFOUND, "claim", "No claim has the claim number or id %q.", ref)
}

// Payer finds a payer by its payer ID at the clearinghouse, then by
// internal id, then by name (whole, or the start of one payer's name).
func Payer(ctx context.Context, s Payers, ref string) (*rcm.Payer, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "payer", "Name the payer by payer ID, name or id.")
	}
	ps, err := s.FindPayers(ctx)
	if err != nil {
		return nil, err
	}
	return pick(ps, ref, "payer", "payer ID, name or id",
		func(p *rcm.Payer) bool { return strings.EqualFold(p.PayerID, ref) },
		func(p *rcm.Payer) int64 { return p.ID },
		func(p *rcm.Payer) string { return p.Name })
}

// Provider finds a rendering provider by NPI, then by internal id, then by
// name ("Lee", "Lee, Ann" or "Ann Lee").
func Provider(ctx context.Context, s Providers, ref string) (*rcm.Provider, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "provider", "Name the provider by NPI, name or id.")
	}
	ps, err := s.FindProviders(ctx)
	if err != nil {
		return nil, err
	}
	return pick(ps, ref, "provider", "NPI, name or id",
		func(p *rcm.Provider) bool { return p.NPI == ref },
		func(p *rcm.Provider) int64 { return p.ID },
		func(p *rcm.Provider) string { return p.LastName + ", " + p.FirstName })
}

// pick chooses from a short list: by key, by id, by whole name, by the
// start of the name (also "First Last" for "Last, First" names).
func pick[T any](all []T, ref, field, what string, key func(T) bool, id func(T) int64, name func(T) string) (T, error) {
	var zero T
	for _, x := range all {
		if key(x) {
			return x, nil
		}
	}
	if n, ok := number(ref); ok {
		for _, x := range all {
			if id(x) == n {
				return x, nil
			}
		}
	}
	var whole, start []T
	for _, x := range all {
		nm := name(x)
		alt := nm
		if l, f, ok := strings.Cut(nm, ", "); ok {
			alt = f + " " + l
		}
		switch {
		case strings.EqualFold(nm, ref) || strings.EqualFold(alt, ref):
			whole = append(whole, x)
		case hasPrefixFold(nm, ref) || hasPrefixFold(alt, ref):
			start = append(start, x)
		}
	}
	if len(whole) == 1 {
		return whole[0], nil
	}
	if len(whole) == 0 && len(start) == 1 {
		return start[0], nil
	}
	if many := append(whole, start...); len(many) > 1 {
		var names []string
		for _, x := range many {
			names = append(names, name(x))
		}
		return zero, rcm.FieldErrorf(rcm.ECONFLICT, field, "%q fits %d %ss (%s): name one by %s.", ref, len(many), field, strings.Join(names, "; "), what)
	}
	return zero, rcm.FieldErrorf(rcm.ENOTFOUND, field, "No %s has the %s %q.", field, what, ref)
}

func number(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
