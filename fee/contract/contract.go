// Package contract reads a payer's contracted rates (what the payer agreed
// to allow per code and modifier over a range of dates) from CSV and
// imports them, all or nothing, with an error that names the line and
// column of the first mistake. It is the fee schedule's other half and is
// read by the same fee.Table. The command line (rcm contract import), the
// API and the workbench's upload and one-rate form all go through Import
// and Set, so a rate is judged the same at every door.
//
// The file has a header line naming its columns, in any order:
//
//	code,modifier,allowed,effective_from,effective_to,per_unit
//	99213,,92.40,2026-01-01,,
//	97110,GP,31.15,2026-01-01,2026-12-31,yes
//
// code, allowed and effective_from are required; a blank effective_to runs
// until a later rate for the same service starts; per_unit (yes/no, true/
// false, 1/0; blank is no) says the allowed amount is for each unit billed.
// The payer is named once for the whole file, outside it.
package contract

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/fee"
)

// Row is one line of the file, parsed.
type Row struct {
	Line int
	Rate rcm.ContractRate
}

// MaxRows bounds a file; a payer's contract covers far fewer services.
const MaxRows = 200_000

var table = fee.Table{
	What:     "contract",
	Columns:  []string{"code", "modifier", "allowed", "effective_from", "effective_to", "per_unit"},
	Aliases:  map[string]string{"allowed_amount": "allowed", "amount": "allowed"},
	Required: []string{"code", "allowed", "effective_from"},
	MaxRows:  MaxRows,
}

// Parse reads a contract file: each field's form, and that no two lines
// price the same service on the same days. Whether the codes exist is
// Import's to check.
func Parse(r io.Reader) ([]Row, error) {
	var rows []Row
	err := table.Read(r, func(line int, get func(string) string) error {
		rate, err := ParseRate(line, get)
		rows = append(rows, Row{Line: line, Rate: rate})
		return err
	})
	if err != nil {
		return nil, err
	}
	return rows, overlaps(rows)
}

// ParseRate reads one rate from named fields, as a file's line or a
// form's fields give them; line is the file's line (0 for a form).
func ParseRate(line int, get func(string) string) (rcm.ContractRate, error) {
	var r rcm.ContractRate
	var err error
	if r.Code, r.Modifier, r.EffectiveFrom, r.EffectiveTo, err = fee.ReadService(line, get); err != nil {
		return r, err
	}
	if r.Allowed, err = fee.ReadAmount(line, "allowed", "an allowed amount", get); err != nil {
		return r, err
	}
	switch strings.ToLower(get("per_unit")) {
	case "", "no", "n", "false", "0":
	case "yes", "y", "true", "1":
		r.PerUnit = true
	default:
		return r, &fee.ParseError{Line: line, Column: "per_unit", Msg: fmt.Sprintf("%q is not yes or no", get("per_unit"))}
	}
	return r, nil
}

type key struct{ code, modifier string }

// overlaps refuses two lines that price the same service on the same day.
func overlaps(rows []Row) error {
	by := map[key][]int{}
	for i, r := range rows {
		k := key{r.Rate.Code, r.Rate.Modifier}
		by[k] = append(by[k], i)
	}
	var first *fee.ParseError
	for _, idx := range by {
		slices.SortFunc(idx, func(a, b int) int { return rows[a].Rate.EffectiveFrom.Compare(rows[b].Rate.EffectiveFrom) })
		for j := 1; j < len(idx); j++ {
			a, b := rows[idx[j-1]], rows[idx[j]]
			if !overlap(a.Rate, b.Rate) {
				continue
			}
			err := &fee.ParseError{Line: max(a.Line, b.Line), Column: "effective_from", Msg: fmt.Sprintf("%s overlaps line %d, which prices %s the same days",
				describe(b.Rate), min(a.Line, b.Line), fee.ServiceName(b.Rate.Code, b.Rate.Modifier))}
			if first == nil || err.Line < first.Line {
				first = err
			}
		}
	}
	if first != nil {
		return first
	}
	return nil
}

func overlap(a, b rcm.ContractRate) bool {
	return fee.RangesOverlap(a.EffectiveFrom, a.EffectiveTo, b.EffectiveFrom, b.EffectiveTo)
}

func describe(r rcm.ContractRate) string {
	return fee.Describe(r.Code, r.Modifier, r.EffectiveFrom, r.EffectiveTo)
}

// Store is what an import reads and writes; *sqldb.DB implements it.
type Store interface {
	FindPayers(ctx context.Context) ([]*rcm.Payer, error)
	rcm.ContractService
}

// Import parses a contract file for one payer and stores it all or
// nothing. Beyond Parse it refuses codes the code sets do not hold on a
// rate's start and a rate that overlaps a stored one of the payer for the
// same service with another start (one with the same start is replaced).
// A refused file changes nothing; the error is an rcm.Error whose message
// names the line and column. It returns the number of rates stored.
func Import(ctx context.Context, st Store, codes fee.Codes, payer *rcm.Payer, r io.Reader) (int, error) {
	if _, err := rcm.RequireActor(ctx, rcm.PermWriteSetup); err != nil {
		return 0, err
	}
	rows, err := Parse(r)
	if err != nil {
		return 0, fee.DomainError(err)
	}
	return store(ctx, st, codes, payer, rows)
}

// Set stores one rate of a payer (the workbench's edit of one line), read
// from named fields by ParseRate and checked as a file's line is.
func Set(ctx context.Context, st Store, codes fee.Codes, payer *rcm.Payer, get func(string) string) (*rcm.ContractRate, error) {
	if _, err := rcm.RequireActor(ctx, rcm.PermWriteSetup); err != nil {
		return nil, err
	}
	rate, err := ParseRate(0, get)
	if err != nil {
		return nil, fee.DomainError(err)
	}
	rows := []Row{{Rate: rate}}
	if _, err := store(ctx, st, codes, payer, rows); err != nil {
		return nil, err
	}
	return &rows[0].Rate, nil
}

func store(ctx context.Context, st Store, codes fee.Codes, payer *rcm.Payer, rows []Row) (int, error) {
	if payer == nil || payer.ID == 0 {
		return 0, rcm.FieldErrorf(rcm.EINVALID, "payer", "Name the payer whose contract this is.")
	}
	rates := make([]rcm.ContractRate, len(rows))
	for i := range rows {
		rows[i].Rate.PayerID = payer.ID
		r := rows[i].Rate
		if codes != nil && !codes(r.Code, r.EffectiveFrom) {
			return 0, fee.DomainError(&fee.ParseError{Line: rows[i].Line, Column: "code", Msg: fmt.Sprintf("%s is not a CPT or HCPCS code in force on %s", r.Code, r.EffectiveFrom)})
		}
		rates[i] = r
	}
	stored := map[string][]*rcm.ContractRate{}
	for i, r := range rates {
		list, done := stored[r.Code]
		if !done {
			var err error
			if list, err = st.FindContractRates(ctx, rcm.ContractFilter{PayerID: payer.ID, Code: r.Code, Limit: 1000}); err != nil {
				return 0, err
			}
			stored[r.Code] = list
		}
		for _, s := range list {
			if s.Modifier == r.Modifier && s.EffectiveFrom != r.EffectiveFrom && overlap(*s, r) {
				return 0, fee.DomainError(&fee.ParseError{Line: rows[i].Line, Column: "effective_from", Msg: fmt.Sprintf("%s overlaps the stored rate %s of %s; end one before the other starts",
					describe(r), describe(*s), payer.Name)})
			}
		}
	}
	if err := st.ImportContractRates(ctx, rates); err != nil {
		return 0, err
	}
	return len(rates), nil
}
