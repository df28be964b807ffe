package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/internal/attack"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestAttackCorpusCommandLine is the hostile X12 corpus (internal/attack)
// at the command line, on both databases: after the 835 samples are
// posted with rcm era post, one mutant of every defect (from a sample that
// rotates with the defect) goes through rcm x12 validate and rcm era post.
// An invalid file fails validation; an invalid or unbalanced one is
// refused by era post (exit 1, "nothing was posted") and the ledger check
// reads as before; a duplicate posts nothing; a valid one posts once.
func TestAttackCorpusCommandLine(t *testing.T) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			dsn := filepath.Join(t.TempDir(), "rcm.db")
			if d == sqldb.Postgres {
				dsn = sqldbtest.PostgresDSN(t)
			}
			attackCorpusCommandLine(t, dsn)
		})
	}
}

func attackCorpusCommandLine(t *testing.T, dsn string) {
	ctx := context.Background()
	var keys []sqldb.Option
	if strings.HasPrefix(dsn, "postgres") {
		keys = append(keys, sqldb.WithKeyring(sqldbtest.Keyring()))
	}
	db, err := sqldb.Open(ctx, dsn, keys...)
	if err != nil {
		t.Fatal(err)
	}
	actx, _ := sqldbtest.Org(t, db, "Lakeside")
	dir := t.TempDir()
	var bases []string
	var ms []attack.Mutant
	for _, rel := range attack.Samples {
		p := shareddata.Path(t, rel)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(p), ".edi")
		m, err := attack.Mutate(name, data, 20261205)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m...)
		if !bytes.Contains(data, []byte("ST*835*")) {
			continue
		}
		bases = append(bases, name)
		if err := os.WriteFile(filepath.Join(dir, name+".835"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		rems, err := remit.Read835(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		for _, rem := range rems {
			payers, err := db.FindPayers(actx)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(payers, func(p *rcm.Payer) bool { return slices.Contains(rem.PayerKeys(), p.PayerID) }) {
				if err := db.CreatePayer(actx, &rcm.Payer{Name: rem.PayerName, PayerID: rem.PayerKeys()[0], FilingIndicator: "CI"}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	db.Close()
	if err := attack.Write(dir, ms); err != nil {
		t.Fatal(err)
	}
	for _, b := range bases {
		if code, out, errOut := rcmRun(t, "", "era", "post", "--db", dsn, filepath.Join(dir, b+".835")); code != 0 {
			t.Fatalf("post sample %s: exit %d %s %s", b, code, out, errOut)
		}
	}

	_, ledger, _ := rcmRun(t, "", "ledger", "check", "--db", dsn)
	count := map[string]int{}
	for i, defect := range append(attack.Defects("835"), attack.Defects("837")...) {
		var m *attack.Mutant
		var candidates []attack.Mutant
		for _, c := range ms {
			if c.Defect == defect {
				candidates = append(candidates, c)
			}
		}
		if len(candidates) == 0 {
			t.Fatalf("no mutant with defect %s", defect)
		}
		m = &candidates[i%len(candidates)]
		file := filepath.Join(dir, m.Name)

		vargs := []string{"x12", "validate", file}
		if m.Kind == "837" {
			vargs = []string{"x12", "validate", "--situational=false", file}
		}
		code, out, errOut := rcmRun(t, "", vargs...)
		count["validate "+string(m.Verdict)]++
		if want := map[bool]int{true: 1, false: 0}[m.Verdict == attack.Invalid || m.Verdict == attack.Unbalanced]; code != want {
			t.Errorf("rcm x12 validate %s (%s): exit %d, want %d\n%.500s%.500s", m.Name, m.Verdict, code, want, out, errOut)
		}
		if m.Kind != "835" {
			continue
		}

		before := ledger
		code, out, errOut = rcmRun(t, "", "era", "post", "--db", dsn, file)
		_, after, _ := rcmRun(t, "", "ledger", "check", "--db", dsn)
		ledger = after
		count["era post "+string(m.Verdict)]++
		switch m.Verdict {
		case attack.Invalid, attack.Unbalanced:
			if code != 1 || !strings.Contains(errOut, "nothing was posted") {
				t.Errorf("rcm era post %s (%s): exit %d, want 1 and 'nothing was posted'\n%.500s%.500s", m.Name, m.Verdict, code, out, errOut)
			}
		case attack.Duplicate:
			if !(code == 0 && strings.Contains(out, "already posted")) && !(code == 1 && strings.Contains(errOut, "same payments")) {
				t.Errorf("rcm era post %s (%s): exit %d, want already posted or refused as a copy\n%.500s%.500s", m.Name, m.Verdict, code, out, errOut)
			}
		case attack.Valid:
			if code != 0 || after == before {
				t.Errorf("rcm era post %s (%s): exit %d, ledger changed %v\n%.500s%.500s", m.Name, m.Verdict, code, after != before, out, errOut)
			}
			continue
		}
		if after != before {
			t.Errorf("rcm era post %s (%s) changed the ledger:\nbefore %s\nafter  %s", m.Name, m.Verdict, before, after)
		}
	}
	t.Logf("%v", count)
}
