package ui_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
)

// postUnmatched posts an 835 from the fixture's payer whose one claim
// payment matches no claim, so it goes to the exceptions queue.
func postUnmatched(t *testing.T, f *fixture, trace string) *remit.Result {
	t.Helper()
	m := rcm.MustParseMoney
	rem := &remit.Remittance{Handling: "I", Amount: m("40"), Method: "CHK", PaidOn: rcm.MustParseDate("2026-02-03"), Trace: trace,
		PayerName: "PRAIRIE PPO", PayerIdentifier: f.payer.PayerID,
		Claims: []*remit.ClaimPayment{{ControlNumber: "NOT-" + trace, Status: "1", Charge: m("50"), Paid: m("40"),
			Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("10")}}}}}
	res, err := remit.Post(f.ctx, f.db, rem)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestRemittanceHistoryScreens: billers see the 835s posted and each
// one's detail, and resolve posting exceptions with a CSRF-protected form;
// coders and auditors are refused on the server, and a refused or invalid
// resolution changes nothing.
func TestRemittanceHistoryScreens(t *testing.T) {
	f := newFixture(t)
	first := postUnmatched(t, f, "CHK1")
	second := postUnmatched(t, f, "CHK2")
	open, err := f.db.FindRemitExceptionQueue(f.ctx, remit.ExceptionFilter{})
	if err != nil || len(open) != 2 {
		t.Fatalf("queue: %+v, %v", open, err)
	}
	x := open[0]
	resolvePath := fmt.Sprintf("/remittances/exceptions/%d/resolve", x.ID)
	good := url.Values{"kind": {remit.ResolvedRefundRequested}, "note": {`Asked the payer to take it back <script>alert(1)</script>`}, "back": {"remittance"}}
	resolved := func() int {
		t.Helper()
		xs, err := f.db.FindRemitExceptionQueue(f.ctx, remit.ExceptionFilter{Status: remit.ExceptionsResolved})
		if err != nil {
			t.Fatal(err)
		}
		return len(xs)
	}

	for _, user := range []string{"cora.coder", "aud.auditor"} {
		b := f.browser(t)
		b.login(user)
		if status, _, _ := b.get(fmt.Sprintf("/remittances/%d", first.RemittanceID)); status != http.StatusForbidden {
			t.Errorf("%s GET the remittance: %d, want 403", user, status)
		}
		if status, _, _ := b.action(resolvePath, good); status != http.StatusForbidden {
			t.Errorf("%s resolves: %d, want 403", user, status)
		}
	}

	biller := f.browser(t)
	biller.login("bill.biller")
	status, body, _ := biller.get("/remittances")
	if status != http.StatusOK {
		t.Fatalf("biller GET /remittances: %d", status)
	}
	for _, want := range []string{
		fmt.Sprintf(`<a href="/remittances/%d">CHK2</a>`, second.RemittanceID),
		fmt.Sprintf(`<a href="/remittances/%d">CHK1</a>`, first.RemittanceID),
		`data-testid="resolve-form"`, `name="back" value="remittances"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("remittances page lacks %q", want)
		}
	}
	if strings.Index(body, ">CHK2<") > strings.Index(body, ">CHK1<") {
		t.Error("the history is not newest first")
	}
	status, body, _ = biller.get(fmt.Sprintf("/remittances/%d", first.RemittanceID))
	if status != http.StatusOK || !strings.Contains(body, "NOT-CHK1") || !strings.Contains(body, "no claim matched") ||
		!strings.Contains(body, `action="`+resolvePath+`"`) {
		t.Fatalf("biller GET the remittance: %d\n%s", status, body)
	}
	// Issue 16: the CLP02 status in words, not a bare "1".
	if !strings.Contains(body, "<td>1 processed as primary</td>") {
		t.Error("the remittance page does not say the claim status in words")
	}
	// The deposit journal: the whole check went unapplied to the queue.
	for _, want := range []string{
		`Received from the payer (BPR02)</th><td class="num">$40.00</td>`,
		`Applied to service lines</th><td class="num">$0.00</td>`,
		`Unapplied (posting exceptions)</th><td class="num">$40.00</td>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("remittance page lacks %q", want)
		}
	}
	if status, _, _ := biller.get("/remittances/999999"); status != http.StatusNotFound {
		t.Errorf("no such remittance: %d, want 404", status)
	}

	// Refused: no CSRF token, a kind the form does not offer, no note.
	if status, _, _ := biller.post(resolvePath, url.Values{"csrf": {"forged"}, "kind": good["kind"], "note": good["note"]}); status != http.StatusForbidden {
		t.Errorf("resolve without the token: %d, want 403", status)
	}
	for _, form := range []url.Values{
		{"kind": {"lost"}, "note": {"x"}},
		{"kind": {remit.ResolvedOther}, "note": {"  "}},
		{"kind": {remit.ResolvedOther}, "note": {strings.Repeat("x", remit.MaxResolutionNote+1)}},
	} {
		if status, _, _ := biller.action(resolvePath, form); status != http.StatusBadRequest {
			t.Errorf("resolve with %v: %d, want 400", form["kind"], status)
		}
	}
	if n := resolved(); n != 0 {
		t.Fatalf("refused resolutions resolved %d", n)
	}

	status, _, resp := biller.action(resolvePath, good)
	if want := fmt.Sprintf("/remittances/%d?done=resolved#exceptions", x.RemittanceID); status != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Fatalf("resolve: %d to %q, want 303 to %q", status, resp.Header.Get("Location"), want)
	}
	status, body, _ = biller.get(fmt.Sprintf("/remittances/%d?done=resolved", x.RemittanceID))
	if status != http.StatusOK || !strings.Contains(body, "The posting exception is resolved.") || !strings.Contains(body, "Refund requested") ||
		!strings.Contains(body, "by bill.biller") || !strings.Contains(body, html.EscapeString(good["note"][0])) ||
		strings.Contains(body, "<script>alert(1)</script>") || strings.Contains(body, `action="`+resolvePath+`"`) {
		t.Errorf("remittance after resolving: %d\n%s", status, body)
	}
	if status, _, _ := biller.action(resolvePath, good); status != http.StatusConflict {
		t.Errorf("resolve twice: %d, want 409", status)
	}
	if n := resolved(); n != 1 {
		t.Errorf("%d resolved, want 1", n)
	}

	// The queue lists the open one with its form, and the resolved one on
	// request; a resolution from the queue returns to it.
	status, body, _ = biller.get("/queues")
	if status != http.StatusOK || strings.Contains(body, "NOT-CHK1") || !strings.Contains(body, "NOT-CHK2") || !strings.Contains(body, `name="back" value="queues"`) {
		t.Errorf("open queue: %d", status)
	}
	status, body, _ = biller.get("/queues?exceptions=resolved")
	if status != http.StatusOK || !strings.Contains(body, "NOT-CHK1") || strings.Contains(body, "NOT-CHK2") || !strings.Contains(body, `data-testid="resolution"`) {
		t.Errorf("resolved queue: %d", status)
	}
	status, _, resp = biller.action(fmt.Sprintf("/remittances/exceptions/%d/resolve", open[1].ID),
		url.Values{"kind": {remit.ResolvedNotOurs}, "note": {"not ours"}, "back": {"queues"}})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/queues?done=resolved#q-exc" {
		t.Errorf("resolve from the queue: %d to %q", status, resp.Header.Get("Location"))
	}
}

