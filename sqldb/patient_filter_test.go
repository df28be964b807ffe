package sqldb_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestFindPatientsByWhatUsersType: the account number (any case), the date
// of birth and keyset paging (After) narrow FindPatients alike on both
// databases (issue 16).
func TestFindPatientsByWhatUsersType(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Lakeside")
		addr := rcm.Address{Line1: "1 Main St", City: "Springfield", State: "IL", ZIP: "62701"}
		var all []*rcm.Patient
		for i, name := range [][2]string{{"Ann", "Lee"}, {"Bo", "Lee"}, {"Cy", "Lee"}, {"Al", "Moss"}, {"Di", "Abel"}} {
			p := &rcm.Patient{AccountNumber: fmt.Sprintf("AC%03d", i), FirstName: name[0], LastName: name[1],
				BirthDate: rcm.MustParseDate("1990-05-01").AddDays(i % 2), Sex: "F", Address: addr}
			if err := db.CreatePatient(ctx, p); err != nil {
				t.Fatal(err)
			}
			all = append(all, p)
		}
		accounts := func(f rcm.PatientFilter) []string {
			t.Helper()
			ps, err := db.FindPatients(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range ps {
				out = append(out, p.AccountNumber)
			}
			return out
		}
		tests := []struct {
			name string
			f    rcm.PatientFilter
			want []string
		}{
			{"account", rcm.PatientFilter{AccountNumber: "AC002"}, []string{"AC002"}},
			{"account, lower case", rcm.PatientFilter{AccountNumber: "ac002"}, []string{"AC002"}},
			{"unknown account", rcm.PatientFilter{AccountNumber: "AC999"}, nil},
			{"birth date", rcm.PatientFilter{BirthDate: rcm.MustParseDate("1990-05-02")}, []string{"AC001", "AC003"}},
			{"first page", rcm.PatientFilter{Limit: 2}, []string{"AC004", "AC000"}},
			{"after Lee, Ann", rcm.PatientFilter{After: all[0], Limit: 2}, []string{"AC001", "AC002"}},
			{"after Lee, Cy", rcm.PatientFilter{After: all[2]}, []string{"AC003"}},
			{"after the last", rcm.PatientFilter{After: all[3]}, nil},
			{"name and after", rcm.PatientFilter{Name: "lee", After: all[1]}, []string{"AC002"}},
		}
		for _, tt := range tests {
			if diff := cmp.Diff(tt.want, accounts(tt.f)); diff != "" {
				t.Errorf("%s: accounts mismatch (-want +got):\n%s", tt.name, diff)
			}
		}
	})
}
