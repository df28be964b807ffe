package ui

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/statement/mailing"
)

// Editing a patient's demographics and coverages: the forms post to the
// patient service, which validates, checks the role (patients:write) and
// writes the change to the audit log; a refused change changes nothing and
// the error page says which field and why.

// pathPatient reads the patient the path names, through the patient
// service (which audits the read).
func (h *Handler) pathPatient(r *http.Request) (*rcm.Patient, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.store.FindPatientByID(r.Context(), id)
}

// updatePatient replaces the patient's demographics. The account number,
// from which claims take their control numbers, is not editable here.
func (h *Handler) updatePatient(w http.ResponseWriter, r *http.Request, s *session) error {
	if _, err := rcm.RequireActor(r.Context(), rcm.PermWritePatients); err != nil {
		return err
	}
	p, err := h.pathPatient(r)
	if err != nil {
		return err
	}
	p.FirstName, p.MiddleName, p.LastName = formText(r, "first_name"), formText(r, "middle_name"), formText(r, "last_name")
	if p.BirthDate, err = formDate(r, "birth_date", true); err != nil {
		return err
	}
	p.Sex, p.Phone = strings.ToUpper(formText(r, "sex")), formText(r, "phone")
	p.Address = formAddress(r)
	if err := h.store.UpdatePatient(r.Context(), p); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/patients/%d?done=saved", p.ID), http.StatusSeeOther)
	return nil
}

// addCoverage adds a coverage to the patient.
func (h *Handler) addCoverage(w http.ResponseWriter, r *http.Request, s *session) error {
	if _, err := rcm.RequireActor(r.Context(), rcm.PermWritePatients); err != nil {
		return err
	}
	p, err := h.pathPatient(r)
	if err != nil {
		return err
	}
	return h.saveCoverage(w, r, p, &rcm.Coverage{PatientID: p.ID}, h.store.CreateCoverage)
}

// updateCoverage changes one of the patient's coverages.
func (h *Handler) updateCoverage(w http.ResponseWriter, r *http.Request, s *session) error {
	if _, err := rcm.RequireActor(r.Context(), rcm.PermWritePatients); err != nil {
		return err
	}
	p, err := h.pathPatient(r)
	if err != nil {
		return err
	}
	covID, err := pathID(r, "cov")
	if err != nil {
		return err
	}
	c, err := h.store.FindCoverageByID(r.Context(), covID)
	if err != nil {
		return err
	}
	if c.PatientID != p.ID {
		return rcm.Errorf(rcm.ENOTFOUND, "The patient has no such coverage.")
	}
	return h.saveCoverage(w, r, p, c, h.store.UpdateCoverage)
}

// saveCoverage fills c from the form and stores it with save.
func (h *Handler) saveCoverage(w http.ResponseWriter, r *http.Request, p *rcm.Patient, c *rcm.Coverage, save func(context.Context, *rcm.Coverage) error) error {
	if err := coverageForm(r, c, p); err != nil {
		return err
	}
	if err := save(r.Context(), c); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/patients/%d?done=coverage#coverages", p.ID), http.StatusSeeOther)
	return nil
}

// coverageForm reads a coverage from the form into c. The subscriber, when
// the patient is not the subscriber, is named on the form and lives at the
// patient's address unless the coverage already records another one.
func coverageForm(r *http.Request, c *rcm.Coverage, p *rcm.Patient) error {
	payer, err := strconv.ParseInt(formText(r, "payer"), 10, 64)
	if err != nil || payer <= 0 {
		return rcm.FieldErrorf(rcm.EINVALID, "payer_id", "Choose the payer.")
	}
	order, err := strconv.Atoi(formText(r, "order"))
	if err != nil {
		return rcm.FieldErrorf(rcm.EINVALID, "order", "Choose primary, secondary or tertiary.")
	}
	c.PayerID, c.Order = payer, order
	c.MemberID, c.GroupNumber = formText(r, "member_id"), formText(r, "group_number")
	c.Relationship, c.InsuranceType = formText(r, "relationship"), formText(r, "insurance_type")
	if c.EffectiveFrom, err = formDate(r, "effective_from", true); err != nil {
		return err
	}
	if c.EffectiveTo, err = formDate(r, "effective_to", false); err != nil {
		return err
	}
	if c.Relationship == "18" {
		c.Subscriber = nil
		return nil
	}
	sub := &rcm.Subscriber{FirstName: formText(r, "subscriber_first_name"), LastName: formText(r, "subscriber_last_name"),
		Sex: strings.ToUpper(formText(r, "subscriber_sex")), Address: p.Address}
	if c.Subscriber != nil {
		sub.Address = c.Subscriber.Address
	}
	if sub.BirthDate, err = formDate(r, "subscriber_birth_date", true); err != nil {
		return err
	}
	c.Subscriber = sub
	return nil
}

