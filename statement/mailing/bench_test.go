package mailing_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/statement/mailing"
)

// owingPatients makes n patients who each owe $20 after the payer, on
// SQLite.
func owingPatients(b *testing.B, n int) (context.Context, *sqldb.DB, []int64) {
	db := sqldbtest.Open(b, "sqlite")
	ctx, _ := sqldbtest.Org(b, db, "Bench")
	s := sqldbtest.Seed(b, ctx, db)
	var ids []int64
	for i := range n {
		p := &rcm.Patient{AccountNumber: fmt.Sprintf("B%04d", i), FirstName: "Pat", LastName: "Bench", BirthDate: rcm.MustParseDate("1980-01-01"), Sex: "F",
			Address: sqldbtest.Address()}
		e := &rcm.Encounter{PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID, DateOfService: rcm.MustParseDate("2026-01-10"), PlaceOfService: "11",
			Diagnoses: []rcm.Diagnosis{{Code: "I10"}}, Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: 10000, Pointers: []int{1}}}}
		if err := db.CreatePatient(ctx, p); err != nil {
			b.Fatal(err)
		}
		e.PatientID = p.ID
		if err := db.CreateEncounter(ctx, e); err != nil {
			b.Fatal(err)
		}
		lines, err := db.FindServiceLineIDs(ctx, e.ID)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.PostLedger(ctx, new(ledger.Transaction).Charge(lines[0], s.Payer.ID, 10000).PayerPayment(lines[0], s.Payer.ID, 8000, "ACH").
			PatientShare(lines[0], s.Payer.ID, "2", 2000)); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	return ctx, db, ids
}

const benchPatients = 20

// BenchmarkRunStatements is one statement run of 20 owing patients per
// op: chosen, printed, sealed and stored a page at a time, each on a day
// a cycle after the last.
func BenchmarkRunStatements(b *testing.B) {
	ctx, db, _ := owingPatients(b, benchPatients)
	day := rcm.MustParseDate("2026-03-01")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_, added, err := mailing.RunStatements(ctx, db, day.AddDays(31*i), mailing.Options{})
		if err != nil || len(added) != benchPatients {
			b.Fatalf("run %d: %d added, %v", i, len(added), err)
		}
	}
}

// BenchmarkPrintStatements is the peer: the same 20 statements printed
// (mailing.Print) and kept nowhere, as the batch print does.
func BenchmarkPrintStatements(b *testing.B) {
	ctx, db, ids := owingPatients(b, benchPatients)
	day := rcm.MustParseDate("2026-03-01")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, id := range ids {
			if _, _, err := mailing.Print(ctx, db, id, day, true, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
}
