package web_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

func TestOrganizationIsolation(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		mine := seed(t, e.ctx, e.db)
		otherCtx, _ := sqldbtest.Org(t, e.db, "Hilltop")
		a, _ := rcm.ActorFromContext(otherCtx)
		other := e.tokenFor(t, otherCtx, a.UserID)
		pid := strconv.FormatInt(mine.patient.ID, 10)
		patientJSON := mustJSON(t, mine.patient)

		// Another organization's records do not exist for this token: 404,
		// not 403, so ids reveal nothing.
		for _, tt := range []struct{ method, path, body string }{
			{"GET", "/api/v1/patients/" + pid, ""},
			{"PUT", "/api/v1/patients/" + pid, strings.Replace(patientJSON, "Ada", "Eve", 1)},
			{"GET", "/api/v1/patients/" + pid + "/coverages", ""},
			{"GET", "/api/v1/payers/" + strconv.FormatInt(mine.payer.ID, 10), ""},
			{"GET", "/api/v1/practices/" + strconv.FormatInt(mine.practice.ID, 10), ""},
			{"GET", "/api/v1/providers/" + strconv.FormatInt(mine.provider.ID, 10), ""},
		} {
			t.Run(tt.method+" "+tt.path, func(t *testing.T) {
				e.request(t, tt.method, tt.path, other, tt.body).wantError(t, http.StatusNotFound, rcm.ENOTFOUND, "")
			})
		}
		t.Run("lists hold only its own", func(t *testing.T) {
			for _, path := range []string{"/api/v1/patients", "/api/v1/payers", "/api/v1/practices", "/api/v1/providers", "/api/v1/encounters", "/api/v1/audit"} {
				var list map[string][]map[string]any
				e.request(t, "GET", path, other, "").decode(t, http.StatusOK, &list)
				for key, items := range list {
					// The other admin's own audit events (the making of its
					// token) are all it may see; this organization's rows never.
					n := 0
					for _, it := range items {
						if it["action"] != rcm.AuditTokenCreate || it["user_id"] != float64(a.UserID) {
							n++
						}
					}
					if n != 0 {
						t.Errorf("GET %s as another organization: %d %s, want none", path, n, key)
					}
				}
			}
		})
		t.Run("cannot point at another's records", func(t *testing.T) {
			body := mustJSON(t, rcm.Coverage{PayerID: mine.payer.ID, Order: 1, MemberID: "M123", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")})
			// The other organization's patient does not exist for this caller.
			e.request(t, "POST", "/api/v1/patients/"+pid+"/coverages", other, body).wantError(t, http.StatusNotFound, rcm.ENOTFOUND, "")
		})
		t.Run("record unchanged", func(t *testing.T) {
			var got rcm.Patient
			e.request(t, "GET", "/api/v1/patients/"+pid, e.admin, "").decode(t, http.StatusOK, &got)
			if diff := cmp.Diff(*mine.patient, got, cmpIgnoreOrg); diff != "" {
				t.Errorf("patient changed by another organization (-want +got):\n%s", diff)
			}
		})
	})
}

func TestPatientReadsAreAudited(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		s := seed(t, e.ctx, e.db)
		auditor, _ := e.user(t, rcm.RoleAuditor)
		biller, billerUser := e.user(t, rcm.RoleBiller)
		admin, _ := rcm.ActorFromContext(e.ctx)
		pid := strconv.FormatInt(s.patient.ID, 10)

		e.request(t, "GET", "/api/v1/patients/"+pid, e.admin, "", "X-RCM-Reason", "claim 2026-0042 follow-up").decode(t, http.StatusOK, &rcm.Patient{})
		e.request(t, "GET", "/api/v1/patients/"+pid, biller, "").decode(t, http.StatusOK, &rcm.Patient{})
		e.request(t, "GET", "/api/v1/patients?name=testp", biller, "", "X-RCM-Reason", "statement run").decode(t, http.StatusOK, &map[string]any{})

		var got struct {
			Events []rcm.AuditEvent `json:"events"`
		}
		e.request(t, "GET", "/api/v1/audit?patient_id="+pid, auditor, "").decode(t, http.StatusOK, &got)
		type entry struct {
			UserID   int64
			Action   string
			Entity   string
			EntityID int64
			Reason   string
		}
		var entries []entry
		for _, ev := range got.Events {
			if ev.PatientID != s.patient.ID && !slices.Contains(ev.PatientIDs, s.patient.ID) {
				t.Errorf("audit?patient_id=%d returned an event of patient %d", s.patient.ID, ev.PatientID)
			}
			entries = append(entries, entry{ev.UserID, ev.Action, ev.Entity, ev.EntityID, ev.Reason})
		}
		// Newest first: the list (one event naming every patient it
		// showed), the two reads, and the creation by the seeding (whose
		// context gives the reason "test").
		want := []entry{
			{billerUser.ID, rcm.AuditRead, "patients", 0, "statement run"},
			{billerUser.ID, rcm.AuditRead, "patient", s.patient.ID, "treatment-payment-operations"},
			{admin.UserID, rcm.AuditRead, "patient", s.patient.ID, "claim 2026-0042 follow-up"},
			{admin.UserID, rcm.AuditCreate, "patient", s.patient.ID, "test"},
		}
		if diff := cmp.Diff(want, entries); diff != "" {
			t.Errorf("audit events mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestRequestLogHasNoPHI(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		s := seed(t, e.ctx, e.db)
		pid := strconv.FormatInt(s.patient.ID, 10)
		e.request(t, "GET", "/api/v1/patients/"+pid, e.admin, "").decode(t, http.StatusOK, &rcm.Patient{})
		e.request(t, "GET", "/api/v1/patients?name=Testpatient", e.admin, "").decode(t, http.StatusOK, &map[string]any{})
		e.request(t, "PUT", "/api/v1/patients/"+pid, e.admin, strings.Replace(mustJSON(t, s.patient), "Springfield", "Zenithville", 1)).decode(t, http.StatusOK, &rcm.Patient{})
		e.request(t, "POST", "/api/v1/patients", e.admin, `{"first_name":"Quixotica"}`).wantError(t, http.StatusBadRequest, rcm.EINVALID, "account_number")

		logs := e.logs.String()
		for _, want := range []string{`"pattern":"GET /api/v1/patients/{id}"`, `"pattern":"PUT /api/v1/patients/{id}"`, `"status":400`, `"method":"POST"`} {
			if !strings.Contains(logs, want) {
				t.Errorf("log lacks %s:\n%s", want, logs)
			}
		}
		for _, phi := range []string{"Testpatient", "Ada", "Zenithville", "Quixotica", "1980-02-29", "/api/v1/patients/" + pid} {
			if strings.Contains(logs, phi) {
				t.Errorf("log holds %q:\n%s", phi, logs)
			}
		}
	})
}
