package sqldb_test

import (
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestAuthorizationUse: an authorization's units are used once per service
// line (using again replaces), never beyond the limit, and another
// organization can neither see nor use it.
func TestAuthorizationUse(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		s := sqldbtest.Seed(t, ctx, db)
		other, _ := sqldbtest.Org(t, db, "Org B")
		cov := &rcm.Coverage{PatientID: s.Patient.ID, PayerID: s.Payer.ID, Order: 1, MemberID: "W1", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
		if err := db.CreateCoverage(ctx, cov); err != nil {
			t.Fatal(err)
		}
		a := &rcm.Authorization{CoverageID: cov.ID, Kind: rcm.AuthPrior, Number: "PA1", CodeFrom: "97110", Units: 4,
			StartsOn: rcm.MustParseDate("2026-01-01"), EndsOn: rcm.MustParseDate("2026-02-28")}
		if err := db.CreateAuthorization(ctx, a); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			line  int64
			units int
			code  string
			used  int
		}{
			{101, 2, "", 2},
			{101, 2, "", 2}, // the same line again: replaced, not added
			{102, 2, "", 4},
			{103, 1, rcm.ECONFLICT, 4}, // used up
			{101, 3, rcm.ECONFLICT, 4}, // 3 + 2 from line 102 > 4
		}
		for i, st := range steps {
			err := db.UseAuthorization(ctx, a.ID, st.line, st.units)
			if rcm.ErrorCode(err) != st.code {
				t.Errorf("step %d: %v, want %q", i, err, st.code)
			}
			list, err := db.FindAuthorizations(ctx, cov.ID)
			if err != nil || len(list) != 1 || list[0].Used != st.used || list[0].Number != "PA1" {
				t.Fatalf("step %d: %+v, %v; want %d used", i, list, err, st.used)
			}
		}
		if _, err := db.FindAuthorizations(other, cov.ID); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Errorf("organization B lists A's: %v", err)
		}
		if err := db.UseAuthorization(other, a.ID, 200, 1); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Errorf("organization B uses A's: %v", err)
		}
		if err := db.CreateAuthorization(other, &rcm.Authorization{CoverageID: cov.ID, Kind: rcm.AuthPrior, Number: "X",
			StartsOn: rcm.MustParseDate("2026-01-01"), EndsOn: rcm.MustParseDate("2026-02-28")}); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Errorf("organization B records on A's coverage: %v", err)
		}
	})
}
