package sqldb_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestFindClaimsBefore pages the claims list by keyset: newest first, each
// page starting before the last claim of the one before, every claim once.
func TestFindClaimsBefore(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		s := seed(t, ctx, db)
		e, cov := seedEncounter(t, ctx, db, s)
		ids, err := db.FindServiceLineIDs(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for i := range 5 {
			c := &rcm.Claim{EncounterID: e.ID, PatientID: s.patient.ID, PayerID: s.payer.ID, CoverageID: cov.ID, ControlNumber: fmt.Sprintf("A1001-1-%d", i),
				Frequency: "1", DateOfService: e.DateOfService, PlaceOfService: "11", Diagnoses: e.Diagnoses,
				Lines: []rcm.ClaimLine{{ServiceLineID: ids[0], ServiceLine: e.Lines[0]}}}
			if err := db.CreateClaim(ctx, c); err != nil {
				t.Fatal(err)
			}
			want = append([]string{c.ControlNumber}, want...)
		}
		var got []string
		var pages []int
		f := rcm.ClaimFilter{Limit: 2}
		for range 5 {
			cs, err := db.FindClaims(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, len(cs))
			for _, c := range cs {
				got = append(got, c.ControlNumber)
			}
			if len(cs) < f.Limit {
				break
			}
			f.Before = cs[len(cs)-1].ID
		}
		if !slices.Equal(got, want) || !slices.Equal(pages, []int{2, 2, 1}) {
			t.Errorf("pages of %v gave %q; want %q newest first in pages of 2, 2, 1", pages, got, want)
		}
	})
}
