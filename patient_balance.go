package rcm

// PatientBalance is a patient's open balance over all their lines: who gets
// a statement. It lives in the domain so the statements screen reads it
// through its own store interface.
type PatientBalance struct {
	OrgID         int64  `json:"-"`
	PatientID     int64  `json:"patient_id"`
	AccountNumber string `json:"account_number"`
	Open          Money  `json:"open"`
}
