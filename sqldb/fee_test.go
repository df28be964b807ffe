package sqldb_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestFeeScheduleScopes: a provider's price beats the practice's beats
// the organization's, a modifier's beats the code's, an entry that has
// ended is out, and an import with one bad entry stores none.
func TestFeeScheduleScopes(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		s := sqldbtest.Seed(t, ctx, db)
		other, _ := sqldbtest.Org(t, db, "Org B")
		d := rcm.MustParseDate
		pr, prov := s.Practice.ID, s.Provider.ID
		entries := []rcm.FeeScheduleEntry{
			{Code: "99213", Charge: 10000, EffectiveFrom: d("2025-01-01"), EffectiveTo: d("2025-12-31")},
			{Code: "99213", Charge: 11000, EffectiveFrom: d("2026-01-01")},
			{PracticeID: pr, Code: "99213", Charge: 11500, EffectiveFrom: d("2026-01-01")},
			{PracticeID: pr, ProviderID: prov, Code: "99213", Charge: 13000, EffectiveFrom: d("2026-03-01")},
			{Code: "99213", Modifier: "25", Charge: 12000, EffectiveFrom: d("2026-01-01")},
		}
		if err := db.ImportFees(ctx, entries); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			q    rcm.FeeQuery
			want rcm.Money
			code string
		}{
			{"organization's 2025 price", rcm.FeeQuery{Code: "99213", On: d("2025-06-01")}, 10000, ""},
			{"ended before the date", rcm.FeeQuery{Code: "99213", On: d("2024-06-01")}, 0, rcm.ENOTFOUND},
			{"organization's 2026 price", rcm.FeeQuery{Code: "99213", On: d("2026-02-01")}, 11000, ""},
			{"the practice's own", rcm.FeeQuery{PracticeID: pr, Code: "99213", On: d("2026-02-01")}, 11500, ""},
			{"the provider's, not yet in force", rcm.FeeQuery{PracticeID: pr, ProviderID: prov, Code: "99213", On: d("2026-02-01")}, 11500, ""},
			{"the provider's", rcm.FeeQuery{PracticeID: pr, ProviderID: prov, Code: "99213", On: d("2026-03-01")}, 13000, ""},
			{"the modifier's before the provider's", rcm.FeeQuery{PracticeID: pr, ProviderID: prov, Code: "99213", Modifier: "25", On: d("2026-03-01")}, 12000, ""},
			{"lower-case code", rcm.FeeQuery{Code: "99213", Modifier: "", On: d("2026-02-01")}, 11000, ""},
		}
		for _, tt := range tests {
			got, err := db.FindFeeFor(ctx, tt.q)
			if rcm.ErrorCode(err) != tt.code || got != tt.want {
				t.Errorf("%s: FindFeeFor = %v, %v; want %v %q", tt.name, got, err, tt.want, tt.code)
			}
		}
		list, err := db.FindFees(ctx, rcm.FeeFilter{Code: "99213", On: d("2026-03-01")})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 4 {
			t.Errorf("in force on 2026-03-01: %d entries, want 4: %+v", len(list), list)
		}

		// One bad entry (another organization's provider, or a bad code)
		// and nothing is stored.
		before, _ := db.FindFees(ctx, rcm.FeeFilter{})
		for name, bad := range map[string]rcm.FeeScheduleEntry{
			"foreign provider":      {ProviderID: prov + 1000, Code: "99214", Charge: 1, EffectiveFrom: d("2026-01-01")},
			"short code":            {Code: "9921", Charge: 1, EffectiveFrom: d("2026-01-01")},
			"ends before it starts": {Code: "99214", Charge: 1, EffectiveFrom: d("2026-01-01"), EffectiveTo: d("2025-01-01")},
		} {
			err := db.ImportFees(ctx, []rcm.FeeScheduleEntry{{Code: "99215", Charge: 1, EffectiveFrom: d("2026-01-01")}, bad})
			if err == nil {
				t.Errorf("%s: imported", name)
			}
		}
		after, _ := db.FindFees(ctx, rcm.FeeFilter{})
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("a refused import changed the schedule (-before +after):\n%s", diff)
		}
		// The other organization sees none of it.
		if l, err := db.FindFees(other, rcm.FeeFilter{}); err != nil || len(l) != 0 {
			t.Errorf("organization B lists %d entries, %v", len(l), err)
		}
		// Only setup may change it.
		coder := rcm.NewContextWithActor(ctx, rcm.Actor{UserID: 1, OrgID: s.Practice.OrgID, Role: rcm.RoleCoder})
		wantCode(t, db.ImportFees(coder, entries[:1]), rcm.EFORBIDDEN)
	})
}
