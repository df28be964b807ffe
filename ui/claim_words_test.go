package ui_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
)

// TestClaimPageWordsAndForm: the claim page shows each code with its
// description and links the CMS-1500, which downloads as a PDF for a
// biller and is refused to a coder (issue 16).
func TestClaimPageWordsAndForm(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login(f.admin)
	codeEncounter(t, b, f)
	id := buildClaim(t, b, f)
	_, body, _ := b.get(fmt.Sprintf("/claims/%d", id))
	for _, want := range []string{
		"<code>E11.9</code> Type 2 diabetes mellitus without complications",
		fmt.Sprintf(`<a href="/claims/%d/cms1500.pdf" data-testid="cms1500">`, id),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the claim page lacks %q", want)
		}
	}
	status, pdf, resp := b.get(fmt.Sprintf("/claims/%d/cms1500.pdf", id))
	if status != http.StatusOK || !strings.HasPrefix(pdf, "%PDF-") || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("CMS-1500: %d %q, %d bytes", status, resp.Header.Get("Content-Type"), len(pdf))
	}
	coder := f.browser(t)
	coder.login("cora.coder")
	if status, _, _ := coder.get(fmt.Sprintf("/claims/%d/cms1500.pdf", id)); status != http.StatusForbidden {
		t.Errorf("a coder printing the CMS-1500: %d, want 403", status)
	}
	if _, body, _ := coder.get(fmt.Sprintf("/claims/%d", id)); strings.Contains(body, "cms1500.pdf") {
		t.Error("the claim page offers a coder the CMS-1500")
	}
}

// TestWorkbenchWordsAndShortcuts: the coding workbench shows each code with
// its description and lists its keyboard shortcuts, each bound to the
// field or button it names (issue 16).
func TestWorkbenchWordsAndShortcuts(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login(f.admin)
	enc := fmt.Sprintf("/encounters/%d", f.encounter.ID)
	b.action(enc+"/diagnoses", url.Values{"code": {"I10"}})
	b.action(enc+"/lines", url.Values{"code": {"J1885"}, "units": {"1"}, "pointers": {"1"}})
	_, body, _ := b.get(enc)
	for _, want := range []string{
		"<code>I10</code> Essential (primary) hypertension",
		"<code>J1885</code> <span class=\"desc\">Injection, ketorolac tromethamine, per 15 mg</span>",
		`data-testid="shortcuts"`,
		`id="code-q" name="q" value="" autocomplete="off" aria-controls="code-results" placeholder="e.g. diabetes, 99213, E11" data-key="/"`,
		`id="dx-code" name="code" size="9" autocomplete="off" placeholder="E11.9" data-key="d"`,
		`id="line-code" name="code" size="6" autocomplete="off" placeholder="99213" data-key="p"`,
		`<dt><kbd>/</kbd></dt><dd>search codes</dd>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the workbench lacks %q", want)
		}
	}
}

// TestClaimsSearchAndCSV: the claims list finds a claim by its number and a
// patient's claims by account number or name, says why a search found
// nothing, states what its total counts, and downloads as CSV (issue 16).
func TestClaimsSearchAndCSV(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login(f.admin)
	codeEncounter(t, b, f)
	id := buildClaim(t, b, f)
	c, err := f.db.FindClaimByID(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{c.ControlNumber, strings.ToLower(c.ControlNumber), f.patient.AccountNumber} {
		_, body, _ := b.get("/claims?q=" + url.QueryEscape(q))
		if !strings.Contains(body, ">"+c.ControlNumber+"</a>") || !strings.Contains(body, "1 claim matches") {
			t.Errorf("search %q does not list claim %s", q, c.ControlNumber)
		}
		if !strings.Contains(body, html.EscapeString(rcm.BilledMeaning)) {
			t.Errorf("search %q: the total does not say what it counts", q)
		}
	}
	_, body, _ := b.get("/claims?q=NOBODY-HERE")
	if !strings.Contains(body, `No patient has the account number, name, member ID or id &#34;NOBODY-HERE&#34;`) || strings.Contains(body, ">"+c.ControlNumber+"</a>") {
		t.Errorf("a search that finds nothing does not say so:\n%s", body)
	}
	status, csv, resp := b.get("/claims?q=" + url.QueryEscape(f.patient.AccountNumber) + "&format=csv")
	lines := strings.Split(strings.TrimSpace(csv), "\r\n")
	if status != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || len(lines) != 2 ||
		lines[0] != "claim,frequency,date_of_service,account,patient,payer,provider,charge,state" ||
		!strings.HasPrefix(lines[1], c.ControlNumber+",1,"+c.DateOfService.String()+","+f.patient.AccountNumber+",") {
		t.Errorf("CSV: %d %q\n%s", status, resp.Header.Get("Content-Type"), csv)
	}
}

// TestCodingListDefaults: the coding list opens on the encounters waiting
// for coding, with the account and the rendering provider; when none
// waits it shows every encounter and says so, instead of an empty page.
func TestCodingListDefaults(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login(f.admin)
	_, body, _ := b.get("/encounters")
	if !strings.Contains(body, "<td>"+f.patient.AccountNumber+"</td>") || !strings.Contains(body, "<td>Dr. ") || strings.Contains(body, `data-testid="fallback"`) ||
		!strings.Contains(body, `href="/encounters?status=all" data-testid="show-all"`) {
		t.Errorf("the open queue lacks the account, the provider or the way to show all, or falls back:\n%s", body)
	}
	codeEncounter(t, b, f)
	buildClaim(t, b, f)
	_, body, _ = b.get("/encounters")
	if !strings.Contains(body, `data-testid="fallback"`) || !strings.Contains(body, fmt.Sprintf(`href="/encounters/%d"`, f.encounter.ID)) {
		t.Errorf("with nothing open the list does not fall back to every encounter:\n%s", body)
	}
	if _, body, _ = b.get("/encounters?status=open"); strings.Contains(body, `data-testid="fallback"`) {
		t.Error("an explicit status fell back")
	}
}
