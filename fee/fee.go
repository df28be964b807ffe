// Package fee reads a practice's fee schedule (its charge master) from
// CSV and imports it, all or nothing, with an error that names the line
// and column of the first mistake. The command line (rcm fees import), the
// API and the workbench's upload all import through Import, so a file is
// judged the same at every door.
//
// The file has a header line naming its columns, in any order:
//
//	code,modifier,amount,effective_from,effective_to,practice_npi,provider_npi
//	99213,,125.00,2026-01-01,,,
//	99213,25,140.00,2026-01-01,2026-12-31,,1245319599
//
// code, amount and effective_from are required; a blank effective_to runs
// until a later entry for the same service starts; a blank practice_npi or
// provider_npi means every practice or every provider. charge is read as
// another name for amount.
package fee

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
)

// ErrInvalid is the sentinel every ParseError wraps.
var ErrInvalid = errors.New("invalid fee schedule")

// ParseError says where a fee schedule or contract file is wrong: the line
// (1 is the header; 0 for a form's field) and the column, by its header
// name.
type ParseError struct {
	Line   int
	Column string
	Msg    string
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		// A form's field, not a file's line.
		return fmt.Sprintf("%s: %s", e.Column, e.Msg)
	}
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d, %s: %s", e.Line, e.Column, e.Msg)
}

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *ParseError) Unwrap() error { return ErrInvalid }

// Row is one line of the file, parsed but not yet resolved: the NPIs are
// still NPIs.
type Row struct {
	Line        int
	Entry       rcm.FeeScheduleEntry
	PracticeNPI string
	ProviderNPI string
}

// MaxRows bounds a file. A charge master of every CPT and HCPCS code with
// a few modifiers each is far smaller.
const MaxRows = 200_000

// table is the fee schedule's file shape.
var table = Table{
	What:     "fee schedule",
	Columns:  []string{"code", "modifier", "amount", "effective_from", "effective_to", "practice_npi", "provider_npi"},
	Aliases:  map[string]string{"charge": "amount"},
	Required: []string{"code", "amount", "effective_from"},
	MaxRows:  MaxRows,
}

