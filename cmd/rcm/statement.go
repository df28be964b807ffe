package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/lookup"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/statement"
	"github.com/openrcm/openrcm/statement/mailing"
)

func init() {
	register("statement", "print a patient's statement (PDF)", runStatement)
}

const statementUsage = `[--db DB] [--org ID] [--date YYYY-MM-DD] [--open] PATIENT --out FILE.pdf
       rcm statement run [--db DB] [--org ID] [--date YYYY-MM-DD] [--cycle DAYS]
       rcm statement runs [--db DB] [--org ID] [--json | --csv]
       rcm statement mail-list [--db DB] [--org ID] [--run N] [--all] [--json | --csv] [--out DIR]
       rcm statement mailed [--db DB] [--org ID] (--run N | STATEMENT...)
       rcm statement hold [--db DB] [--org ID] (--reason TEXT | --release) PATIENT

Prints the patient's statement: each service with what insurance paid and
adjusted, what the patient paid and what they owe, and the amount due in
30 days. --open lists only the services the patient still owes on.
PATIENT is an account number (such as LFM01010), a name, a member ID or the
patient's id.
Statement runs (the scheduled job statement_run, daily by default, or run
here) give every patient with a balance due, no statement in the last
--cycle days and no hold one statement of what they owe, addressed to the
guarantor when one is responsible, and list it for mailing.`

// statementSubcommands are the statement run commands, each with its
// usage; any other first argument names a patient. It is filled in init,
// since its commands read it for their usage.
var statementSubcommands map[string]statementSubcommand

type statementSubcommand struct {
	usage string
	run   func(ctx context.Context, env *Env, args []string) error
}

func init() {
	statementSubcommands = map[string]statementSubcommand{
		"run": {`run [--db DB] [--org ID] [--date YYYY-MM-DD] [--cycle DAYS]

Runs the statements of the day now, as the scheduled job does: every patient
with a balance due, no statement in the last DAYS days (default 30) and no
hold gets one. Run again within the cycle, it sends nothing.`, runStatementRun},
		"runs": {`runs [--db DB] [--org ID] [--json | --csv]

Lists the statement runs, newest first: date, statements, total asked for,
how many were mailed.`, runStatementRuns},
		"mail-list": {`mail-list [--db DB] [--org ID] [--run N] [--all] [--json | --csv] [--out DIR]

Lists the statements to mail (--all: mailed ones too): run, addressee,
address, amount. N is a run's number or date. --out writes each listed
statement's PDF into DIR, to print them all.`, runStatementMailList},
		"mailed": {`mailed [--db DB] [--org ID] (--run N | STATEMENT...)

Marks statements mailed: those named by number (from mail-list), or every
statement of run N.`, runStatementMailed},
		"hold": {`hold [--db DB] [--org ID] (--reason TEXT | --release) PATIENT

Holds the patient's statements (a dispute, a payment plan): statement runs
skip the patient until --release.`, runStatementHold},
	}
}

// statementWords gives a statement's procedure codes their words from the
// code sets the database holds (the organization's CPT text or labels,
// HCPCS); nil, so codes print alone, when they cannot be read.
func statementWords(db *sqldb.DB) func(ctx context.Context, org int64) statement.Describer {
	return func(ctx context.Context, org int64) statement.Describer {
		cat, err := catalogFor(ctx, db)
		if err != nil {
			return nil
		}
		orgKey := strconv.FormatInt(org, 10)
		return func(code string, dos rcm.Date) string { return cat.Describe(codeset.CPT, orgKey, code, dos) }
	}
}

func runStatement(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		if sub, ok := statementSubcommands[args[0]]; ok {
			return sub.run(ctx, env, args[1:])
		}
	}
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
	st, file, err := mailing.Print(ctx, db, p.ID, on, *open, statementWords(db)(ctx, p.OrgID))
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, file, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Statement for account %s: %d service(s), %s due by %s, written to %s.\n",
		st.Patient.AccountNumber, len(st.Lines), st.Due.Dollars(), st.DueBy, *out)
	return nil
}

// statementDB opens the database acting for the organization, for the
// statement run commands.
func statementDB(ctx context.Context, dsn string, org int64) (*sqldb.DB, context.Context, error) {
	db, err := openDB(ctx, dsn)
	if err != nil {
		return nil, ctx, err
	}
	if ctx, err = orgContext(ctx, db, org); err != nil {
		db.Close()
		return nil, ctx, err
	}
	return db, ctx, nil
}

