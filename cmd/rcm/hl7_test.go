package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// interfaceDB makes a SQLite database with one organization, its practice,
// provider (NPI 1245319599) and payer (ACME1).
func interfaceDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "i.db")
	db, err := sqldb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, _ := sqldbtest.Org(t, db, "Org Interface")
	sqldbtest.Seed(t, ctx, db)
	return path
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHL7Commands drives the file door and the error queue: an import
// with one good and one bad message, the queue, show, and a replay of the
// fixed message.
func TestHL7Commands(t *testing.T) {
	dbPath := interfaceDB(t)
	adt := "MSH|^~\\&|EHR|CL|||20251201||ADT^A04|F1|P|2.5.1\nEVN|A04\nPID|1||CLI-7^^^CL^MR||Marsh^Tove||19880808|F|||5 Reed Ct^^Springfield^IL^62704\nPV1|1|O\n"
	bad := "MSH|^~\\&|EHR|CL|||20251215||DFT^P03|F2|P|2.5.1\nPID|1||CLI-7^^^CL^MR\nPV1|1|O|||||1245319599\nDG1|1||I10^^I10\nFT1|1|||20251299||CG|99213|||1\n"
	file := writeFile(t, "in.hl7", adt+bad)
	code, out, errOut := rcmRun(t, "", "hl7", "import", "--db", dbPath, file)
	if code != 1 || !strings.Contains(out, "1 applied, 0 duplicate, 1 refused (AE)") || !strings.Contains(out, "AE at FT1-4 (FT1 1)") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = rcmRun(t, "", "hl7", "import", "--db", dbPath, writeFile(t, "again.hl7", adt))
	if code != 0 || !strings.Contains(out, "0 applied, 1 duplicate") {
		t.Errorf("resent file: exit %d\n%s", code, out)
	}
	code, out, _ = rcmRun(t, "", "hl7", "queue", "--db", dbPath)
	if code != 0 || !strings.Contains(out, "F2") || strings.Contains(out, "F1 ") || !strings.Contains(out, "FT1-4 (FT1 1)") {
		t.Fatalf("queue: exit %d\n%s", code, out)
	}
	fields := strings.Fields(strings.Split(out, "\n")[1])
	id := fields[0]
	code, out, _ = rcmRun(t, "", "hl7", "show", "--db", dbPath, id)
	if code != 0 || !strings.Contains(out, "error at FT1-4 (FT1 1)") || !strings.Contains(out, "FT1|1|||20251299") {
		t.Errorf("show: exit %d\n%s", code, out)
	}
	fixed := writeFile(t, "fixed.hl7", strings.Replace(bad, "20251299", "20251215", 1))
	code, out, errOut = rcmRun(t, "", "hl7", "replay", "--db", dbPath, id, "--file", fixed)
	if code != 0 || !strings.Contains(out, "applied") {
		t.Fatalf("replay: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = rcmRun(t, "", "hl7", "queue", "--db", dbPath)
	if code != 0 || !strings.Contains(out, "queue is empty") {
		t.Errorf("queue after the replay: %s", out)
	}
	if code, _, errOut := rcmRun(t, "", "hl7", "listen", "--db", dbPath); code != exitUsage || !strings.Contains(errOut, "--addr") {
		t.Errorf("listen without --addr: exit %d %s", code, errOut)
	}
}

// TestFHIRImportCommand imports a bundle from a file, twice, and refuses
// a broken one naming the resource and field.
func TestFHIRImportCommand(t *testing.T) {
	dbPath := interfaceDB(t)
	bundle := filepath.Join("..", "..", "fhir", "testdata", "visit.json")
	code, out, errOut := rcmRun(t, "", "fhir", "import", "--db", dbPath, bundle)
	if code != 0 || !strings.Contains(out, "2 patients created") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = rcmRun(t, "", "fhir", "import", "--db", dbPath, bundle)
	if code != 0 || !strings.Contains(out, "0 patients created, 2 updated") {
		t.Errorf("second import: exit %d\n%s", code, out)
	}
	data, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	broken := writeFile(t, "broken.json", strings.Replace(string(data), `"reference": "Patient/p2"`, `"reference": "Patient/zz"`, 1))
	code, _, errOut = rcmRun(t, "", "fhir", "import", "--db", dbPath, broken)
	if code != 1 || !strings.Contains(errOut, "Coverage/c1.subscriber") || !strings.Contains(errOut, "nothing imported") {
		t.Errorf("broken bundle: exit %d %s", code, errOut)
	}
}
