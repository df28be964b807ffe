package codingaudit_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/codingaudit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

var hash = sync.OnceValue(func() string {
	h, err := sqldb.HashPassword("a long test password 1")
	if err != nil {
		panic(err)
	}
	return h
})

func TestSample(t *testing.T) {
	ids := []int64{9, 3, 5, 7, 1, 11, 13, 15, 17, 19}
	a, b := codingaudit.Sample(ids, 4, 42), codingaudit.Sample(ids, 4, 42)
	if !cmp.Equal(a, b) || len(a) != 4 {
		t.Fatalf("the same seed gave %v and %v", a, b)
	}
	differ := false
	for seed := int64(1); seed < 10; seed++ {
		if !cmp.Equal(codingaudit.Sample(ids, 4, seed), a) {
			differ = true
		}
	}
	if !differ {
		t.Errorf("nine other seeds all gave %v", a)
	}
	if got := codingaudit.Sample(ids, 50, 1); len(got) != len(ids) {
		t.Errorf("a sample larger than the frame has %d ids, want all %d", len(got), len(ids))
	}
}

type actors struct {
	admin, coder, auditor context.Context
	coderUser             *rcm.User
}

func users(t *testing.T, db *sqldb.DB) (actors, sqldbtest.Seeded) {
	ctx, org := sqldbtest.Org(t, db, "Audit Org")
	s := sqldbtest.Seed(t, ctx, db)
	mk := func(name, role string) (context.Context, *rcm.User) {
		u := &rcm.User{OrgID: org.ID, Username: name, Name: name, Role: role}
		if err := db.CreateUserWithHash(ctx, u, hash()); err != nil {
			t.Fatal(err)
		}
		return rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: u.ID, OrgID: org.ID, Role: role, Reason: "test"}), u
	}
	var a actors
	a.admin = ctx
	a.coder, a.coderUser = mk("casey.coder", rcm.RoleCoder)
	a.auditor, _ = mk("alex.auditor", rcm.RoleAuditor)
	return a, s
}

