package sqldb_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestFindEncountersAfter: keyset paging of encounters, newest date of
// service first then id, alike on both databases (issue 16).
func TestFindEncountersAfter(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Lakeside")
		s := sqldbtest.Seed(t, ctx, db)
		var es []*rcm.Encounter
		for _, dos := range []string{"2026-01-10", "2026-01-12", "2026-01-10", "2026-01-08"} {
			e := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID,
				DateOfService: rcm.MustParseDate(dos), PlaceOfService: "11"}
			if err := db.CreateEncounter(ctx, e); err != nil {
				t.Fatal(err)
			}
			es = append(es, e)
		}
		// In order: 01-12 (es[1]), 01-10 (es[2], the larger id), 01-10 (es[0]), 01-08 (es[3]).
		var got []int64
		f := rcm.EncounterFilter{Limit: 2}
		for range 3 {
			page, err := db.FindEncounters(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page {
				got = append(got, e.ID)
			}
			if len(page) < 2 {
				break
			}
			f.After = page[len(page)-1]
		}
		if diff := cmp.Diff([]int64{es[1].ID, es[2].ID, es[0].ID, es[3].ID}, got); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
	})
}
