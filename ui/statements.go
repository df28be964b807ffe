package ui

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/statement/mailing"
)

// statementRow is one patient who gets a statement: a balance due.
type statementRow struct {
	Patient *rcm.Patient
	Due     rcm.Money
}

type statementsData struct {
	Rows []statementRow
	List statementList
}

// dueBalances returns the patients with a balance due, largest first, with
// their names (one audited read for the list).
func (h *Handler) dueBalances(r *http.Request) ([]statementRow, error) {
	ctx := r.Context()
	bs, err := h.store.FindPatientBalances(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, b := range bs {
		if b.Open > 0 {
			ids = append(ids, b.PatientID)
		}
	}
	ps, err := readPatients(ctx, h.store, ids)
	if err != nil {
		return nil, err
	}
	var rows []statementRow
	for _, b := range bs {
		if p := ps[b.PatientID]; p != nil && b.Open > 0 {
			rows = append(rows, statementRow{Patient: p, Due: b.Open})
		}
	}
	return rows, nil
}

// showStatements lists who gets a statement: every patient with a balance
// due, with a batch print of their statements.
func (h *Handler) showStatements(w http.ResponseWriter, r *http.Request, s *session) error {
	if !s.actor.Can(rcm.PermBill) {
		return rcm.Errorf(rcm.EFORBIDDEN, "Only billers print statements.")
	}
	all, page, l, err := h.statementRows(r.Context(), r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("format") == "csv" {
		return writeStatementsCSV(w, all)
	}
	d := statementsData{Rows: page, List: l}
	h.renderPage(w, r, s, "statements", &view{Title: "Statements", Nav: "statements", Data: d})
	return nil
}

// printStatements is the batch print: one ZIP holding the PDF statement
// (what is still owed) of each patient chosen (?patient=id, repeated), or
// of every patient with a balance due when none is chosen.
func (h *Handler) printStatements(w http.ResponseWriter, r *http.Request, s *session) error {
	if !s.actor.Can(rcm.PermBill) {
		return rcm.Errorf(rcm.EFORBIDDEN, "Only billers print statements.")
	}
	rows, err := h.dueBalances(r)
	if err != nil {
		return err
	}
	if chosen := r.URL.Query()["patient"]; len(chosen) > 0 {
		var ids []int64
		for _, v := range chosen {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || !slices.ContainsFunc(rows, func(row statementRow) bool { return row.Patient.ID == id }) {
				return rcm.FieldErrorf(rcm.EINVALID, "patient", "Choose patients from the list: only patients with a balance due get a statement.")
			}
			ids = append(ids, id)
		}
		rows = slices.DeleteFunc(rows, func(row statementRow) bool { return !slices.Contains(ids, row.Patient.ID) })
	}
	if len(rows) == 0 {
		return rcm.Errorf(rcm.EINVALID, "No patient has a balance due: there is no statement to print.")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	today := h.today()
	words := h.statementWords(r.Context(), s)
	for _, row := range rows {
		st, file, err := mailing.Print(r.Context(), h.store, row.Patient.ID, today, true, words)
		if err != nil {
			return err
		}
		f, err := zw.Create(fmt.Sprintf("statement-%s-%s.pdf", st.Patient.AccountNumber, st.Date))
		if err != nil {
			return err
		}
		if _, err := f.Write(file); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="statements-%s.zip"`, today))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}
