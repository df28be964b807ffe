package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/openrcm/openrcm/kpi"
)

func init() {
	register("report", "the billing manager's numbers (KPIs) over a period", runReport)
}

const reportUsage = `kpi [--db DB] [--org ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--csv|--json]

Days in A/R, A/R over 90 days, net collection rate, denial rate, clean
claim rate at first submission and first-pass resolution rate, for the
organization, per payer and per provider, over the period (default: the
current month to today), each with its HFMA MAP Keys definition.`

func runReport(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "kpi" {
		return usagef("usage: rcm report %s", reportUsage)
	}
	fs := newFlagSet(env, "report kpi", reportUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	fromS := fs.String("from", "", "first day of the period")
	toS := fs.String("to", "", "last day of the period")
	asCSV := fs.Bool("csv", false, "print CSV (RFC 4180)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	now := db.Clock.Now().UTC()
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for _, d := range []struct {
		s   string
		dst *time.Time
		n   string
	}{{*fromS, &from, "from"}, {*toS, &to, "to"}} {
		if d.s != "" {
			if *d.dst, err = time.Parse(time.DateOnly, d.s); err != nil {
				return usagef("--%s must be a date as YYYY-MM-DD", d.n)
			}
		}
	}
	if ctx, err = orgContext(ctx, db, *org); err != nil {
		return err
	}
	r, err := db.KPIReport(ctx, from, to)
	if err != nil {
		return err
	}
	switch {
	case *asJSON:
		return json.NewEncoder(env.Stdout).Encode(r)
	case *asCSV:
		return kpi.WriteCSV(env.Stdout, r)
	}
	printKPI(env, r)
	return nil
}

func printKPI(env *Env, r *kpi.Report) {
	out := env.Stdout
	fmt.Fprintf(out, "The manager's numbers, %s to %s\n", r.From, r.To)
	fig := func(f kpi.Figures) {
		fmt.Fprintf(out, "  %-34s days in A/R %s, over 90 days %s, net collection %s, denials %s (%d of %d claims), clean at first submission %s (%d of %d), first-pass resolution %s\n",
			f.Group, kpi.Num(f.DaysInAR), kpi.Pct(f.AROver90Pct), kpi.Pct(f.NetCollectionRate), kpi.Pct(f.DenialRate), f.ClaimsDenied, f.ClaimsAnswered,
			kpi.Pct(f.CleanClaimRate), f.ClaimsClean, f.ClaimsSubmitted, kpi.Pct(f.FirstPassRate))
	}
	fig(r.Total)
	fmt.Fprintln(out, "By payer:")
	for _, f := range r.ByPayer {
		fig(f)
	}
	fmt.Fprintln(out, "By provider:")
	for _, f := range r.ByProvider {
		fig(f)
	}
	fmt.Fprintln(out, "Definitions:")
	for _, d := range r.Definitions {
		fmt.Fprintf(out, "  %s: %s\n", d.Name, d.Definition)
	}
}
