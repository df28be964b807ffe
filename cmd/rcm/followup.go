package main

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/lookup"
	"github.com/openrcm/openrcm/pdf"
	"github.com/openrcm/openrcm/sqldb"
)

func init() {
	register("followup", "the A/R desk: denial and status work items, owners, notes, appeals and letters", runFollowup)
}

const followupUsage = `open [--org N]
       rcm followup list [--org N] [--payer PAYER] [--category C] [--owner USERNAME|none] [--due-by DATE] [--closed] [--limit N] [--csv | --json]
       rcm followup rules
       rcm followup assign [--org N] ITEM... --to USERNAME|none
       rcm followup note [--org N] ITEM --note TEXT [--follow-up DATE]
       rcm followup close [--org N] ITEM --outcome corrected_resubmitted|appealed|written_off|patient_billed [--note TEXT]
                          [--reason small_balance|bad_debt|hardship|courtesy|other] [--amount 12.50]
       rcm followup appeal [--org N] CLAIM --reason TEXT --argument TEXT [--level first|second|external] [--doc NAME]... [--address LINE]... [--sent DATE] [--answer-by DATE] [--item ITEM] [--out LETTER.pdf]
       rcm followup letter [--org N] CLAIM --out LETTER.pdf
open turns the denied lines of posted 835s into work items (once each) and
closes the items whose money came in. CLAIM is a claim number or id. All
take --db DB.`

func userRef(ctx context.Context, db *sqldb.DB, name string) (int64, error) {
	if name == "none" {
		return 0, nil
	}
	u, err := findUser(ctx, db, name)
	if err != nil {
		return 0, err
	}
	if a, _ := rcm.ActorFromContext(ctx); u.OrgID != a.OrgID {
		return 0, rcm.Errorf(rcm.ENOTFOUND, "No user named %q.", name)
	}
	return u.ID, nil
}

