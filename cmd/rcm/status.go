package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/lookup"
	"github.com/openrcm/openrcm/sqldb"
)

func init() {
	register("status", "ask payers where claims stand (276) and show the answers (277)", runStatus)
}

const statusUsage = `request [--org N] [--older-than 30d] [--claim CLAIM]... [--key KEY]
       rcm status show [--org N] CLAIM [--json|--csv]
CLAIM is a claim number (patient control number) or a claim id. request
sends one 276 through the organization's clearinghouse for the claims with
no final answer submitted at least --older-than ago (or those named); the
277 answers are read by rcm clearinghouse poll. All take --db DB.`

// claimList collects repeated --claim flags (also comma-separated).
type claimList []string

func (c *claimList) String() string { return strings.Join(*c, ",") }
func (c *claimList) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*c = append(*c, p)
		}
	}
	return nil
}

// parseAge reads 30d, 12h or a Go duration.
func parseAge(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		d, err := strconv.Atoi(n)
		if err != nil || d < 0 || d > 3650 {
			return 0, fmt.Errorf("%q is not a number of days (0 to 3650)", s)
		}
		return time.Duration(d) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not an age such as 30d or 12h", s)
	}
	return d, nil
}

// claimRef finds a claim by its claim number (any case) or id, through
// package lookup as every command does.
func claimRef(ctx context.Context, db *sqldb.DB, ref string) (*rcm.Claim, error) {
	return lookup.Claim(ctx, db, ref)
}

func runStatus(ctx context.Context, env *Env, args []string) error {
	if done, err := familyHelp(env, "status", statusUsage, args); done {
		return err
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(env, "status "+sub, statusUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	older := fs.String("older-than", "30d", "request: ask about claims submitted at least this long ago (30d, 12h)")
	var claims claimList
	fs.Var(&claims, "claim", "request: a claim to ask about (repeat, or comma-separate)")
	key := fs.String("key", "", "request: idempotency key (default: one per day and age)")
	asJSON := fs.Bool("json", false, "show: print JSON")
	asCSV := fs.Bool("csv", false, "show: print CSV (RFC 4180)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	age, err := parseAge(*older)
	if err != nil {
		return usagef("--older-than: %v", err)
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
	switch sub {
	case "request":
		if len(pos) > 0 {
			return usagef("name claims with --claim")
		}
		var ids []int64
		for _, ref := range claims {
			c, err := claimRef(ctx, db, ref)
			if err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		ch, err := db.FindClearinghouse(ctx)
		if err != nil {
			return err
		}
		t, err := openTransport(ctx, ch.Transport)
		if err != nil {
			return err
		}
		defer t.Close()
		p := eligibility.Partner{SenderID: ch.SubmitterID, ReceiverID: ch.ReceiverID, Production: ch.Production}
		b, repeated, err := claimstatus.RequestStatus(ctx, db, t, p, *key, age, ids, db.Clock.Now())
		if err != nil {
			return err
		}
		if b == nil {
			fmt.Fprintf(env.Stdout, "no claim submitted more than %s ago is waiting for an answer\n", *older)
			return nil
		}
		if repeated {
			fmt.Fprintf(env.Stdout, "276 %s was sent already under key %s; nothing sent again\n", b.FileName, b.Key)
			return nil
		}
		fmt.Fprintf(env.Stdout, "276 %s asks about %d claims (key %s)\n", b.FileName, len(b.Checks), b.Key)
		for _, k := range b.Checks {
			fmt.Fprintf(env.Stdout, "  claim %s  trace %s\n", k.ControlNumber, k.Trace)
		}
	case "show":
		if len(pos) != 1 {
			return usagef("name one claim")
		}
		c, err := claimRef(ctx, db, pos[0])
		if err != nil {
			return err
		}
		ks, err := db.FindClaimStatusChecks(ctx, c.ID)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(env.Stdout, ks)
		}
		if *asCSV {
			return claimstatus.WriteCSV(env.Stdout, ks)
		}
		fmt.Fprintf(env.Stdout, "claim %s is %s; %d status inquiries\n", c.ControlNumber, c.State, len(ks))
		for _, k := range ks {
			if k.AnsweredAt.IsZero() {
				fmt.Fprintf(env.Stdout, "  %s  trace %s  asked, no answer yet\n", k.CreatedAt.Format("2006-01-02"), k.Trace)
				continue
			}
			extra := ""
			if k.PayerClaim != "" {
				extra += "  payer claim " + k.PayerClaim
			}
			if k.Status.CheckNumber != "" {
				extra += fmt.Sprintf("  paid %s, check %s of %s", k.Status.Paid.Dollars(), k.Status.CheckNumber, k.Status.CheckDate)
			}
			fmt.Fprintf(env.Stdout, "  %s  trace %s  %s%s\n", k.AnsweredAt.Format("2006-01-02"), k.Trace, k.Words, extra)
		}
	default:
		return usagef("usage: rcm status %s", statusUsage)
	}
	return nil
}
