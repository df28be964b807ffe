package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The patients screen finds a patient by a whole member ID however it is
// spelled (case, spaces, dashes); a part of one finds no one, and one that
// cannot be a member ID is refused with a message, listing no one.
func TestPatientsByMemberID(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login("bill.biller")
	link := fmt.Sprintf(`href="/patients/%d"`, f.patient.ID)
	tests := []struct {
		member    string
		found     bool
		wantError bool
	}{
		{"PPO12345678", true, false},
		{"ppo-1234 5678", true, false},
		{"PPO1234", false, false},
		{"A*B", false, true},
	}
	for _, tt := range tests {
		status, body, _ := b.get("/patients?member=" + url.QueryEscape(tt.member))
		if status != http.StatusOK {
			t.Fatalf("member %q: status %d", tt.member, status)
		}
		if got := strings.Contains(body, link); got != tt.found {
			t.Errorf("member %q: patient listed = %v; want %v", tt.member, got, tt.found)
		}
		if got := strings.Contains(body, `id="pm-error"`); got != tt.wantError {
			t.Errorf("member %q: error shown = %v; want %v", tt.member, got, tt.wantError)
		}
	}
}