func runFollowup(ctx context.Context, env *Env, args []string) error {
	if done, err := familyHelp(env, "followup", followupUsage, args); done {
		return err
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(env, "followup "+sub, followupUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	payerRef := fs.String("payer", "", "list: only this `PAYER`'s items (payer ID, name or id)")
	category := fs.String("category", "", "list: only this root cause")
	owner := fs.String("owner", "", "list: only this user's items (none: unassigned)")
	dueBy := fs.String("due-by", "", "list: items due on or before this date")
	closed := fs.Bool("closed", false, "list: closed items instead of open ones")
	limitN := fs.Int("limit", 100, "list: at most this many items")
	asCSV := fs.Bool("csv", false, "list: CSV")
	asJSON := fs.Bool("json", false, "list: JSON")
	to := fs.String("to", "", "assign: the user (none: nobody)")
	note := fs.String("note", "", "note, close: the note")
	followUp := fs.String("follow-up", "", "note: the follow-up date")
	outcome := fs.String("outcome", "", "close: the outcome")
	level := fs.String("level", followup.LevelFirst, "appeal: first, second or external")
	reason := fs.String("reason", "", "appeal: why the decision is wrong, in a line; close written_off: the write-off reason")
	woAmount := fs.String("amount", "", "close written_off: the amount to write off (default the claim's whole open insurance balance)")
	argument := fs.String("argument", "", "appeal: the argument the letter makes")
	var docs, address claimList
	fs.Func("doc", "appeal: a document enclosed (repeat)", func(s string) error { docs = append(docs, s); return nil })
	fs.Func("address", "appeal: a line of the payer's appeals address (repeat)", func(s string) error { address = append(address, s); return nil })
	sent := fs.String("sent", "", "appeal: the date sent (default today)")
	answerBy := fs.String("answer-by", "", "appeal: when the payer's answer is due (default 60 days after sending)")
	itemID := fs.Int64("item", 0, "appeal: the work item the appeal answers")
	out := fs.String("out", "", "appeal, letter: the letter PDF to write")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	date := func(flagName, v string) (rcm.Date, error) {
		if v == "" {
			return rcm.Date{}, nil
		}
		d, err := rcm.ParseDate(v)
		if err != nil {
			return d, usagef("--%s: %v", flagName, err)
		}
		return d, nil
	}
	if sub == "rules" {
		fmt.Fprintln(env.Stdout, "Root cause of a denied line, first matching rule wins (patient responsibility PR is not the denial):")
		for _, r := range followup.CategoryRules {
			fmt.Fprintf(env.Stdout, "  %s\n", r)
		}
		fmt.Fprintln(env.Stdout, "No rule matches: other.")
		fmt.Fprintf(env.Stdout, "Appeal limits (days from the 835's date), by filing indicator: %v; others 180.\n", followup.DefaultAppealDays)
		fmt.Fprintf(env.Stdout, "Timely filing: the payer's days from the date of service, or %d.\n", followup.DefaultFilingDays)
		return nil
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, err = orgContext(ctx, db, *org)
	if err != nil {
		return err
	}
	today := rcm.DateOf(db.Clock.Now())
	switch sub {
	case "open":
		opened, resolved, err := followup.OpenDenials(ctx, db)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%d work items opened, %d closed because their money came in\n", opened, resolved)
	case "list":
		f := followup.Filter{Category: *category, Limit: *limitN}
		if *payerRef != "" {
			p, err := lookup.Payer(ctx, db, *payerRef)
			if err != nil {
				return err
			}
			f.PayerID = p.ID
		}
		if *closed {
			f.State = followup.Closed
		}
		if *owner != "" {
			if f.OwnerID, err = userRef(ctx, db, *owner); err != nil {
				return err
			}
			if f.OwnerID == 0 {
				f.OwnerID = -1
			}
		}
		if f.DueBy, err = date("due-by", *dueBy); err != nil {
			return err
		}
		items, err := db.FindFollowUps(ctx, f)
		if err != nil {
			return err
		}
		switch {
		case *asCSV:
			return followup.WriteCSV(env.Stdout, items)
		case *asJSON:
			return writeJSON(env.Stdout, items)
		}
		for _, it := range items {
			owner := it.OwnerName
			if owner == "" {
				owner = "unassigned"
			}
			fmt.Fprintf(env.Stdout, "%5d  %-14s %-22s %-28s %-6s %9s  %-18s due %s  %s\n", it.ID, it.ControlNumber, it.PatientName, it.PayerName,
				it.LineCode, it.Stake.Dollars(), it.Category, dateOr(it.Due), owner)
		}
		fmt.Fprintf(env.Stdout, "%d items\n", len(items))
	case "assign":
		ids, err := idArgs(pos)
		if err != nil || len(ids) == 0 || *to == "" {
			return usagef("name work items and --to USERNAME")
		}
		uid, err := userRef(ctx, db, *to)
		if err != nil {
			return err
		}
		if err := db.AssignFollowUps(ctx, ids, uid); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%d items assigned to %s\n", len(ids), *to)
	case "note", "close":
		ids, err := idArgs(pos)
		if err != nil || len(ids) != 1 {
			return usagef("name one work item")
		}
		if sub == "note" {
			fu, err := date("follow-up", *followUp)
			if err != nil {
				return err
			}
			if err := db.NoteFollowUp(ctx, ids[0], *note, fu); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "item %d noted\n", ids[0])
			return nil
		}
		c := followup.Closing{Outcome: *outcome, Note: *note, Reason: *reason}
		if *woAmount != "" {
			if c.Amount, err = rcm.ParseMoney(*woAmount); err != nil {
				return rcm.FieldErrorf(rcm.EINVALID, "amount", "--amount must be dollars and cents, such as 12.50: %v.", err)
			}
		}
		if err := db.CloseFollowUp(ctx, ids[0], c); err != nil {
			return err
		}
		if c.Outcome == followup.OutcomeWrittenOff {
			it, err := db.FindFollowUpItem(ctx, ids[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "item %d closed: written off %s of claim %s (%s)\n", ids[0], it.WrittenOff.Dollars(), it.ControlNumber, it.WriteOffReason)
			return nil
		}
		fmt.Fprintf(env.Stdout, "item %d closed: %s\n", ids[0], *outcome)
	case "appeal", "letter":
		if len(pos) != 1 {
			return usagef("name one claim")
		}
		c, err := claimRef(ctx, db, pos[0])
		if err != nil {
			return err
		}
		var ap *followup.Appeal
		if sub == "appeal" {
			ap = &followup.Appeal{ClaimID: c.ID, ItemID: *itemID, Level: *level, Reason: *reason, Argument: *argument, Documents: docs, PayerAddress: address}
			if ap.SentOn, err = date("sent", *sent); err != nil {
				return err
			}
			if ap.SentOn.IsZero() {
				ap.SentOn = today
			}
			if ap.AnswerBy, err = date("answer-by", *answerBy); err != nil {
				return err
			}
			if err := db.CreateAppeal(ctx, ap); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "%s-level appeal %d of claim %s sent %s, answer due %s; the claim is appealed\n", ap.Level, ap.ID, c.ControlNumber, ap.SentOn, ap.AnswerBy)
		} else {
			aps, err := db.FindAppeals(ctx, c.ID)
			if err != nil {
				return err
			}
			if len(aps) == 0 {
				return rcm.Errorf(rcm.ENOTFOUND, "Claim %s has no appeal.", c.ControlNumber)
			}
			ap = aps[len(aps)-1]
			if *out == "" {
				return usagef("letter: give --out FILE.pdf")
			}
		}
		if *out == "" {
			return nil
		}
		l, err := followup.BuildLetter(ctx, db, ap)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := pdf.AppealLetter(&buf, l); err != nil {
			return err
		}
		if err := os.WriteFile(*out, buf.Bytes(), 0o600); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "letter %s (%d bytes)\n", *out, buf.Len())
	default:
		return usagef("usage: rcm followup %s", followupUsage)
	}
	return nil
}

func dateOr(d rcm.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
