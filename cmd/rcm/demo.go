package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/openrcm/openrcm/demo"
)

func init() {
	register("demo", "run the revenue cycle on a sample practice", runDemo)
}

func runDemo(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "demo", "[--db DB] [--out DIR] [--seed N]")
	dsn := fs.String("db", "", "keep the demo in this database (SQLite path or postgres:// URL); default a temporary SQLite file")
	out := fs.String("out", "", "write every file the cycle produces (X12, PDF) into this directory")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same demo")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	where := "temporary SQLite database"
	tmp, err := os.MkdirTemp("", "rcm-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	clearinghouseDir := filepath.Join(tmp, "clearinghouse")
	if *dsn == "" {
		*dsn = filepath.Join(tmp, "demo.db")
	} else if strings.HasPrefix(*dsn, "postgres") {
		where = "PostgreSQL database"
	} else {
		where = "SQLite database " + *dsn
	}
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		clearinghouseDir = filepath.Join(*out, "clearinghouse")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(env.Stdout, "Database: %s\n", where)
	if _, err := demo.Run(ctx, db, env.Stdout, demo.Options{Seed: *seed, Out: *out, Clearinghouse: clearinghouseDir}); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "\nDemo complete.")
	return nil
}
