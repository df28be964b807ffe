package main

import (
	"context"
	"fmt"
	"os"

	"github.com/openrcm/openrcm/eob"
)

func init() {
	register("eob", "post a paper EOB or lockbox check entered by hand", runEOB)
}

const eobUsage = `post [--org N] FILE.json...
Each file is one check: {"payer":"SBPPO","check_number":"104233","check_date":"2026-03-02","amount":"80.00",
"claims":[{"claim":"LFM01001-1-1","lines":[{"code":"99213","charge":"110.00","paid":"80.00",
"adjustments":[{"group":"CO","reason":"45","amount":"10.00"},{"group":"PR","reason":"3","amount":"20.00"}]}]}]}
It posts like an 835, once per payer and check number, and only when every line and the check balance.
Takes --db DB.`

func runEOB(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "post" {
		return usagef("usage: rcm eob %s", eobUsage)
	}
	fs := newFlagSet(env, "eob post", eobUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	files, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("name at least one FILE.json")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if ctx, err = orgContext(ctx, db, *org); err != nil {
		return err
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		chk, err := eob.Parse(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		res, err := eob.Post(ctx, db, chk)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if res.AlreadyPosted {
			fmt.Fprintf(env.Stdout, "%s: check %s from %s was already posted; nothing was posted\n", name, chk.Number, res.Payer)
			continue
		}
		fmt.Fprintf(env.Stdout, "%s: check %s from %s, %s: %d claims posted (%d denied)\n", name, chk.Number, res.Payer, res.PostedAmount.Dollars(), res.Posted, res.Denied)
		for _, e := range res.Exceptions {
			fmt.Fprintf(env.Stdout, "  exception: %s\n", e)
		}
	}
	return nil
}
