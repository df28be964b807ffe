package ui_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
)

// TestRemittanceListFiltersTotalsCSV: the remittance history filters by
// payer, trace and payment date; the total counts and sums every 835
// matched on every page; the next page keeps the filters; the CSV holds
// every 835 matched, parsed back (issue 16).
func TestRemittanceListFiltersTotalsCSV(t *testing.T) {
	f := newFixture(t)
	m := rcm.MustParseMoney
	post := func(trace, paidOn, amount string) {
		rem := &remit.Remittance{Handling: "I", Amount: m(amount), Method: "CHK", PaidOn: rcm.MustParseDate(paidOn), Trace: trace,
			PayerName: "PRAIRIE PPO", PayerIdentifier: f.payer.PayerID,
			Claims: []*remit.ClaimPayment{{ControlNumber: "NOT-" + trace, Status: "1", Charge: m("50"), Paid: m(amount),
				Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("50") - m(amount)}}}}}
		if _, err := remit.Post(f.ctx, f.db, rem); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 27 {
		post(fmt.Sprintf("T%02d", i), "2026-02-03", "40")
	}
	post("MAR1", "2026-03-10", "12.50")
	post("MAR2", "2026-03-11", "7.25")
	b := f.browser(t)
	b.login("bill.biller")
	total := regexp.MustCompile(`data-testid="remittances-total">([^<]*)<strong>([^<]*)</strong>`)
	traces := regexp.MustCompile(`<a href="/remittances/\d+">([A-Z0-9]+)</a>`)
	history := func(body string) string {
		return body[strings.Index(body, `data-testid="history"`):strings.Index(body, `id="exc-h"`)]
	}
	tests := []struct {
		query, total, amount string
		traces               []string
	}{
		{"trace=T05", "1 remittance matches;", "$40.00", []string{"T05"}},
		{"paid_from=2026-03-01", "2 remittances match;", "$19.75", []string{"MAR2", "MAR1"}},
		{"paid_to=2026-03-10&paid_from=2026-03-10", "1 remittance matches;", "$12.50", []string{"MAR1"}},
		{fmt.Sprintf("payer=%d&trace=MAR2", f.payer.ID), "1 remittance matches;", "$7.25", []string{"MAR2"}},
		{fmt.Sprintf("payer=%d&trace=nope", f.payer.ID), "0 remittances match;", "$0.00", nil},
	}
	for _, tt := range tests {
		status, body, _ := b.get("/remittances?" + tt.query)
		if status != http.StatusOK {
			t.Fatalf("%s: %d", tt.query, status)
		}
		mt := total.FindStringSubmatch(body)
		if mt == nil || strings.TrimSpace(mt[1]) != tt.total || mt[2] != tt.amount {
			t.Errorf("%s: total %q; want %q %q", tt.query, mt, tt.total, tt.amount)
		}
		var got []string
		for _, x := range traces.FindAllStringSubmatch(history(body), -1) {
			got = append(got, x[1])
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.traces) {
			t.Errorf("%s: traces %v, want %v", tt.query, got, tt.traces)
		}
	}
	// February's 27 over two pages, the filter kept on the second.
	next, pages, seen := "/remittances?paid_to=2026-02-28", 0, map[string]bool{}
	for next != "" {
		_, body, _ := b.get(next)
		pages++
		mt := total.FindStringSubmatch(body)
		if mt == nil || strings.TrimSpace(mt[1]) != "27 remittances match;" || mt[2] != "$1,080.00" {
			t.Errorf("page %d: total %q", pages, mt)
		}
		for _, x := range traces.FindAllStringSubmatch(history(body), -1) {
			if seen[x[1]] || !strings.HasPrefix(x[1], "T") {
				t.Errorf("page %d: %s shown twice or outside the filter", pages, x[1])
			}
			seen[x[1]] = true
		}
		next = ""
		if mt := regexp.MustCompile(`href="(/remittances\?[^"]+)" rel="next"`).FindStringSubmatch(body); mt != nil {
			next = strings.ReplaceAll(mt[1], "&amp;", "&")
		}
		if pages > 3 {
			t.Fatal("paging does not end")
		}
	}
	if pages != 2 || len(seen) != 27 {
		t.Errorf("%d pages, %d remittances; want 2 pages, 27", pages, len(seen))
	}
	status, body, resp := b.get("/remittances?paid_from=2026-02-01&before=999999&format=csv")
	if status != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %q", status, resp.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 30 || recs[0][2] != "trace" || recs[0][4] != "amount" {
		t.Fatalf("CSV: %d records, header %q; want a header and 29", len(recs), recs[0])
	}
	var sum rcm.Money
	for _, r := range recs[1:] {
		a, err := rcm.ParseMoney(r[4])
		if err != nil {
			t.Fatal(err)
		}
		sum += a
	}
	if sum != m("1099.75") || recs[1][2] != "MAR2" || recs[1][0] != "2026-03-11" || recs[1][1] != "Prairie PPO" {
		t.Errorf("CSV sums to %s, first row %q", sum, recs[1])
	}
	for _, bad := range []string{"paid_from=March", "payer=x"} {
		if status, _, _ := b.get("/remittances?" + bad); status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, status)
		}
	}
	coder := f.browser(t)
	coder.login("cora.coder")
	if status, _, _ := coder.get("/remittances?format=csv"); status != http.StatusForbidden {
		t.Errorf("a coder downloads the remittances: %d, want 403", status)
	}
}
