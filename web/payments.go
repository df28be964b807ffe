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
	s.mux.Handle("POST /api/v1/patients/{id}/payments", s.api(handlePatientMoney(svc.PostPatientPayment,
		func(p *rcm.PatientPayment) *int64 { return &p.PatientID })))
	s.mux.Handle("POST /api/v1/patients/{id}/write-offs", s.api(handlePatientMoney(svc.PostPatientWriteOff,
		func(w *rcm.PatientWriteOff) *int64 { return &w.PatientID })))
	s.describePatientPayments()
}

// handlePatientMoney posts a payment ({"amount","method","reference",
// "key"}) or a write-off ({"amount","reason","key"}) against the patient
// of the path and answers 201 with the ledger transaction: which lines it
// touched, how much each. The same key again is 409 and posts nothing.
func handlePatientMoney[T any](post func(context.Context, T) (*ledger.Transaction, error), patientID func(*T) *int64) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := parseQuery(r); err != nil {
			return err
		}
		var v T
		if err := decodeJSON(w, r, &v); err != nil {
			return err
		}
		if p := patientID(&v); *p != 0 && *p != id {
			return rcm.FieldErrorf(rcm.EINVALID, "patient_id", "The body's patient_id (%d) is not the patient in the path (%d).", *p, id)
		}
		*patientID(&v) = id
		t, err := post(r.Context(), v)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, t)
		return nil
	}
}
