package sqldb_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestPatientListReads: a name anywhere in the names, the totals of a
// filter over every page, the open balances and the primary coverages of a
// page, each in one query, alike on both databases (issue 16).
func TestPatientListReads(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Lakeside")
		s := sqldbtest.Seed(t, ctx, db)
		other := &rcm.Patient{AccountNumber: "A1002", FirstName: "Johanna", LastName: "McSmith", BirthDate: rcm.MustParseDate("1975-06-01"),
			Sex: "F", Address: sqldbtest.Address()}
		third := &rcm.Patient{AccountNumber: "A1003", FirstName: "Bo", LastName: "Lee", BirthDate: rcm.MustParseDate("1975-06-01"),
			Sex: "M", Address: sqldbtest.Address()}
		for _, p := range []*rcm.Patient{other, third} {
			if err := db.CreatePatient(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		// Ada owes 80.00 less a 30.00 payment; Johanna 25.00; Bo nothing.
		for _, c := range []struct {
			p      *rcm.Patient
			charge string
		}{{s.Patient, "80.00"}, {other, "25.00"}} {
			enc := &rcm.Encounter{PatientID: c.p.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID,
				DateOfService: rcm.MustParseDate("2026-01-05"), PlaceOfService: "11", Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
				Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: rcm.MustParseMoney(c.charge), Pointers: []int{1}}}}
			if err := db.CreateEncounter(ctx, enc); err != nil {
				t.Fatal(err)
			}
			lines, err := db.FindServiceLineIDs(ctx, enc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.PostLedger(ctx, new(ledger.Transaction).Charge(lines[0], 0, rcm.MustParseMoney(c.charge))); err != nil {
				t.Fatal(err)
			}
			if c.p == s.Patient {
				if _, err := db.PostPatientPayment(ctx, rcm.PatientPayment{PatientID: c.p.ID, Amount: rcm.MustParseMoney("30.00"), Method: "cash", Reference: "R1", Key: "payment-0001"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		totals := []struct {
			name string
			f    rcm.PatientFilter
			want rcm.PatientListTotals
		}{
			{"everyone", rcm.PatientFilter{}, rcm.PatientListTotals{Patients: 3, Open: rcm.MustParseMoney("75.00")}},
			{"inside a name", rcm.PatientFilter{Name: "smi", NameAnywhere: true}, rcm.PatientListTotals{Patients: 1, Open: rcm.MustParseMoney("25.00")}},
			{"last, first", rcm.PatientFilter{Name: "mcsmith, joh", NameAnywhere: true}, rcm.PatientListTotals{Patients: 1, Open: rcm.MustParseMoney("25.00")}},
			{"a wildcard is a letter", rcm.PatientFilter{Name: "%", NameAnywhere: true}, rcm.PatientListTotals{}},
			{"prefix only without NameAnywhere", rcm.PatientFilter{Name: "smi"}, rcm.PatientListTotals{}},
			{"birth date", rcm.PatientFilter{BirthDate: rcm.MustParseDate("1975-06-01")}, rcm.PatientListTotals{Patients: 2, Open: rcm.MustParseMoney("25.00")}},
			{"no balance", rcm.PatientFilter{AccountNumber: "a1003"}, rcm.PatientListTotals{Patients: 1}},
			{"balance due", rcm.PatientFilter{BalanceDue: true}, rcm.PatientListTotals{Patients: 2, Open: rcm.MustParseMoney("75.00")}},
			{"balance due, born 1975", rcm.PatientFilter{BalanceDue: true, BirthDate: rcm.MustParseDate("1975-06-01")},
				rcm.PatientListTotals{Patients: 1, Open: rcm.MustParseMoney("25.00")}},
		}
		for _, tt := range totals {
			got, err := db.PatientListTotals(ctx, tt.f)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if got != tt.want {
				t.Errorf("%s: totals %+v, want %+v", tt.name, got, tt.want)
			}
		}
		bs, err := db.FindPatientBalancesOf(ctx, []int64{s.Patient.ID, third.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(bs) != 1 || bs[0].PatientID != s.Patient.ID || bs[0].Open != rcm.MustParseMoney("50.00") {
			t.Errorf("balances of a page: %+v; want Ada's 50.00 alone", bs)
		}
		// Ada: an ended primary and a current secondary (the one in
		// effect wins); Johanna: only one that has ended (shown anyway).
		covs := []*rcm.Coverage{
			{PatientID: s.Patient.ID, PayerID: s.Payer.ID, Order: 1, MemberID: "OLD111", Relationship: "18",
				EffectiveFrom: rcm.MustParseDate("2020-01-01"), EffectiveTo: rcm.MustParseDate("2021-12-31")},
			{PatientID: s.Patient.ID, PayerID: s.Payer.ID, Order: 2, MemberID: "NEW222", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2022-01-01")},
			{PatientID: other.ID, PayerID: s.Payer.ID, Order: 1, MemberID: "JMC333", Relationship: "18",
				EffectiveFrom: rcm.MustParseDate("2020-01-01"), EffectiveTo: rcm.MustParseDate("2021-12-31")},
		}
		for _, c := range covs {
			if err := db.CreateCoverage(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct {
			payer int64
			want  int
		}{{s.Payer.ID, 2}, {s.Payer.ID + 1000, 0}} {
			if got, err := db.PatientListTotals(ctx, rcm.PatientFilter{PayerID: tt.payer}); err != nil || got.Patients != tt.want {
				t.Errorf("payer %d: %+v %v; want %d patients", tt.payer, got, err, tt.want)
			}
		}
		got, err := db.FindPrimaryCoverages(ctx, []int64{s.Patient.ID, other.ID, third.ID}, rcm.MustParseDate("2026-01-05"))
		if err != nil {
			t.Fatal(err)
		}
		members := map[int64]string{}
		for id, c := range got {
			members[id] = c.MemberID
		}
		if diff := cmp.Diff(map[int64]string{s.Patient.ID: "NEW222", other.ID: "JMC333"}, members); diff != "" {
			t.Errorf("primary coverages (-want +got):\n%s", diff)
		}
	})
}
