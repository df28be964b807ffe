package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

// TestFHIRRoutes drives the FHIR door: a bundle posted by the admin, the
// patient it made read back as a FHIR Patient (and audited), and a coder's
// and an auditor's attempts to import refused.
func TestFHIRRoutes(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite")
	ctx, org := sqldbtest.Org(t, db, "Lakeside")
	sqldbtest.Seed(t, ctx, db)
	srv, err := web.NewServer(web.Config{Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db, Ping: db.Ping})
	if err != nil {
		t.Fatal(err)
	}
	srv.RouteFHIR(db, nil)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	a, _ := rcm.ActorFromContext(ctx)
	_, admin, err := db.CreateAPIToken(ctx, a.UserID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	coder := &rcm.User{OrgID: org.ID, Username: "lakeside.coder", Name: "Coder", Role: rcm.RoleCoder}
	if err := db.CreateUserWithHash(ctx, coder, "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"); err != nil {
		t.Fatal(err)
	}
	_, coderToken, err := db.CreateAPIToken(ctx, coder.ID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, token, ctype, body string) (int, string, http.Header) {
		req, _ := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		res, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := res.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return res.StatusCode, b.String(), res.Header
	}
	bundle, err := os.ReadFile("../fhir/testdata/visit.json")
	if err != nil {
		t.Fatal(err)
	}
	if code, body, _ := do("POST", "/fhir/R4", coderToken, "application/fhir+json", string(bundle)); code != http.StatusForbidden {
		t.Errorf("coder import: %d %s", code, body)
	}
	if code, body, _ := do("POST", "/fhir/R4", admin, "text/plain", string(bundle)); code != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain import: %d %s", code, body)
	}
	broken := strings.Replace(string(bundle), `"resourceType": "Organization"`, `"resourceType": "Observation"`, 1)
	if code, body, _ := do("POST", "/fhir/R4", admin, "application/fhir+json", broken); code != http.StatusBadRequest || !strings.Contains(body, "Observation") {
		t.Errorf("unknown resource: %d %s", code, body)
	}
	code, body, _ := do("POST", "/fhir/R4", admin, "application/fhir+json", string(bundle))
	if code != http.StatusOK {
		t.Fatalf("import: %d %s", code, body)
	}
	var res struct {
		PatientIDs map[string]int64 `json:"patient_ids"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	id := res.PatientIDs["Patient/p1"]
	code, body, hdr := do("GET", fmt.Sprintf("/fhir/R4/Patient/%d", id), admin, "", "")
	if code != http.StatusOK || hdr.Get("Content-Type") != "application/fhir+json" {
		t.Fatalf("read: %d %s %s", code, hdr.Get("Content-Type"), body)
	}
	var p struct {
		ResourceType string `json:"resourceType"`
		Identifier   []struct{ Value string }
		Name         []struct {
			Family string
			Given  []string
		}
		BirthDate string
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	if p.ResourceType != "Patient" || p.Identifier[0].Value != "FH-1001" || p.Name[0].Family != "Okonkwo" || p.BirthDate != "2012-04-09" {
		t.Errorf("FHIR Patient: %s", body)
	}
	if code, _, _ := do("GET", "/fhir/R4/Patient/999999", admin, "", ""); code != http.StatusNotFound {
		t.Errorf("unknown patient: %d", code)
	}
	evs, err := db.FindAuditEvents(ctx, rcm.AuditFilter{PatientID: id})
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, e := range evs {
		if e.Action == rcm.AuditRead && e.Entity == "patient" {
			reads++
		}
	}
	if reads == 0 {
		t.Errorf("the FHIR read of patient %d was not audited", id)
	}
}
