package password_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/password"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		pw       string
		username string
		fullName string
		// want is "" for an accepted password, else a part of the message.
		want string
	}{
		{"twelve times one letter (issue)", "aaaaaaaaaaaa", "jane.doe", "Jane Doe", "repeats the same few characters"},
		{"common password and digits (issue)", "password1234", "jane.doe", "Jane Doe", "a common password followed by digits"},
		{"username and digits", "jane.doe2024", "jane.doe", "Jane Doe", "your username, your name or the word openrcm"},
		{"name and digits", "Montgomery1987", "jdoe", "Alice Montgomery", "your username, your name or the word openrcm"},
		{"product name and digits", "openrcm12345", "jdoe", "Jane Doe", "your username, your name or the word openrcm"},
		{"alphabet in order", "abcdefghijkl", "jdoe", "Jane Doe", "in order"},
		{"digits in order", "123456789012", "jdoe", "Jane Doe", "too easy to guess"},
		{"two letters alternating", "abababababababab", "jdoe", "Jane Doe", "repeats the same few characters"},
		{"keyboard row", "qwertyuiop[]", "jdoe", "Jane Doe", "too easy to guess"},
		{"too short", "Xk8#pQ2!", "jdoe", "Jane Doe", "at least 12 characters long (it has 8)"},
		{"eleven characters", "glacier-tul", "jdoe", "Jane Doe", "at least 12"},
		{"too long", strings.Repeat("glacier tulip ransom ", 13), "jdoe", "Jane Doe", "at most 256 characters long (it has 273)"},
		{"line break", "glacier tulip\nransom quartz", "jdoe", "Jane Doe", "control characters"},
		{"invalid UTF-8", "glacier tulip \xff ransom", "jdoe", "Jane Doe", "not text"},
		// zxcvbn scores the xkcd phrase 4: four words are not a common
		// password, so the policy accepts it.
		{"correct horse battery staple", "correct horse battery staple", "jdoe", "Jane Doe", ""},
		{"long random phrase", "glacier-tulip-ransom-9-quartz", "jdoe", "Jane Doe", ""},
		{"twelve characters, Unicode", "Grüße, 北京の夜空!", "jdoe", "Jane Doe", ""},
		{"256 characters", strings.Repeat("x9Qz!", 52)[:256], "jdoe", "Jane Doe", ""},
		{"demo password", "openrcm-demo-password", "demo.admin", "Demo Admin", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := password.Check(tt.pw, tt.username, tt.fullName)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check refused an acceptable password: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Check accepted it")
			}
			got := struct{ Code, Field string }{rcm.ErrorCode(err), rcm.ErrorField(err)}
			if diff := cmp.Diff(struct{ Code, Field string }{rcm.EINVALID, "password"}, got); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
			if msg := rcm.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not say %q", msg, tt.want)
			}
			if len(tt.pw) >= 4 && strings.Contains(rcm.ErrorMessage(err), tt.pw) {
				t.Errorf("message repeats the password")
			}
		})
	}
}

func TestTemporary(t *testing.T) {
	seen := map[string]bool{}
	for range 20 {
		pw := password.Temporary()
		if err := password.Check(pw, "jane.doe", "Jane Doe"); err != nil {
			t.Errorf("Check(%q) = %v", pw, err)
		}
		if len(pw) != 23 || strings.Count(pw, "-") != 3 || strings.ContainsAny(pw, "ilou") {
			t.Errorf("Temporary() = %q, want 4 groups of 5 without i, l, o, u", pw)
		}
		seen[pw] = true
	}
	if len(seen) != 20 {
		t.Errorf("20 temporary passwords, %d different", len(seen))
	}
}
