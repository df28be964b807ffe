package rcm

// LedgerFilter selects the service lines whose balances to read; zero
// fields select everything. It lives in the domain, not in storage, so the
// screens and the statement flow can ask for balances through their own
// store interfaces without importing sqldb.
type LedgerFilter struct {
	LineID      int64
	EncounterID int64
	PatientID   int64
}
