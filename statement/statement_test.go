package statement_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/statement"
)

// TestBuild: two visits; the payer paid the first with a copay left to
// the patient, who paid part of it; the second is still with the payer.
// The statement lists both, oldest first, with the ledger's figures.
func TestBuild(t *testing.T) {
	m := rcm.MustParseMoney
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			db := sqldbtest.Open(t, d)
			ctx, _ := sqldbtest.Org(t, db, "Lakeside")
			s := sqldbtest.Seed(t, ctx, db)
			visit := func(day string, code string, charge rcm.Money) int64 {
				t.Helper()
				e := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID, DateOfService: rcm.MustParseDate(day),
					PlaceOfService: "11", Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
					Lines: []rcm.ServiceLine{{Code: code, Modifiers: []string{"25"}, Units: 1, Charge: charge, Pointers: []int{1}}}}
				if err := db.CreateEncounter(ctx, e); err != nil {
					t.Fatal(err)
				}
				ids, err := db.FindServiceLineIDs(ctx, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				return ids[0]
			}
			// Created out of date order: the statement sorts by service date.
			later := visit("2026-02-20", "99214", m("150"))
			first := visit("2026-01-10", "99213", m("100"))
			post := func(tx *ledger.Transaction) {
				t.Helper()
				if err := db.PostLedger(ctx, tx); err != nil {
					t.Fatal(err)
				}
			}
			p := s.Payer.ID
			post(new(ledger.Transaction).Charge(first, p, m("100")))
			post(new(ledger.Transaction).Charge(later, p, m("150")))
			post(new(ledger.Transaction).PayerPayment(first, p, m("60"), "ACH").Adjust(first, p, "CO", "45", m("20")).PatientShare(first, p, "3", m("20")))
			post(new(ledger.Transaction).PatientPayment(first, m("5"), "cash"))

			// A visit not coded yet has no lines and bills nothing.
			if err := db.CreateEncounter(ctx, &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID,
				DateOfService: rcm.MustParseDate("2026-02-25"), PlaceOfService: "11", Note: "Not coded yet."}); err != nil {
				t.Fatal(err)
			}
			st, err := statement.Build(ctx, db, s.Patient.ID, rcm.MustParseDate("2026-03-01"), false)
			if err != nil {
				t.Fatal(err)
			}
			want := []statement.Line{
				{DateOfService: rcm.MustParseDate("2026-01-10"), Code: "99213", Modifiers: []string{"25"}, Charge: m("100"), InsurancePaid: m("60"),
					Adjusted: m("20"), PatientPaid: m("5"), Due: m("15")},
				{DateOfService: rcm.MustParseDate("2026-02-20"), Code: "99214", Modifiers: []string{"25"}, Charge: m("150"), InsuranceOpen: m("150")},
			}
			if diff := cmp.Diff(want, st.Lines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			if st.Due != m("15") || st.Charges != m("250") || st.InsuranceOpen != m("150") || st.DueBy != rcm.MustParseDate("2026-03-31") ||
				st.Practice.ID != s.Practice.ID || st.Patient.ID != s.Patient.ID {
				t.Errorf("statement: due %s, charges %s, with insurance %s, due by %s", st.Due, st.Charges, st.InsuranceOpen, st.DueBy)
			}
			open, err := statement.Build(ctx, db, s.Patient.ID, rcm.MustParseDate("2026-03-01"), true)
			if err != nil || len(open.Lines) != 1 || open.Lines[0].Code != "99213" || open.Due != m("15") {
				t.Errorf("open only: %+v, %v", open, err)
			}
			other := &rcm.Patient{AccountNumber: "A2002", FirstName: "No", LastName: "Visits", BirthDate: rcm.MustParseDate("1990-01-01"), Sex: "M", Address: sqldbtest.Address()}
			if err := db.CreatePatient(ctx, other); err != nil {
				t.Fatal(err)
			}
			if _, err := statement.Build(ctx, db, other.ID, rcm.MustParseDate("2026-03-01"), false); rcm.ErrorCode(err) != rcm.ENOTFOUND {
				t.Errorf("patient without visits: %v", err)
			}
		})
	}
}