// TestAuditEndToEnd draws, re-codes blind and reports on both databases,
// with figures worked by hand.
func TestAuditEndToEnd(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := sqldbtest.Open(t, dialect)
			a, s := users(t, db)
			dos := rcm.MustParseDate("2026-01-02")
			if err := db.ImportFees(a.admin, []rcm.FeeScheduleEntry{
				{Code: "99213", Charge: 10000, EffectiveFrom: rcm.MustParseDate("2025-01-01")},
				{Code: "99214", Charge: 15000, EffectiveFrom: rcm.MustParseDate("2025-01-01")},
			}); err != nil {
				t.Fatal(err)
			}
			// Four encounters the coder finishes, one left open, one the
			// admin finished: the frame is the four.
			var ids []int64
			for i, who := range []context.Context{a.coder, a.coder, a.coder, a.coder, a.coder, a.admin} {
				e := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID, DateOfService: dos.AddDays(i),
					PlaceOfService: "11", Note: "Assessment: type 2 diabetes mellitus. Essential hypertension.",
					Diagnoses: []rcm.Diagnosis{{Code: "I10"}, {Code: "E11.9"}},
					Lines:     []rcm.ServiceLine{{Code: "99214", Units: 1, Charge: 15000, Pointers: []int{1, 2}}}}
				if err := db.CreateEncounter(who, e); err != nil {
					t.Fatal(err)
				}
				if i != 4 {
					e.Status = rcm.EncounterCoded
					if err := db.UpdateEncounter(who, e); err != nil {
						t.Fatal(err)
					}
				}
				ids = append(ids, e.ID)
			}
			req := codingaudit.DrawRequest{CoderID: a.coderUser.ID, From: dos, To: dos.AddDays(30), Size: 2, Seed: 7}
			if _, err := codingaudit.Draw(a.coder, db, req); rcm.ErrorCode(err) != rcm.EFORBIDDEN {
				t.Errorf("a coder drew a sample: %v", err)
			}
			au, err := codingaudit.Draw(a.auditor, db, req)
			if err != nil {
				t.Fatal(err)
			}
			again, err := codingaudit.Draw(a.auditor, db, req)
			if err != nil {
				t.Fatal(err)
			}
			var got, want []int64
			for i := range au.Items {
				got = append(got, au.Items[i].EncounterID)
				want = append(want, again.Items[i].EncounterID)
			}
			if au.Frame != 4 || !cmp.Equal(got, want) || !cmp.Equal(got, codingaudit.Sample(ids[:4], 2, 7)) {
				t.Fatalf("frame %d, samples %v and %v, want the same two of %v", au.Frame, got, want, ids[:4])
			}
			view, err := codingaudit.View(a.auditor, db, au.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range view.Items {
				if it.Coder != nil {
					t.Fatalf("the coder's codes are shown before re-coding: %+v", it)
				}
			}
			cat := codeset.NewCatalog(codeset.Starter())
			// The auditor: E11.9 first, I10, Z79.4; a 99213 visit.
			truth := codingaudit.Coding{Diagnoses: []string{"E11.9", "I10", "Z79.4"}, Lines: []codingaudit.Line{{Code: "99213", Units: 1}}}
			if _, err := codingaudit.Recode(a.auditor, db, cat, au.ID, got[0], codingaudit.Coding{Diagnoses: []string{"E11.99"}}); rcm.ErrorCode(err) != rcm.EINVALID {
				t.Errorf("an unknown code was taken: %v", err)
			}
			if _, err := codingaudit.Recode(a.auditor, db, cat, au.ID, got[0], truth); err != nil {
				t.Fatal(err)
			}
			if _, err := codingaudit.Recode(a.auditor, db, cat, au.ID, got[0], truth); rcm.ErrorCode(err) != rcm.ECONFLICT {
				t.Errorf("re-coded twice: %v", err)
			}
			view, _ = codingaudit.View(a.auditor, db, au.ID)
			if view.Items[0].Coder == nil || view.Items[1].Coder != nil {
				t.Errorf("after one re-coding, the coder's codes should show for it alone: %+v", view.Items)
			}
			r, err := codingaudit.MakeReport(a.auditor, db, cat, au.ID)
			if err != nil {
				t.Fatal(err)
			}
			c := r.Coder
			// Coder: I10, E11.9 against E11.9, I10, Z79.4; 99214 against
			// 99213 ($150 over, $100 under).
			if r.Pending != 1 || c.DxAgree != 2 || c.DxCoded != 2 || c.DxTruth != 3 || c.FirstListedAgree != 0 || c.ProcAgree != 0 ||
				c.OverCoded != 15000 || c.UnderCoded != 10000 {
				t.Errorf("report: pending %d, score %+v", r.Pending, c)
			}
			if r.Machine.Encounters != 1 {
				t.Errorf("the suggestions were not scored: %+v", r.Machine)
			}
			var csv bytes.Buffer
			if err := r.WriteCSV(&csv); err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"diagnosis missed,Z79.4,Long term (current) use of insulin,,,,\r\n", `procedure not supported,,,99214 x1,"Established patient office visit, moderate complexity",150.00,yes`} {
				if !strings.Contains(csv.String(), s) {
					t.Errorf("CSV lacks %q:\n%s", s, csv.String())
				}
			}
			evs, err := db.FindAuditEvents(a.admin, rcm.AuditFilter{PatientID: s.Patient.ID, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range evs {
				if e.Entity == "coding_audit" {
					n++
				}
			}
			// Two draws, two views, one re-coding (and its read), one report.
			if n < 6 {
				t.Errorf("%d audit events for the coding audit, want at least 6", n)
			}
		})
	}
}

