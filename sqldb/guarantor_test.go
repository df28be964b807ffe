package sqldb_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestGuarantor stores a patient's guarantor, reads it back, refuses an
// incomplete one and clears it, on both databases.
func TestGuarantor(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := sqldbtest.Open(t, dialect)
			ctx, _ := sqldbtest.Org(t, db, "Org G")
			s := sqldbtest.Seed(t, ctx, db)
			p := s.Patient
			g := &rcm.Guarantor{Relationship: rcm.GuarantorGuardian, FirstName: "Rhea", LastName: "Voss", Phone: "2175550190",
				Address: rcm.Address{Line1: "3 Mill Rd", City: "Athens", State: "IL", ZIP: "62613"}}
			p.Guarantor = g
			if err := db.UpdatePatient(ctx, p); err != nil {
				t.Fatal(err)
			}
			got, err := db.FindPatientByID(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(g, got.Guarantor); diff != "" {
				t.Errorf("guarantor mismatch (-want +got):\n%s", diff)
			}
			bad := *got
			bad.Guarantor = &rcm.Guarantor{Relationship: "uncle", FirstName: "X", LastName: "Y", Address: g.Address}
			if err := db.UpdatePatient(ctx, &bad); rcm.ErrorField(err) != "guarantor.relationship" {
				t.Errorf("bad relationship: %v (field %q)", err, rcm.ErrorField(err))
			}
			bad.Guarantor = &rcm.Guarantor{Relationship: rcm.GuarantorParent, FirstName: "X", LastName: "Y"}
			if err := db.UpdatePatient(ctx, &bad); rcm.ErrorField(err) != "guarantor.address.line1" {
				t.Errorf("no address: %v (field %q)", err, rcm.ErrorField(err))
			}
			got.Guarantor = nil
			if err := db.UpdatePatient(ctx, got); err != nil {
				t.Fatal(err)
			}
			if again, _ := db.FindPatientByID(ctx, p.ID); again.Guarantor != nil {
				t.Errorf("guarantor not cleared: %+v", again.Guarantor)
			}
		})
	}
}
