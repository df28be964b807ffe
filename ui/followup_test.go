package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/eligibility"
)

type noSend struct{}

func (noSend) Send(context.Context, string, []byte) error { return nil }

// TestFollowUpQueue: a claim the payer has no record of (a 277 A4:35) is
// on the biller's Follow-up queue with its claim number, patient (escaped),
// payer, root cause in words and deadline; filters narrow it; a coder is
// refused on the server.
func TestFollowUpQueue(t *testing.T) {
	f := newFixture(t)
	coder := f.browser(t)
	coder.login("cora.coder")
	codeEncounter(t, coder, f)
	b := f.browser(t)
	b.login("bill.biller")
	id := buildClaim(t, b, f)
	if status, body, _ := b.action(fmt.Sprintf("/claims/%d/scrub", id), nil); status != http.StatusSeeOther {
		t.Fatalf("scrub: %d %s", status, body)
	}
	if status, body, _ := b.action(fmt.Sprintf("/claims/%d/submit", id), nil); status != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", status, body)
	}
	bt, _, err := claimstatus.RequestStatus(f.ctx, f.db, noSend{}, eligibility.Partner{SenderID: "S", ReceiverID: "R"}, "k", 0, nil, f.db.Clock.Now().Add(time.Hour))
	if err != nil || bt == nil {
		t.Fatalf("status request: %v", err)
	}
	if _, err := f.db.RecordClaimStatus(f.ctx, "a.277", []claimstatus.Answer{{Trace: bt.Checks[0].Trace,
		Statuses: []claimstatus.Status{{Category: "A4", Code: "35"}}}}, nil); err != nil {
		t.Fatal(err)
	}
	c, err := f.db.FindClaimByID(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	status, body, _ := b.get("/followups")
	if status != http.StatusOK || !strings.Contains(body, c.ControlNumber) || !strings.Contains(body, "The payer has no record of the claim") ||
		!strings.Contains(body, "Prairie PPO") || strings.Contains(body, hostileName) || !strings.Contains(body, "&lt;script&gt;") {
		t.Fatalf("follow-up queue: %d\n%s", status, body)
	}
	if _, body, _ = b.get("/followups?category=bundling"); strings.Contains(body, c.ControlNumber) {
		t.Errorf("the bundling filter shows a not-on-file item")
	}
	if _, body, _ = b.get("/followups?owner=none&due_by=2027-01-01"); !strings.Contains(body, c.ControlNumber) {
		t.Errorf("unassigned items due by 2027 miss the item")
	}
	// The scheduled reminder marks the item due now once its deadline has
	// come; the queue says so.
	if strings.Contains(body, `data-testid="due-now"`) {
		t.Errorf("an item is due now before the reminder ran")
	}
	if n, err := f.db.MarkFollowUpsDue(f.ctx, rcm.MustParseDate("2027-01-01")); err != nil || n != 1 {
		t.Fatalf("reminder marked %d, %v", n, err)
	}
	if _, body, _ = b.get("/followups"); !strings.Contains(body, `data-testid="due-now"`) {
		t.Errorf("the queue does not show the item due now")
	}
	if status, _, _ = b.get("/followups?category=mood"); status != http.StatusBadRequest {
		t.Errorf("an unknown root cause: %d, want 400", status)
	}
	if status, _, _ := coder.get("/followups"); status != http.StatusForbidden {
		t.Errorf("coder GET /followups: %d, want 403", status)
	}

	// From the queue to the claim, whose status history shows the answer;
	// once the payer denies it, the biller appeals from the claim page
	// and downloads the letter.
	claimPath := fmt.Sprintf("/claims/%d", id)
	if _, body, _ = b.get(claimPath); !strings.Contains(body, "Not found: the payer cannot find the claim (A4:35 claim not found)") ||
		strings.Contains(body, "Appeal and write the letter") {
		t.Errorf("claim page before the denial lacks its status history or offers an appeal")
	}
	if err := f.db.MoveClaim(f.ctx, id, rcm.ClaimDenied, "835: denied CO-27"); err != nil {
		t.Fatal(err)
	}
	if _, body, _ = b.get(claimPath); !strings.Contains(body, "Appeal and write the letter") {
		t.Fatalf("a denied claim offers no appeal")
	}
	if status, _, _ := b.action(claimPath+"/appeal", url.Values{"level": {"first"}, "reason": {""}, "argument": {"x"}}); status != http.StatusBadRequest {
		t.Errorf("an appeal without a reason: %d, want 400", status)
	}
	status, body, _ = b.action(claimPath+"/appeal", url.Values{"level": {"first"}, "reason": {"coverage was in force"},
		"argument": {"The employer reinstated the plan."}, "documents": {"Employer letter\nMember ID card"}, "address": {"PO Box 1\nPeoria, IL 61601"}})
	if status != http.StatusSeeOther {
		t.Fatalf("appeal: %d %s", status, body)
	}
	if _, body, _ = b.get(claimPath); !strings.Contains(body, "first-level appeal sent") || !strings.Contains(body, "Employer letter, Member ID card") {
		t.Errorf("claim page lacks the appeal")
	}
	if c, _ := f.db.FindClaimByID(f.ctx, id); c.State != rcm.ClaimAppealed {
		t.Errorf("claim is %s after the appeal", c.State)
	}
	status, body, resp := b.get(claimPath + "/appeal-letter.pdf")
	if status != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF") {
		t.Errorf("appeal letter: %d %s", status, resp.Header.Get("Content-Type"))
	}
}
