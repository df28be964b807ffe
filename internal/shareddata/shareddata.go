// Package shareddata finds the public reference data (code sets, X12
// samples, NCCI tables) that tests read from ../shared/data beside the
// repository, or from $RCM_SHARED_DATA. The data is never copied into the
// repository.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared data folder, or "" when it cannot be found.
func Dir() string {
	if d := os.Getenv("RCM_SHARED_DATA"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "shared", "data", "SOURCES.md")); err == nil {
			return filepath.Join(d, "shared", "data")
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// Path returns the path of a file of the shared data (rel is relative to
// the data folder). When the file is missing the test skips with a reason,
// or fails when CI=true: CI must run every test.
func Path(t testing.TB, rel string) string {
	t.Helper()
	dir := Dir()
	p := filepath.Join(dir, rel)
	if _, err := os.Stat(p); dir == "" || err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data %s not found: set RCM_SHARED_DATA or put shared/ beside the repository", rel)
		}
		t.Skipf("shared data %s not found: set RCM_SHARED_DATA to run this test", rel)
	}
	return p
}

// Has returns the path of a shared file and whether it exists, for tests
// that use the shared data when present and fall back otherwise.
func Has(rel string) (string, bool) {
	dir := Dir()
	if dir == "" {
		return "", false
	}
	p := filepath.Join(dir, filepath.FromSlash(rel))
	_, err := os.Stat(p)
	return p, err == nil
}
