// Package codesettest finds the shared reference data (../shared/data) for
// tests of the code-set packages, so every test looks for it the same way:
// the RCM_SHARED_DATA variable, else the nearest folder up from the working
// directory that has shared/data/SOURCES.md. Missing data skips a test
// locally and fails it in CI, where the data must be present.
package codesettest

import (
	"path/filepath"
	"testing"

	"github.com/openrcm/openrcm/internal/shareddata"
)

// Dir returns the shared data folder, or skips (fails when CI=true) the
// test when there is none.
func Dir(t testing.TB) string {
	t.Helper()
	return filepath.Dir(shareddata.Path(t, "SOURCES.md"))
}

// File returns the path of a file under the shared data folder (rel uses
// slashes, as in SOURCES.md), skipping or failing the test when it is
// missing.
func File(t testing.TB, rel string) string {
	t.Helper()
	return shareddata.Path(t, filepath.FromSlash(rel))
}

// Has reports whether a shared file exists, for tests that use the shared
// data when present and fall back otherwise.
func Has(rel string) (string, bool) { return shareddata.Has(rel) }
