package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openrcm/openrcm/internal/shareddata"
)

var updateUsage = flag.Bool("update", false, "rewrite the golden files under testdata")

// usageText gathers the usage of every command and of every subcommand its
// usage names ("rcm claim list"), as `rcm ... -h` prints it.
func usageText(t *testing.T) string {
	t.Helper()
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	run := func(args ...string) string {
		_, out, errOut := rcmRun(t, "", append(args, "-h")...)
		fmt.Fprintf(&b, "$ rcm %s -h\n%s%s\n", strings.Join(args, " "), out, errOut)
		return out + errOut
	}
	for _, name := range names {
		text := run(name)
		if name == "version" {
			continue
		}
		subRE := regexp.MustCompile(`(?m)\brcm ` + regexp.QuoteMeta(name) + ` ([a-z][a-z0-9-]*)\b`)
		seen := map[string]bool{}
		for _, m := range subRE.FindAllStringSubmatch(text, -1) {
			if sub := m[1]; !seen[sub] {
				seen[sub] = true
				run(name, sub)
			}
		}
	}
	return b.String()
}

// TestUsageGolden pins the usage text of every command and subcommand
// (testdata/usage.golden; refresh with -update and review the diff), and
// checks that no usage line names a command twice, as "rcm user add add"
// did (issue 16).
func TestUsageGolden(t *testing.T) {
	got := usageText(t)
	// A flag's default may name the shared data folder, which is wherever
	// the checkout sits: the golden file holds a placeholder instead.
	if d := shareddata.Dir(); d != "" {
		got = strings.ReplaceAll(got, d, "$SHARED_DATA")
	}
	repeat := regexp.MustCompile(`\brcm (\S+ )?([a-z][a-z-]*) ([a-z][a-z-]*)\b`)
	for _, line := range strings.Split(got, "\n") {
		for _, m := range repeat.FindAllStringSubmatch(line, -1) {
			if m[2] == m[3] || strings.TrimSpace(m[1]) == m[2] {
				t.Errorf("usage repeats a word: %q", line)
			}
		}
	}
	path := filepath.Join("testdata", "usage.golden")
	if *updateUsage {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("usage text mismatch (-want +got); if the change is meant, run go test ./cmd/rcm -run TestUsageGolden -update:\n%s", diff)
	}
}