// TestRemittanceHistoryPages: the remittance screen lists a page of 835s
// and links to the older ones.
func TestRemittanceHistoryPages(t *testing.T) {
	f := newFixture(t)
	var ids []int64
	for i := range 27 {
		ids = append(ids, postUnmatched(t, f, fmt.Sprintf("T%02d", i)).RemittanceID)
	}
	b := f.browser(t)
	b.login("bill.biller")
	_, body, _ := b.get("/remittances")
	// The exceptions queue below the history links the 835s too; count
	// the history's links only.
	history := body[strings.Index(body, `data-testid="history"`):strings.Index(body, `id="exc-h"`)]
	if n := strings.Count(history, `<a href="/remittances/`); n != 25 {
		t.Fatalf("first page links %d remittances, want 25", n)
	}
	older := fmt.Sprintf(`/remittances?before=%d#hist-h`, ids[2])
	if !strings.Contains(history, older) || strings.Contains(history, fmt.Sprintf(">T%02d<", 1)) {
		t.Fatalf("first page: no link %q, or it holds an older 835", older)
	}
	status, body, _ := b.get(fmt.Sprintf("/remittances?before=%d", ids[2]))
	history = body[strings.Index(body, `data-testid="history"`):strings.Index(body, `id="exc-h"`)]
	if status != http.StatusOK || !strings.Contains(history, ">T01<") || !strings.Contains(history, ">T00<") || strings.Contains(history, ">T02<") ||
		strings.Contains(history, "Older remittances") {
		t.Errorf("second page: %d\n%s", status, history)
	}
	if status, _, _ := b.get("/remittances?before=x"); status != http.StatusBadRequest {
		t.Errorf("a bad page key: %d, want 400", status)
	}
}
