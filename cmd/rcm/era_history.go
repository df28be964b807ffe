package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/lookup"
	"github.com/openrcm/openrcm/remit"
)

// runEraHistory runs the remittance history subcommands: list, show and
// resolve. Their flags may follow the id.
func runEraHistory(ctx context.Context, env *Env, sub string, args []string) error {
	fs := newFlagSet(env, "era "+sub, eraUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	asJSON := fs.Bool("json", false, "list, show: print JSON")
	asCSV := fs.Bool("csv", false, "list: print CSV with a header row")
	var f remit.RemittanceFilter
	payerRef := fs.String("payer", "", "list: only 835s from this `PAYER` (payer ID, name or id)")
	fs.StringVar(&f.Trace, "trace", "", "list: only the 835 with this trace number (TRN02)")
	dates := map[string]*rcm.Date{"paid-from": &f.PaidFrom, "paid-to": &f.PaidTo, "posted-from": &f.PostedFrom, "posted-to": &f.PostedTo}
	raw := map[string]*string{}
	for name := range dates {
		raw[name] = fs.String(name, "", "list: "+strings.ReplaceAll(name, "-", " ")+" date, YYYY-MM-DD")
	}
	fs.IntVar(&f.Limit, "limit", 50, "list: at most this many 835s")
	fs.IntVar(&f.Offset, "offset", 0, "list: skip this many 835s")
	fs.Int64Var(&f.Before, "before", 0, "list: only 835s with a smaller id (the last id of the page before)")
	kind := fs.String("kind", "", "resolve: posted_manually, not_ours, refund_requested or other")
	note := fs.String("note", "", "resolve: what was done (required)")
	as := fs.String("as", "", "resolve, apply: the biller's or admin's username to record (default: the command line)")
	claimFlag := fs.String("claim", "", "apply: the claim (claim number or id) to apply the money to")
	line := fs.Int("line", 0, "apply: the claim line, 1 for the first")
	amount := fs.String("amount", "", "apply: the amount to apply, such as 12.50")
	key := fs.String("key", "", "apply: 8 to 64 characters that identify this application (the same key applies once)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	for name, s := range raw {
		if *s == "" {
			continue
		}
		if *dates[name], err = rcm.ParseDate(*s); err != nil {
			return usagef("--%s must be a date as YYYY-MM-DD", name)
		}
	}
	var id int64
	switch {
	case sub == "list" && len(pos) > 0:
		return usagef("unexpected argument %q", pos[0])
	case sub != "list" && len(pos) != 1:
		return usagef("name one %s", map[string]string{"show": "remittance ID", "resolve": "exception ID", "apply": "exception ID"}[sub])
	case sub != "list":
		ids, err := idArgs(pos)
		if err != nil {
			return err
		}
		id = ids[0]
	}
	if f.Limit < 1 || f.Limit > 1000 {
		return usagef("--limit must be 1 to 1000")
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
	case "list":
		if *payerRef != "" {
			p, err := lookup.Payer(ctx, db, *payerRef)
			if err != nil {
				return err
			}
			f.PayerID = p.ID
		}
		rs, err := db.FindRemittances(ctx, f)
		if err != nil {
			return err
		}
		if format := (listFormat{json: asJSON, csv: asCSV}); format.given() {
			if err := format.check(); err != nil {
				return err
			}
			t := &table{header: []string{"REMITTANCE", "PAID_ON", "PAYER", "TRACE", "METHOD", "AMOUNT", "CLAIMS", "POSTED", "PAID", "ADJUSTED",
				"PATIENT_RESP", "PLB", "OPEN_EXCEPTIONS", "POSTED_AT", "POSTED_BY"}}
			for _, r := range rs {
				t.add(strconv.FormatInt(r.ID, 10), r.PaidOn.String(), r.PayerName, r.Trace, r.Method, r.Amount.Dollars(), strconv.Itoa(r.Claims),
					strconv.Itoa(r.Posted), r.Paid.Dollars(), r.Adjusted.Dollars(), r.PatientResponsibility.Dollars(), r.PLBTotal.Dollars(),
					strconv.Itoa(r.OpenExceptions), r.PostedAt.UTC().Format("2006-01-02 15:04"), postedBy(r))
			}
			return format.print(env.Stdout, t, rs)
		}
		if len(rs) == 0 {
			fmt.Fprintln(env.Stdout, "No remittances.")
		}
		for _, r := range rs {
			printRemitSummary(env.Stdout, r)
		}
	case "show":
		d, err := db.GetRemittance(ctx, id)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(env.Stdout, d)
		}
		printRemitDetail(env.Stdout, d)
	case "resolve", "apply":
		if *as != "" {
			u, err := findUser(ctx, db, *as)
			if err != nil {
				return err
			}
			a, _ := rcm.ActorFromContext(ctx)
			if u.OrgID != a.OrgID {
				return rcm.Errorf(rcm.ENOTFOUND, "No user named %q in this organization.", *as)
			}
			ctx = rcm.NewContextWithActor(ctx, rcm.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Reason: a.Reason})
		}
		if sub == "apply" {
			if *claimFlag == "" || *amount == "" {
				return usagef("apply: give --claim, --line, --amount and --key")
			}
			c, err := claimRef(ctx, db, *claimFlag)
			if err != nil {
				return err
			}
			m, err := rcm.ParseMoney(*amount)
			if err != nil {
				return usagef("--amount must be dollars and cents, such as 12.50")
			}
			x, err := db.ApplyUnappliedMoney(ctx, remit.Application{ExceptionID: id, ClaimID: c.ID, Line: *line, Amount: m, Key: *key})
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "%s of check %s applied to claim %s line %d; %s left unapplied", m.Dollars(), x.Trace, c.ControlNumber, *line, (x.Amount - x.Applied).Dollars())
			if x.Resolution != nil {
				fmt.Fprint(env.Stdout, "; the exception is closed")
			}
			fmt.Fprintln(env.Stdout, ".")
			return nil
		}
		x, err := db.ResolveRemitException(ctx, id, *kind, *note)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Exception #%d (835 %s, CLP %s, %s) resolved: %s.\n", x.ID, x.Trace, x.ControlNumber, x.Amount.Dollars(), x.Resolution.Kind)
	}
	return nil
}

