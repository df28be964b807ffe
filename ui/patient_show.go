package ui

import (
	"net/http"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/sqldb"
)

// coverageRow is a coverage with its payer.
type coverageRow struct {
	Coverage *rcm.Coverage
	Payer    *rcm.Payer
	Active   bool
	// Eligibility is the latest 271 answer stored for the coverage; nil
	// when none has come back.
	Eligibility *eligibility.Record
}

type patientData struct {
	Patient    *rcm.Patient
	Age        int
	Coverages  []coverageRow
	Encounters []*rcm.Encounter
	Claims     []claimRow
	// Balance is what the ledger holds for the patient's lines.
	Charges, InsurancePaid, PatientPaid, Adjusted, OpenInsurance, OpenPatient rcm.Money
	HasLedger                                                                 bool
}

// showPatient shows a patient: demographics, coverages, balance and
// history (encounters and claims). The read goes through the patient
// service, which writes the view to the audit log.
func (h *Handler) showPatient(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	p, err := h.store.FindPatientByID(ctx, id)
	if err != nil {
		return err
	}
	today := h.today()
	d := patientData{Patient: p, Age: p.BirthDate.AgeOn(today)}
	covs, err := h.store.FindCoverages(ctx, id)
	if err != nil {
		return err
	}
	payers, err := h.store.FindPayers(ctx)
	if err != nil {
		return err
	}
	providers, err := h.store.FindProviders(ctx)
	if err != nil {
		return err
	}
	n := newNames(h, payers, providers)
	n.patients[p.ID] = p
	for _, c := range covs {
		row := coverageRow{Coverage: c, Payer: n.payers[c.PayerID], Active: c.ActiveOn(today)}
		row.Eligibility, err = h.store.FindLatestEligibility(ctx, c.ID)
		if err != nil && rcm.ErrorCode(err) != rcm.ENOTFOUND {
			return err
		}
		d.Coverages = append(d.Coverages, row)
	}
	if d.Encounters, err = h.store.FindEncounters(ctx, rcm.EncounterFilter{PatientID: id, Limit: listLimit}); err != nil {
		return err
	}
	cs, err := h.store.FindClaims(ctx, rcm.ClaimFilter{PatientID: id, Limit: listLimit})
	if err != nil {
		return err
	}
	for _, c := range cs {
		row, err := n.row(ctx, c)
		if err != nil {
			return err
		}
		d.Claims = append(d.Claims, row)
	}
	bal, err := h.store.FindLineBalances(ctx, sqldb.LedgerFilter{PatientID: id})
	if err != nil {
		return err
	}
	for _, b := range bal {
		d.HasLedger = true
		d.Charges += b.Charge
		d.PatientPaid += b.PatientPaid
		d.OpenPatient += b.Patient
		for _, v := range b.PayerPaid {
			d.InsurancePaid += v
		}
		for _, v := range b.Adjusted {
			d.Adjusted += v
		}
		for _, v := range b.Insurance {
			d.OpenInsurance += v
		}
	}
	h.renderPage(w, r, s, "patient", &view{Title: p.LastName + ", " + p.FirstName, Nav: "patients", Data: d})
	return nil
}
