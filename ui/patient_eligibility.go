package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
)

// checkEligibility sends a 270 for one of the patient's coverages through
// the organization's clearinghouse, by the same eligibility.Send the
// command line uses: the check and its trace number are stored before the
// file leaves, so the 271 matches whenever it comes back.
func (h *Handler) checkEligibility(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	covID, err := strconv.ParseInt(r.PostFormValue("coverage"), 10, 64)
	if err != nil || covID <= 0 {
		return rcm.FieldErrorf(rcm.EINVALID, "coverage", "Choose the coverage to check.")
	}
	p, err := h.store.FindPatientByID(ctx, id)
	if err != nil {
		return err
	}
	cov, err := h.store.FindCoverageByID(ctx, covID)
	if err != nil {
		return err
	}
	if cov.PatientID != p.ID {
		return rcm.Errorf(rcm.ENOTFOUND, "The patient has no such coverage.")
	}
	payer, err := h.store.FindPayerByID(ctx, cov.PayerID)
	if err != nil {
		return err
	}
	practice, err := h.practiceFor(r, p.ID)
	if err != nil {
		return err
	}
	ch, err := h.store.FindClearinghouse(ctx)
	if err != nil {
		return err
	}
	t, err := h.cfg.Transport(ctx, ch.Transport)
	if err != nil {
		return err
	}
	defer t.Close()
	req := &eligibility.Request{Payer: payer, Practice: practice, Patient: p, Coverage: cov,
		ServiceTypes: []string{eligibility.DefaultServiceType}, DateOfService: h.today()}
	partner := eligibility.Partner{SenderID: ch.SubmitterID, ReceiverID: ch.ReceiverID, Production: ch.Production}
	if _, _, err := eligibility.Send(ctx, h.store, t, partner, s.org.ID, []*eligibility.Request{req}, h.clock.Now()); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/patients/%d?done=eligibility", id), http.StatusSeeOther)
	return nil
}

// practiceFor is the practice asking about a patient: the practice of
// the patient's latest encounter, or the organization's only practice.
func (h *Handler) practiceFor(r *http.Request, patientID int64) (*rcm.Practice, error) {
	ctx := r.Context()
	encs, err := h.store.FindEncounters(ctx, rcm.EncounterFilter{PatientID: patientID, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(encs) > 0 {
		return h.store.FindPracticeByID(ctx, encs[0].PracticeID)
	}
	ps, err := h.store.FindPractices(ctx)
	if err != nil {
		return nil, err
	}
	if len(ps) != 1 {
		return nil, rcm.Errorf(rcm.ECONFLICT, "The patient has no encounter and the organization has %d practices; record an encounter first.", len(ps))
	}
	return ps[0], nil
}
