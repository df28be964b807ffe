package ui_test

import (
	"encoding/csv"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

// TestPatientListColumnsTotalsCSV: the patient list shows each patient's
// open balance and primary insurance (payer and member ID); one box finds
// patients by any part of a name, an account number, a whole member ID or
// a date of birth; the total counts every patient matched on every page
// and sums their balances; the CSV holds the whole filtered list, not a
// page (issue 16).
func TestPatientListColumnsTotalsCSV(t *testing.T) {
	f := newFixture(t)
	addr := f.patient.Address
	var owing *rcm.Patient
	for i := range 55 {
		p := &rcm.Patient{AccountNumber: fmt.Sprintf("TL%04d", i), FirstName: fmt.Sprintf("Kim%02d", i), LastName: "O'Tallis",
			BirthDate: rcm.MustParseDate("1990-01-01").AddDays(i), Sex: "M", Address: addr}
		if err := f.db.CreatePatient(f.ctx, p); err != nil {
			t.Fatal(err)
		}
		if i == 53 {
			owing = p
		}
	}
	// The fixture's patient owes 80.00 and a Tallis on the second page 12.34.
	for _, c := range []struct {
		p      *rcm.Patient
		amount string
	}{{f.patient, "80.00"}, {owing, "12.34"}} {
		enc := &rcm.Encounter{PatientID: c.p.ID, PracticeID: f.encounter.PracticeID, RenderingProviderID: f.encounter.RenderingProviderID,
			DateOfService: rcm.MustParseDate("2026-01-05"), PlaceOfService: "11", Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
			Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: rcm.MustParseMoney(c.amount), Pointers: []int{1}}}}
		if err := f.db.CreateEncounter(f.ctx, enc); err != nil {
			t.Fatal(err)
		}
		lines, _ := f.db.FindServiceLineIDs(f.ctx, enc.ID)
		if err := f.db.PostLedger(f.ctx, new(ledger.Transaction).Charge(lines[0], 0, rcm.MustParseMoney(c.amount))); err != nil {
			t.Fatal(err)
		}
	}
	b := f.browser(t)
	b.login("bill.biller")
	acct := regexp.MustCompile(`<tr><td>([A-Z0-9]+)</td>`)
	accounts := func(body string) []string {
		var out []string
		for _, m := range acct.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	total := regexp.MustCompile(`data-testid="patients-count">([^<]*)<strong>([^<]*)</strong>`)
	tests := []struct {
		query, by string
		want      []string
		total     string
	}{
		{"ACC1001", "account number", []string{"ACC1001"}, "1 patient matches, found by account number; $80.00"},
		{"ppo-1234 5678", "member ID", []string{"ACC1001"}, "1 patient matches, found by member ID; $80.00"},
		{"1990-02-23", "date of birth", []string{"TL0053"}, "1 patient matches, found by date of birth; $12.34"},
		{"02/23/1990", "date of birth", []string{"TL0053"}, "1 patient matches, found by date of birth; $12.34"},
		{"tallis, kim53", "name", []string{"TL0053"}, "1 patient matches, found by name; $12.34"},
		{"m53", "name", []string{"TL0053"}, "1 patient matches, found by name; $12.34"},
		{"nobody", "name", nil, "0 patients match, found by name; $0.00"},
	}
	for _, tt := range tests {
		_, body, _ := b.get("/patients?q=" + url.QueryEscape(tt.query))
		if got := accounts(body); !cmp.Equal(got, tt.want) {
			t.Errorf("%q: accounts %v, want %v", tt.query, got, tt.want)
		}
		m := total.FindStringSubmatch(body)
		if m == nil || strings.Join(strings.Fields(m[1]+m[2]), " ") != tt.total {
			t.Errorf("%q: total %q, want %q", tt.query, m, tt.total)
		}
	}
	// The filters: a payer (only the fixture patient has a coverage), a
	// balance due, and both with a name.
	filters := []struct {
		query string
		want  []string
	}{
		{fmt.Sprintf("payer=%d", f.payer.ID), []string{"ACC1001"}},
		{fmt.Sprintf("payer=%d&q=tall", f.payer.ID), nil},
		{"due=1", []string{"ACC1001", "TL0053"}},
		{"due=1&q=tall", []string{"TL0053"}},
	}
	for _, tt := range filters {
		_, body, _ := b.get("/patients?" + tt.query)
		got := accounts(body)
		slices.Sort(got)
		if !cmp.Equal(got, tt.want) {
			t.Errorf("%s: accounts %v, want %v", tt.query, got, tt.want)
		}
	}
	if status, _, _ := b.get("/patients?payer=x"); status != 400 {
		t.Errorf("a payer that is not one: %d, want 400", status)
	}
	// The columns: insurance and balance on the fixture patient's row.
	_, body, _ := b.get("/patients?q=ACC1001")
	if !strings.Contains(body, "<td>Prairie PPO</td><td>PPO12345678</td><td class=\"num\">$80.00</td>") {
		t.Errorf("the row lacks its payer, member ID and balance:\n%s", body)
	}
	// Paging a name found inside the last name: 55 on two pages, the total
	// the same on both.
	seen := map[string]bool{}
	next, pages := "/patients?q=tall", 0
	for next != "" {
		_, body, _ := b.get(next)
		pages++
		for _, a := range accounts(body) {
			if seen[a] {
				t.Errorf("%s shown twice", a)
			}
			seen[a] = true
		}
		m := total.FindStringSubmatch(body)
		if m == nil || !strings.Contains(strings.Join(strings.Fields(m[1]+m[2]), " "), "55 patients match, found by name") || m[2] != "$12.34" {
			t.Errorf("page %d: total %q", pages, m)
		}
		next = ""
		if m := regexp.MustCompile(`href="(/patients\?[^"]+)" rel="next"`).FindStringSubmatch(body); m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
		}
		if pages > 3 {
			t.Fatal("paging does not end")
		}
	}
	if pages != 2 || len(seen) != 55 {
		t.Errorf("%d pages, %d patients; want 2 pages and all 55", pages, len(seen))
	}
	// The CSV is every Tallis, whichever page it was asked from.
	status, body, resp := b.get("/patients?q=tall&after=1&format=csv")
	if status != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %q", status, resp.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 56 {
		t.Fatalf("CSV has %d records; want a header and 55 patients", len(recs))
	}
	if want := []string{"account", "last_name", "first_name", "birth_date", "sex", "city", "balance", "payer", "member_id"}; !cmp.Equal(recs[0], want) {
		t.Errorf("CSV header %q", recs[0])
	}
	var sum rcm.Money
	for _, r := range recs[1:] {
		m, err := rcm.ParseMoney(r[6])
		if err != nil {
			t.Fatalf("balance %q: %v", r[6], err)
		}
		sum += m
		if r[0] == "TL0053" && (m != rcm.MustParseMoney("12.34") || r[1] != "O'Tallis" || r[2] != "Kim53") {
			t.Errorf("CSV row %q", r)
		}
	}
	if sum != rcm.MustParseMoney("12.34") {
		t.Errorf("CSV balances sum to %s; want 12.34", sum)
	}
	_, body, _ = b.get("/patients?q=ACC1001&format=csv")
	recs, err = csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) != 2 || !cmp.Equal(recs[1][6:], []string{"80.00", "Prairie PPO", "PPO12345678"}) {
		t.Errorf("CSV of ACC1001: %q %v", recs, err)
	}
}
