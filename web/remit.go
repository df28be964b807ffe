package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/carc"
	"github.com/openrcm/openrcm/remit"
)

// RemitService is what the remittance routes need; *sqldb.DB implements
// it.
type RemitService interface {
	remit.Store
	FindDenials(ctx context.Context, f remit.DenialFilter) ([]*remit.Denial, error)
	FindRemitExceptionQueue(ctx context.Context, f remit.ExceptionFilter) ([]*remit.Exception, error)
	ResolveRemitException(ctx context.Context, id int64, kind, note string) (*remit.Exception, error)
	ApplyUnappliedMoney(ctx context.Context, ap remit.Application) (*remit.Exception, error)
	FindRemittances(ctx context.Context, f remit.RemittanceFilter) ([]*remit.RemittanceSummary, error)
	GetRemittance(ctx context.Context, id int64) (*remit.RemittanceDetail, error)
	CodeSet(ctx context.Context) (*carc.Set, error)
}

// MaxRemittanceBytes bounds an uploaded 835. A payer's weekly 835 for a
// large practice runs to a few megabytes; this leaves room for far more.
const MaxRemittanceBytes = 64 << 20

// RouteRemittances registers the remittance routes: the 835 upload, the
// remittance history, the denials and exceptions lists, resolving an
// exception, and the patient balances. balances lists patients
// with an open balance (sqldb's FindPatientBalances). It is kept apart from
// routes so the server can run without posting wired.
func (s *Server) RouteRemittances(svc RemitService, balances func(context.Context) (any, error)) {
	s.mux.Handle("POST /api/v1/remittances", s.api(s.handlePostRemittance(svc)))
	s.mux.Handle("GET /api/v1/remittances", s.api(handleFindRemittances(svc)))
	s.mux.Handle("GET /api/v1/remittances/{id}", s.api(getHandler(svc.GetRemittance)))
	s.mux.Handle("GET /api/v1/denials", s.api(handleDenials(svc)))
	s.mux.Handle("GET /api/v1/remittance-exceptions", s.api(handleFindRemitExceptions(svc)))
	s.mux.Handle("POST /api/v1/remittance-exceptions/{id}/resolve", s.api(handleResolveRemitException(svc)))
	s.mux.Handle("POST /api/v1/remittance-exceptions/{id}/apply", s.api(handleApplyUnapplied(svc)))
	s.mux.Handle("GET /api/v1/patient-balances", s.api(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := parseQuery(r); err != nil {
			return err
		}
		b, err := balances(r.Context())
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"balances": b})
		return nil
	}))
	s.describeRemittances()
}

// handlePostRemittance posts the 835 in the body (Content-Type
// application/edi-x12, or text/plain as many tools send it). It answers
// 200 with one result per transaction set: posted, or already posted and
// left alone. A file that does not validate whole (remit.PostFile), cannot
// be read, or does not balance, is 400 and posts nothing.
func (s *Server) handlePostRemittance(svc RemitService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := parseQuery(r); err != nil {
			return err
		}
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || (mt != "application/edi-x12" && mt != "text/plain" && mt != "application/octet-stream") {
			return rcm.FieldErrorf(eUnsupportedMedia, "Content-Type", "Send the 835 file as the body with Content-Type: application/edi-x12.")
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRemittanceBytes))
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return rcm.Errorf(eTooLarge, "The 835 is larger than %d bytes.", MaxRemittanceBytes)
		} else if err != nil {
			return rcm.Errorf(rcm.EINVALID, "The body could not be read.")
		}
		results, err := remit.PostFile(r.Context(), svc, bytes.NewReader(body))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"results": results})
		return nil
	}
}

// handleDenials lists denied lines with their codes explained; ?payer_id
// and ?limit and ?offset page it.
func handleDenials(svc RemitService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q, err := parseQuery(r, "payer_id", "limit", "offset", "format")
		if err != nil {
			return err
		}
		csv, err := asCSV(q)
		if err != nil {
			return err
		}
		var f remit.DenialFilter
		if f.PayerID, err = q.id("payer_id"); err != nil {
			return err
		}
		if f.Limit, f.Offset, err = q.page(); err != nil {
			return err
		}
		ds, err := svc.FindDenials(r.Context(), f)
		if err != nil {
			return err
		}
		set, err := svc.CodeSet(r.Context())
		if err != nil {
			return err
		}
		remit.Explain(ds, set)
		if csv {
			return writeCSV(w, "denials.csv", func(out io.Writer) error { return remit.WriteDenialsCSV(out, ds) })
		}
		writeList(w, "denials", ds)
		return nil
	}
}
