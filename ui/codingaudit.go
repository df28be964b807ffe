package ui

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codingaudit"
)

// auditRow is a summary row of a report with its rates in words.
type auditRow struct {
	Who                                                                        string
	Encounters                                                                 int
	DxPrecision, DxRecall, ProcPrecision, ProcRecall, FirstListed, Mods, Units string
	Over, Under                                                                rcm.Money
}

func rowOf(who string, s codingaudit.Score) auditRow {
	p := codingaudit.Pct
	return auditRow{Who: who, Encounters: s.Encounters, DxPrecision: p(s.DxPrecision()), DxRecall: p(s.DxRecall()), ProcPrecision: p(s.ProcPrecision()),
		ProcRecall: p(s.ProcRecall()), FirstListed: p(s.FirstListedRate()), Mods: p(s.ModifiersRate()), Units: p(s.UnitsRate()), Over: s.OverCoded, Under: s.UnderCoded}
}

type codingAuditsData struct {
	Audits []*codingaudit.Audit
	Coders []*rcm.User
	Today  rcm.Date
}

// showCodingAudits lists the audits and offers a new draw.
func (h *Handler) showCodingAudits(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	as, err := h.store.FindCodingAudits(ctx)
	if err != nil {
		return err
	}
	cs, err := h.store.FindCoders(ctx)
	if err != nil {
		return err
	}
	h.renderPage(w, r, s, "codingaudits", &view{Title: "Coding audit", Nav: "coding-audits", Data: codingAuditsData{Audits: as, Coders: cs, Today: rcm.DateOf(h.clock.Now())}})
	return nil
}

// drawCodingAudit draws a sample from the form and opens it.
func (h *Handler) drawCodingAudit(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermAuditCoding); err != nil {
		return err
	}
	c, err := codingaudit.Coder(ctx, h.store, r.PostFormValue("coder"))
	if err != nil {
		return err
	}
	var req codingaudit.DrawRequest
	req.CoderID = c.ID
	if req.From, err = rcm.ParseDate(r.PostFormValue("from")); err != nil {
		return rcm.FieldErrorf(rcm.EINVALID, "from", "Give the first date of service (YYYY-MM-DD).")
	}
	if req.To, err = rcm.ParseDate(r.PostFormValue("to")); err != nil {
		return rcm.FieldErrorf(rcm.EINVALID, "to", "Give the last date of service (YYYY-MM-DD).")
	}
	if req.Size, err = strconv.Atoi(strings.TrimSpace(r.PostFormValue("size"))); err != nil {
		return rcm.FieldErrorf(rcm.EINVALID, "size", "Give the sample size as a number.")
	}
	req.Seed = h.clock.Now().UnixNano() & (1<<62 - 1)
	if v := strings.TrimSpace(r.PostFormValue("seed")); v != "" {
		if req.Seed, err = strconv.ParseInt(v, 10, 64); err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, "seed", "The seed is a whole number (leave it empty for a new one).")
		}
	}
	au, err := codingaudit.Draw(ctx, h.store, req)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/coding-audits/%d", au.ID), http.StatusSeeOther)
	return nil
}

// auditItem is a sampled encounter on the re-coding screen: the note to
// code from while it is pending, both codings once re-coded.
type auditItem struct {
	codingaudit.Item
	Note string
}

type codingAuditData struct {
	Audit   *codingaudit.Audit
	Items   []auditItem
	Pending int
}

// showCodingAudit is the blind re-coding screen: each pending encounter's
// note (read through the encounter service, so the read is audited) with
// a form for the auditor's codes; the coder's codes appear only beside
// the encounters already re-coded.
func (h *Handler) showCodingAudit(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	au, err := codingaudit.View(ctx, h.store, id)
	if err != nil {
		return err
	}
	d := codingAuditData{Audit: au}
	var pending []int64
	for _, it := range au.Items {
		if !it.Recoded() {
			pending = append(pending, it.EncounterID)
		}
	}
	notes := map[int64]string{}
	if len(pending) > 0 {
		es, err := h.store.FindEncounters(ctx, rcm.EncounterFilter{IDs: pending, Limit: len(pending)})
		if err != nil {
			return err
		}
		for _, e := range es {
			notes[e.ID] = e.Note
		}
	}
	for _, it := range au.Items {
		d.Items = append(d.Items, auditItem{Item: it, Note: notes[it.EncounterID]})
		if !it.Recoded() {
			d.Pending++
		}
	}
	h.renderPage(w, r, s, "codingaudit", &view{Title: fmt.Sprintf("Coding audit %d", au.ID), Nav: "coding-audits", Data: d})
	return nil
}

