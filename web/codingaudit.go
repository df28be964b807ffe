package web

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/codingaudit"
)

// CodingAuditStore is what the coding audit and practice routes need of
// storage.
type CodingAuditStore interface {
	codingaudit.Store
	codingaudit.PracticeStore
}

// drawRequest is the body of POST /api/v1/coding-audits.
type drawRequest struct {
	// Coder is the coder's username (or user id).
	Coder string   `json:"coder"`
	From  rcm.Date `json:"from"`
	To    rcm.Date `json:"to"`
	Size  int      `json:"size"`
	// Seed is the sampling seed; left out, the server draws one and
	// stores it with the audit.
	Seed *int64 `json:"seed"`
}

// codingBody is a coding as the API takes it: diagnoses first-listed
// first, and procedure lines.
type codingBody struct {
	Diagnoses []string           `json:"diagnoses"`
	Lines     []codingaudit.Line `json:"lines"`
}

// attemptBody is the body of POST /api/v1/practice/attempts: the case (its
// number or id) and the learner's codes.
type attemptBody struct {
	Case      string             `json:"case"`
	Diagnoses []string           `json:"diagnoses"`
	Lines     []codingaudit.Line `json:"lines"`
}

// RouteCodingAudit adds the coding audit (auditor role) and practice mode
// (any signed-in user) routes. Every audit route re-reads the sample
// through the store, which audits the read of its patients' codes.
func (s *Server) RouteCodingAudit(st CodingAuditStore, catalog func() *codeset.Catalog) {
	s.mux.Handle("GET /api/v1/coding-audits", s.api(func(w http.ResponseWriter, r *http.Request) error {
		as, err := st.FindCodingAudits(r.Context())
		if err != nil {
			return err
		}
		writeList(w, "coding_audits", as)
		return nil
	}))
	s.mux.Handle("POST /api/v1/coding-audits", s.api(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := rcm.RequireActor(r.Context(), rcm.PermAuditCoding); err != nil {
			return err
		}
		var b drawRequest
		if err := decodeJSON(w, r, &b); err != nil {
			return err
		}
		c, err := codingaudit.Coder(r.Context(), st, b.Coder)
		if err != nil {
			return err
		}
		// The seed, when not given, comes from the server's clock (the
		// one time and randomness come in through), and is stored.
		seed := s.clock.Now().UnixNano() & (1<<62 - 1)
		if b.Seed != nil {
			seed = *b.Seed
		}
		au, err := codingaudit.Draw(r.Context(), st, codingaudit.DrawRequest{CoderID: c.ID, From: b.From, To: b.To, Size: b.Size, Seed: seed})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, au.Blind())
		return nil
	}))
	s.mux.Handle("GET /api/v1/coding-audits/{id}", s.api(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		au, err := codingaudit.View(r.Context(), st, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, au)
		return nil
	}))
	s.mux.Handle("POST /api/v1/coding-audits/{id}/encounters/{encounter}", s.api(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := rcm.RequireActor(r.Context(), rcm.PermAuditCoding); err != nil {
			return err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		enc, err := pathID(r, "encounter")
		if err != nil {
			return err
		}
		// Another organization's audit is not found before its body is
		// read, as every route with an id answers.
		if _, err := codingaudit.View(r.Context(), st, id); err != nil {
			return err
		}
		var b codingBody
		if err := decodeJSON(w, r, &b); err != nil {
			return err
		}
		it, err := codingaudit.Recode(r.Context(), st, catalog(), id, enc, codingaudit.Coding{Diagnoses: b.Diagnoses, Lines: b.Lines})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, it)
		return nil
	}))
	s.mux.Handle("GET /api/v1/coding-audits/{id}/report", s.api(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		rep, err := codingaudit.MakeReport(r.Context(), st, catalog(), id)
		if err != nil {
			return err
		}
		switch r.URL.Query().Get("format") {
		case "", "json":
			writeJSON(w, http.StatusOK, rep)
		case "csv":
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="coding-audit-%d.csv"`, id))
			return rep.WriteCSV(w)
		case "pdf":
			var buf bytes.Buffer
			if err := rep.WritePDF(&buf); err != nil {
				return err
			}
			w.Header().Set("Content-Type", "application/pdf")
			w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="coding-audit-%d.pdf"`, id))
			_, err = w.Write(buf.Bytes())
			return err
		default:
			return rcm.FieldErrorf(rcm.EINVALID, "format", "format must be json, csv or pdf.")
		}
		return nil
	}))
	s.mux.Handle("GET /api/v1/practice/cases", s.api(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := rcm.RequireActor(r.Context(), ""); err != nil {
			return err
		}
		cs, err := codingaudit.Cases()
		if err != nil {
			return err
		}
		out := make([]*practiceCase, len(cs))
		for i, c := range cs {
			out[i] = &practiceCase{ID: c.ID, Number: i + 1, Title: c.Title, Setting: c.Setting, DOS: c.DOS, Note: c.Note}
		}
		writeList(w, "cases", out)
		return nil
	}))
	s.mux.Handle("POST /api/v1/practice/attempts", s.api(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := rcm.RequireActor(r.Context(), ""); err != nil {
			return err
		}
		var b attemptBody
		if err := decodeJSON(w, r, &b); err != nil {
			return err
		}
		g, err := codingaudit.Submit(r.Context(), st, catalog(), b.Case, codingaudit.Coding{Diagnoses: b.Diagnoses, Lines: b.Lines})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, g)
		return nil
	}))
	s.mux.Handle("GET /api/v1/practice/progress", s.api(func(w http.ResponseWriter, r *http.Request) error {
		p, err := codingaudit.FindProgress(r.Context(), st)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, p)
		return nil
	}))
	s.describeCodingAudit()
}

