package web

import (
	"net/http"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/eob"
	"github.com/openrcm/openrcm/fhir"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/suggest"
)

// The descriptions of the routes registered outside routes(), one function
// per Route* method, called from it so a route and its description are
// added together.

// patientBalance is the shape of one row of GET /api/v1/patient-balances
// (the store's own type, which this package may not import).
type patientBalance struct {
	PatientID     int64     `json:"patient_id"`
	AccountNumber string    `json:"account_number"`
	Open          rcm.Money `json:"open"`
}

// userAction is the answer of the admin's unlock and MFA reset.
type userAction struct {
	Username string `json:"username"`
	Status   string `json:"status"`
}

func (s *Server) describeCodes() {
	s.Describe("GET /api/v1/codes/search", Operation{Tag: "codes", Summary: "Search the code sets (encoder) as of a date of service.",
		Query: []string{"q", "system", "dos", "limit"}, Response: codeset.Hit{}, List: "hits"})
	s.Describe("GET /api/v1/codes/validate", Operation{Tag: "codes", Summary: "Validate codes as of a date of service, for a patient's age and sex.",
		Query: []string{"code", "dos", "age", "sex", "system"}, Response: codeset.Validation{}})
	s.Describe("POST /api/v1/codes/suggest", Operation{Tag: "codes", Summary: "Suggest codes from a note (or an encounter's note, audited), with evidence and path.",
		Body: suggestBody{}, Response: suggest.Result{}})
}

func (s *Server) describeRemittances() {
	s.Describe("POST /api/v1/remittances", Operation{Tag: "remittance", Summary: "Post an 835 file (all or nothing; a copy already posted is reported, not posted).",
		BodyMedia: "application/edi-x12", Response: remit.Result{}, List: "results"})
	s.Describe("GET /api/v1/remittances", Operation{Tag: "remittance", Summary: "Remittances received, newest first.",
		Query: []string{"payer_id", "trace", "paid_from", "paid_to", "posted_from", "posted_to", "before", "limit", "offset"}, Response: remit.RemittanceSummary{}, List: "remittances"})
	s.Describe("GET /api/v1/remittances/{id}", Operation{Tag: "remittance", Summary: "One remittance with its claim and service payments.", Response: remit.RemittanceDetail{}})
	s.Describe("GET /api/v1/denials", Operation{Tag: "remittance", Summary: "Denied lines with their CARC/RARC explained; format=csv for a spreadsheet.",
		Query: []string{"payer_id", "limit", "offset", "format"}, Response: remit.Denial{}, List: "denials", AlsoMedia: "text/csv"})
	s.Describe("GET /api/v1/remittance-exceptions", Operation{Tag: "remittance", Summary: "Remittance lines that could not be posted.",
		Query: []string{"status", "limit", "offset"}, Response: remit.Exception{}, List: "exceptions"})
	s.Describe("POST /api/v1/remittance-exceptions/{id}/resolve", Operation{Tag: "remittance", Summary: "Resolve an exception with a kind and a note.",
		Body: resolveRequest{}, Response: remit.Exception{}})
	s.Describe("POST /api/v1/remittance-exceptions/{id}/apply", Operation{Tag: "remittance",
		Summary: "Apply unapplied check money held by the exception to a claim line of the check's payer (at most what is left and what the line owes; once per key); the exception closes when nothing is left.",
		Body:    applyRequest{}, Response: remit.Exception{}})
	s.Describe("GET /api/v1/patient-balances", Operation{Tag: "ledger", Summary: "Patients with an open balance, largest first.",
		Response: patientBalance{}, List: "balances"})
}

func (s *Server) describePatientPayments() {
	s.Describe("POST /api/v1/patients/{id}/payments", Operation{Tag: "ledger", Summary: "Post a patient's payment toward their balance (idempotent by key).",
		Body: rcm.PatientPayment{}, Status: http.StatusCreated, Response: ledger.Transaction{}})
	s.Describe("POST /api/v1/patients/{id}/write-offs", Operation{Tag: "ledger", Summary: "Write off part of a patient's balance (idempotent by key).",
		Body: rcm.PatientWriteOff{}, Status: http.StatusCreated, Response: ledger.Transaction{}})
}

