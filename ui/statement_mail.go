package ui

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/statement/mailing"
)

// Statements to mail: what the statement runs printed, for a biller to
// print, post and mark mailed.

type mailListData struct {
	Runs       []*mailing.Run
	Run        *mailing.Run
	All        bool
	Statements []*mailing.Statement
	Total      rcm.Money
	// Print is the address of the ZIP of the listed statements' PDFs.
	Print string
}

// mailFilter reads the list's filter: ?run=N (a run's number) and ?all=1
// (mailed ones too).
func (h *Handler) mailFilter(r *http.Request, runs []*mailing.Run) (mailing.Filter, *mailing.Run, error) {
	f := mailing.Filter{Unmailed: r.URL.Query().Get("all") != "1"}
	v := r.URL.Query().Get("run")
	if v == "" {
		return f, nil, nil
	}
	for _, run := range runs {
		if strconv.FormatInt(run.ID, 10) == v {
			f.RunID = run.ID
			return f, run, nil
		}
	}
	return f, nil, rcm.FieldErrorf(rcm.EINVALID, "run", "Choose a statement run from the list.")
}

// showMailList lists the statements the runs made that are still to mail
// (or all of them): run, addressee, address, amount, with each PDF, a ZIP
// of them all, and a box per statement to mark it mailed.
func (h *Handler) showMailList(w http.ResponseWriter, r *http.Request, s *session) error {
	if !s.actor.Can(rcm.PermBill) {
		return rcm.Errorf(rcm.EFORBIDDEN, "Only billers mail statements.")
	}
	runs, err := h.store.FindStatementRuns(r.Context(), 50)
	if err != nil {
		return err
	}
	f, run, err := h.mailFilter(r, runs)
	if err != nil {
		return err
	}
	f.Limit = 1000
	sts, err := h.store.FindRunStatements(r.Context(), f)
	if err != nil {
		return err
	}
	d := mailListData{Runs: runs, Run: run, All: !f.Unmailed, Statements: sts}
	for _, st := range sts {
		d.Total += st.Amount
	}
	q := url.Values{}
	if run != nil {
		q.Set("run", strconv.FormatInt(run.ID, 10))
	}
	if d.All {
		q.Set("all", "1")
	}
	d.Print = "/statements/mail/print.zip"
	if len(q) > 0 {
		d.Print += "?" + q.Encode()
	}
	h.renderPage(w, r, s, "statement_mail", &view{Title: "Statements to mail", Nav: "statements", Data: d})
	return nil
}

// downloadRunStatement is one stored statement's PDF, as it was printed.
func (h *Handler) downloadRunStatement(w http.ResponseWriter, r *http.Request, s *session) error {
	if !s.actor.Can(rcm.PermBill) {
		return rcm.Errorf(rcm.EFORBIDDEN, "Only billers mail statements.")
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	st, err := h.store.FindRunStatementPDF(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="statement-%s-%s.pdf"`, st.AccountNumber, st.RunDate))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(st.PDF)
	return err
}

// printMailList is every listed statement's PDF in one ZIP, to print them
// all at once.
func (h *Handler) printMailList(w http.ResponseWriter, r *http.Request, s *session) error {
	if !s.actor.Can(rcm.PermBill) {
		return rcm.Errorf(rcm.EFORBIDDEN, "Only billers mail statements.")
	}
	runs, err := h.store.FindStatementRuns(r.Context(), 0)
	if err != nil {
		return err
	}
	f, _, err := h.mailFilter(r, runs)
	if err != nil {
		return err
	}
	f.Limit = 1000
	sts, err := h.store.FindRunStatements(r.Context(), f)
	if err != nil {
		return err
	}
	if len(sts) == 0 {
		return rcm.Errorf(rcm.EINVALID, "No statement is waiting to be mailed: there is nothing to print.")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, st := range sts {
		full, err := h.store.FindRunStatementPDF(r.Context(), st.ID)
		if err != nil {
			return err
		}
		f, err := zw.Create(fmt.Sprintf("statement-%d-%s-%s.pdf", st.ID, st.AccountNumber, st.RunDate))
		if err != nil {
			return err
		}
		if _, err := f.Write(full.PDF); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="statements-to-mail.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// markMailed marks the ticked statements mailed.
func (h *Handler) markMailed(w http.ResponseWriter, r *http.Request, s *session) error {
	if _, err := rcm.RequireActor(r.Context(), rcm.PermBill); err != nil {
		return err
	}
	var ids []int64
	for _, v := range r.PostForm["statement"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "statement", "A ticked statement is not valid; reload the list.")
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return rcm.FieldErrorf(rcm.EINVALID, "statement", "Tick the statements that went in the mail.")
	}
	if _, err := h.store.MarkStatementsMailed(r.Context(), ids); err != nil {
		return err
	}
	u := url.URL{Path: "/statements/mail", RawQuery: "done=mailed"}
	if run := r.PostFormValue("run"); run != "" {
		if _, err := strconv.ParseInt(run, 10, 64); err == nil {
			u.RawQuery += "&run=" + run
		}
	}
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
	return nil
}
