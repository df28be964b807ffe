package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm/carc"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
)

func init() {
	register("era", "post 835 remittances; remittance history, denials, exceptions and patient balances", runEra)
}

const eraUsage = `post [--db DB] [--org ID] FILE...
       rcm era list [--db DB] [--org ID] [--payer PAYER] [--trace T] [--paid-from D] [--paid-to D]
                    [--posted-from D] [--posted-to D] [--limit N] [--offset N | --before ID] [--json | --csv]
       rcm era show [--db DB] [--org ID] REMITTANCE_ID [--json]
       rcm era resolve [--db DB] [--org ID] EXCEPTION_ID --kind KIND --note TEXT [--as USERNAME]
       rcm era apply [--db DB] [--org ID] EXCEPTION_ID --claim CLAIM --line N --amount 12.50 --key K [--as USERNAME]
       rcm era denials [--db DB] [--org ID] [--limit N] [--json | --csv]
       rcm era exceptions [--db DB] [--org ID] [--status open|resolved|all] [--json | --csv]
       rcm era balances [--db DB] [--org ID] [--json | --csv]

post reads each 835 file, checks that it balances and posts it into the
ledger exactly once: an 835 already posted (same payer and TRN02 trace) posts
nothing and says so. Claim payments that match no claim or line go to the
exceptions queue. Exits 1 when a file cannot be read or posted.
list shows the 835s posted, newest first, with claims posted, paid,
adjusted, patient responsibility, PLB and open exceptions; show one 835
with its claim payments, PLBs and exceptions. resolve settles a posting
exception once: KIND is posted_manually, not_ours, refund_requested or
other, and the note says what was done. apply moves money a check left
unapplied to a line of a claim of the check's payer (CLAIM is a claim number
or id; at most what is left and what the line owes; the same --key applies
once); the exception closes when nothing is left.
denials lists denied lines with their CARC/RARC codes and meanings;
exceptions lists the exceptions queue (open ones unless --status says
otherwise); balances lists patients with an open balance.`

