package web_test

import (
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

// TestDuplicateKeysRefused: a body that gives a key twice in any object,
// in any letter case, is refused with 400 and changes nothing. The
// decoder would keep the last value: {"amount":"1.00","AMOUNT":"100.00"}
// would post $100.00 while a reader of the first key saw $1.00.
func TestDuplicateKeysRefused(t *testing.T) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := sqldbtest.Open(t, d)
			ctx, _ := sqldbtest.Org(t, db, "Lakeside")
			s := seed(t, ctx, db)
			srv, err := web.NewServer(web.Config{Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db, Ping: db.Ping})
			if err != nil {
				t.Fatal(err)
			}
			srv.RoutePatientPayments(db)
			hs := httptest.NewServer(srv)
			t.Cleanup(hs.Close)
			a, _ := rcm.ActorFromContext(ctx)
			_, token, err := db.CreateAPIToken(ctx, a.UserID, "test", 0)
			if err != nil {
				t.Fatal(err)
			}
			e := &testEnv{db: db, srv: hs, ctx: ctx, admin: token}

			patientURL := "/api/v1/patients/" + strconv.FormatInt(s.patient.ID, 10)
			patient := func(mod string) string {
				return `{"account_number":"A2002","first_name":"Bea","last_name":"Testpatient","birth_date":"1990-01-01","sex":"F",
				"address":{"line1":"1 Elm St","city":"Springfield","state":"IL","zip":"62701"` + mod
			}
			encounter := fmt.Sprintf(`{"patient_id":%d,"practice_id":%d,"rendering_provider_id":%d,"date_of_service":"2026-01-02","place_of_service":"11",
				"diagnoses":[{"code":"E11.9"}],"lines":[{"code":"99213","units":1,"charge":"125.50","pointers":[1]},{"code":"99214","units":1,"charge":"1.00","Charge":"900.00","pointers":[1]}]}`,
				s.patient.ID, s.practice.ID, s.provider.ID)
			coverage := fmt.Sprintf(`{"patient_id":%d,"payer_id":%d,"order":2,"member_id":"M1","relationship":"01","effective_from":"2025-01-01",
				"subscriber":{"first_name":"Al","last_name":"Testpatient","birth_date":"1960-01-01","sex":"M","birth_date":"1961-01-01",
				"address":{"line1":"1 Elm St","city":"Springfield","state":"IL","zip":"62701"}}}`, s.patient.ID, s.payer.ID)
			payments := patientURL + "/payments"

			for _, tt := range []struct {
				name, method, path, body string
				field, message           string
			}{
				{"payment amount twice", "POST", payments, `{"amount":"1.00","method":"cash","key":"pay-1","amount":"100.00"}`, "amount", `duplicate key "amount"`},
				{"payment amount in another case", "POST", payments, `{"amount":"1.00","AMOUNT":"100.00","method":"cash","key":"pay-1"}`, "AMOUNT", `duplicate key "AMOUNT" (the same field as "amount")`},
				{"key with an escape", "POST", payments, `{"amount":"1.00","\u0061mount":"100.00","method":"cash","key":"pay-1"}`, "amount", `duplicate key "amount"`},
				{"Kelvin sign", "POST", payments, `{"amount":"1.00","method":"cash","key":"pay-1","\u212aey":"pay-2"}`, "\u212aey", "duplicate key \"\u212aey\" (the same field as \"key\")"},
				{"nested object", "POST", "/api/v1/patients", patient(`,"zip":"99999"}}`), "address.zip", `duplicate key "zip"`},
				{"case variant on update", "PUT", patientURL, patient(`},"Last_Name":"Other"}`), "Last_Name", `duplicate key "Last_Name" (the same field as "last_name")`},
				{"inside an array", "POST", "/api/v1/encounters", encounter, "lines[1].Charge", `duplicate key "Charge" (the same field as "charge")`},
				{"coverage subscriber", "POST", patientURL + "/coverages", coverage, "subscriber.birth_date", `duplicate key "birth_date"`},
			} {
				t.Run(tt.name, func(t *testing.T) {
					before := rowCounts(t, e)
					var ledger0 int
					if err := db.QueryRowContext(ctx, "SELECT count(*) FROM ledger_entry").Scan(&ledger0); err != nil {
						t.Fatal(err)
					}
					got := e.request(t, tt.method, tt.path, token, tt.body).wantError(t, 400, rcm.EINVALID, tt.field)
					if got.Message != tt.message {
						t.Errorf("message = %q, want %q", got.Message, tt.message)
					}
					if diff := cmp.Diff(before, rowCounts(t, e)); diff != "" {
						t.Errorf("a refused request changed rows (-before +after):\n%s", diff)
					}
					var ledger1 int
					if err := db.QueryRowContext(ctx, "SELECT count(*) FROM ledger_entry").Scan(&ledger1); err != nil || ledger1 != ledger0 {
						t.Errorf("ledger entries %d -> %d (%v)", ledger0, ledger1, err)
					}
				})
			}
			var got rcm.Patient
			e.request(t, "GET", patientURL, token, "").decode(t, 200, &got)
			if diff := cmp.Diff(*s.patient, got, cmpIgnoreOrg); diff != "" {
				t.Errorf("patient changed by refused requests (-want +got):\n%s", diff)
			}
			// The same bodies without the repeat are accepted: the refusal is
			// the duplicate's, not the body's.
			e.request(t, "POST", "/api/v1/patients", token, strings.Replace(patient(`}}`), "A2002", "A2003", 1)).decode(t, 201, &rcm.Patient{})
		})
	}
}
