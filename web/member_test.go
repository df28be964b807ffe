package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

// GET /patients?member_id= finds a patient by a whole member ID, spelled
// with or without dashes and in either case, and audits the read; a part
// of an ID finds nothing; a malformed one is refused; the ID stays out of
// the request log.
func TestFindPatientsByMemberID(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		s := seed(t, e.ctx, e.db)
		if err := e.db.CreateCoverage(e.ctx, &rcm.Coverage{PatientID: s.patient.ID, PayerID: s.payer.ID, Order: 1, MemberID: "WQ7-55-1029",
			Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}); err != nil {
			t.Fatal(err)
		}
		biller, _ := e.user(t, rcm.RoleBiller)
		tests := []struct {
			query string
			want  []int64
		}{
			{"WQ7-55-1029", []int64{s.patient.ID}},
			{"wq7551029", []int64{s.patient.ID}},
			{"WQ7 55 1029", []int64{s.patient.ID}},
			{"WQ7-55", nil},
		}
		for _, tt := range tests {
			var got struct {
				Patients []rcm.Patient `json:"patients"`
			}
			e.request(t, "GET", "/api/v1/patients?member_id="+url.QueryEscape(tt.query), biller, "").decode(t, http.StatusOK, &got)
			var ids []int64
			for _, p := range got.Patients {
				ids = append(ids, p.ID)
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" {
				t.Errorf("member_id=%q mismatch (-want +got):\n%s", tt.query, diff)
			}
		}
		for _, bad := range []string{"x", "A*B", strings.Repeat("9", 81), " AB1"} {
			e.request(t, "GET", "/api/v1/patients?member_id="+url.QueryEscape(bad), biller, "").wantError(t, http.StatusBadRequest, rcm.EINVALID, "member_id")
		}
		events, err := e.db.FindAuditEvents(e.ctx, rcm.AuditFilter{PatientID: s.patient.ID})
		if err != nil {
			t.Fatal(err)
		}
		reads := 0
		for _, ev := range events {
			// A search is one list read naming the patients it found.
			if ev.Action == rcm.AuditRead && ev.Entity == "patients" {
				reads++
			}
		}
		if reads != 3 {
			t.Errorf("%d patient reads audited; want 3, one per search that found the patient", reads)
		}
		if logs := e.logs.String(); strings.Contains(logs, "1029") {
			t.Errorf("the request log holds the member ID:\n%s", logs)
		}
	})
}
