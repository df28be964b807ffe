// Command rcmgen fills a database with synthetic claims and their
// remittances, to measure OpenRCM at a billing company's size, and
// measures the queues, reports and posting on what it made.
//
//	rcmgen -db postgres://... [-claims 1000000] [-others 2 -other-claims 50000] [-measure]
//
// The first organization gets -claims claims; -others more organizations
// get -other-claims each, so the database is shared as a billing
// company's is. Every claim has two service lines, a charge, a submission
// history and (19 in 20) a posted 835: paid with a contractual adjustment
// and coinsurance, paid with a deductible, one line denied, or denied in
// whole with a CARC; denied lines and claims without an answer after 45
// days have follow-up work items. Names are synthetic. The rows are made
// by set-based INSERT ... SELECT statements in one pass, not through the
// posting code; `rcm ledger check` and -measure (which posts one more 835
// through the real posting code) verify that they are what postings
// write. A PostgreSQL database needs the key file RCM_KEY_FILE names.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/openrcm/openrcm/seal"
	"github.com/openrcm/openrcm/sqldb"
)

func main() {
	dsn := flag.String("db", "", "database: a SQLite file path or a postgres:// URL")
	claims := flag.Int("claims", 1_000_000, "claims in the first (measured) organization")
	others := flag.Int("others", 2, "more organizations in the same database")
	otherClaims := flag.Int("other-claims", 50_000, "claims in each of the other organizations")
	payers := flag.Int("payers", 5, "payers per organization")
	providers := flag.Int("providers", 6, "rendering providers per organization")
	measure := flag.Bool("measure", false, "after generating, time the queues, reports, one more posting and the ledger check")
	only := flag.Bool("measure-only", false, "measure the first generated organization of an already filled database; generate nothing")
	flag.Parse()
	if *dsn == "" {
		fmt.Fprintln(os.Stderr, "usage: rcmgen -db DB [-claims N] [-others K -other-claims M] [-measure|-measure-only]")
		os.Exit(2)
	}
	if err := run(*dsn, Options{Claims: *claims, Others: *others, OtherClaims: *otherClaims, Payers: *payers, Providers: *providers,
		Log: func(format string, args ...any) { fmt.Printf(format+"\n", args...) }}, *measure, *only); err != nil {
		fmt.Fprintln(os.Stderr, "rcmgen:", err)
		os.Exit(1)
	}
}

func run(dsn string, opt Options, measure, only bool) error {
	ctx := context.Background()
	// The generated notes, member IDs and 837P files are written in
	// plaintext, as an earlier release would have left them; sealing
	// them is the next ordinary open's work (rcm, rcm serve), timed
	// apart, not this tool's.
	opts := []sqldb.Option{sqldb.WithSealLater()}
	if f := os.Getenv("RCM_KEY_FILE"); f != "" {
		keys, err := seal.LoadFile(f)
		if err != nil {
			return fmt.Errorf("RCM_KEY_FILE: %w", err)
		}
		opts = append(opts, sqldb.WithKeyring(keys))
	}
	t := time.Now()
	db, err := sqldb.Open(ctx, dsn, opts...)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Printf("opened and migrated in %s\n", time.Since(t).Round(time.Millisecond))
	var orgs []*Org
	if only {
		o, err := FindGenerated(ctx, db)
		if err != nil {
			return err
		}
		orgs = []*Org{o}
	} else {
		var st Stats
		orgs, st, err = Generate(ctx, db, opt)
		if err != nil {
			return err
		}
		total := opt.Claims + opt.Others*opt.OtherClaims
		fmt.Printf("generated %d claims in %d organizations: %d rows in %s (%.0f rows/s, %.0f claims/s)\n", total, len(orgs), st.Rows,
			st.Elapsed.Round(time.Second), float64(st.Rows)/st.Elapsed.Seconds(), float64(total)/st.Elapsed.Seconds())
	}
	if measure || only {
		return Measure(ctx, db, orgs[0], func(format string, args ...any) { fmt.Printf(format+"\n", args...) })
	}
	return nil
}
