package ui

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sheet"
)

// statementPage is how many patients a page of the statements list shows.
var statementPage = 100

// statementSorts orders the statements list: by balance due (largest
// first), by name or by account number; the patient's id breaks ties, so
// each order is total and a page can start after any row (keyset).
var statementSorts = map[string]func(a, b statementRow) int{
	"balance": func(a, b statementRow) int {
		return cmp.Or(cmp.Compare(b.Due, a.Due), cmp.Compare(a.Patient.ID, b.Patient.ID))
	},
	"name": func(a, b statementRow) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Patient.LastName), strings.ToLower(b.Patient.LastName)),
			strings.Compare(strings.ToLower(a.Patient.FirstName), strings.ToLower(b.Patient.FirstName)), cmp.Compare(a.Patient.ID, b.Patient.ID))
	},
	"account": func(a, b statementRow) int {
		return cmp.Or(strings.Compare(a.Patient.AccountNumber, b.Patient.AccountNumber), cmp.Compare(a.Patient.ID, b.Patient.ID))
	},
}

// statementList is the statements list's search, order and paging.
type statementList struct {
	Query string
	Sort  string
	// Matching and Due count and sum every patient the search matches, on
	// every page.
	Matching  int
	Due       rcm.Money
	Next      template.URL
	Continued bool
	CSV       template.URL
}

// statementRows reads who gets a statement, keeps those the query names
// (any part of the name, or the account number), sorts them and cuts the
// page after the cursor (?after= the last patient's id and ?due= their
// balance in cents, so the page holds even when that patient has since
// paid). all is every row matched, in order; page is the page shown.
func (h *Handler) statementRows(ctx context.Context, r *http.Request) (all, page []statementRow, l statementList, err error) {
	q := r.URL.Query()
	l.Query = strings.TrimSpace(q.Get("q"))
	if len(l.Query) > 60 || !utf8.ValidString(l.Query) || strings.ContainsFunc(l.Query, func(c rune) bool { return !unicode.IsPrint(c) }) {
		return nil, nil, l, rcm.FieldErrorf(rcm.EINVALID, "q", "Search by a name or an account number: printable text, at most 60 characters.")
	}
	l.Sort = q.Get("sort")
	less, ok := statementSorts[l.Sort]
	if !ok {
		l.Sort, less = "balance", statementSorts["balance"]
	}
	rows, err := h.dueBalances(r)
	if err != nil {
		return nil, nil, l, err
	}
	words := strings.FieldsFunc(strings.ToLower(l.Query), func(c rune) bool { return c == ' ' || c == ',' })
	for _, row := range rows {
		if matchesStatement(row.Patient, l.Query, words) {
			all = append(all, row)
			l.Due += row.Due
		}
	}
	l.Matching = len(all)
	slices.SortFunc(all, less)
	page = all
	if v := q.Get("after"); v != "" {
		id, err1 := strconv.ParseInt(v, 10, 64)
		due, err2 := strconv.ParseInt(q.Get("due"), 10, 64)
		if err1 != nil || err2 != nil || id <= 0 {
			return nil, nil, l, rcm.FieldErrorf(rcm.EINVALID, "after", "The page to start after is not a patient.")
		}
		cursor := statementRow{Due: rcm.Money(due)}
		if i := slices.IndexFunc(all, func(row statementRow) bool { return row.Patient.ID == id }); i >= 0 {
			cursor.Patient = all[i].Patient
		} else if cursor.Patient, err = h.store.FindPatientByID(ctx, id); err != nil {
			return nil, nil, l, err
		}
		start, _ := slices.BinarySearchFunc(all, cursor, less)
		for start < len(all) && less(all[start], cursor) <= 0 {
			start++
		}
		page, l.Continued = all[start:], true
	}
	if len(page) > statementPage {
		page = page[:statementPage]
		last := page[len(page)-1]
		next := r.URL.Query()
		next.Set("after", strconv.FormatInt(last.Patient.ID, 10))
		next.Set("due", strconv.FormatInt(int64(last.Due), 10))
		next.Del("format")
		l.Next = template.URL("/statements?" + next.Encode())
	}
	c := url.Values{}
	if l.Query != "" {
		c.Set("q", l.Query)
	}
	c.Set("sort", l.Sort)
	c.Set("format", "csv")
	l.CSV = template.URL("/statements?" + c.Encode())
	return all, page, l, nil
}

// matchesStatement says whether the search names this patient: the whole
// account number (any case), or each word somewhere in the names.
func matchesStatement(p *rcm.Patient, q string, words []string) bool {
	if q == "" || strings.EqualFold(p.AccountNumber, q) {
		return true
	}
	last, first := strings.ToLower(p.LastName), strings.ToLower(p.FirstName)
	for _, w := range words {
		if !strings.Contains(last, w) && !strings.Contains(first, w) {
			return false
		}
	}
	return len(words) > 0
}

// writeStatementsCSV downloads every patient matched, in the list's order.
func writeStatementsCSV(w http.ResponseWriter, rows []statementRow) error {
	sheet.Headers(w, "statements.csv")
	cw, err := sheet.NewWriter(w, []string{"account", "last_name", "first_name", "balance_due"})
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Row(r.Patient.AccountNumber, r.Patient.LastName, r.Patient.FirstName, r.Due.String()); err != nil {
			return err
		}
	}
	return cw.Flush()
}