// TestReportPDF prints a report and reads it back with pdftotext: the
// summary row and each difference with both codes in words.
func TestReportPDF(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed")
	}
	truth := codingaudit.Coding{Diagnoses: []string{"E11.9", "Z79.4"}, Lines: []codingaudit.Line{{Code: "99213", Units: 1}}}
	coded := codingaudit.Coding{Diagnoses: []string{"E11.9"}, Lines: []codingaudit.Line{{Code: "99214", Units: 1}}}
	s := codingaudit.ScoreCoding(truth, coded, func(code, _ string) (rcm.Money, bool) {
		return map[string]rcm.Money{"99213": 10000, "99214": 15000}[code], true
	})
	dos := rcm.MustParseDate("2026-01-02")
	codingaudit.Describe(&s, codeset.NewCatalog(codeset.Starter()), "1", dos)
	au := &codingaudit.Audit{ID: 3, CoderName: "casey.coder", AuditorName: "alex.auditor", From: dos, To: dos.AddDays(30), Size: 1, Seed: 7, Frame: 4,
		Items: []codingaudit.Item{{EncounterID: 12, DateOfService: dos}}}
	r := &codingaudit.Report{Audit: au, Items: []codingaudit.ItemReport{{Item: au.Items[0], Coder: s}}, Coder: s}
	path := filepath.Join(t.TempDir(), "audit.pdf")
	var buf bytes.Buffer
	if err := r.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{
		"Coding audit 3: casey.coder",
		"1 drawn of 4 finished (seed 7) by auditor alex.auditor",
		"casey.coder 1 100% 50% 0% 0% 100% 100% 100% $150.00 $100.00",
		"diagnosis missed: auditor Z79.4 Long term (current) use of insulin; coded none",
		"procedure not supported: auditor none; coded 99214 x1 Established patient office visit, moderate complexity (over-coded $150.00)",
		"procedure missed: auditor 99213 x1 Established patient office visit, low complexity; coded none (under-coded $100.00)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
}

// TestPracticeProgress stores a learner's attempts on both databases and
// reads back their progress: two tries at one case, the better kept as
// best; another user's attempts are not theirs.
func TestPracticeProgress(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := sqldbtest.Open(t, dialect)
			a, _ := users(t, db)
			cat := codeset.NewCatalog(codeset.Starter())
			first, err := codingaudit.Submit(a.coder, db, cat, "6", codingaudit.Coding{Diagnoses: []string{"J02.9", "R50.9"}, Lines: []codingaudit.Line{{Code: "99213", Units: 1}}})
			if err != nil {
				t.Fatal(err)
			}
			if len(first.Diffs) != 5 || first.Diffs[0].Rationale == nil || !strings.Contains(first.Diffs[0].Rationale.Index, "Pharyngitis > streptococcal") {
				t.Errorf("first attempt's differences: %+v", first.Diffs)
			}
			if _, err := codingaudit.Submit(a.coder, db, cat, "06-strep-pharyngitis", codingaudit.Coding{Diagnoses: []string{"J02.0"}, Lines: []codingaudit.Line{{Code: "99213", Units: 1}, {Code: "87880", Modifiers: []string{"QW"}, Units: 1}}}); err != nil {
				t.Fatal(err)
			}
			if _, err := codingaudit.Submit(a.admin, db, cat, "1", codingaudit.Coding{Diagnoses: []string{"E11.9"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := codingaudit.Submit(a.coder, db, cat, "99", codingaudit.Coding{Diagnoses: []string{"E11.9"}}); rcm.ErrorCode(err) != rcm.ENOTFOUND {
				t.Errorf("an unknown case: %v", err)
			}
			p, err := codingaudit.FindProgress(a.coder, db)
			if err != nil {
				t.Fatal(err)
			}
			best := p.Best["06-strep-pharyngitis"]
			// Two attempts: 1 truth dx each, coded 2 then 1, agreeing 0 then 1.
			if len(p.Attempts) != 2 || p.Total.DxTruth != 2 || p.Total.DxCoded != 3 || p.Total.DxAgree != 1 || best == nil || best.ID != p.Attempts[1].ID || p.Cases != 14 {
				t.Errorf("progress: %d attempts, total %+v, best %+v", len(p.Attempts), p.Total, best)
			}
			if !cmp.Equal(p.Attempts[0].Coding.Diagnoses, []string{"J02.9", "R50.9"}) {
				t.Errorf("stored codes %+v", p.Attempts[0].Coding)
			}
		})
	}
}
