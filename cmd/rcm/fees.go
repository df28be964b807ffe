package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/fee"
)

func init() {
	register("fees", "import and list the fee schedule (charge master)", runFees)
}

const feesUsage = `import [--db DB] [--org ID] FILE
       rcm fees list [--db DB] [--org ID] [--code CODE] [--on YYYY-MM-DD] [--json | --csv]

import reads a fee schedule CSV with a header line naming its columns:
code, modifier, amount, effective_from, effective_to, practice_npi,
provider_npi (code, amount and effective_from required). The whole file is
stored or, at the first mistake, nothing; the error names the line and column.
list prints the schedule (--on: the entries in force that day).`

func runFees(ctx context.Context, env *Env, args []string) error {
	if done, err := familyHelp(env, "fees", feesUsage, args); done {
		return err
	}
	switch args[0] {
	case "import":
		return runFeesImport(ctx, env, args[1:])
	case "list":
		return runFeesList(ctx, env, args[1:])
	}
	return usagef("unknown subcommand %q; usage: rcm fees %s", args[0], feesUsage)
}

func runFeesImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "fees import", feesUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("name one FILE")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if ctx, err = orgContext(ctx, db, *org); err != nil {
		return err
	}
	cat, err := catalogFor(ctx, db)
	if err != nil {
		return err
	}
	a, _ := rcm.ActorFromContext(ctx)
	n, err := fee.Import(ctx, db, fee.CatalogCodes(cat, strconv.FormatInt(a.OrgID, 10)), f)
	if err != nil {
		return importRefused(env, "fees import", fs.Arg(0), err)
	}
	fmt.Fprintf(env.Stdout, "%d fee schedule entries imported from %s\n", n, fs.Arg(0))
	return nil
}

func runFeesList(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "fees list", feesUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	code := fs.String("code", "", "only this `CODE`")
	onFlag := fs.String("on", "", "only the entries in force on `DATE` (YYYY-MM-DD)")
	format := listFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := format.check(); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("fees list takes no arguments")
	}
	f := rcm.FeeFilter{Code: *code, Limit: 1000}
	if *onFlag != "" {
		on, err := rcm.ParseDate(*onFlag)
		if err != nil {
			return usagef("--on must be a date, YYYY-MM-DD")
		}
		f.On = on
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if ctx, err = orgContext(ctx, db, *org); err != nil {
		return err
	}
	// Practices and providers by name and NPI, as a biller knows them.
	practices, err := db.FindPractices(ctx)
	if err != nil {
		return err
	}
	providers, err := db.FindProviders(ctx)
	if err != nil {
		return err
	}
	practice := map[int64]string{0: "all practices"}
	for _, p := range practices {
		practice[p.ID] = fmt.Sprintf("%s (%s)", p.Name, p.NPI)
	}
	provider := map[int64]string{0: "all providers"}
	for _, p := range providers {
		provider[p.ID] = fmt.Sprintf("%s %s (%s)", p.FirstName, p.LastName, p.NPI)
	}
	// feeRow is one entry of --json: the entry with the practice and
	// provider it is narrowed to, by name and NPI.
	type feeRow struct {
		rcm.FeeScheduleEntry
		Practice string `json:"practice"`
		Provider string `json:"provider"`
	}
	var rows []feeRow
	t := &table{header: []string{"CODE", "MOD", "AMOUNT", "FROM", "TO", "PRACTICE", "PROVIDER"}}
	for {
		page, err := db.FindFees(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range page {
			to := e.EffectiveTo.String()
			if to == "" {
				to = "-"
			}
			t.add(e.Code, e.Modifier, e.Charge.String(), e.EffectiveFrom.String(), to, practice[e.PracticeID], provider[e.ProviderID])
			rows = append(rows, feeRow{FeeScheduleEntry: *e, Practice: practice[e.PracticeID], Provider: provider[e.ProviderID]})
		}
		if len(page) < f.Limit {
			break
		}
		f.Offset += len(page)
	}
	t.total = fmt.Sprintf("%d entries", len(rows))
	return format.print(env.Stdout, t, rows)
}

// feeCodes checks an organization's fee schedule codes against the code
// sets the server loaded.
func feeCodes(cat *codeset.Catalog) func(context.Context, int64) (fee.Codes, error) {
	return func(_ context.Context, orgID int64) (fee.Codes, error) {
		return fee.CatalogCodes(cat, strconv.FormatInt(orgID, 10)), nil
	}
}