// statementListDB parses a statement list command's flags, refuses
// arguments and both formats at once, and opens the database as the
// organization.
func statementListDB(ctx context.Context, fs *flag.FlagSet, args []string, name string, format listFormat, dsn *string, org *int64) (*sqldb.DB, context.Context, error) {
	if err := parseFlags(fs, args); err != nil {
		return nil, ctx, err
	}
	if err := format.check(); err != nil {
		return nil, ctx, err
	}
	if fs.NArg() != 0 {
		return nil, ctx, usagef("statement %s takes no arguments", name)
	}
	return statementDB(ctx, *dsn, *org)
}

func statementFlags(env *Env, name string) (*flag.FlagSet, *string, *int64) {
	fs := newFlagSet(env, "statement "+name, statementSubcommands[name].usage)
	return fs, dbFlag(fs, env), orgFlag(fs)
}

func runStatementRun(ctx context.Context, env *Env, args []string) error {
	fs, dsn, org := statementFlags(env, "run")
	date := fs.String("date", "", "the statements' date (default today)")
	cycle := fs.Int("cycle", int(mailing.Cycle.Hours()/24), "the least `DAYS` between two statements of a patient")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *cycle < 1 {
		return usagef("statement run takes no arguments and a --cycle of at least 1 day")
	}
	db, ctx, err := statementDB(ctx, *dsn, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	on := rcm.DateOf(db.Clock.Now())
	if *date != "" {
		if on, err = rcm.ParseDate(*date); err != nil {
			return usagef("--date must be YYYY-MM-DD")
		}
	}
	a, _ := rcm.ActorFromContext(ctx)
	words := statementWords(db)
	run, added, err := mailing.RunStatements(ctx, db, on, mailing.Options{Cycle: time.Duration(*cycle) * 24 * time.Hour,
		Describe: func(ctx context.Context) statement.Describer { return words(ctx, a.OrgID) }})
	if err != nil {
		return err
	}
	if run == nil {
		fmt.Fprintf(env.Stdout, "No patient is due a statement: none has a balance due without a statement in the last %d days.\n", *cycle)
		return nil
	}
	var total rcm.Money
	for _, st := range added {
		total += st.Amount
	}
	fmt.Fprintf(env.Stdout, "Statement run %d of %s: %s added, %s asked for; %s in the run. List them with rcm statement mail-list --run %d.\n",
		run.ID, run.Date, plural(len(added), "statement"), total.Dollars(), plural(run.Statements, "statement"), run.ID)
	return nil
}

func runStatementRuns(ctx context.Context, env *Env, args []string) error {
	fs, dsn, org := statementFlags(env, "runs")
	format := listFlags(fs)
	db, ctx, err := statementListDB(ctx, fs, args, "runs", format, dsn, org)
	if err != nil {
		return err
	}
	defer db.Close()
	runs, err := db.FindStatementRuns(ctx, 0)
	if err != nil {
		return err
	}
	t := &table{header: []string{"RUN", "DATE", "STATEMENTS", "TOTAL", "MAILED", "FINISHED"}, none: "No statement run yet."}
	for _, r := range runs {
		finished := "no"
		if !r.FinishedAt.IsZero() {
			finished = r.FinishedAt.UTC().Format("2006-01-02 15:04")
		}
		t.add(strconv.FormatInt(r.ID, 10), r.Date.String(), strconv.Itoa(r.Statements), r.Total.Dollars(), strconv.Itoa(r.Mailed), finished)
	}
	t.total = plural(len(runs), "run")
	return format.print(env.Stdout, t, runs)
}

// findStatementRun finds a run by its number or date.
func findStatementRun(ctx context.Context, db *sqldb.DB, ref string) (*mailing.Run, error) {
	runs, err := db.FindStatementRuns(ctx, 0)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		if strconv.FormatInt(r.ID, 10) == ref || r.Date.String() == ref {
			return r, nil
		}
	}
	return nil, rcm.Errorf(rcm.ENOTFOUND, "No statement run %s: rcm statement runs lists them.", ref)
}

