package rcm

// PipelineClaim is what the claim pipeline's queued work needs to know of
// one claim to scrub or submit it: its id, encounter, payer and state, and
// nothing that names the patient.
type PipelineClaim struct {
	ID          int64
	EncounterID int64
	PayerID     int64
	State       string
}
