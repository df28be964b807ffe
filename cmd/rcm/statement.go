package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/lookup"
	"github.com/openrcm/openrcm/pdf"
	"github.com/openrcm/openrcm/statement"
)

func init() {
	register("statement", "print a patient's statement (PDF)", runStatement)
}

const statementUsage = `[--db DB] [--org ID] [--date YYYY-MM-DD] [--open] PATIENT --out FILE.pdf

Prints the patient's statement: each service with what insurance paid and
adjusted, what the patient paid and what they owe, and the amount due in
30 days. --open lists only the services the patient still owes on.
PATIENT is an account number (such as LFM01010), a name, a member ID or the
patient's id.`

func runStatement(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "statement", statementUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	date := fs.String("date", "", "the statement date (default today)")
	open := fs.Bool("open", false, "list only the services the patient still owes on")
	out := fs.String("out", "", "the PDF file to write")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		return usagef("name one patient and --out FILE.pdf")
	}
	var on rcm.Date
	if *date != "" {
		if on, err = rcm.ParseDate(*date); err != nil {
			return usagef("--date must be YYYY-MM-DD")
		}
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if on.IsZero() {
		on = rcm.DateOf(db.Clock.Now())
	}
	if ctx, err = orgContext(ctx, db, *org); err != nil {
		return err
	}
	p, err := lookup.Patient(ctx, db, pos[0])
	if err != nil {
		return err
	}
	st, err := statement.Build(ctx, db, p.ID, on, *open)
	if err != nil {
		return err
	}
	cat, err := catalogFor(ctx, db)
	if err != nil {
		return err
	}
	orgKey := strconv.FormatInt(p.OrgID, 10)
	st.Describe(func(code string, dos rcm.Date) string { return cat.Describe(codeset.CPT, orgKey, code, dos) })
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := pdf.Statement(f, st); err != nil {
		f.Close()
		os.Remove(*out)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Statement for account %s: %d service(s), %s due by %s, written to %s.\n",
		st.Patient.AccountNumber, len(st.Lines), st.Due.Dollars(), st.DueBy, *out)
	return nil
}
