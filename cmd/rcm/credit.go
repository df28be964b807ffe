package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/lookup"
)

const ledgerCreditUsage = `credits [--db DB] [--org ID] [--json|--csv]
       rcm ledger apply-credit [--db DB] [--org ID] --patient PATIENT --amount 10.00 --key K
       rcm ledger refund request --as USER --patient PATIENT [--payer PAYER] --amount 10.00 --reason R
       rcm ledger refund approve|decline --as USER REFUND
       rcm ledger refund list [--status requested|refunded|declined] [--json|--csv]
       rcm ledger close --through YYYY-MM-DD

Money paid beyond what was owed is held as a credit on the patient's
account. credits lists them; apply-credit pays the patient's open balance
from their own credit; a refund pays a credit back (to the patient, or with
--payer to that payer) once another user than the requester approves it;
close closes the books through a day, after which nothing posts dated in it.`

// runLedgerCredit is rcm ledger credits, apply-credit, refund and close.
func runLedgerCredit(ctx context.Context, env *Env, sub string, args []string) error {
	verb := ""
	if sub == "refund" {
		if len(args) == 0 {
			return usagef("usage: rcm ledger %s", ledgerCreditUsage)
		}
		verb, args = args[0], args[1:]
		switch verb {
		case "request", "approve", "decline", "list":
		default:
			return usagef("rcm ledger refund: unknown %q; want request, approve, decline or list", verb)
		}
	}
	fs := newFlagSet(env, "ledger "+sub, ledgerCreditUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	patientRef := fs.String("patient", "", "the patient: account number, name, member ID or id")
	payerRef := fs.String("payer", "", "refund request: the payer whose credit is refunded, by payer ID, name or id (default: the patient's own)")
	amount := fs.String("amount", "", "the amount, such as 10.00")
	reason := fs.String("reason", "", "refund request: why the money goes back")
	key := fs.String("key", "", "apply-credit: 8 to 64 characters (the same key posts once)")
	as := fs.String("as", "", "refund: the username of who requests, approves or declines")
	status := fs.String("status", "", "refund list: only refunds in this state")
	through := fs.String("through", "", "close: the last day of the closed period, YYYY-MM-DD")
	asJSON := fs.Bool("json", false, "print JSON")
	asCSV := fs.Bool("csv", false, "credits, refund list: print CSV (RFC 4180)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var money rcm.Money
	if sub == "apply-credit" || verb == "request" {
		var err error
		if money, err = rcm.ParseMoney(*amount); err != nil {
			return usagef("--amount must be dollars and cents, such as 10.00: %v", err)
		}
	}
	var refundID int64
	if verb == "approve" || verb == "decline" {
		if fs.NArg() != 1 {
			return usagef("rcm ledger refund %s: name one refund number", verb)
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil || id <= 0 {
			return usagef("refund number %q is not a number", fs.Arg(0))
		}
		refundID = id
	} else if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if (verb == "request" || verb == "approve" || verb == "decline") && *as == "" {
		return usagef("rcm ledger refund %s needs --as USER: a refund is requested by one user and approved by another", verb)
	}
	var day time.Time
	if sub == "close" {
		var err error
		if day, err = time.Parse(time.DateOnly, *through); err != nil {
			return usagef("--through must be a date as YYYY-MM-DD")
		}
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if ctx, err = orgContext(ctx, db, *org); err != nil {
		return err
	}
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
	// The patient and payer as the biller knows them (package lookup).
	var patient, payer = new(int64), new(int64)
	if *patientRef != "" {
		p, err := lookup.Patient(ctx, db, *patientRef)
		if err != nil {
			return err
		}
		*patient = p.ID
	}
	if *payerRef != "" {
		p, err := lookup.Payer(ctx, db, *payerRef)
		if err != nil {
			return err
		}
		*payer = p.ID
	}
	out := env.Stdout
	switch {
	case sub == "credits":
		cs, err := db.FindCredits(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(out).Encode(cs)
		}
		if *asCSV {
			return ledger.WriteCreditsCSV(out, cs)
		}
		if len(cs) == 0 {
			fmt.Fprintln(out, "No credit balances.")
		}
		for _, c := range cs {
			fmt.Fprintf(out, "%-12s %-28s %12s  %s\n", c.AccountNumber, c.PatientName, c.Amount.Dollars(), creditOwner(c.PayerName))
		}
	case sub == "apply-credit":
		t, err := db.ApplyCredit(ctx, rcm.CreditApplication{PatientID: *patient, Amount: money, Key: *key})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Credit of %s applied as ledger transaction %d.\n", money.Dollars(), t.ID)
	case sub == "close":
		if err := db.ClosePeriod(ctx, day); err != nil {
			return err
		}
		fmt.Fprintf(out, "Books closed through %s: nothing posts dated on or before it.\n", day.Format(time.DateOnly))
	case verb == "request":
		r, err := db.RequestRefund(ctx, rcm.RefundRequest{PatientID: *patient, PayerID: *payer, Amount: money, Reason: *reason})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Refund %d requested: %s to %s of account %s, %s. Another user approves it with: rcm ledger refund approve --as USER %d\n",
			r.ID, r.Amount.Dollars(), refundTo(r), r.AccountNumber, r.Reason, r.ID)
	case verb == "approve" || verb == "decline":
		var r *rcm.Refund
		if verb == "approve" {
			r, err = db.ApproveRefund(ctx, refundID)
		} else {
			r, err = db.DeclineRefund(ctx, refundID)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Refund %d %s: %s to %s of account %s (requested by %s, %s by %s).\n", r.ID, r.Status, r.Amount.Dollars(), refundTo(r), r.AccountNumber, r.RequestedBy, verb+"d", r.DecidedBy)
	case verb == "list":
		rs, err := db.FindRefunds(ctx, *status)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(out).Encode(rs)
		}
		if *asCSV {
			return ledger.WriteRefundsCSV(out, rs)
		}
		for _, r := range rs {
			fmt.Fprintf(out, "%5d  %-10s %-12s %12s  to %s  %s  requested by %s\n", r.ID, r.Status, r.AccountNumber, r.Amount.Dollars(), refundTo(r), r.Reason, r.RequestedBy)
		}
	}
	return nil
}

func creditOwner(payer string) string {
	if payer == "" {
		return "the patient's"
	}
	return payer + "'s"
}

func refundTo(r *rcm.Refund) string {
	if r.PayerName != "" {
		return r.PayerName
	}
	return "the patient"
}
