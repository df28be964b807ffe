package ui_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/kpi"
	"github.com/openrcm/openrcm/remit"
)

// notOnFile makes a submitted claim that the payer's 277 says it has no
// record of (A4:35), which opens a work item, and returns the claim and
// the item.
func notOnFile(t *testing.T, f *fixture, b *browser) (*rcm.Claim, *followup.Item) {
	t.Helper()
	coder := f.browser(t)
	coder.login("cora.coder")
	codeEncounter(t, coder, f)
	id := buildClaim(t, b, f)
	for _, step := range []string{"scrub", "submit"} {
		if status, body, _ := b.action(fmt.Sprintf("/claims/%d/%s", id, step), nil); status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", step, status, body)
		}
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
	items, err := f.db.FindFollowUps(f.ctx, followup.Filter{ClaimID: id})
	if err != nil || len(items) != 1 {
		t.Fatalf("work items of the claim: %d, %v", len(items), err)
	}
	return c, items[0]
}

// TestFollowUpActions works an item from the workbench through the same
// store methods as the API: assign from the queue's ticks, note with a
// follow-up date, a write-off refused to a biller, closed as patient
// billed; every step in the item's log. The queue downloads as CSV.
func TestFollowUpActions(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login("bill.biller")
	c, it := notOnFile(t, f, b)
	itemPath := fmt.Sprintf("/followups/%d", it.ID)
	owners, err := f.db.FindFollowUpOwners(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var biller int64
	var names []string
	for _, u := range owners {
		names = append(names, u.Username)
		if u.Username == "bill.biller" {
			biller = u.ID
		}
	}
	if diff := cmp.Diff([]string{"testclinic.admin", "bill.biller"}, names); diff != "" {
		t.Errorf("owners mismatch (-want +got):\n%s", diff)
	}

	status, body, _ := b.get("/followups?owner=none")
	if status != http.StatusOK || !strings.Contains(body, `value="`+strconv.FormatInt(it.ID, 10)+`" form="assign"`) || !strings.Contains(body, `href="`+itemPath+`"`) ||
		!strings.Contains(body, `href="/followups?format=csv&amp;owner=none"`) {
		t.Fatalf("queue lacks the item's tick box or link: %d\n%s", status, body)
	}

	// Bulk assign is all or none: an unknown item refuses the lot.
	if status, _, _ := b.action("/followups/assign", url.Values{"item": {strconv.FormatInt(it.ID, 10), "999999"}, "owner": {strconv.FormatInt(biller, 10)}}); status != http.StatusNotFound {
		t.Errorf("assign with an unknown item: %d, want 404", status)
	}
	if got, _ := f.db.FindFollowUpItem(f.ctx, it.ID); got.OwnerID != 0 {
		t.Errorf("a refused assign changed the owner to %d", got.OwnerID)
	}
	status, _, resp := b.action("/followups/assign", url.Values{"item": {strconv.FormatInt(it.ID, 10)}, "owner": {strconv.FormatInt(biller, 10)},
		"back": {"/followups?owner=none"}})
	if loc := resp.Header.Get("Location"); status != http.StatusSeeOther || loc != "/followups?done=assigned&owner=none" {
		t.Fatalf("assign: %d to %q", status, loc)
	}
	// A back link elsewhere is not followed.
	if _, _, resp := b.action(itemPath+"/note", url.Values{"note": {"Called the payer: no record; resending."}, "follow_up": {"2026-02-01"},
		"back": {"https://evil.example/"}}); resp.Header.Get("Location") != itemPath+"?done=noted" {
		t.Errorf("note went back to %q", resp.Header.Get("Location"))
	}
	if status, body, _ := b.action(itemPath+"/note", url.Values{"follow_up": {"tomorrow"}}); status != http.StatusBadRequest || !strings.Contains(body, "YYYY-MM-DD") {
		t.Errorf("a bad follow-up date: %d", status)
	}
	if status, body, _ := b.action(itemPath+"/close", url.Values{"outcome": {followup.OutcomeWrittenOff}, "note": {"small balance"}}); status != http.StatusForbidden ||
		!strings.Contains(body, "administrator") {
		t.Errorf("a biller's write-off: %d", status)
	}
	status, body, _ = b.get(itemPath)
	if status != http.StatusOK || !strings.Contains(body, "owner bill.biller") || !strings.Contains(body, "follow up 2026-02-01") ||
		!strings.Contains(body, "assigned to bill.biller") || !strings.Contains(body, "Called the payer: no record; resending.") ||
		!strings.Contains(body, "Reassign") || strings.Contains(body, `value="written_off"`) || !strings.Contains(body, c.ControlNumber) {
		t.Fatalf("item page: %d\n%s", status, body)
	}
	if got, _ := f.db.FindFollowUpItem(f.ctx, it.ID); got.State != followup.Open {
		t.Errorf("the refused write-off closed the item")
	}

	// The queue downloads as CSV with every matching item.
	status, body, resp = b.get("/followups?format=csv&owner=" + strconv.FormatInt(biller, 10))
	if status != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("queue CSV: %d %s", status, resp.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("queue CSV: %d records, %v\n%s", len(recs), err, body)
	}
	if diff := cmp.Diff(followup.CSVHeader, recs[0]); diff != "" {
		t.Errorf("CSV header mismatch (-want +got):\n%s", diff)
	}
	if r := recs[1]; r[1] != c.ControlNumber || r[4] != "Prairie PPO" || r[7] != "not_on_file" || r[14] != "bill.biller" || r[15] != "2026-02-01" {
		t.Errorf("CSV row: %q", r)
	}
	if status, _, _ := b.get("/followups?format=xlsx"); status != http.StatusBadRequest {
		t.Errorf("format=xlsx: %d, want 400", status)
	}

	// Closed from the claim page's card; the card then offers nothing.
	claimPath := fmt.Sprintf("/claims/%d", c.ID)
	if _, body, _ := b.get(claimPath); !strings.Contains(body, `action="`+itemPath+`/close"`) {
		t.Fatalf("the claim page's work item has no close form")
	}
	status, _, resp = b.action(itemPath+"/close", url.Values{"outcome": {followup.OutcomePatientBill}, "note": {"self-pay now"}, "back": {claimPath}})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != claimPath+"?done=item-closed" {
		t.Fatalf("close: %d to %q", status, resp.Header.Get("Location"))
	}
	if _, body, _ := b.get(claimPath); !strings.Contains(body, "closed (patient billed)") || strings.Contains(body, `action="`+itemPath+`/close"`) ||
		!strings.Contains(body, "closed: patient_billed: self-pay now") {
		t.Errorf("claim page after the close:\n%s", body)
	}

	// The claim's status history and the manager's numbers download as
	// CSV from their screens.
	if _, body, _ := b.get(claimPath); !strings.Contains(body, `href="`+claimPath+`/status.csv"`) {
		t.Errorf("the claim page has no status history download")
	}
	status, body, _ = b.get(claimPath + "/status.csv")
	if recs, err := csv.NewReader(strings.NewReader(body)).ReadAll(); status != http.StatusOK || err != nil || len(recs) != 2 ||
		!cmp.Equal(recs[0], claimstatus.CSVHeader) || recs[1][0] != c.ControlNumber || recs[1][4] != "A4" || recs[1][5] != "35" || recs[1][11] != "not_found" {
		t.Errorf("status history CSV: %d %v %q", status, err, body)
	}
	status, body, _ = b.get("/reports/kpi?from=2026-01-01&to=2026-12-31")
	if status != http.StatusOK || !strings.Contains(body, "HFMA MAP Key AR-1") || !strings.Contains(body, `href="/reports/kpi?from=2026-01-01&amp;to=2026-12-31&amp;format=csv"`) ||
		!strings.Contains(body, "Payer: Prairie PPO") {
		t.Errorf("KPI screen: %d\n%s", status, body)
	}
	status, body, _ = b.get("/reports/kpi?from=2026-01-01&to=2026-12-31&format=csv")
	if recs, err := csv.NewReader(strings.NewReader(body)).ReadAll(); status != http.StatusOK || err != nil || len(recs) < 3 ||
		!cmp.Equal(recs[0], kpi.CSVHeader) || recs[1][2] != "organization" || recs[1][0] != "2026-01-01" || recs[2][3] != "Prairie PPO" {
		t.Errorf("KPI CSV: %d %v %q", status, err, body)
	}
	if status, _, _ := b.get("/reports/kpi?from=2026-02-30"); status != http.StatusBadRequest {
		t.Errorf("KPI with a bad date: %d, want 400", status)
	}
	status, body, _ = b.get("/queues/denials.csv")
	if recs, err := csv.NewReader(strings.NewReader(body)).ReadAll(); status != http.StatusOK || err != nil || len(recs) != 1 || !cmp.Equal(recs[0], remit.DenialCSVHeader) {
		t.Errorf("denials CSV with no denial: %d %v %q", status, err, body)
	}

	// A coder may do nothing here.
	coder := f.browser(t)
	coder.login("cora.coder")
	if status, _, _ := coder.action("/followups/assign", url.Values{"item": {strconv.FormatInt(it.ID, 10)}, "owner": {"none"}}); status != http.StatusForbidden {
		t.Errorf("coder assign: %d, want 403", status)
	}
	for _, path := range []string{itemPath, "/reports/kpi", "/queues/denials.csv"} {
		if status, _, _ := coder.get(path); status != http.StatusForbidden {
			t.Errorf("coder GET %s: %d, want 403", path, status)
		}
	}
}
