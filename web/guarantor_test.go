package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

// TestPatientGuarantorField sets a patient's guarantor through the API,
// reads it back, and has an incomplete one refused naming the field.
func TestPatientGuarantorField(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		s := seed(t, e.ctx, e.db)
		p := *s.patient
		g := &rcm.Guarantor{Relationship: rcm.GuarantorParent, FirstName: "Rhea", LastName: "Voss",
			Address: rcm.Address{Line1: "3 Mill Rd", City: "Athens", State: "IL", ZIP: "62613"}}
		p.Guarantor = g
		path := fmt.Sprintf("/api/v1/patients/%d", p.ID)
		var got rcm.Patient
		e.request(t, http.MethodPut, path, e.admin, mustJSON(t, &p)).decode(t, http.StatusOK, &got)
		e.request(t, http.MethodGet, path, e.admin, "").decode(t, http.StatusOK, &got)
		if diff := cmp.Diff(g, got.Guarantor); diff != "" {
			t.Errorf("guarantor mismatch (-want +got):\n%s", diff)
		}
		p.Guarantor = &rcm.Guarantor{Relationship: rcm.GuarantorGuardian, FirstName: "Rhea"}
		e.request(t, http.MethodPut, path, e.admin, mustJSON(t, &p)).wantError(t, http.StatusBadRequest, "invalid", "guarantor.last_name")
	})
}
