// Package codesettest finds the shared reference data (../shared/data) for
// tests of the code-set packages, so every test looks for it the same way:
// the RCM_SHARED_DATA variable, else the nearest folder up from the working
// directory that has shared/data/SOURCES.md. Missing data skips a test
// locally and fails it in CI, where the data must be present.
package codesettest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared data folder, or skips (fails when CI=true) the
// test when there is none.
func Dir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("RCM_SHARED_DATA"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "shared", "data", "SOURCES.md")); err == nil {
			return filepath.Join(dir, "shared", "data")
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	missing(t, "no shared/data/SOURCES.md above "+wd+" and RCM_SHARED_DATA is not set")
	return ""
}

// File returns the path of a file under the shared data folder (rel uses
// slashes, as in SOURCES.md), skipping or failing the test when it is
// missing.
func File(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(Dir(t), filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		missing(t, "shared data file missing: "+p)
	}
	return p
}

// Has reports whether a shared file exists, for tests that use the shared
// data when present and fall back otherwise.
func Has(rel string) (string, bool) {
	d := os.Getenv("RCM_SHARED_DATA")
	if d == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", false
		}
		for dir := wd; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "shared", "data", "SOURCES.md")); err == nil {
				d = filepath.Join(dir, "shared", "data")
				break
			}
			if filepath.Dir(dir) == dir {
				return "", false
			}
		}
	}
	p := filepath.Join(d, filepath.FromSlash(rel))
	_, err := os.Stat(p)
	return p, err == nil
}

func missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}
