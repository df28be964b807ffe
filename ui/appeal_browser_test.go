package ui_test

import (
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestBrowserAppealFromQueue works one denial from the Follow-up queue to
// an appeal letter, as a biller: the payer sandbox denies the claim (CARC
// 27, coverage ended), the 835 posts and opens a work item; in Chromium
// the biller filters the queue to eligibility denials, opens the item,
// files a first-level appeal with a reason, two documents and an argument,
// and downloads the letter. pdftotext reads the letter: claim number,
// payer, the CARC in words and the argument.
func TestBrowserAppealFromQueue(t *testing.T) {
	ctx := newBrowser(t)
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not found: CI must check the letter (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext not found (apt-get install poppler-utils)")
	}
	f := newFixture(t)
	p, err := f.db.FindPatientByID(f.ctx, f.patient.ID)
	if err != nil {
		t.Fatal(err)
	}
	p.LastName = "Rivera" // the sandbox matches members by name
	if err := f.db.UpdatePatient(f.ctx, p); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.login("bill.biller")
	coder := f.browser(t)
	coder.login("cora.coder")
	codeEncounter(t, coder, f)
	id := buildClaim(t, b, f)
	for _, step := range []string{"scrub", "submit"} {
		if status, body, _ := b.action(fmt.Sprintf("/claims/%d/%s", id, step), nil); status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", step, status, body)
		}
	}
	if _, err := sandbox(t, f, p).Poll(f.ctx); err != nil {
		t.Fatal(err)
	}
	remits := take835s(t, f, t.TempDir())
	if len(remits) != 1 {
		t.Fatalf("the sandbox sent %d 835s, want 1", len(remits))
	}
	file, err := os.Open(remits[0])
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if _, err := remit.PostFile(f.ctx, f.db, file); err != nil {
		t.Fatal(err)
	}
	if opened, _, err := followup.OpenDenials(f.ctx, f.db); err != nil || opened == 0 {
		t.Fatalf("work items opened: %d, %v", opened, err)
	}
	c, err := f.db.FindClaimByID(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	items, err := f.db.FindFollowUps(f.ctx, followup.Filter{ClaimID: id})
	if err != nil || len(items) == 0 || items[0].Category != "eligibility" {
		t.Fatalf("the denial's work items: %+v, %v", items, err)
	}

	// The denials queue downloads the denial with its code in words.
	status, body, _ := b.get("/queues/denials.csv")
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != http.StatusOK || err != nil || len(recs) != 2 || recs[1][0] != c.ControlNumber || !strings.HasPrefix(recs[1][6], "CO-27 125.00 ") || !strings.Contains(recs[1][6], "Service happened after coverage ended") {
		t.Errorf("denials CSV: %d %v %q", status, err, body)
	}

	base := f.srv.URL
	argument := "The plan was reinstated retroactively by the employer on 2026-01-15; coverage was in force on the date of service."
	var queue, claimText, letterB64 string
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	run("sign in as the biller",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), "bill.biller"),
		chromedp.SendKeys(chromedp.CSS(`#password`), sqldbtest.TestPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=who]`)),
	)
	run("find the denial on the Follow-up queue",
		chromedp.Navigate(base+"/followups"),
		chromedp.WaitVisible(chromedp.CSS(`select[name=category]`)),
		chromedp.SetValue(chromedp.CSS(`select[name=category]`), "eligibility"),
		chromedp.Submit(chromedp.CSS(`select[name=category]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=followups]`)),
		into(&queue, chromedp.Text(chromedp.CSS(`[data-testid=followups]`))),
	)
	if !strings.Contains(queue, c.ControlNumber) || !strings.Contains(queue, "Prairie PPO") || !strings.Contains(queue, "CO-27") {
		t.Fatalf("the queue filtered to eligibility shows %q", queue)
	}
	run("open the work item and appeal",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/followups/%d"]`, items[0].ID))),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/appeal"] textarea[name=argument]`)),
		chromedp.SetValue(chromedp.CSS(`form[action$="/appeal"] select[name=level]`), "first"),
		chromedp.SendKeys(chromedp.CSS(`form[action$="/appeal"] input[name=reason]`), "Coverage was in force"),
		chromedp.SendKeys(chromedp.CSS(`form[action$="/appeal"] textarea[name=documents]`), "Employer reinstatement letter\nMember ID card"),
		chromedp.SendKeys(chromedp.CSS(`form[action$="/appeal"] textarea[name=argument]`), argument),
		chromedp.SendKeys(chromedp.CSS(`form[action$="/appeal"] textarea[name=address]`), "Prairie PPO Appeals\nPO Box 4400\nPeoria, IL 61601"),
		chromedp.Submit(chromedp.CSS(`form[action$="/appeal"] textarea[name=argument]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=appeal-letter]`)),
		into(&claimText, chromedp.Text(chromedp.CSS(`[data-testid=appeals]`))),
		// The letter as the link downloads it, with the biller's session.
		into(&letterB64, chromedp.Evaluate[string](`fetch(document.querySelector("[data-testid=appeal-letter]").href).then(r => {
			if (r.status !== 200 || r.headers.get("Content-Type") !== "application/pdf") throw new Error("letter: " + r.status);
			return r.arrayBuffer();
		}).then(buf => {
			const b = new Uint8Array(buf); let s = "";
			for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
			return btoa(s);
		})`, chromedp.EvalAwaitPromise)),
	)
	if !strings.Contains(claimText, "first-level appeal sent") || !strings.Contains(claimText, "Employer reinstatement letter, Member ID card") {
		t.Errorf("the claim's appeals read %q", claimText)
	}
	pdf, err := base64.StdEncoding.DecodeString(letterB64)
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("the letter is not a PDF (%v): %.40q", err, pdf)
	}
	path := filepath.Join(t.TempDir(), "appeal.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{c.ControlNumber, "Prairie PPO", "CO-27", "Service happened after coverage ended", "PO Box 4400", "Employer reinstatement letter",
		strings.Join(strings.Fields(argument), " ")} {
		if !strings.Contains(text, want) {
			t.Errorf("the letter lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "..") || strings.Contains(text, ", .") {
		t.Errorf("the letter has a doubled or empty sentence end:\n%s", text)
	}
	if got, _ := f.db.FindFollowUpItem(f.ctx, items[0].ID); got.State != followup.Closed || got.Outcome != followup.OutcomeAppealed {
		t.Errorf("the work item is %s/%s after the appeal, want closed/appealed", got.State, got.Outcome)
	}
}
