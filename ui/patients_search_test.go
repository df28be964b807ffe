package ui_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
)

// TestPatientSearchAndPaging: one box finds patients by account number,
// date of birth (two spellings) or the start of a name; the list pages by
// keyset with no patient shown twice or skipped; a page downloads as CSV
// (issue 16).
func TestPatientSearchAndPaging(t *testing.T) {
	f := newFixture(t)
	addr := f.patient.Address
	for i := range 60 {
		p := &rcm.Patient{AccountNumber: fmt.Sprintf("PG%04d", i), FirstName: fmt.Sprintf("Pat%02d", i), LastName: "Pager",
			BirthDate: rcm.MustParseDate("1980-01-01").AddDays(i), Sex: "F", Address: addr}
		if err := f.db.CreatePatient(f.ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	b := f.browser(t)
	b.login("bill.biller")
	tests := []struct {
		query, by string
		want      []string
	}{
		{"PG0007", "account number", []string{"PG0007"}},
		{"pg0007", "account number", []string{"PG0007"}},
		{"1980-01-03", "date of birth", []string{"PG0002"}},
		{"01/03/1980", "date of birth", []string{"PG0002"}},
		{"1970-04-02", "date of birth", []string{"ACC1001"}},
	}
	acct := regexp.MustCompile(`<tr><td>([A-Z0-9]+)</td>`)
	accounts := func(body string) []string {
		var out []string
		for _, m := range acct.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	for _, tt := range tests {
		_, body, _ := b.get("/patients?q=" + url.QueryEscape(tt.query))
		if got := accounts(body); fmt.Sprint(got) != fmt.Sprint(tt.want) || !strings.Contains(body, "found by "+tt.by) {
			t.Errorf("%q: accounts %v, want %v found by %s", tt.query, got, tt.want, tt.by)
		}
	}
	// By name, across pages: 60 Pagers, 50 on the first page.
	seen := map[string]bool{}
	next := "/patients?q=pager"
	pages := 0
	for next != "" {
		_, body, _ := b.get(next)
		pages++
		for _, a := range accounts(body) {
			if seen[a] {
				t.Errorf("%s shown twice", a)
			}
			seen[a] = true
		}
		next = ""
		if m := regexp.MustCompile(`href="(/patients\?[^"]+)" rel="next"`).FindStringSubmatch(body); m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
		}
		if pages > 3 {
			t.Fatal("paging does not end")
		}
	}
	if pages != 2 || len(seen) != 60 {
		t.Errorf("%d pages, %d patients; want 2 pages and all 60", pages, len(seen))
	}
	status, csv, resp := b.get("/patients?q=PG0007&format=csv")
	if status != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		csv != "account,last_name,first_name,birth_date,sex,city,balance,payer,member_id\r\nPG0007,Pager,Pat07,1980-01-08,F,"+addr.City+",0.00,,\r\n" {
		t.Errorf("CSV: %d %q\n%s", status, resp.Header.Get("Content-Type"), csv)
	}
}
