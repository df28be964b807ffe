package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAuthorizationScreen: a biller records a prior authorization on the
// patient's coverage from its screen and sees it listed; a coder may look
// but not record; a bad form says which field and stores nothing.
func TestAuthorizationScreen(t *testing.T) {
	f := newFixture(t)
	covs, err := f.db.FindCoverages(f.ctx, f.patient.ID)
	if err != nil || len(covs) == 0 {
		t.Fatal(covs, err)
	}
	path := fmt.Sprintf("/coverages/%d/authorizations", covs[0].ID)
	form := url.Values{"kind": {"prior_auth"}, "number": {"PA-55"}, "code_from": {"99212"}, "code_to": {"99215"}, "units": {"4"},
		"starts_on": {"2026-01-01"}, "ends_on": {"2026-06-30"}}
	coder, biller := f.browser(t), f.browser(t)
	coder.login("cora.coder")
	biller.login("bill.biller")
	if status, _, _ := coder.action(path, form); status != http.StatusForbidden {
		t.Errorf("coder records: %d", status)
	}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("ends_on", "2025-06-30")
	if status, body, _ := biller.action(path, bad); status != http.StatusBadRequest || !strings.Contains(body, "ends_on") {
		t.Errorf("ends before it starts: %d", status)
	}
	if status, _, resp := biller.action(path, form); status != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "done=authorization") {
		t.Fatalf("record: %d", status)
	}
	status, body, _ := coder.get(path)
	if status != http.StatusOK || !strings.Contains(body, "PA-55") || !strings.Contains(body, "99212–99215") || !strings.Contains(body, "0 of 4") ||
		strings.Count(body, "<tr><td>Prior authorization") != 1 {
		t.Errorf("list: %d\n%s", status, body)
	}
	if _, body, _ := biller.get(fmt.Sprintf("/patients/%d", f.patient.ID)); !strings.Contains(body, path) {
		t.Error("the patient's page lacks the link to the coverage's authorizations")
	}
}