func runEra(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usagef("usage: rcm era %s", eraUsage)
	}
	sub, rest := args[0], args[1:]
	if sub == "-h" || sub == "--help" {
		fmt.Fprintf(env.Stderr, "usage: rcm era %s\n", eraUsage)
		return nil
	}
	switch sub {
	case "list", "show", "resolve", "apply":
		return runEraHistory(ctx, env, sub, rest)
	case "post", "denials", "exceptions", "balances":
	default:
		return usagef("unknown subcommand %q; usage: rcm era %s", sub, eraUsage)
	}
	fs := newFlagSet(env, "era "+sub, eraUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	limit := fs.Int("limit", 100, "list at most this many denials")
	status := fs.String("status", remit.ExceptionsOpen, "exceptions: open, resolved or all")
	format := listFlags(fs)
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if err := format.check(); err != nil {
		return err
	}
	if sub == "post" && format.given() {
		return usagef("--json and --csv are for the lists (denials, exceptions, balances), not post")
	}
	if sub == "post" && fs.NArg() == 0 {
		return usagef("name at least one 835 FILE")
	}
	if sub != "post" && fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if ctx, err = orgContext(ctx, db, *org); err != nil {
		return err
	}
	switch sub {
	case "post":
		return eraPost(ctx, env, db, fs.Args())
	case "denials":
		ds, err := db.FindDenials(ctx, remit.DenialFilter{Limit: *limit})
		if err != nil {
			return err
		}
		set, err := db.CodeSet(ctx)
		if err != nil {
			set = carc.NewSet()
		}
		remit.Explain(ds, set)
		if *format.csv {
			// The same columns as the workbench's download of the queue.
			return remit.WriteDenialsCSV(env.Stdout, ds)
		}
		if format.given() {
			t := &table{header: []string{"PAID_ON", "CLAIM", "LINE", "CODE", "PAYER", "AMOUNT", "REASONS", "REMARKS"}}
			for _, d := range ds {
				var reasons, remarks []string
				for _, r := range d.Reasons {
					reasons = append(reasons, fmt.Sprintf("%s-%s %s: %s", r.Group, r.Code, r.Amount.Dollars(), r.Meaning))
				}
				for _, r := range d.Remarks {
					remarks = append(remarks, r.Code+": "+r.Meaning)
				}
				t.add(d.Date.String(), d.ControlNumber, strconv.Itoa(d.Line), d.Code, d.PayerName, d.Amount.Dollars(),
					strings.Join(reasons, "; "), strings.Join(remarks, "; "))
			}
			return format.print(env.Stdout, t, ds)
		}
		if len(ds) == 0 {
			fmt.Fprintln(env.Stdout, "No denials.")
		}
		for _, d := range ds {
			fmt.Fprintf(env.Stdout, "%s  claim %s line %d %s  %s  %s\n", d.Date, d.ControlNumber, d.Line, d.Code, d.PayerName, d.Amount.Dollars())
			for _, r := range d.Reasons {
				fmt.Fprintf(env.Stdout, "    %s-%s %s: %s\n", r.Group, r.Code, r.Amount.Dollars(), r.Meaning)
			}
			for _, r := range d.Remarks {
				fmt.Fprintf(env.Stdout, "    %s: %s\n", r.Code, r.Meaning)
			}
		}
	case "exceptions":
		xs, err := db.FindRemitExceptionQueue(ctx, remit.ExceptionFilter{Status: *status, Limit: 1000})
		if err != nil {
			return err
		}
		if format.given() {
			t := &table{header: []string{"EXCEPTION", "TRACE", "CLAIM", "AMOUNT", "REASON", "RESOLVED_AT", "RESOLVED_BY", "KIND", "NOTE"}}
			for _, x := range xs {
				row := []string{strconv.FormatInt(x.ID, 10), x.Trace, x.ControlNumber, x.Amount.Dollars(), x.Reason, "", "", "", ""}
				if r := x.Resolution; r != nil {
					row[5], row[6], row[7], row[8] = r.ResolvedAt.UTC().Format("2006-01-02 15:04"), orDash(r.UserName), r.Kind, r.Note
				}
				t.add(row...)
			}
			return format.print(env.Stdout, t, xs)
		}
		switch {
		case len(xs) > 0:
		case *status == remit.ExceptionsOpen:
			fmt.Fprintln(env.Stdout, "The exceptions queue is empty.")
		default:
			fmt.Fprintf(env.Stdout, "No %s exceptions.\n", *status)
		}
		printExceptions(env.Stdout, xs)
	case "balances":
		ps, err := db.FindPatientBalances(ctx)
		if err != nil {
			return err
		}
		if format.given() {
			t := &table{header: []string{"ACCOUNT", "OPEN"}}
			for _, p := range ps {
				t.add(p.AccountNumber, p.Open.Dollars())
			}
			return format.print(env.Stdout, t, ps)
		}
		if len(ps) == 0 {
			fmt.Fprintln(env.Stdout, "No patient has an open balance.")
		}
		for _, p := range ps {
			fmt.Fprintf(env.Stdout, "account %-20s %14s\n", p.AccountNumber, p.Open.Dollars())
		}
	}
	return nil
}

func eraPost(ctx context.Context, env *Env, db *sqldb.DB, files []string) error {
	failed := 0
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
			failed++
			continue
		}
		results, err := remit.PostFile(ctx, db, f)
		f.Close()
		for _, res := range results {
			fmt.Fprintf(env.Stdout, "%s: %s\n", name, res)
			for _, x := range res.Exceptions {
				fmt.Fprintf(env.Stdout, "    exception: %s\n", x)
			}
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "%s: %s\n", name, errorText(err))
			failed++
		}
	}
	if failed > 0 {
		return exitCode(1)
	}
	return nil
}
