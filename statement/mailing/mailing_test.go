package mailing_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/statement/mailing"
)

// failingStore fails the page of statements after the first ok pages, as
// a worker killed part-way through a run.
type failingStore struct {
	*sqldb.DB
	ok int
}

var errCrash = errors.New("worker died")

func (s *failingStore) AddRunStatements(ctx context.Context, runID int64, sts []*mailing.Statement) ([]*mailing.Statement, error) {
	if s.ok == 0 {
		return nil, errCrash
	}
	s.ok--
	return s.DB.AddRunStatements(ctx, runID, sts)
}

// TestRunStatements: of five patients, the two with a balance due get a
// statement (one to her guarantor), not the one whose visit is paid in
// full, not the one on hold, not the one without a charge. A run that
// fails part-way and is run again finishes without sending anyone twice;
// a run within the cycle sends nothing; a run after the cycle sends again.
func TestRunStatements(t *testing.T) {
	m := rcm.MustParseMoney
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			db := sqldbtest.Open(t, d)
			ctx, _ := sqldbtest.Org(t, db, "Lakeside")
			s := sqldbtest.Seed(t, ctx, db)
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			patient := func(acct, first string, g *rcm.Guarantor) *rcm.Patient {
				p := &rcm.Patient{AccountNumber: acct, FirstName: first, LastName: "Statement", BirthDate: rcm.MustParseDate("2015-05-01"), Sex: "F",
					Address: sqldbtest.Address(), Guarantor: g}
				must(db.CreatePatient(ctx, p))
				return p
			}
			// owe gives the patient a visit charged 100 of which they owe
			// patientShare after the payer, and paid paid of it.
			owe := func(p *rcm.Patient, patientShare, paid rcm.Money) {
				e := &rcm.Encounter{PatientID: p.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID, DateOfService: rcm.MustParseDate("2026-01-10"),
					PlaceOfService: "11", Diagnoses: []rcm.Diagnosis{{Code: "I10"}}, Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: m("100"), Pointers: []int{1}}}}
				must(db.CreateEncounter(ctx, e))
				ids, err := db.FindServiceLineIDs(ctx, e.ID)
				must(err)
				must(db.PostLedger(ctx, new(ledger.Transaction).Charge(ids[0], s.Payer.ID, m("100"))))
				must(db.PostLedger(ctx, new(ledger.Transaction).PayerPayment(ids[0], s.Payer.ID, m("100")-patientShare, "ACH").
					PatientShare(ids[0], s.Payer.ID, "2", patientShare)))
				if paid > 0 {
					must(db.PostLedger(ctx, new(ledger.Transaction).PatientPayment(ids[0], paid, "cash")))
				}
			}
			child := patient("B2001", "Bea", &rcm.Guarantor{Relationship: rcm.GuarantorParent, FirstName: "Gale", LastName: "Guardian", Address: sqldbtest.Address()})
			owe(child, m("40"), m("15.50"))
			adult := patient("B2002", "Cy", nil)
			owe(adult, m("20"), 0)
			paidUp := patient("B2003", "Di", nil)
			owe(paidUp, m("30"), m("30"))
			held := patient("B2004", "Ed", nil)
			owe(held, m("25"), 0)
			must(db.HoldStatements(ctx, held.ID, "disputes the bill"))
			patient("B2005", "Fa", nil) // no visit, no balance

			day := rcm.MustParseDate("2026-03-01")
			// The worker dies after the first page of one patient.
			_, _, err := mailing.RunStatements(ctx, &failingStore{DB: db, ok: 1}, day, mailing.Options{Page: 1})
			if !errors.Is(err, errCrash) {
				t.Fatalf("first attempt: %v, want the crash", err)
			}
			// The job is retried: the run of the day gets the other patient.
			run, added, err := mailing.RunStatements(ctx, db, day, mailing.Options{Page: 1})
			must(err)
			if len(added) != 1 || run == nil {
				t.Fatalf("retry added %d statements, want 1 (run %+v)", len(added), run)
			}
			list, err := db.FindRunStatements(ctx, mailing.Filter{RunID: run.ID})
			must(err)
			var got []string
			for _, st := range list {
				got = append(got, st.AccountNumber+" "+st.To.Name+" "+st.Amount.Dollars())
			}
			slices.Sort(got)
			if want := []string{"B2001 Gale Guardian $24.50", "B2002 Cy Statement $20.00"}; !slices.Equal(got, want) {
				t.Errorf("statements of the run: %q, want %q", got, want)
			}
			// A worker that committed a page and died before saying so
			// stores it again: nothing is added.
			again, err := db.AddRunStatements(ctx, run.ID, list)
			if err != nil || len(again) != 0 {
				t.Errorf("page stored twice: %d added, %v", len(again), err)
			}
			runs, err := db.FindStatementRuns(ctx, 0)
			must(err)
			if len(runs) != 1 || runs[0].Statements != 2 || runs[0].Total != m("44.50") || runs[0].FinishedAt.IsZero() {
				t.Errorf("runs: %+v", runs)
			}

			// The PDF names the guarantor, for the patient, and the amount.
			var toChild *mailing.Statement
			for _, st := range list {
				if st.PatientID == child.ID {
					toChild = st
				}
			}
			full, err := db.FindRunStatementPDF(ctx, toChild.ID)
			must(err)
			if toChild.To.For != "Bea Statement" {
				t.Errorf("statement for %q, want the patient", toChild.To.For)
			}
			if _, err := exec.LookPath("pdftotext"); err == nil {
				file := filepath.Join(t.TempDir(), "s.pdf")
				must(os.WriteFile(file, full.PDF, 0o600))
				out, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").Output()
				must(err)
				text := strings.Join(strings.Fields(string(out)), " ")
				for _, want := range []string{"Gale Guardian", "$24.50", "B2001"} {
					if !strings.Contains(text, want) {
						t.Errorf("statement PDF lacks %q:\n%s", want, text)
					}
				}
			} else if !strings.HasPrefix(string(full.PDF), "%PDF-") {
				t.Errorf("stored statement is not a PDF: %.20q", full.PDF)
			}

			// Within the cycle: nobody is due, there is no run.
			if run, added, err := mailing.RunStatements(ctx, db, day.AddDays(10), mailing.Options{}); err != nil || run != nil || len(added) != 0 {
				t.Errorf("run within the cycle: %+v, %d added, %v", run, len(added), err)
			}
			// Mailed, then after the cycle, both owe still: a new run.
			n, err := db.MarkStatementsMailed(ctx, []int64{list[0].ID, list[1].ID, list[0].ID})
			if err != nil || n != 2 {
				t.Errorf("marked %d mailed, %v", n, err)
			}
			if left, err := db.FindRunStatements(ctx, mailing.Filter{Unmailed: true}); err != nil || len(left) != 0 {
				t.Errorf("to mail after marking: %d, %v", len(left), err)
			}
			next, added, err := mailing.RunStatements(ctx, db, day.AddDays(31), mailing.Options{})
			must(err)
			if next == nil || next.ID == run.ID || len(added) != 2 {
				t.Errorf("run after the cycle: %+v, %d added", next, len(added))
			}
		})
	}
}