func printRemitSummary(w io.Writer, r *remit.RemittanceSummary) {
	fmt.Fprintf(w, "#%d  %s  %s  835 %s  %s %s  claims %d, %d posted: paid %s, adjusted %s, patient %s  PLB %s  exceptions %d open of %d  posted %s by %s\n",
		r.ID, r.PaidOn, r.PayerName, r.Trace, r.Method, r.Amount.Dollars(), r.Claims, r.Posted, r.Paid.Dollars(), r.Adjusted.Dollars(),
		r.PatientResponsibility.Dollars(), r.PLBTotal.Dollars(), r.OpenExceptions, r.Exceptions, r.PostedAt.UTC().Format("2006-01-02 15:04"), postedBy(r))
}

func postedBy(r *remit.RemittanceSummary) string {
	if r.PostedByName != "" {
		return r.PostedByName
	}
	return "the command line"
}

func printRemitDetail(w io.Writer, d *remit.RemittanceDetail) {
	printRemitSummary(w, &d.Summary)
	fmt.Fprintln(w, "Claim payments:")
	for _, c := range d.ClaimPayments {
		claim := "no claim"
		if c.ClaimID > 0 {
			claim = fmt.Sprintf("claim %d (%s)", c.ClaimID, c.ClaimState)
		}
		fmt.Fprintf(w, "  %d  CLP %s  payer claim %s  status %s  charge %s  paid %s  patient %s  %s  %s\n", c.Seq, c.ControlNumber,
			orDash(c.PayerClaimNumber), c.Status, c.Charge.Dollars(), c.Paid.Dollars(), c.PatientResponsibility.Dollars(), c.Outcome, claim)
	}
	if len(d.ProviderAdjustments) > 0 {
		fmt.Fprintln(w, "Provider adjustments (PLB):")
		for _, p := range d.ProviderAdjustments {
			fmt.Fprintf(w, "  %d  %s %s  %s  provider %s, period %s\n", p.Seq, p.Reason, orDash(p.Reference), p.Amount.Dollars(), p.Provider, p.FiscalPeriod)
		}
	}
	if len(d.Exceptions) > 0 {
		fmt.Fprintln(w, "Exceptions:")
		printExceptions(w, d.Exceptions)
	}
}

func printExceptions(w io.Writer, xs []*remit.Exception) {
	for _, x := range xs {
		fmt.Fprintf(w, "#%d  835 %s  CLP %s  %s\n    %s\n", x.ID, x.Trace, x.ControlNumber, x.Amount.Dollars(), x.Reason)
		if x.Applied > 0 {
			fmt.Fprintf(w, "    %s applied to claim lines since; %s left\n", x.Applied.Dollars(), (x.Amount - x.Applied).Dollars())
		}
		if r := x.Resolution; r != nil {
			by := r.UserName
			if by == "" {
				by = "the command line"
			}
			fmt.Fprintf(w, "    resolved %s by %s: %s\n", r.ResolvedAt.UTC().Format("2006-01-02 15:04"), by, r.Kind)
			for _, l := range strings.Split(r.Note, "\n") {
				fmt.Fprintf(w, "      %s\n", strings.TrimRight(l, "\r"))
			}
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
