package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/openrcm/openrcm"
)

// TestEncountersPageIsOneListRead: the coder's queue of encounters for
// six patients writes two audit events (the encounters and their
// patients, each one list), not one per row and one per patient, and
// each patient's trail still shows the view.
func TestEncountersPageIsOneListRead(t *testing.T) {
	f := newFixture(t)
	patients := []int64{f.patient.ID}
	for i := range 5 {
		p := &rcm.Patient{AccountNumber: fmt.Sprintf("Q%03d", i), FirstName: "Quinn", LastName: fmt.Sprintf("Queue%d", i),
			BirthDate: rcm.MustParseDate("1975-05-05"), Sex: "F", Address: f.patient.Address}
		if err := f.db.CreatePatient(f.ctx, p); err != nil {
			t.Fatal(err)
		}
		e := &rcm.Encounter{PatientID: p.ID, PracticeID: f.encounter.PracticeID, RenderingProviderID: f.encounter.RenderingProviderID,
			DateOfService: f.encounter.DateOfService, PlaceOfService: "11"}
		if err := f.db.CreateEncounter(f.ctx, e); err != nil {
			t.Fatal(err)
		}
		patients = append(patients, p.ID)
	}
	count := func() int {
		var n int
		if err := f.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_event WHERE org_id = ?`, f.org.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	b := f.browser(t)
	b.login("cora.coder")
	before := count()
	if status, _, _ := b.get("/encounters?status=all"); status != http.StatusOK {
		t.Fatal(status)
	}
	if got := count() - before; got != 2 {
		t.Errorf("the encounters page wrote %d audit events, want 2", got)
	}
	for _, id := range patients {
		evs, err := f.db.FindAuditEvents(f.ctx, rcm.AuditFilter{PatientID: id, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 || evs[0].Entity != "patients" && evs[0].Entity != "encounters" {
			t.Errorf("patient %d's latest audit event is not the page's list read: %+v", id, evs)
		}
	}
}
