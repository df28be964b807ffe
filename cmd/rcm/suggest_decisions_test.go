package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestCodesSuggestDecideAndStats: a coder's decisions recorded from the
// command line go on the encounter and into the measure, which
// suggest-stats prints per family, as text and JSON.
func TestCodesSuggestDecideAndStats(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "rcm.db")
	db := openKeyed(t, dsn)
	ctx, o := sqldbtest.Org(t, db, "Lakeside")
	s := sqldbtest.Seed(t, ctx, db)
	enc := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID, DateOfService: rcm.MustParseDate("2026-01-02"),
		PlaceOfService: "11", Note: "Assessment: type 2 diabetes. Hypertension."}
	if err := db.CreateEncounter(ctx, enc); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUserWithHash(ctx, &rcm.User{OrgID: o.ID, Username: "cora.coder", Name: "Cora", Role: rcm.RoleCoder}, "$argon2id$v=19$m=65536,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	id := fmt.Sprint(enc.ID)
	for _, args := range [][]string{
		{"--code", "E11.9", "--evidence", "12-27", "--accept"},
		{"--code", "I10", "--reject", "not-this-visit"},
	} {
		code, out, errs := rcmRun(t, "", append([]string{"codes", "suggest-decide", "--db", dsn, "--as", "cora.coder", "--encounter", id}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		if !strings.Contains(out, "by cora.coder; diagnoses now E11.9") {
			t.Errorf("%v: %s", args, out)
		}
	}
	if code, _, errs := rcmRun(t, "", "codes", "suggest-decide", "--db", dsn, "--as", "cora.coder", "--encounter", id, "--code", "I10", "--reject", "dunno"); code == 0 || !strings.Contains(errs, "Pick why") {
		t.Errorf("unknown reason: exit %d %q", code, errs)
	}
	if code, _, _ := rcmRun(t, "", "codes", "suggest-decide", "--db", dsn, "--as", "cora.coder", "--encounter", id, "--code", "I10", "--accept", "--change", "I11.9"); code == 0 {
		t.Error("two decisions at once accepted")
	}
	code, out, errs := rcmRun(t, "", "codes", "suggest-stats", "--db", dsn)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := `family  decided  accepted  rejected  changed  precision  coded  found  recall proxy
E11     1        1         0         0        1.000      1      1      1.000
I10     1        0         1         0        0.000      0      0      -
all     2        1         1         0        0.500      1      1      1.000
1 encounters with a decision. Rejected because: Not relevant to this visit 1.
`
	var trimmed []string
	for _, l := range strings.Split(out, "\n") {
		trimmed = append(trimmed, strings.TrimRight(l, " "))
	}
	if got := strings.Join(trimmed, "\n"); got != want {
		t.Errorf("suggest-stats:\n%q\nwant:\n%q", got, want)
	}
	code, out, _ = rcmRun(t, "", "codes", "suggest-stats", "--db", dsn, "--by", "chapter", "--json")
	var st struct {
		By       string
		Families []struct{ Family string }
	}
	if err := json.Unmarshal([]byte(out), &st); code != 0 || err != nil || st.By != "chapter" || len(st.Families) != 2 || st.Families[0].Family != "ICD-10-CM chapter 4 E00-E89" {
		t.Errorf("suggest-stats --json: %d %v %s", code, err, out)
	}
}
