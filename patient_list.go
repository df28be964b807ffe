package rcm

import "context"

// PatientListTotals sums the patients a patient-list filter matches, on
// every page: how many, and their open balances together.
type PatientListTotals struct {
	Patients int   `json:"patients"`
	Open     Money `json:"open"`
}

// PatientListService reads what the patient list shows beside each
// patient, one query for a page rather than one per row.
type PatientListService interface {
	// PatientListTotals counts the patients f matches (ignoring After,
	// Limit and Offset) and sums their open balances.
	PatientListTotals(ctx context.Context, f PatientFilter) (PatientListTotals, error)
	// FindPatientBalancesOf returns the open balances of these patients
	// (those with none are left out); at most 1000 at once.
	FindPatientBalancesOf(ctx context.Context, patientIDs []int64) ([]PatientBalance, error)
	// FindPrimaryCoverages returns, for each of these patients that has
	// one, the coverage first in order among those in effect on asOf (or,
	// when none is, the first in order); at most 1000 at once.
	FindPrimaryCoverages(ctx context.Context, patientIDs []int64, asOf Date) (map[int64]*Coverage, error)
}