// formAddress reads the address fields of the patient form.
func formAddress(r *http.Request) rcm.Address {
	return rcm.Address{Line1: formText(r, "line1"), Line2: formText(r, "line2"), City: formText(r, "city"),
		State: strings.ToUpper(formText(r, "state")), ZIP: formText(r, "zip")}
}

func formText(r *http.Request, name string) string { return strings.TrimSpace(r.PostFormValue(name)) }

// formDate reads a YYYY-MM-DD field; an empty optional one is the zero
// Date.
func formDate(r *http.Request, name string, required bool) (rcm.Date, error) {
	v := formText(r, name)
	if v == "" && !required {
		return rcm.Date{}, nil
	}
	d, err := rcm.ParseDate(v)
	if err != nil {
		return rcm.Date{}, rcm.FieldErrorf(rcm.EINVALID, name, "%s must be a date (YYYY-MM-DD).", strings.ReplaceAll(name, "_", " "))
	}
	return d, nil
}

// recordPayment posts a payment the patient made toward their balance.
// The form carries a key made when the page was drawn, so a double
// submission posts once.
func (h *Handler) recordPayment(w http.ResponseWriter, r *http.Request, s *session) error {
	return h.patientMoney(w, r, "payment", func(id int64, amount rcm.Money) error {
		_, err := h.store.PostPatientPayment(r.Context(), rcm.PatientPayment{PatientID: id, Amount: amount, Method: formText(r, "method"),
			Reference: formText(r, "reference"), Key: formText(r, "key")})
		return err
	})
}

// recordWriteOff writes off part of the patient's balance for the
// practice's reason, once per form.
func (h *Handler) recordWriteOff(w http.ResponseWriter, r *http.Request, s *session) error {
	return h.patientMoney(w, r, "write-off", func(id int64, amount rcm.Money) error {
		_, err := h.store.PostPatientWriteOff(r.Context(), rcm.PatientWriteOff{PatientID: id, Amount: amount, Reason: formText(r, "reason"),
			Key: formText(r, "key")})
		return err
	})
}

// patientMoney reads the patient of the path and the form's amount, posts
// them with post and returns to the patient's balance with the notice done.
func (h *Handler) patientMoney(w http.ResponseWriter, r *http.Request, done string, post func(id int64, amount rcm.Money) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	amount, err := rcm.ParseMoney(formText(r, "amount"))
	if err != nil {
		return rcm.FieldErrorf(rcm.EINVALID, "amount", "The amount must be dollars and cents, such as 25.00: %v.", err)
	}
	if err := post(id, amount); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/patients/%d?done=%s#balance", id, done), http.StatusSeeOther)
	return nil
}

// downloadStatement prints the patient's statement of what they owe, as
// of today, for a biller to mail or hand over.
func (h *Handler) downloadStatement(w http.ResponseWriter, r *http.Request, s *session) error {
	if !s.actor.Can(rcm.PermBill) {
		return rcm.Errorf(rcm.EFORBIDDEN, "Only billers print statements.")
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	st, file, err := mailing.Print(r.Context(), h.store, id, h.today(), r.URL.Query().Get("open") == "1", h.statementWords(r.Context(), s))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="statement-%s-%s.pdf"`, st.Patient.AccountNumber, st.Date))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(file)
	return err
}