// oneLine is an address on one line, for a list.
func oneLine(a rcm.Address) string {
	var parts []string
	for _, p := range []string{a.Line1, a.Line2, a.City, strings.TrimSpace(a.State + " " + a.ZIP)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

func runStatementMailList(ctx context.Context, env *Env, args []string) error {
	fs, dsn, org := statementFlags(env, "mail-list")
	runRef := fs.String("run", "", "only run `N` (its number or date)")
	all := fs.Bool("all", false, "list the statements marked mailed too")
	out := fs.String("out", "", "write each listed statement's PDF into `DIR`")
	format := listFlags(fs)
	db, ctx, err := statementListDB(ctx, fs, args, "mail-list", format, dsn, org)
	if err != nil {
		return err
	}
	defer db.Close()
	f := mailing.Filter{Unmailed: !*all}
	if *runRef != "" {
		r, err := findStatementRun(ctx, db, *runRef)
		if err != nil {
			return err
		}
		f.RunID = r.ID
	}
	sts, err := db.FindRunStatements(ctx, f)
	if err != nil {
		return err
	}
	t := &table{header: []string{"STATEMENT", "RUN", "TO", "FOR", "ADDRESS", "ACCOUNT", "AMOUNT", "DUE BY", "MAILED"}, none: "No statement to mail."}
	var total rcm.Money
	for _, st := range sts {
		mailed := ""
		if !st.MailedAt.IsZero() {
			mailed = st.MailedAt.UTC().Format("2006-01-02")
		}
		t.add(strconv.FormatInt(st.ID, 10), st.RunDate.String(), st.To.Name, st.To.For, oneLine(st.To.Address), st.AccountNumber, st.Amount.Dollars(), st.DueBy.String(), mailed)
		total += st.Amount
	}
	t.total = fmt.Sprintf("%s, %s", plural(len(sts), "statement"), total.Dollars())
	if *out != "" {
		if err := os.MkdirAll(*out, 0o700); err != nil {
			return err
		}
		for _, st := range sts {
			full, err := db.FindRunStatementPDF(ctx, st.ID)
			if err != nil {
				return err
			}
			name := filepath.Join(*out, fmt.Sprintf("statement-%d-%s-%s.pdf", st.ID, st.AccountNumber, st.RunDate))
			if err := os.WriteFile(name, full.PDF, 0o600); err != nil {
				return err
			}
		}
		if !format.given() {
			t.total += fmt.Sprintf("; PDFs written to %s", *out)
		}
	}
	return format.print(env.Stdout, t, sts)
}

func runStatementMailed(ctx context.Context, env *Env, args []string) error {
	fs, dsn, org := statementFlags(env, "mailed")
	runRef := fs.String("run", "", "mark every statement of run `N` (its number or date)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if (*runRef == "") == (len(pos) == 0) {
		return usagef("name statements by number or give --run N, not both")
	}
	var ids []int64
	for _, p := range pos {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			return usagef("%q is not a statement number (rcm statement mail-list shows them)", p)
		}
		ids = append(ids, id)
	}
	db, ctx, err := statementDB(ctx, *dsn, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	if *runRef != "" {
		r, err := findStatementRun(ctx, db, *runRef)
		if err != nil {
			return err
		}
		sts, err := db.FindRunStatements(ctx, mailing.Filter{RunID: r.ID, Unmailed: true})
		if err != nil {
			return err
		}
		for _, st := range sts {
			ids = append(ids, st.ID)
		}
	}
	n := 0
	for start := 0; start < len(ids); start += 1000 {
		m, err := db.MarkStatementsMailed(ctx, ids[start:min(start+1000, len(ids))])
		if err != nil {
			return err
		}
		n += m
	}
	fmt.Fprintf(env.Stdout, "%s marked mailed.\n", plural(n, "statement"))
	return nil
}

func runStatementHold(ctx context.Context, env *Env, args []string) error {
	fs, dsn, org := statementFlags(env, "hold")
	reason := fs.String("reason", "", "why the statements are held")
	release := fs.Bool("release", false, "end the hold")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (*reason == "") == !*release {
		return usagef("name one patient and give --reason TEXT or --release")
	}
	db, ctx, err := statementDB(ctx, *dsn, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := lookup.Patient(ctx, db, pos[0])
	if err != nil {
		return err
	}
	if *release {
		held, err := db.ReleaseStatements(ctx, p.ID)
		if err != nil {
			return err
		}
		if !held {
			fmt.Fprintf(env.Stdout, "Statements of account %s were not held.\n", p.AccountNumber)
			return nil
		}
		fmt.Fprintf(env.Stdout, "Statements of account %s released: the next run sends one if a balance is due.\n", p.AccountNumber)
		return nil
	}
	if err := db.HoldStatements(ctx, p.ID, *reason); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Statements of account %s held: statement runs skip the patient until rcm statement hold --release.\n", p.AccountNumber)
	return nil
}
