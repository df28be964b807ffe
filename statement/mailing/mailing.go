// Package mailing prints patient statements and runs them on a cycle:
// every patient with a balance due whose last statement is older than the
// cycle, and whose statements are not held, gets one, addressed to the
// guarantor when one is responsible. Each statement of a run is stored
// with its PDF and listed for mailing until someone marks it mailed.
//
// Print is the one path from the ledger to a statement PDF: the statement
// command, the workbench and the run all go through it.
package mailing

import (
	"bytes"
	"context"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/pdf"
	"github.com/openrcm/openrcm/statement"
)

// Cycle is how long after a patient's last statement the next is due by
// default: 30 days, the usual billing cycle (and statement.DaysToPay).
const Cycle = 30 * 24 * time.Hour

// Print builds the patient's statement as of on (statement.Build, which
// the store audits), fills in the codes' words and writes it as PDF.
func Print(ctx context.Context, s statement.Store, patientID int64, on rcm.Date, openOnly bool, d statement.Describer) (*statement.Statement, []byte, error) {
	st, err := statement.Build(ctx, s, patientID, on, openOnly)
	if err != nil {
		return nil, nil, err
	}
	st.Describe(d)
	var buf bytes.Buffer
	if err := pdf.Statement(&buf, st); err != nil {
		return nil, nil, err
	}
	return st, buf.Bytes(), nil
}

// Run is one statement run of an organization: one a day at most, so a
// job retried after a failure, or a second worker, adds to the same run.
type Run struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"-"`
	Date      rcm.Date  `json:"date"`
	CycleDays int       `json:"cycle_days"`
	StartedAt time.Time `json:"started_at"`
	// FinishedAt is zero while the run is under way (or failed part-way).
	FinishedAt time.Time `json:"finished_at,omitzero"`
	// Statements, Total and Mailed sum the run's statements.
	Statements int       `json:"statements"`
	Total      rcm.Money `json:"total"`
	Mailed     int       `json:"mailed"`
}

// Statement is one statement of a run: whom it is mailed to, what it
// asks for, and its PDF (read only by FindRunStatementPDF).
type Statement struct {
	ID            int64               `json:"id"`
	OrgID         int64               `json:"-"`
	RunID         int64               `json:"run_id"`
	RunDate       rcm.Date            `json:"run_date"`
	PatientID     int64               `json:"patient_id"`
	AccountNumber string              `json:"account_number"`
	To            statement.Addressee `json:"to"`
	Amount        rcm.Money           `json:"amount"`
	DueBy         rcm.Date            `json:"due_by"`
	PDF           []byte              `json:"-"`
	CreatedAt     time.Time           `json:"created_at"`
	// MailedAt is zero until someone marks the statement mailed.
	MailedAt time.Time `json:"mailed_at,omitzero"`
}

// Filter selects the statements of the mailing list.
type Filter struct {
	// RunID, when set, keeps one run's statements.
	RunID int64
	// Unmailed keeps those not marked mailed yet.
	Unmailed bool
	Limit    int
}

// Store keeps the runs and their statements; *sqldb.DB implements it.
// Every method is scoped to the context's organization and audited.
type Store interface {
	statement.Store
	// FindStatementsDue returns the patients with a balance due on, no
	// statement dated after on minus cycleDays, and no hold.
	FindStatementsDue(ctx context.Context, on rcm.Date, cycleDays int) ([]rcm.PatientBalance, error)
	// StartStatementRun returns the organization's run of the day on,
	// made if there is none.
	StartStatementRun(ctx context.Context, on rcm.Date, cycleDays int) (*Run, error)
	// AddRunStatements stores a page of statements in one transaction and
	// returns those added: a patient already in the run, or with a
	// statement within the run's cycle, is skipped.
	AddRunStatements(ctx context.Context, runID int64, sts []*Statement) ([]*Statement, error)
	// FinishStatementRun records that the run went through every patient
	// and returns it with its counts and total.
	FinishStatementRun(ctx context.Context, runID int64) (*Run, error)
}

// Options say how a run works.
type Options struct {
	// Cycle is the least time between two statements of a patient;
	// 0 means Cycle.
	Cycle time.Duration
	// Page is how many patients are printed and stored per transaction;
	// 0 means 100.
	Page int
	// Describe, when set, gives the statements' codes their words; it is
	// called once, when some patient is due.
	Describe func(ctx context.Context) statement.Describer
}

// RunStatements runs the organization's statements of the day on: every
// patient FindStatementsDue names gets one statement (what is still owed),
// printed through Print and stored a page at a time. It returns the run
// (with all its statements' count and total) and the statements this call
// added; run again the same day, or within the cycle, it adds none. With
// no patient due there is no run (nil).
func RunStatements(ctx context.Context, s Store, on rcm.Date, o Options) (*Run, []*Statement, error) {
	if o.Cycle <= 0 {
		o.Cycle = Cycle
	}
	if o.Page <= 0 {
		o.Page = 100
	}
	cycleDays := max(1, int(o.Cycle.Hours()/24))
	due, err := s.FindStatementsDue(ctx, on, cycleDays)
	if err != nil || len(due) == 0 {
		return nil, nil, err // no one due: no run
	}
	run, err := s.StartStatementRun(ctx, on, cycleDays)
	if err != nil {
		return nil, nil, err
	}
	var words statement.Describer
	if o.Describe != nil {
		words = o.Describe(ctx)
	}
	var added []*Statement
	for len(due) > 0 {
		page := due[:min(o.Page, len(due))]
		due = due[len(page):]
		var sts []*Statement
		for _, b := range page {
			st, file, err := Print(ctx, s, b.PatientID, on, true, words)
			if rcm.ErrorCode(err) == rcm.ENOTFOUND {
				continue // a balance without a visit: nothing to list
			} else if err != nil {
				return run, added, err
			}
			if st.Due <= 0 {
				continue
			}
			sts = append(sts, &Statement{RunID: run.ID, RunDate: on, PatientID: b.PatientID, AccountNumber: st.Patient.AccountNumber,
				To: st.AddressedTo(), Amount: st.Due, DueBy: st.DueBy, PDF: file})
		}
		if len(sts) == 0 {
			continue
		}
		got, err := s.AddRunStatements(ctx, run.ID, sts)
		if err != nil {
			return run, added, err
		}
		added = append(added, got...)
	}
	done, err := s.FinishStatementRun(ctx, run.ID)
	if err != nil {
		return run, added, err
	}
	return done, added, nil
}

// MailStore is the mailing list: the runs, their statements and their
// PDFs, and the mark that a statement went in the mail. *sqldb.DB
// implements it; every read names its patients in the audit log.
type MailStore interface {
	FindStatementRuns(ctx context.Context, limit int) ([]*Run, error)
	FindRunStatements(ctx context.Context, f Filter) ([]*Statement, error)
	FindRunStatementPDF(ctx context.Context, id int64) (*Statement, error)
	MarkStatementsMailed(ctx context.Context, ids []int64) (int, error)
}