// Parse reads a fee schedule file. It checks each field's form (a five-
// character code, a two-character modifier, an amount rcm.ParseMoney
// reads, dates, ten-digit NPIs) and that no two lines claim the same
// service on the same days; whether codes exist and NPIs are the
// organization's is Import's to check.
func Parse(r io.Reader) ([]Row, error) {
	var rows []Row
	err := table.Read(r, func(line int, get func(string) string) error {
		row, err := parseRow(line, get)
		rows = append(rows, row)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rows, overlaps(rows)
}

func parseRow(line int, get func(string) string) (Row, error) {
	r := Row{Line: line}
	e := &r.Entry
	var err error
	if e.Code, e.Modifier, e.EffectiveFrom, e.EffectiveTo, err = ReadService(line, get); err != nil {
		return r, err
	}
	if e.Charge, err = ReadAmount(line, "amount", "a charge", get); err != nil {
		return r, err
	}
	for _, c := range []struct {
		name string
		dst  *string
	}{{"practice_npi", &r.PracticeNPI}, {"provider_npi", &r.ProviderNPI}} {
		v := get(c.name)
		if v != "" && !rcm.ValidNPI(v) {
			return r, &ParseError{Line: line, Column: c.name, Msg: fmt.Sprintf("%q is not a valid NPI (ten digits with a correct check digit)", v)}
		}
		*c.dst = v
	}
	return r, nil
}

func alnum(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// key is the service an entry prices, by the NPIs as written.
type key struct{ practice, provider, code, modifier string }

// overlaps refuses two lines that price the same service on the same
// day: the same start, or an earlier entry whose end reaches the later
// one's start. An earlier entry without an end simply gives way to the
// later one, as a new year's price does.
func overlaps(rows []Row) error {
	by := map[key][]int{}
	for i, r := range rows {
		k := key{r.PracticeNPI, r.ProviderNPI, r.Entry.Code, r.Entry.Modifier}
		by[k] = append(by[k], i)
	}
	var first *ParseError
	for _, idx := range by {
		slices.SortFunc(idx, func(a, b int) int { return rows[a].Entry.EffectiveFrom.Compare(rows[b].Entry.EffectiveFrom) })
		for j := 1; j < len(idx); j++ {
			a, b := rows[idx[j-1]], rows[idx[j]]
			if !Overlap(a.Entry, b.Entry) {
				continue
			}
			line, other := max(a.Line, b.Line), min(a.Line, b.Line)
			err := &ParseError{Line: line, Column: "effective_from", Msg: fmt.Sprintf("%s overlaps line %d, which prices %s the same days",
				describe(b.Entry), other, serviceName(b.Entry))}
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

// Overlap reports whether two entries for the same service claim a day in
// common, a the earlier-starting one: the same start, or an end on or
// after the other's start.
func Overlap(a, b rcm.FeeScheduleEntry) bool {
	return RangesOverlap(a.EffectiveFrom, a.EffectiveTo, b.EffectiveFrom, b.EffectiveTo)
}

func serviceName(e rcm.FeeScheduleEntry) string { return ServiceName(e.Code, e.Modifier) }

func describe(e rcm.FeeScheduleEntry) string {
	return Describe(e.Code, e.Modifier, e.EffectiveFrom, e.EffectiveTo)
}

// Store is what an import reads and writes; *sqldb.DB implements it.
type Store interface {
	FindPractices(ctx context.Context) ([]*rcm.Practice, error)
	FindProviders(ctx context.Context) ([]*rcm.Provider, error)
	rcm.FeeService
}

// Codes says whether a CPT or HCPCS code exists on a date; nil means
// "nothing to check against" and lets every code through.
type Codes func(code string, on rcm.Date) bool

// Import parses a fee schedule file and stores it all or nothing. Beyond
// Parse it resolves the NPIs to the organization's practices and
// providers, refuses codes the code sets do not hold on the entry's start,
// and refuses an entry that overlaps a stored one for the same service. A
// refused file changes nothing; the error is an rcm.Error whose message
// names the line and column. It returns the number of entries stored.
func Import(ctx context.Context, st Store, codes Codes, r io.Reader) (int, error) {
	if _, err := rcm.RequireActor(ctx, rcm.PermWriteSetup); err != nil {
		return 0, err
	}
	rows, err := Parse(r)
	if err != nil {
		return 0, DomainError(err)
	}
	practices, err := st.FindPractices(ctx)
	if err != nil {
		return 0, err
	}
	providers, err := st.FindProviders(ctx)
	if err != nil {
		return 0, err
	}
	practiceByNPI := map[string]int64{}
	for _, p := range practices {
		practiceByNPI[p.NPI] = p.ID
	}
	providerByNPI := map[string]*rcm.Provider{}
	for _, p := range providers {
		providerByNPI[p.NPI] = p
	}
	entries := make([]rcm.FeeScheduleEntry, len(rows))
	for i, r := range rows {
		e := r.Entry
		if r.PracticeNPI != "" {
			id, ok := practiceByNPI[r.PracticeNPI]
			if !ok {
				return 0, DomainError(&ParseError{Line: r.Line, Column: "practice_npi", Msg: fmt.Sprintf("no practice of the organization has NPI %s", r.PracticeNPI)})
			}
			e.PracticeID = id
		}
		if r.ProviderNPI != "" {
			p, ok := providerByNPI[r.ProviderNPI]
			if !ok {
				return 0, DomainError(&ParseError{Line: r.Line, Column: "provider_npi", Msg: fmt.Sprintf("no provider of the organization has NPI %s", r.ProviderNPI)})
			}
			if e.PracticeID != 0 && p.PracticeID != e.PracticeID {
				return 0, DomainError(&ParseError{Line: r.Line, Column: "provider_npi", Msg: fmt.Sprintf("provider %s does not work for practice %s", r.ProviderNPI, r.PracticeNPI)})
			}
			e.ProviderID = p.ID
		}
		if codes != nil && !codes(e.Code, e.EffectiveFrom) {
			return 0, DomainError(&ParseError{Line: r.Line, Column: "code", Msg: fmt.Sprintf("%s is not a CPT or HCPCS code in force on %s", e.Code, e.EffectiveFrom)})
		}
		entries[i] = e
	}
	if err := againstStored(ctx, st, rows, entries); err != nil {
		return 0, err
	}
	if err := st.ImportFees(ctx, entries); err != nil {
		return 0, err
	}
	return len(entries), nil
}

// againstStored refuses an entry that overlaps a stored entry for the
// same service with another start (one with the same start is replaced).
func againstStored(ctx context.Context, st Store, rows []Row, entries []rcm.FeeScheduleEntry) error {
	stored := map[string][]*rcm.FeeScheduleEntry{}
	for _, e := range entries {
		if _, done := stored[e.Code]; done {
			continue
		}
		list, err := st.FindFees(ctx, rcm.FeeFilter{Code: e.Code, Limit: 1000})
		if err != nil {
			return err
		}
		stored[e.Code] = list
	}
	for i, e := range entries {
		for _, s := range stored[e.Code] {
			if s.Modifier != e.Modifier || s.PracticeID != e.PracticeID || s.ProviderID != e.ProviderID || s.EffectiveFrom == e.EffectiveFrom {
				continue
			}
			if Overlap(*s, e) {
				return DomainError(&ParseError{Line: rows[i].Line, Column: "effective_from", Msg: fmt.Sprintf("%s overlaps the stored entry %s; end one before the other starts",
					describe(e), describe(*s))})
			}
		}
	}
	return nil
}

// DomainError turns a ParseError into the domain's error, its message
// naming line and column, its field the column.
func DomainError(err error) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		msg := pe.Error()
		return rcm.FieldErrorf(rcm.EINVALID, pe.Column, "%s", strings.ToUpper(msg[:1])+msg[1:]+".")
	}
	return err
}
