package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/remit"
)

// TestUnappliedAndWriteOffScreens: a biller applies a check's unapplied
// money to a claim line from the remittance page (once per form), and an
// admin's write-off closing a work item posts and shows on the item and
// the claim.
func TestUnappliedAndWriteOffScreens(t *testing.T) {
	f := newFixture(t)
	admin := f.browser(t)
	admin.login(f.admin)
	codeEncounter(t, admin, f)
	id := buildClaim(t, admin, f)
	c, err := f.db.FindClaimByID(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.PostLedger(f.ctx, new(ledger.Transaction).Charge(c.Lines[0].ServiceLineID, f.payer.ID, rcm.MustParseMoney("125.00"))); err != nil {
		t.Fatal(err)
	}
	rem := postUnmatched(t, f, "CHKU1")
	xs, err := f.db.FindRemitExceptionQueue(f.ctx, remit.ExceptionFilter{})
	if err != nil || len(xs) != 1 {
		t.Fatalf("exceptions: %+v %v", xs, err)
	}
	biller := f.browser(t)
	biller.login("bill.biller")
	if _, body, _ := biller.get(fmt.Sprintf("/remittances/%d", rem.RemittanceID)); !strings.Contains(body, `data-testid="apply-form"`) {
		t.Fatalf("the remittance page has no apply form")
	}
	form := url.Values{"claim": {c.ControlNumber}, "line": {"1"}, "amount": {"40.00"}, "key": {"ui-apply-test"}, "back": {"remittance"}}
	if status, _, resp := biller.action(fmt.Sprintf("/remittances/exceptions/%d/apply", xs[0].ID), form); status != http.StatusSeeOther ||
		!strings.Contains(resp.Header.Get("Location"), "done=applied") {
		t.Fatalf("apply: %d %q", status, resp.Header.Get("Location"))
	}
	if status, _, _ := biller.action(fmt.Sprintf("/remittances/exceptions/%d/apply", xs[0].ID), form); status != http.StatusConflict {
		t.Errorf("the same form again: %d, want 409", status)
	}
	if _, body, _ := biller.get(fmt.Sprintf("/remittances/%d", rem.RemittanceID)); !strings.Contains(body, "Applied to claim lines") {
		t.Errorf("the remittance page does not show the exception applied")
	}
	item := &followup.Item{ClaimID: c.ID, Kind: followup.KindDenial, Category: "eligibility", Source: "ui-write-off", Summary: "CO-27", Stake: rcm.MustParseMoney("125.00")}
	if _, err := f.db.OpenFollowUpItem(f.ctx, item); err != nil {
		t.Fatal(err)
	}
	closeForm := url.Values{"outcome": {followup.OutcomeWrittenOff}, "note": {"coverage ended"}, "reason": {"bad_debt"}, "amount": {""}}
	if status, body, _ := admin.action(fmt.Sprintf("/followups/%d/close", item.ID), closeForm); status != http.StatusSeeOther {
		t.Fatalf("write-off: %d %.300s", status, body)
	}
	if _, body, _ := admin.get(fmt.Sprintf("/followups/%d", item.ID)); !strings.Contains(body, "Written off $85.00") {
		t.Errorf("the item page does not show the write-off")
	}
	if _, body, _ := admin.get(fmt.Sprintf("/claims/%d", c.ID)); !strings.Contains(body, "of which written off") || !strings.Contains(body, `<td class="num">$85.00</td>`) {
		t.Errorf("the claim page does not show the write-off")
	}
}
