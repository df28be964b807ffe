package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestFieldTypeErrorsSpeakToUsers: a money or date field the decoder
// hands to the field's own parser comes back with that parser's message,
// not with the Go form of the domain error ("rcm error: code=invalid
// message=...") as it once did.
func TestFieldTypeErrorsSpeakToUsers(t *testing.T) {
	e := newTestEnv(t, sqldbtest.Open(t, sqldb.SQLite))
	s := seed(t, e.ctx, e.db)
	encounter := func(charge string) string {
		return fmt.Sprintf(`{"patient_id":%d,"practice_id":%d,"rendering_provider_id":%d,"date_of_service":"2026-01-02","place_of_service":"11",
			"diagnoses":[{"code":"E11.9"}],"lines":[{"code":"99213","units":1,"charge":%s,"pointers":[1]}]}`, s.patient.ID, s.practice.ID, s.provider.ID, charge)
	}
	for _, tt := range []struct{ name, body, want string }{
		{"money as a number", encounter(`125.5`), `An amount must be a decimal string such as "125.50", not 125.5.`},
		{"money in words", encounter(`"ten"`), `An amount must be a decimal string such as "125.50": amount "ten": not a decimal amount.`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := rowCounts(t, e)
			got := e.request(t, "POST", "/api/v1/encounters", e.admin, tt.body).wantError(t, 400, rcm.EINVALID, "")
			if got.Message != tt.want || strings.Contains(got.Message, "code=") {
				t.Errorf("message = %q, want %q", got.Message, tt.want)
			}
			if diff := cmp.Diff(before, rowCounts(t, e)); diff != "" {
				t.Errorf("a refused request changed rows (-before +after):\n%s", diff)
			}
		})
	}
}
