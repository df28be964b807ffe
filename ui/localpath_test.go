package ui

import (
	"strings"
	"testing"
)

// TestLocalPath feeds the sign-in form's next parameter hostile values.
// The regression case is the security issue's: "/\t/evil.example" passed
// the old prefix checks, and Chromium, which drops tabs from URLs,
// followed it to another origin.
func TestLocalPath(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "/"},
		{"root", "/", "/"},
		{"path", "/claims", "/claims"},
		{"path and query", "/claims?state=draft&payer=2", "/claims?state=draft&payer=2"},
		{"encoded query", "/login?next=%2Fclaims", "/login?next=%2Fclaims"},
		{"fragment kept", "/claims/3#history", "/claims/3#history"},
		{"issue: tab after slash", "/\t/evil.example", "/"},
		{"tab inside", "/cl\taims", "/"},
		{"newline", "/\n/evil.example", "/"},
		{"carriage return", "/\r/evil.example", "/"},
		{"nul", "/\x00/evil.example", "/"},
		{"del", "/\x7f/evil.example", "/"},
		{"protocol-relative", "//evil.example/x", "/"},
		{"slash backslash", "/\\evil.example", "/"},
		{"backslash slash", "\\/evil.example", "/"},
		{"backslashes", "\\\\evil.example", "/"},
		{"backslash later", "/a\\b", "/"},
		{"triple slash", "///evil.example", "/"},
		{"scheme", "https://evil.example/", "/"},
		{"javascript", "javascript:alert(1)", "/"},
		{"data", "data:text/html,hi", "/"},
		{"relative", "claims", "/"},
		{"dot relative", "./claims", "/"},
		{"encoded tab", "/%09/evil.example", "/"},
		{"encoded slash", "/%2F/evil.example", "/"},
		{"encoded backslash", "/%5Cevil.example", "/"},
		{"encoded slash lower", "/%2f%2fevil.example", "/"},
		{"encoded newline", "/%0a/evil.example", "/"},
		{"unicode slash lookalike", "/\u2215evil.example", "/\u2215evil.example"},
		{"space before", " /claims", "/"},
		{"too long", "/" + strings.Repeat("a", 2100), "/"},
		{"long enough", "/" + strings.Repeat("a", 2000), "/" + strings.Repeat("a", 2000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := localPath(tc.in); got != tc.want {
				t.Errorf("localPath(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
