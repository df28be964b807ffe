package web

import (
	"net/http"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
)

// handleFindRemittances lists posted 835s, newest first. ?payer_id,
// ?trace, ?paid_from and ?paid_to (BPR16), ?posted_from and ?posted_to
// narrow it; ?limit with ?offset, or with ?before (the last id of the
// page before), page it.
func handleFindRemittances(svc RemitService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q, err := parseQuery(r, "payer_id", "trace", "paid_from", "paid_to", "posted_from", "posted_to", "before", "limit", "offset")
		if err != nil {
			return err
		}
		var f remit.RemittanceFilter
		if f.PayerID, err = q.id("payer_id"); err != nil {
			return err
		}
		if f.Trace, err = q.str("trace", remit.MaxTraceLen); err != nil {
			return err
		}
		for _, d := range []struct {
			name string
			to   *rcm.Date
		}{{"paid_from", &f.PaidFrom}, {"paid_to", &f.PaidTo}, {"posted_from", &f.PostedFrom}, {"posted_to", &f.PostedTo}} {
			if *d.to, err = q.date(d.name); err != nil {
				return err
			}
		}
		if f.Before, err = q.id("before"); err != nil {
			return err
		}
		if f.Limit, f.Offset, err = q.page(); err != nil {
			return err
		}
		list, err := svc.FindRemittances(r.Context(), f)
		if err != nil {
			return err
		}
		writeList(w, "remittances", list)
		return nil
	}
}

// date returns an optional YYYY-MM-DD parameter; zero when absent.
func (q query) date(name string) (rcm.Date, error) {
	if !q.v.Has(name) {
		return rcm.Date{}, nil
	}
	d, err := rcm.ParseDate(q.v.Get(name))
	if err != nil {
		return rcm.Date{}, rcm.FieldErrorf(rcm.EINVALID, name, "Query parameter %s must be a date as YYYY-MM-DD.", name)
	}
	return d, nil
}

// handleFindRemitExceptions lists the posting exceptions queue, oldest
// first: ?status=open (the default), resolved or all; ?limit and ?offset
// page it.
func handleFindRemitExceptions(svc RemitService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q, err := parseQuery(r, "status", "limit", "offset")
		if err != nil {
			return err
		}
		var f remit.ExceptionFilter
		switch f.Status = q.v.Get("status"); f.Status {
		case "", remit.ExceptionsOpen, remit.ExceptionsResolved, remit.ExceptionsAll:
		default:
			return rcm.FieldErrorf(rcm.EINVALID, "status", "Query parameter status must be open, resolved or all.")
		}
		if f.Limit, f.Offset, err = q.page(); err != nil {
			return err
		}
		xs, err := svc.FindRemitExceptionQueue(r.Context(), f)
		if err != nil {
			return err
		}
		writeList(w, "exceptions", xs)
		return nil
	}
}

// resolveRequest is the body of an exception's resolution.
type resolveRequest struct {
	Kind string `json:"kind"`
	Note string `json:"note"`
}

// handleResolveRemitException resolves the exception in the path with the
// body's kind and note, and answers the resolved exception. A second
// resolution is 409.
func handleResolveRemitException(svc RemitService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := parseQuery(r); err != nil {
			return err
		}
		var req resolveRequest
		if err := decodeJSON(w, r, &req); err != nil {
			return err
		}
		x, err := svc.ResolveRemitException(r.Context(), id, req.Kind, req.Note)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, x)
		return nil
	}
}

// applyRequest is the body of an application of unapplied money: the
// claim line it goes to, the amount and the request's key.
type applyRequest struct {
	ClaimID int64     `json:"claim_id"`
	Line    int       `json:"line"`
	Amount  rcm.Money `json:"amount"`
	Key     string    `json:"key"`
}

// handleApplyUnapplied applies part or all of the unapplied money held by
// the exception in the path to a claim line, and answers the exception as
// it is after (closed when nothing is left). The same key again is 409.
func handleApplyUnapplied(svc RemitService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := parseQuery(r); err != nil {
			return err
		}
		var req applyRequest
		if err := decodeJSON(w, r, &req); err != nil {
			return err
		}
		x, err := svc.ApplyUnappliedMoney(r.Context(), remit.Application{ExceptionID: id, ClaimID: req.ClaimID, Line: req.Line, Amount: req.Amount, Key: req.Key})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, x)
		return nil
	}
}
