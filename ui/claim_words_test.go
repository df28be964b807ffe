package ui_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
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
