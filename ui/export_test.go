package ui

// SetPageSizes shortens the claims and patients pages, so that a small
// fixture has several pages; the returned func restores them.
func SetPageSizes(claims, patients int) (restore func()) {
	c, p := claimPage, patientPage
	claimPage, patientPage = claims, patients
	return func() { claimPage, patientPage = c, p }
}

// SetStatementPage shortens the statements page; the returned func
// restores it.
func SetStatementPage(n int) (restore func()) {
	s := statementPage
	statementPage = n
	return func() { statementPage = s }
}

// SetEncounterPage shortens the coding list's page; the returned func
// restores it.
func SetEncounterPage(n int) (restore func()) {
	e := encounterPage
	encounterPage = n
	return func() { encounterPage = e }
}
