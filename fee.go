package rcm

import "context"

// FeeQuery asks what the practice charges for a service: the code and
// first modifier, on the date of service, by the practice and rendering
// provider of the encounter.
type FeeQuery struct {
	PracticeID int64
	ProviderID int64
	Code       string
	Modifier   string
	On         Date
}

// FeeFilter narrows FindFees. Zero fields match every entry; On keeps the
// entries in force on that day.
type FeeFilter struct {
	Code       string
	PracticeID int64
	ProviderID int64
	On         Date
	Limit      int
	Offset     int
}

// FeeService keeps the organization's fee schedules (the charge master):
// what the practice bills per code and modifier, from a date, for every
// practice and provider or for one.
type FeeService interface {
	// FindFees lists entries by code, modifier, practice, provider and
	// date.
	FindFees(ctx context.Context, f FeeFilter) ([]*FeeScheduleEntry, error)
	// ImportFees stores entries all or nothing: an entry with the same
	// practice, provider, code, modifier and start replaces the stored one.
	ImportFees(ctx context.Context, entries []FeeScheduleEntry) error
	// FindFeeFor returns the charge in force for a service: the entry
	// with the modifier before the one without, then the provider's before
	// the practice's before the organization's, then the latest start.
	FindFeeFor(ctx context.Context, q FeeQuery) (Money, error)
}
