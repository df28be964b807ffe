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
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
)

// ErrInvalid is the sentinel every ParseError wraps.
var ErrInvalid = errors.New("invalid fee schedule")

// ParseError says where a fee schedule file is wrong: the line (1 is the
// header) and the column, by its header name.
type ParseError struct {
	Line   int
	Column string
	Msg    string
}

func (e *ParseError) Error() string {
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

var columns = []string{"code", "modifier", "amount", "effective_from", "effective_to", "practice_npi", "provider_npi"}

// Parse reads a fee schedule file. It checks each field's form (a five-
// character code, a two-character modifier, an amount rcm.ParseMoney
// reads, dates, ten-digit NPIs) and that no two lines claim the same
// service on the same days; whether codes exist and NPIs are the
// organization's is Import's to check.
func Parse(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &ParseError{Line: 1, Msg: "the file is empty; it needs a header line (code,modifier,amount,effective_from,...)"}
	} else if err != nil {
		return nil, csvError(err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if h == "charge" {
			h = "amount"
		}
		if !slices.Contains(columns, h) {
			return nil, &ParseError{Line: 1, Column: h, Msg: fmt.Sprintf("unknown column %q (the columns are %s)", h, strings.Join(columns, ", "))}
		}
		if _, dup := col[h]; dup {
			return nil, &ParseError{Line: 1, Column: h, Msg: "the column appears twice"}
		}
		col[h] = i
	}
	for _, req := range []string{"code", "amount", "effective_from"} {
		if _, ok := col[req]; !ok {
			return nil, &ParseError{Line: 1, Column: req, Msg: "the header lacks this required column"}
		}
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rows) == MaxRows {
			return nil, &ParseError{Line: line, Msg: fmt.Sprintf("more than %d entries; split the file", MaxRows)}
		}
		if len(rec) != len(header) {
			return nil, &ParseError{Line: line, Msg: fmt.Sprintf("%d fields, but the header has %d", len(rec), len(header))}
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row, err := parseRow(line, get)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, &ParseError{Line: 2, Msg: "the file has a header but no entries"}
	}
	return rows, overlaps(rows)
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{Line: pe.Line, Msg: pe.Err.Error()}
	}
	return err
}

func parseRow(line int, get func(string) string) (Row, error) {
	bad := func(column, format string, args ...any) (Row, error) {
		return Row{}, &ParseError{Line: line, Column: column, Msg: fmt.Sprintf(format, args...)}
	}
	r := Row{Line: line}
	e := &r.Entry
	e.Code = strings.ToUpper(get("code"))
	if len(e.Code) != 5 || !alnum(e.Code) {
		return bad("code", "%q is not a five-character CPT or HCPCS code", e.Code)
	}
	e.Modifier = strings.ToUpper(get("modifier"))
	if e.Modifier != "" && (len(e.Modifier) != 2 || !alnum(e.Modifier)) {
		return bad("modifier", "%q is not a two-character modifier", e.Modifier)
	}
	amount := get("amount")
	m, err := rcm.ParseMoney(amount)
	if err != nil {
		return bad("amount", "%q is not an amount such as 125.00", amount)
	}
	if m < 0 {
		return bad("amount", "%s is negative; a charge is never below zero", amount)
	}
	e.Charge = m
	if e.EffectiveFrom, err = rcm.ParseDate(get("effective_from")); err != nil || e.EffectiveFrom.IsZero() {
		return bad("effective_from", "%q is not a date, YYYY-MM-DD", get("effective_from"))
	}
	if to := get("effective_to"); to != "" {
		if e.EffectiveTo, err = rcm.ParseDate(to); err != nil {
			return bad("effective_to", "%q is not a date, YYYY-MM-DD", to)
		}
		if e.EffectiveTo.Before(e.EffectiveFrom) {
			return bad("effective_to", "%s is before effective_from %s", e.EffectiveTo, e.EffectiveFrom)
		}
	}
	for _, c := range []struct {
		name string
		dst  *string
	}{{"practice_npi", &r.PracticeNPI}, {"provider_npi", &r.ProviderNPI}} {
		v := get(c.name)
		if v != "" && !rcm.ValidNPI(v) {
			return bad(c.name, "%q is not a valid NPI (ten digits with a correct check digit)", v)
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
	if b.EffectiveFrom.Before(a.EffectiveFrom) {
		a, b = b, a
	}
	if a.EffectiveFrom == b.EffectiveFrom {
		return true
	}
	return !a.EffectiveTo.IsZero() && !a.EffectiveTo.Before(b.EffectiveFrom)
}

func serviceName(e rcm.FeeScheduleEntry) string {
	if e.Modifier != "" {
		return e.Code + "-" + e.Modifier
	}
	return e.Code
}

func describe(e rcm.FeeScheduleEntry) string {
	if e.EffectiveTo.IsZero() {
		return fmt.Sprintf("%s from %s", serviceName(e), e.EffectiveFrom)
	}
	return fmt.Sprintf("%s from %s to %s", serviceName(e), e.EffectiveFrom, e.EffectiveTo)
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
		return 0, domainError(err)
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
				return 0, domainError(&ParseError{Line: r.Line, Column: "practice_npi", Msg: fmt.Sprintf("no practice of the organization has NPI %s", r.PracticeNPI)})
			}
			e.PracticeID = id
		}
		if r.ProviderNPI != "" {
			p, ok := providerByNPI[r.ProviderNPI]
			if !ok {
				return 0, domainError(&ParseError{Line: r.Line, Column: "provider_npi", Msg: fmt.Sprintf("no provider of the organization has NPI %s", r.ProviderNPI)})
			}
			if e.PracticeID != 0 && p.PracticeID != e.PracticeID {
				return 0, domainError(&ParseError{Line: r.Line, Column: "provider_npi", Msg: fmt.Sprintf("provider %s does not work for practice %s", r.ProviderNPI, r.PracticeNPI)})
			}
			e.ProviderID = p.ID
		}
		if codes != nil && !codes(e.Code, e.EffectiveFrom) {
			return 0, domainError(&ParseError{Line: r.Line, Column: "code", Msg: fmt.Sprintf("%s is not a CPT or HCPCS code in force on %s", e.Code, e.EffectiveFrom)})
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
				return domainError(&ParseError{Line: rows[i].Line, Column: "effective_from", Msg: fmt.Sprintf("%s overlaps the stored entry %s; end one before the other starts",
					describe(e), describe(*s))})
			}
		}
	}
	return nil
}

// domainError turns a ParseError into the domain's error, its message
// naming line and column, its field the column.
func domainError(err error) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		msg := pe.Error()
		return rcm.FieldErrorf(rcm.EINVALID, pe.Column, "%s", strings.ToUpper(msg[:1])+msg[1:]+".")
	}
	return err
}
