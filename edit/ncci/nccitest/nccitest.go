// Package nccitest finds the shared CMS NCCI files that tests read: the
// folder named by RCM_SHARED_DATA, else the shared/data folder (the one
// holding SOURCES.md) found by walking up from the working directory. Tests
// skip with a reason when the files are missing, except in CI (CI=true),
// where missing data is a failure.
package nccitest

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvSharedData names the environment variable pointing at the shared data
// folder (the one with SOURCES.md and ncci/).
const EnvSharedData = "RCM_SHARED_DATA"

// Dir returns the shared ncci folder, or skips (fails in CI) without it.
func Dir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv(EnvSharedData); d != "" {
		return check(t, filepath.Join(d, "ncci"))
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "shared", "data", "SOURCES.md")); err == nil {
			return check(t, filepath.Join(d, "shared", "data", "ncci"))
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	missing(t, "no shared/data/SOURCES.md above "+wd+" and "+EnvSharedData+" is not set")
	return ""
}

// File returns the path of a file in the shared ncci folder.
func File(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(Dir(t), name)
	if _, err := os.Stat(p); err != nil {
		missing(t, err.Error())
	}
	return p
}

func check(t testing.TB, dir string) string {
	t.Helper()
	if _, err := os.Stat(dir); err != nil {
		missing(t, err.Error())
	}
	return dir
}

func missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("shared NCCI data missing in CI: %s", why)
	}
	t.Skipf("shared NCCI data missing: %s", why)
}

// Names of the shared files.
const (
	PTPPractitioner = "ptp_practitioner_2024q3.csv.gz"
	MUEPractitioner = "mue_practitioner_2024q3.csv"
	MUEOutpatient   = "mue_outpatient_hospital_2024q3.csv"
	MUEDME          = "mue_dme_supplier_2024q3.csv"
)
