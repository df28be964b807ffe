package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
)

// TestContractsScreen: an admin uploads a payer's contract and edits one
// rate; a bad file is refused with its line and column and changes
// nothing; a biller sees the rates but may not change them. Then a claim
// paid below its rate shows on the remittance page with expected, paid and
// difference, and on the follow-up queue as an underpayment.
func TestContractsScreen(t *testing.T) {
	f := newFixture(t)
	payer := strconv.FormatInt(f.payer.ID, 10)
	admin := f.browser(t)
	admin.login(f.admin)
	status, body, _ := admin.uploadFile("/contracts", "file", "c.csv", []byte("code,allowed,effective_from\n99213,80.00,2026-01-01\n"))
	if status != http.StatusBadRequest || !strings.Contains(body, "Choose the payer") {
		t.Errorf("upload without a payer: %d", status)
	}
	status, body, _ = admin.uploadFileWith("/contracts", url.Values{"payer": {payer}}, "file", "c.csv",
		[]byte("code,allowed,effective_from\n99213,80.00,2026-01-01\n99214,oops,2026-01-01\n"))
	if status != http.StatusBadRequest || !strings.Contains(body, "Line 3, allowed") {
		t.Errorf("bad file: %d\n%s", status, body)
	}
	if _, body, _ = admin.get("/contracts"); !strings.Contains(body, "No contracted rates") {
		t.Errorf("the refused file's good line was stored")
	}
	status, _, resp := admin.uploadFileWith("/contracts", url.Values{"payer": {payer}}, "file", "c.csv",
		[]byte("code,allowed,effective_from\n99213,80.00,2026-01-01\n99214,110.00,2026-01-01\n"))
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/contracts?payer="+payer+"&imported=2" {
		t.Fatalf("upload: %d %s", status, resp.Header.Get("Location"))
	}
	if status, body, _ = admin.action("/contracts/rate", url.Values{"payer": {payer}, "code": {"99213"}, "allowed": {"-1"}, "effective_from": {"2026-01-01"}}); status != http.StatusBadRequest ||
		!strings.Contains(body, "Allowed: -1 is negative") {
		t.Errorf("negative rate: %d", status)
	}
	rs, err := f.db.FindContractRates(f.ctx, rcm.ContractFilter{})
	if err != nil || len(rs) != 2 {
		t.Fatalf("rates: %v %v", rs, err)
	}
	biller := f.browser(t)
	biller.login("bill.biller")
	if status, body, _ = biller.get("/contracts?payer=" + payer); status != http.StatusOK || !strings.Contains(body, "$110.00") || strings.Contains(body, "Set one rate") {
		t.Errorf("biller GET /contracts: %d", status)
	}
	if status, _, _ = biller.action("/contracts/rate", url.Values{"payer": {payer}, "code": {"99213"}, "allowed": {"1"}, "effective_from": {"2026-01-01"}}); status != http.StatusForbidden {
		t.Errorf("biller edits: %d", status)
	}

	coder := f.browser(t)
	coder.login("cora.coder")
	codeEncounter(t, coder, f)
	id := buildClaim(t, biller, f)
	for _, step := range []string{"scrub", "submit"} {
		if status, body, _ := biller.action(fmt.Sprintf("/claims/%d/%s", id, step), nil); status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", step, status, body)
		}
	}
	c, err := f.db.FindClaimByID(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lines[0]
	// Contract the line's own code at its charge, then pay half of it.
	mod := ""
	if len(l.Modifiers) > 0 {
		mod = l.Modifiers[0]
	}
	status, _, resp = admin.action("/contracts/rate", url.Values{"payer": {payer}, "code": {l.Code}, "modifier": {mod}, "allowed": {l.Charge.String()},
		"effective_from": {"2020-01-01"}, "per_unit": {"no"}})
	if status != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "saved="+l.Code) {
		t.Fatalf("save rate: %d %s", status, resp.Header.Get("Location"))
	}
	half := l.Charge / 2
	lines := []*remit.LinePayment{{Code: l.Code, Modifiers: l.Modifiers, Charge: l.Charge, Paid: half, Units: l.Units, DateOfService: c.DateOfService,
		Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: l.Charge - half}}}}
	var charge rcm.Money = l.Charge
	for _, o := range c.Lines[1:] {
		lines = append(lines, &remit.LinePayment{Code: o.Code, Modifiers: o.Modifiers, Charge: o.Charge, Units: o.Units, DateOfService: c.DateOfService,
			Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "97", Amount: o.Charge}}})
		charge += o.Charge
	}
	rem := &remit.Remittance{Handling: "I", Amount: half, Method: "CHK", PaidOn: rcm.MustParseDate("2026-02-03"), Trace: "UNDER1",
		PayerName: "PRAIRIE PPO", PayerIdentifier: f.payer.PayerID,
		Claims: []*remit.ClaimPayment{{ControlNumber: c.ControlNumber, Status: "1", Charge: charge, Paid: half, Lines: lines}}}
	res, err := remit.Post(f.ctx, f.db, rem)
	if err != nil || res.Posted != 1 {
		t.Fatalf("post: %+v %v", res, err)
	}
	status, body, _ = biller.get(fmt.Sprintf("/remittances/%d", res.RemittanceID))
	want := fmt.Sprintf("<td>%s</td><td>1</td><td>%s", c.ControlNumber, l.Code)
	if status != http.StatusOK || !strings.Contains(body, "Paid below contract") || !strings.Contains(body, want) ||
		!strings.Contains(body, "$"+(l.Charge-half).String()) {
		t.Errorf("remittance page: %d lacks the underpaid line %q\n%s", status, want, body)
	}
	if _, body, _ = biller.get("/followups?category=underpayment"); !strings.Contains(body, c.ControlNumber) || !strings.Contains(body, "underpaid $") {
		t.Errorf("follow-up queue lacks the underpayment:\n%s", body)
	}
}
