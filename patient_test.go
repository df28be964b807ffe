package rcm

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBirthDateBounds: a birth date before 1900 or after today (the
// caller's clock) is refused, for a patient and for a coverage's
// subscriber, by the one validation the API, the forms and imports share.
func TestBirthDateBounds(t *testing.T) {
	today := MustParseDate("2026-01-05")
	addr := Address{Line1: "1 Elm St", City: "Springfield", State: "IL", ZIP: "62701"}
	tests := []struct {
		name  string
		birth string // "" means none
		want  string // the message, "" for valid
	}{
		{"ordinary", "1980-02-29", ""},
		{"today: a newborn", "2026-01-05", ""},
		{"first day accepted", "1900-01-01", ""},
		{"tomorrow", "2026-01-06", "%s 2026-01-06 is in the future (today is 2026-01-05)."},
		{"placeholder 9999-12-31", "9999-12-31", "%s 9999-12-31 is in the future (today is 2026-01-05)."},
		{"next year", "2027-01-05", "%s 2027-01-05 is in the future (today is 2026-01-05)."},
		{"day before 1900", "1899-12-31", "%s 1899-12-31 is before 1900-01-01; check the year."},
		{"year 1", "0001-01-01", "%s 0001-01-01 is before 1900-01-01; check the year."},
		{"missing", "", "%s is required (YYYY-MM-DD)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var birth Date
			if tt.birth != "" {
				birth = MustParseDate(tt.birth)
			}
			p := &Patient{AccountNumber: "A1", FirstName: "Ada", LastName: "Test", BirthDate: birth, Sex: SexFemale, Address: addr}
			c := &Coverage{PatientID: 1, PayerID: 1, Order: 1, MemberID: "M123", Relationship: "01", EffectiveFrom: MustParseDate("2025-01-01"),
				Subscriber: &Subscriber{FirstName: "Al", LastName: "Test", BirthDate: birth, Sex: SexMale, Address: addr}}
			for _, v := range []struct {
				field string
				err   error
			}{{"birth_date", p.Validate(today)}, {"subscriber.birth_date", c.Validate(today)}} {
				want := (*Error)(nil)
				if tt.want != "" {
					want = &Error{Code: EINVALID, Field: v.field, Message: fmt.Sprintf(tt.want, v.field)}
				}
				var got *Error
				if v.err != nil {
					got, _ = v.err.(*Error)
					if got == nil {
						t.Fatalf("%s: error %v is not an *Error", v.field, v.err)
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", v.field, diff)
				}
			}
		})
	}
}