// recodeEncounter stores the auditor's codes for one sampled encounter.
func (h *Handler) recodeEncounter(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	enc, err := pathID(r, "encounter")
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := codingaudit.ParseCoding(r.PostFormValue("diagnoses"), codingaudit.ParseLines(r.PostFormValue("lines")))
	if err != nil {
		return err
	}
	cat, err := h.catalog(ctx)
	if err != nil {
		return err
	}
	if _, err := codingaudit.Recode(ctx, h.store, cat, id, enc, c); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/coding-audits/%d#encounter-%d", id, enc), http.StatusSeeOther)
	return nil
}

type auditReportData struct {
	Report *codingaudit.Report
	Rows   []auditRow
}

func (h *Handler) auditReport(r *http.Request) (*codingaudit.Report, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	cat, err := h.catalog(r.Context())
	if err != nil {
		return nil, err
	}
	return codingaudit.MakeReport(r.Context(), h.store, cat, id)
}

// showAuditReport is the report screen: the coder's and the suggestions'
// rows, then each encounter's differences in words with their dollars.
func (h *Handler) showAuditReport(w http.ResponseWriter, r *http.Request, s *session) error {
	rep, err := h.auditReport(r)
	if err != nil {
		return err
	}
	d := auditReportData{Report: rep}
	for _, row := range rep.Rows() {
		d.Rows = append(d.Rows, rowOf(row.Who, row.Score))
	}
	h.renderPage(w, r, s, "codingaudit_report", &view{Title: fmt.Sprintf("Coding audit %d report", rep.Audit.ID), Nav: "coding-audits", Data: d})
	return nil
}

// downloadAuditReport sends the report as CSV or PDF.
func (h *Handler) downloadAuditReport(w http.ResponseWriter, r *http.Request, s *session) error {
	rep, err := h.auditReport(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	name := fmt.Sprintf("coding-audit-%d", rep.Audit.ID)
	if strings.HasSuffix(r.URL.Path, ".pdf") {
		if err := rep.WritePDF(&buf); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.pdf"`)
	} else {
		if err := rep.WriteCSV(&buf); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

type practiceData struct {
	Cases    []*codingaudit.Case
	Case     *codingaudit.Case
	Number   int
	Graded   *codingaudit.Graded
	Progress *codingaudit.Progress
	Total    auditRow
	Diags    string
	Lines    string
}

// showPractice lists the practice cases with the learner's progress, or
// shows one case (?case=N) to code, and the graded attempt after one
// (?attempt=ID, the learner's own).
func (h *Handler) showPractice(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	cs, err := codingaudit.Cases()
	if err != nil {
		return err
	}
	p, err := codingaudit.FindProgress(ctx, h.store)
	if err != nil {
		return err
	}
	d := practiceData{Cases: cs, Progress: p, Total: rowOf("you", p.Total)}
	if ref := r.URL.Query().Get("case"); ref != "" {
		if d.Case, err = codingaudit.FindCase(ref); err != nil {
			return err
		}
		for i, c := range cs {
			if c == d.Case {
				d.Number = i + 1
			}
		}
		if v := r.URL.Query().Get("attempt"); v != "" {
			for _, a := range p.Attempts {
				if strconv.FormatInt(a.ID, 10) == v && a.CaseID == d.Case.ID {
					cat, err := h.catalog(ctx)
					if err != nil {
						return err
					}
					d.Graded = codingaudit.Grade(d.Case, a.Coding, cat, strconv.FormatInt(s.org.ID, 10))
					d.Diags = strings.Join(a.Coding.Diagnoses, ", ")
					var ls []string
					for _, l := range a.Coding.Lines {
						ls = append(ls, strings.ReplaceAll(l.String(), " ", ""))
					}
					d.Lines = strings.Join(ls, "\n")
				}
			}
		}
	}
	h.renderPage(w, r, s, "practice", &view{Title: "Practice coding", Nav: "practice", Data: d})
	return nil
}

// submitPractice grades a learner's codes for a case and shows the result.
func (h *Handler) submitPractice(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	c, err := codingaudit.ParseCoding(r.PostFormValue("diagnoses"), codingaudit.ParseLines(r.PostFormValue("lines")))
	if err != nil {
		return err
	}
	cat, err := h.catalog(ctx)
	if err != nil {
		return err
	}
	g, err := codingaudit.Submit(ctx, h.store, cat, r.PostFormValue("case"), c)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/practice?case=%s&attempt=%d#result", g.Case.ID, g.Attempt.ID), http.StatusSeeOther)
	return nil
}
