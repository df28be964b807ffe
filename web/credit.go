package web

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

// CreditService holds credit balances, applies and refunds them, and
// closes periods; *sqldb.DB implements it.
type CreditService interface {
	FindCredits(ctx context.Context) ([]rcm.CreditBalance, error)
	ApplyCredit(ctx context.Context, c rcm.CreditApplication) (*ledger.Transaction, error)
	RequestRefund(ctx context.Context, r rcm.RefundRequest) (*rcm.Refund, error)
	ApproveRefund(ctx context.Context, id int64) (*rcm.Refund, error)
	DeclineRefund(ctx context.Context, id int64) (*rcm.Refund, error)
	FindRefunds(ctx context.Context, status string) ([]*rcm.Refund, error)
	ClosePeriod(ctx context.Context, through time.Time) error
}

// RouteCredits registers the credit balance, refund and period close
// routes. The refund to decide is named in the body ({"id": N}), as the
// follow-up routes name their items.
func (s *Server) RouteCredits(svc CreditService) {
	s.mux.Handle("GET /api/v1/credits", s.api(func(w http.ResponseWriter, r *http.Request) error {
		q, err := parseQuery(r, "format")
		if err != nil {
			return err
		}
		csv, err := asCSV(q)
		if err != nil {
			return err
		}
		cs, err := svc.FindCredits(r.Context())
		if err != nil {
			return err
		}
		if csv {
			return writeCSV(w, "credits.csv", func(out io.Writer) error { return ledger.WriteCreditsCSV(out, cs) })
		}
		ptrs := make([]*rcm.CreditBalance, len(cs))
		for i := range cs {
			ptrs[i] = &cs[i]
		}
		writeList(w, "credits", ptrs)
		return nil
	}))
	s.mux.Handle("POST /api/v1/patients/{id}/apply-credit", s.api(handlePatientMoney(svc.ApplyCredit,
		func(c *rcm.CreditApplication) *int64 { return &c.PatientID })))
	s.mux.Handle("GET /api/v1/refunds", s.api(func(w http.ResponseWriter, r *http.Request) error {
		q, err := parseQuery(r, "status", "format")
		if err != nil {
			return err
		}
		csv, err := asCSV(q)
		if err != nil {
			return err
		}
		status, err := q.str("status", 20)
		if err != nil {
			return err
		}
		rs, err := svc.FindRefunds(r.Context(), status)
		if err != nil {
			return err
		}
		if csv {
			return writeCSV(w, "refunds.csv", func(out io.Writer) error { return ledger.WriteRefundsCSV(out, rs) })
		}
		writeList(w, "refunds", rs)
		return nil
	}))
	s.mux.Handle("POST /api/v1/refunds", s.api(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := parseQuery(r); err != nil {
			return err
		}
		var req rcm.RefundRequest
		if err := decodeJSON(w, r, &req); err != nil {
			return err
		}
		ref, err := svc.RequestRefund(r.Context(), req)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, ref)
		return nil
	}))
	decide := func(f func(context.Context, int64) (*rcm.Refund, error)) apiFunc {
		return func(w http.ResponseWriter, r *http.Request) error {
			// Authorization before validation: no hint to who may not.
			if _, err := rcm.RequireActor(r.Context(), rcm.PermBill); err != nil {
				return err
			}
			if _, err := parseQuery(r); err != nil {
				return err
			}
			var body refundDecision
			if err := decodeJSON(w, r, &body); err != nil {
				return err
			}
			if body.ID <= 0 {
				return rcm.FieldErrorf(rcm.EINVALID, "id", "id names the refund to decide.")
			}
			ref, err := f(r.Context(), body.ID)
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusOK, ref)
			return nil
		}
	}
	s.mux.Handle("POST /api/v1/refunds/approve", s.api(decide(svc.ApproveRefund)))
	s.mux.Handle("POST /api/v1/refunds/decline", s.api(decide(svc.DeclineRefund)))
	s.mux.Handle("POST /api/v1/periods/close", s.api(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := rcm.RequireActor(r.Context(), rcm.PermManageUsers); err != nil {
			return err
		}
		if _, err := parseQuery(r); err != nil {
			return err
		}
		var body periodClose
		if err := decodeJSON(w, r, &body); err != nil {
			return err
		}
		day, err := time.Parse(time.DateOnly, body.Through)
		if err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, "through", "through is the last day of the closed period, YYYY-MM-DD.")
		}
		if err := svc.ClosePeriod(r.Context(), day); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, periodClosed{ClosedThrough: body.Through})
		return nil
	}))
	s.describeCredits()
}

// refundDecision names the refund an approval or a decline decides.
type refundDecision struct {
	ID int64 `json:"id"`
}

// periodClose is the last day of the period to close, YYYY-MM-DD.
type periodClose struct {
	Through string `json:"through"`
}

// periodClosed answers a close with the day the books are closed through.
type periodClosed struct {
	ClosedThrough string `json:"closed_through"`
}

func (s *Server) describeCredits() {
	s.Describe("GET /api/v1/credits", Operation{Tag: "ledger", Summary: "Credit balances held (patients' and payers' overpayments), never lost and never refused; format=csv for a spreadsheet.",
		Query: []string{"format"}, Response: rcm.CreditBalance{}, List: "credits", AlsoMedia: "text/csv"})
	s.Describe("POST /api/v1/patients/{id}/apply-credit", Operation{Tag: "ledger", Summary: "Apply a patient's credit to their open balance, oldest service first (idempotent by key).",
		Body: rcm.CreditApplication{}, Status: http.StatusCreated, Response: ledger.Transaction{}})
	s.Describe("GET /api/v1/refunds", Operation{Tag: "ledger", Summary: "Refunds requested, approved or declined (status filters); format=csv for a spreadsheet.",
		Query: []string{"status", "format"}, Response: rcm.Refund{}, List: "refunds", AlsoMedia: "text/csv"})
	s.Describe("POST /api/v1/refunds", Operation{Tag: "ledger", Summary: "Request a refund of a credit, with a reason; another user must approve it.",
		Body: rcm.RefundRequest{}, Status: http.StatusCreated, Response: rcm.Refund{}})
	s.Describe("POST /api/v1/refunds/approve", Operation{Tag: "ledger", Summary: "Approve a refund (not its requester): the credit is paid out in the ledger.",
		Body: refundDecision{}, Response: rcm.Refund{}})
	s.Describe("POST /api/v1/refunds/decline", Operation{Tag: "ledger", Summary: "Decline a refund; the credit stays held.",
		Body: refundDecision{}, Response: rcm.Refund{}})
	s.Describe("POST /api/v1/periods/close", Operation{Tag: "ledger", Summary: "Close the books through a day (admins): nothing posts dated inside a closed period.",
		Body: periodClose{}, Response: periodClosed{}})
}
