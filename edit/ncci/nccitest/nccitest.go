// Package nccitest finds the shared CMS NCCI files that tests read: the
// folder named by RCM_SHARED_DATA, else the shared/data folder (the one
// holding SOURCES.md) found by walking up from the working directory. Tests
// skip with a reason when the files are missing, except in CI (CI=true),
// where missing data is a failure.
package nccitest

import (
	"path/filepath"
	"testing"

	"github.com/openrcm/openrcm/internal/shareddata"
)

// Dir returns the shared ncci folder, or skips (fails in CI) without it.
func Dir(t testing.TB) string {
	t.Helper()
	return filepath.Dir(shareddata.Path(t, filepath.Join("ncci", PTPPractitioner)))
}

// File returns the path of a file in the shared ncci folder.
func File(t testing.TB, name string) string {
	t.Helper()
	return shareddata.Path(t, filepath.Join("ncci", name))
}

// Names of the shared files.
const (
	PTPPractitioner = "ptp_practitioner_2024q3.csv.gz"
	MUEPractitioner = "mue_practitioner_2024q3.csv"
	MUEOutpatient   = "mue_outpatient_hospital_2024q3.csv"
	MUEDME          = "mue_dme_supplier_2024q3.csv"
)
