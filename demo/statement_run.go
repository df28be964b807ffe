package demo

import (
	"context"
	"os"
	"path/filepath"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/statement/mailing"
)

// statementRun runs the statements as the scheduled job statement_run
// does: every patient still owing after the front desk gets one statement,
// stored with its PDF and listed to mail; run again the same day, it
// sends nothing.
func (r *run) statementRun(ctx context.Context) (context.Context, error) {
	on := rcm.DateOf(r.db.Clock.Now())
	run, added, err := mailing.RunStatements(ctx, r.db, on, mailing.Options{})
	if err != nil {
		return ctx, err
	}
	if run == nil {
		r.printf("no patient owes a balance: no statement to mail")
		return ctx, nil
	}
	var total rcm.Money
	for _, st := range added {
		total += st.Amount
	}
	r.printf("statement run %d of %s: %d statements to mail, %s asked for", run.ID, run.Date, len(added), total.Dollars())
	if r.opt.Out != "" && len(added) > 0 {
		st, err := r.db.FindRunStatementPDF(ctx, added[0].ID)
		if err != nil {
			return ctx, err
		}
		name := "statement-run-" + st.AccountNumber + ".pdf"
		if err := os.WriteFile(filepath.Join(r.opt.Out, name), st.PDF, 0o644); err != nil {
			return ctx, err
		}
		r.printf("  the first, account %s for %s, is %s", st.AccountNumber, st.Amount.Dollars(), name)
	}
	again, more, err := mailing.RunStatements(ctx, r.db, on, mailing.Options{})
	if err != nil {
		return ctx, err
	}
	if again != nil || len(more) != 0 {
		r.printf("the same day's run again added %d statements", len(more))
	} else {
		r.printf("the same day's run again: nobody is due, nothing sent twice")
	}
	return ctx, nil
}