func (s *Server) describeCredentials() {
	s.Describe("POST /api/v1/me/password", Operation{Tag: "user", Summary: "Change one's own password.", Body: passwordChange{}, Status: http.StatusNoContent})
	for _, prefix := range []string{"/api/v1/me", "/api/v1/users/{id}"} {
		whose := "one's own"
		if prefix != "/api/v1/me" {
			whose = "a user's (admins)"
		}
		s.Describe("GET "+prefix+"/tokens", Operation{Tag: "user", Summary: "List " + whose + " API tokens.", Response: rcm.APIToken{}, List: "tokens"})
		s.Describe("DELETE "+prefix+"/tokens/{token}", Operation{Tag: "user", Summary: "Revoke one of " + whose + " API tokens.", Status: http.StatusNoContent})
		s.Describe("GET "+prefix+"/sessions", Operation{Tag: "user", Summary: "List " + whose + " workbench sessions.", Response: rcm.Session{}, List: "sessions"})
		s.Describe("DELETE "+prefix+"/sessions/{session}", Operation{Tag: "user", Summary: "End one of " + whose + " workbench sessions.", Status: http.StatusNoContent})
	}
}

func (s *Server) describeUsers() {
	s.Describe("POST /api/v1/users/{username}/unlock", Operation{Tag: "user", Summary: "End a user's sign-in lock before its cooling time (admins).", Response: userAction{}})
	s.Describe("POST /api/v1/users/{username}/mfa-reset", Operation{Tag: "user", Summary: "Remove a user's lost second factor (admins).", Response: userAction{}})
}

func (s *Server) describeFollowUp() {
	s.Describe("GET /api/v1/followups", Operation{Tag: "followup", Summary: "The A/R follow-up queue, by due date (owner_id=none for the unassigned; after an item's id for the next page; format=csv for a spreadsheet).",
		Query: []string{"payer_id", "category", "owner_id", "due_by", "state", "after", "limit", "format"}, Response: followup.Item{}, List: "followups", AlsoMedia: "text/csv"})
	s.Describe("POST /api/v1/followups/assign", Operation{Tag: "followup", Summary: "Assign work items to a user.",
		Body: assignRequest{}, Response: assignResult{}})
	s.Describe("POST /api/v1/followups/notes", Operation{Tag: "followup", Summary: "Note a work item, with an optional next follow-up date.",
		Body: noteRequest{}, Response: followup.Item{}})
	s.Describe("POST /api/v1/followups/close", Operation{Tag: "followup", Summary: "Close a work item with its outcome; written_off (administrators) posts the write-off of the claim's open insurance balance, or amount of it, with a reason, in the same transaction.",
		Body: closeRequest{}, Response: followup.Item{}})
	s.Describe("GET /api/v1/claims/{id}/status", Operation{Tag: "followup", Summary: "The claim's status checks (276/277), oldest first; format=csv for a spreadsheet.",
		Query: []string{"format"}, Response: claimstatus.Check{}, List: "status_checks", AlsoMedia: "text/csv"})
	s.Describe("GET /api/v1/claims/{id}/appeals", Operation{Tag: "followup", Summary: "The claim's appeals, oldest first.",
		Response: followup.Appeal{}, List: "appeals"})
	s.Describe("POST /api/v1/claims/{id}/appeals", Operation{Tag: "followup", Summary: "Record an appeal of the claim.",
		Body: appealRequest{}, Status: http.StatusCreated, Response: followup.Appeal{}})
	s.Describe("GET /api/v1/claims/{id}/appeal-letter", Operation{Tag: "followup", Summary: "The letter of the claim's latest appeal, as a PDF.",
		ResponseMedia: "application/pdf"})
	s.Describe("POST /api/v1/eobs", Operation{Tag: "remittance", Summary: "Post a paper EOB or lockbox check: 201 when posted, 200 when the payer's check was posted before (nothing posted).",
		Body: eob.Check{}, Status: http.StatusCreated, AlsoStatus: http.StatusOK, Response: remit.Result{}})
}

func (s *Server) describeFHIR() {
	s.Describe("POST /fhir/R4", Operation{Tag: "fhir", Summary: "Import a FHIR R4 Bundle (transaction or collection) of patients, coverages and encounters, all or nothing.",
		BodyMedia: "application/fhir+json", Body: FHIRResource("Bundle"), Response: fhir.Result{}})
	for _, kind := range []string{"Patient", "Coverage", "Claim", "ExplanationOfBenefit"} {
		what := map[string]string{"Patient": "a patient", "Coverage": "a coverage", "Claim": "a claim",
			"ExplanationOfBenefit": "a posted 835 claim payment (by its id)"}[kind]
		s.Describe("GET /fhir/R4/"+kind+"/{id}", Operation{Tag: "fhir", Summary: "Export " + what + " as a FHIR R4 " + kind + ".",
			Response: FHIRResource(kind), ResponseMedia: "application/fhir+json"})
	}
}
