package ui

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
)

// coverageRow is a coverage with its payer.
type coverageRow struct {
	Coverage *rcm.Coverage
	Payer    *rcm.Payer
	Active   bool
	// Eligibility is the latest 271 answer stored for the coverage; nil
	// when none has come back.
	Eligibility *eligibility.Record
	// Form edits the coverage.
	Form coverageFormView
}

// coverageFormView is what the coverage form needs: where it posts, the
// coverage (new or stored) and the choices.
type coverageFormView struct {
	ID       string // unique per form on the page, for label ids
	Action   string
	Coverage *rcm.Coverage
	Payers   []*rcm.Payer
}

// CoverageOrders, Relationships, Sexes and MedicareSecondaryTypes are the
// choices of the coverage form.
func (coverageFormView) CoverageOrders() []int            { return []int{1, 2, 3} }
func (coverageFormView) Relationships() map[string]string { return rcm.Relationships }
func (coverageFormView) Sexes() []string                  { return rcm.Sexes }
func (coverageFormView) MedicareSecondaryTypes() map[string]string {
	return rcm.MedicareSecondaryTypes
}

type patientData struct {
	Patient     *rcm.Patient
	Age         int
	Coverages   []coverageRow
	NewCoverage coverageFormView
	// PaymentKey identifies the payment form drawn on this page;
	// PaymentMethods are its choices.
	PaymentKey     string
	PaymentMethods []string
	// Sexes are the demographics form's choices.
	Sexes []string
	// WriteOffKey and WriteOffReasons are the write-off form's.
	WriteOffKey     string
	WriteOffReasons []string
	Encounters      []*rcm.Encounter
	Claims          []claimRow
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
		row := coverageRow{Coverage: c, Payer: n.payers[c.PayerID], Active: c.ActiveOn(today),
			Form: coverageFormView{ID: fmt.Sprintf("c%d", c.ID), Action: fmt.Sprintf("/patients/%d/coverages/%d", p.ID, c.ID), Coverage: c, Payers: payers}}
		row.Eligibility, err = h.store.FindLatestEligibility(ctx, c.ID)
		if err != nil && rcm.ErrorCode(err) != rcm.ENOTFOUND {
			return err
		}
		d.Coverages = append(d.Coverages, row)
	}
	d.PaymentKey, d.PaymentMethods, d.Sexes = newPaymentKey(), rcm.PaymentMethods, rcm.Sexes
	d.WriteOffKey, d.WriteOffReasons = newPaymentKey(), rcm.WriteOffReasons
	d.NewCoverage = coverageFormView{ID: "new", Action: fmt.Sprintf("/patients/%d/coverages", p.ID), Payers: payers,
		Coverage: &rcm.Coverage{Order: len(covs) + 1, Relationship: "18", EffectiveFrom: today}}
	if d.NewCoverage.Coverage.Order > 3 {
		d.NewCoverage.Coverage.Order = 3
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
	bal, err := h.store.FindLineBalances(ctx, rcm.LedgerFilter{PatientID: id})
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

// newPaymentKey makes the key of one payment form: random, so two forms
// never share one, and the same on a resubmission of the form.
func newPaymentKey() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "ui-" + hex.EncodeToString(b)
}
