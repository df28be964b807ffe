package web

import (
	"context"
	"net/http"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

// PatientPaymentService posts the payments patients make toward their
// balance; *sqldb.DB implements it.
type PatientPaymentService interface {
	PostPatientPayment(ctx context.Context, p rcm.PatientPayment) (*ledger.Transaction, error)
	PostPatientWriteOff(ctx context.Context, w rcm.PatientWriteOff) (*ledger.Transaction, error)
}

// RoutePatientPayments registers POST /api/v1/patients/{id}/payments and
// POST /api/v1/patients/{id}/write-offs.
func (s *Server) RoutePatientPayments(svc PatientPaymentService) {
	s.mux.Handle("POST /api/v1/patients/{id}/payments", s.api(handlePatientPayment(svc)))
	s.mux.Handle("POST /api/v1/patients/{id}/write-offs", s.api(handlePatientWriteOff(svc)))
}

// handlePatientPayment applies a payment ({"amount","method","reference",
// "key"}) to the patient's open balance and answers 201 with the ledger
// transaction: which lines it paid, how much each. The same key again is
// 409 and posts nothing.
func handlePatientPayment(svc PatientPaymentService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := parseQuery(r); err != nil {
			return err
		}
		var p rcm.PatientPayment
		if err := decodeJSON(w, r, &p); err != nil {
			return err
		}
		if p.PatientID != 0 && p.PatientID != id {
			return rcm.FieldErrorf(rcm.EINVALID, "patient_id", "The body's patient_id (%d) is not the patient in the path (%d).", p.PatientID, id)
		}
		p.PatientID = id
		t, err := svc.PostPatientPayment(r.Context(), p)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, t)
		return nil
	}
}

// handlePatientWriteOff writes off part of the patient's balance
// ({"amount","reason","key"}) and answers 201 with the ledger transaction.
func handlePatientWriteOff(svc PatientPaymentService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := parseQuery(r); err != nil {
			return err
		}
		var wo rcm.PatientWriteOff
		if err := decodeJSON(w, r, &wo); err != nil {
			return err
		}
		if wo.PatientID != 0 && wo.PatientID != id {
			return rcm.FieldErrorf(rcm.EINVALID, "patient_id", "The body's patient_id (%d) is not the patient in the path (%d).", wo.PatientID, id)
		}
		wo.PatientID = id
		t, err := svc.PostPatientWriteOff(r.Context(), wo)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, t)
		return nil
	}
}
