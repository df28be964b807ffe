// Package statement builds a patient statement: what the patient owes,
// service by service, after what insurance paid and adjusted and what the
// patient already paid. The figures are the ledger's; the pdf package
// prints them. CPT descriptors are licensed by the AMA and are not shipped,
// so a line shows its code, not a description.
package statement

import (
	"context"
	"slices"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

// DaysToPay is how long after the statement date the payment is due.
const DaysToPay = 30

// Statement is one patient's statement as of a date.
type Statement struct {
	Practice *rcm.Practice
	Patient  *rcm.Patient
	Date     rcm.Date
	DueBy    rcm.Date
	// Lines are the patient's services with a ledger, oldest first; only
	// those still owed when OpenOnly was asked for.
	Lines []Line
	// Totals over Lines.
	Charges, InsurancePaid, Adjusted, PatientPaid, InsuranceOpen, Due rcm.Money
}

// Line is one service on the statement.
type Line struct {
	DateOfService rcm.Date
	Code          string
	Modifiers     []string
	// Description is the code's words (Describe fills it): HCPCS from the
	// official file, CPT from the practice's imported text or its own
	// label; empty when no release knows the code.
	Description   string
	Charge        rcm.Money
	InsurancePaid rcm.Money
	Adjusted      rcm.Money
	PatientPaid   rcm.Money
	// InsuranceOpen is still with a payer (pending); Due is the patient's.
	InsuranceOpen rcm.Money
	Due           rcm.Money
}

// Store is what a statement is read from; *sqldb.DB implements it. Each
// read of the patient's data is audited by the store.
type Store interface {
	FindPatientByID(ctx context.Context, id int64) (*rcm.Patient, error)
	FindPracticeByID(ctx context.Context, id int64) (*rcm.Practice, error)
	FindEncounters(ctx context.Context, f rcm.EncounterFilter) ([]*rcm.Encounter, error)
	FindServiceLineIDs(ctx context.Context, encounterID int64) ([]int64, error)
	FindLineBalances(ctx context.Context, f rcm.LedgerFilter) ([]*ledger.LineBalance, error)
}

// Build reads the patient's statement as of on. With openOnly, services
// the patient owes nothing on are left out (the totals then cover what is
// listed). A patient without a practice visit has no statement (ENOTFOUND).
func Build(ctx context.Context, s Store, patientID int64, on rcm.Date, openOnly bool) (*Statement, error) {
	p, err := s.FindPatientByID(ctx, patientID)
	if err != nil {
		return nil, err
	}
	var encs []*rcm.Encounter
	for off := 0; ; off += 1000 {
		page, err := s.FindEncounters(ctx, rcm.EncounterFilter{PatientID: patientID, Limit: 1000, Offset: off})
		if err != nil {
			return nil, err
		}
		encs = append(encs, page...)
		if len(page) < 1000 {
			break
		}
	}
	if len(encs) == 0 {
		return nil, rcm.Errorf(rcm.ENOTFOUND, "The patient has no visits, so no statement.")
	}
	balances, err := s.FindLineBalances(ctx, rcm.LedgerFilter{PatientID: patientID})
	if err != nil {
		return nil, err
	}
	byLine := map[int64]*ledger.LineBalance{}
	for _, b := range balances {
		byLine[b.Line] = b
	}
	slices.SortStableFunc(encs, func(a, b *rcm.Encounter) int { return a.DateOfService.Compare(b.DateOfService) })
	st := &Statement{Patient: p, Date: on, DueBy: on.AddDays(DaysToPay)}
	// The statement comes from the practice of the latest visit.
	if st.Practice, err = s.FindPracticeByID(ctx, encs[len(encs)-1].PracticeID); err != nil {
		return nil, err
	}
	for _, e := range encs {
		if len(e.Lines) == 0 {
			continue // a visit not coded yet bills nothing
		}
		ids, err := s.FindServiceLineIDs(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		for i, id := range ids {
			b := byLine[id]
			if b == nil || i >= len(e.Lines) {
				continue
			}
			l := Line{DateOfService: e.DateOfService, Code: e.Lines[i].Code, Modifiers: e.Lines[i].Modifiers, Charge: b.Charge,
				InsurancePaid: b.PayerPaidTotal(), Adjusted: b.AdjustedTotal(), PatientPaid: b.PatientPaid, InsuranceOpen: b.InsuranceOpen(), Due: b.Patient}
			if openOnly && l.Due == 0 {
				continue
			}
			st.Lines = append(st.Lines, l)
			st.Charges += l.Charge
			st.InsurancePaid += l.InsurancePaid
			st.Adjusted += l.Adjusted
			st.PatientPaid += l.PatientPaid
			st.InsuranceOpen += l.InsuranceOpen
			st.Due += l.Due
		}
	}
	return st, nil
}

// Describer gives a procedure code's words as of a date of service, ""
// when none is known; a closure over codeset.Catalog.Describe is one.
type Describer func(code string, dos rcm.Date) string

// Describe fills in each line's Description, so the patient reads what
// each service was, not only its code.
func (st *Statement) Describe(d Describer) {
	if d == nil {
		return
	}
	for i := range st.Lines {
		st.Lines[i].Description = d(st.Lines[i].Code, st.Lines[i].DateOfService)
	}
}
