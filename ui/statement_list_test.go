package ui_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/ui"
)

// TestStatementListSearchSortPagesCSV: the statements list finds patients
// by any part of a name or an account number, sorts by balance, name or
// account, pages by keyset with no patient shown twice, totals every
// patient matched, and downloads them all as CSV (issue 16).
func TestStatementListSearchSortPagesCSV(t *testing.T) {
	f := newFixture(t)
	defer ui.SetStatementPage(2)()
	owe := func(p *rcm.Patient, amount string) {
		enc := &rcm.Encounter{PatientID: p.ID, PracticeID: f.encounter.PracticeID, RenderingProviderID: f.encounter.RenderingProviderID,
			DateOfService: rcm.MustParseDate("2026-01-05"), PlaceOfService: "11", Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
			Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: rcm.MustParseMoney(amount), Pointers: []int{1}}}}
		if err := f.db.CreateEncounter(f.ctx, enc); err != nil {
			t.Fatal(err)
		}
		lines, _ := f.db.FindServiceLineIDs(f.ctx, enc.ID)
		if err := f.db.PostLedger(f.ctx, new(ledger.Transaction).Charge(lines[0], 0, rcm.MustParseMoney(amount))); err != nil {
			t.Fatal(err)
		}
	}
	owe(f.patient, "80.00")
	for i, c := range []struct{ first, last, amount string }{{"Ana", "Zamora", "15.00"}, {"Ben", "Abbott", "120.00"}, {"Cal", "Mabbott", "15.00"}, {"Dee", "Nobal", ""}} {
		p := &rcm.Patient{AccountNumber: fmt.Sprintf("ST%02d", i), FirstName: c.first, LastName: c.last, BirthDate: rcm.MustParseDate("1980-01-01"),
			Sex: "F", Address: f.patient.Address}
		if err := f.db.CreatePatient(f.ctx, p); err != nil {
			t.Fatal(err)
		}
		if c.amount != "" {
			owe(p, c.amount)
		}
	}
	b := f.browser(t)
	b.login("bill.biller")
	acct := regexp.MustCompile(`<td>([A-Z0-9]+)</td>\s*<td><a href="/patients/`)
	total := regexp.MustCompile(`data-testid="statements-total">([^:]*):`)
	walk := func(query string) (accounts []string, totals []string) {
		t.Helper()
		next := "/statements?" + query
		for pages := 0; next != ""; pages++ {
			if pages > 5 {
				t.Fatalf("%s: paging does not end", query)
			}
			status, body, _ := b.get(next)
			if status != http.StatusOK {
				t.Fatalf("%s: %d", next, status)
			}
			for _, m := range acct.FindAllStringSubmatch(body, -1) {
				accounts = append(accounts, m[1])
			}
			if m := total.FindStringSubmatch(body); m != nil {
				totals = append(totals, strings.Join(strings.Fields(m[1]), " "))
			}
			next = ""
			if m := regexp.MustCompile(`href="(/statements\?[^"]+)" rel="next"`).FindStringSubmatch(body); m != nil {
				next = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		return accounts, totals
	}
	tests := []struct {
		query  string
		want   []string
		totals []string
	}{
		{"", []string{"ST01", "ACC1001", "ST00", "ST02"}, []string{"4 patients with a balance due, $230.00 due in all (2 on this page)", "4 patients with a balance due, $230.00 due in all (2 on this page)"}},
		{"sort=name", []string{"ACC1001", "ST01", "ST02", "ST00"}, nil}, // the fixture's last name starts with "<"
		{"sort=account", []string{"ACC1001", "ST00", "ST01", "ST02"}, nil},
		{"q=" + url.QueryEscape("bbott"), []string{"ST01", "ST02"}, []string{"2 patients with a balance due, $135.00 due in all"}},
		{"q=" + url.QueryEscape("Mabbott, cal"), []string{"ST02"}, []string{"1 patients with a balance due, $15.00 due in all"}},
		{"q=st00", []string{"ST00"}, nil},
		{"q=Nobal", nil, []string{"0 patients with a balance due, $0.00 due in all"}},
	}
	for _, tt := range tests {
		got, totals := walk(tt.query)
		if !cmp.Equal(got, tt.want) {
			t.Errorf("%q: accounts %v, want %v", tt.query, got, tt.want)
		}
		if tt.totals != nil && !cmp.Equal(totals, tt.totals) {
			t.Errorf("%q: totals %q, want %q", tt.query, totals, tt.totals)
		}
	}
	// The CSV is every patient, in the order asked, whichever page it was
	// asked from.
	status, body, resp := b.get("/statements?sort=name&after=1&due=0&format=csv")
	if status != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %q", status, resp.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 || !cmp.Equal(recs[0], []string{"account", "last_name", "first_name", "balance_due"}) ||
		!cmp.Equal(recs[2], []string{"ST01", "Abbott", "Ben", "120.00"}) || recs[4][0] != "ST00" {
		t.Fatalf("CSV: %q", recs)
	}
	var sum rcm.Money
	for _, r := range recs[1:] {
		sum += rcm.MustParseMoney(r[3])
	}
	if sum != rcm.MustParseMoney("230.00") {
		t.Errorf("CSV balances sum to %s", sum)
	}
	if status, _, _ := b.get("/statements?after=x"); status != http.StatusBadRequest {
		t.Errorf("a bad cursor: %d, want 400", status)
	}
}
