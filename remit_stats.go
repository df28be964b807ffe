package rcm

// RemitStats counts stored remittance rows, for tests and reports. It is a
// domain type so the remittance screen can show the counts without
// importing sqldb.
type RemitStats struct {
	Remittances, ClaimPayments, Lines, Exceptions, ProviderAdjustments int
}