// practiceCase is a practice case as the list shows it: the note to code,
// without its answer key.
type practiceCase struct {
	ID      string   `json:"id"`
	Number  int      `json:"number"`
	Title   string   `json:"title"`
	Setting string   `json:"setting"`
	DOS     rcm.Date `json:"dos"`
	Note    string   `json:"note"`
}

func (s *Server) describeCodingAudit() {
	const tag = "coding-audit"
	s.Describe("GET /api/v1/coding-audits", Operation{Tag: tag, Summary: "The organization's coding audits, newest first (auditor role).",
		Response: codingaudit.Audit{}, List: "coding_audits"})
	s.Describe("POST /api/v1/coding-audits", Operation{Tag: tag, Summary: "Draw a seeded random sample of a coder's finished encounters in a period; the coder's codes are hidden until each is re-coded.",
		Body: drawRequest{}, Response: codingaudit.Audit{}, Status: http.StatusCreated})
	s.Describe("GET /api/v1/coding-audits/{id}", Operation{Tag: tag, Summary: "An audit's sample, blind: the coder's codes only for the encounters already re-coded.",
		Response: codingaudit.Audit{}})
	s.Describe("POST /api/v1/coding-audits/{id}/encounters/{encounter}", Operation{Tag: tag, Summary: "Re-code one sampled encounter (once); the suggestions are read from its note and kept beside.",
		Body: codingBody{}, Response: codingaudit.Item{}})
	s.Describe("GET /api/v1/coding-audits/{id}/report", Operation{Tag: tag, Summary: "The audit's agreement report: per encounter and for the coder and the suggestions, with each difference in words and priced (format=csv or pdf for a file).",
		Query: []string{"format"}, Response: codingaudit.Report{}, AlsoMedia: "text/csv"})
	s.Describe("GET /api/v1/practice/cases", Operation{Tag: tag, Summary: "The practice cases (synthetic notes), without their answer keys.",
		Response: practiceCase{}, List: "cases"})
	s.Describe("POST /api/v1/practice/attempts", Operation{Tag: tag, Summary: "Code a practice case: scored against its key, each difference explained (index path, guideline), the attempt kept.",
		Body: attemptBody{}, Response: codingaudit.Graded{}, Status: http.StatusCreated})
	s.Describe("GET /api/v1/practice/progress", Operation{Tag: tag, Summary: "Your practice attempts over time, their total score and your best attempt at each case.",
		Response: codingaudit.Progress{}})
}
