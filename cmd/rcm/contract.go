package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/fee"
	"github.com/openrcm/openrcm/fee/contract"
	"github.com/openrcm/openrcm/lookup"
)

func init() {
	register("contract", "import and list payers' contracted (allowed) amounts", runContract)
}

const contractUsage = `import [--db DB] [--org ID] --payer PAYER FILE
       rcm contract list [--db DB] [--org ID] [--payer PAYER] [--code CODE] [--on YYYY-MM-DD] [--json | --csv]

import reads a payer's contracted rates from a CSV with a header line naming
its columns: code, modifier, allowed, effective_from, effective_to, per_unit
(code, allowed and effective_from required; per_unit yes or no). The whole
file is stored or, at the first mistake, nothing; the error names the line
and column. PAYER is the payer's ID, name or id. A posted line paid below
its rate, after the patient's share, is flagged as an underpayment.
list prints the rates (--on: those in force that day).`

func runContract(ctx context.Context, env *Env, args []string) error {
	if done, err := familyHelp(env, "contract", contractUsage, args); done {
		return err
	}
	switch args[0] {
	case "import":
		return runContractImport(ctx, env, args[1:])
	case "list":
		return runContractList(ctx, env, args[1:])
	}
	return usagef("unknown subcommand %q; usage: rcm contract %s", args[0], contractUsage)
}

// importRefused reports a file an import refused (its message names line
// and column) and exits 1; other errors pass through.
func importRefused(env *Env, command, file string, err error) error {
	var re *rcm.Error
	if errors.As(err, &re) && re.Code == rcm.EINVALID {
		fmt.Fprintf(env.Stderr, "rcm %s: %s: %s Nothing was imported.\n", command, file, re.Message)
		return exitCode(1)
	}
	return err
}

func runContractImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "contract import", contractUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	payerRef := fs.String("payer", "", "the `PAYER` whose contract this is (payer ID, name or id)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *payerRef == "" {
		return usagef("name the --payer and one FILE")
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
	payer, err := lookup.Payer(ctx, db, *payerRef)
	if err != nil {
		return err
	}
	cat, err := catalogFor(ctx, db)
	if err != nil {
		return err
	}
	a, _ := rcm.ActorFromContext(ctx)
	n, err := contract.Import(ctx, db, fee.CatalogCodes(cat, strconv.FormatInt(a.OrgID, 10)), payer, f)
	if err != nil {
		return importRefused(env, "contract import", fs.Arg(0), err)
	}
	fmt.Fprintf(env.Stdout, "%d contracted rates of %s (%s) imported from %s\n", n, payer.Name, payer.PayerID, fs.Arg(0))
	return nil
}

func runContractList(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "contract list", contractUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	payerRef := fs.String("payer", "", "only this `PAYER` (payer ID, name or id)")
	code := fs.String("code", "", "only this `CODE`")
	onFlag := fs.String("on", "", "only the rates in force on `DATE` (YYYY-MM-DD)")
	format := listFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := format.check(); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("contract list takes no arguments")
	}
	f := rcm.ContractFilter{Code: *code, Limit: 1000}
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
	if *payerRef != "" {
		p, err := lookup.Payer(ctx, db, *payerRef)
		if err != nil {
			return err
		}
		f.PayerID = p.ID
	}
	payers, err := db.FindPayers(ctx)
	if err != nil {
		return err
	}
	name := map[int64]string{}
	for _, p := range payers {
		name[p.ID] = fmt.Sprintf("%s (%s)", p.Name, p.PayerID)
	}
	// rateRow is one rate of --json, with its payer by name and payer ID.
	type rateRow struct {
		rcm.ContractRate
		Payer string `json:"payer"`
	}
	var rows []rateRow
	t := &table{header: []string{"PAYER", "CODE", "MOD", "ALLOWED", "PER", "FROM", "TO"}}
	for {
		page, err := db.FindContractRates(ctx, f)
		if err != nil {
			return err
		}
		for _, r := range page {
			to, per := r.EffectiveTo.String(), "service"
			if to == "" {
				to = "-"
			}
			if r.PerUnit {
				per = "unit"
			}
			t.add(name[r.PayerID], r.Code, r.Modifier, r.Allowed.String(), per, r.EffectiveFrom.String(), to)
			rows = append(rows, rateRow{ContractRate: *r, Payer: name[r.PayerID]})
		}
		if len(page) < f.Limit {
			break
		}
		f.Offset += len(page)
	}
	t.total = fmt.Sprintf("%d rates", len(rows))
	return format.print(env.Stdout, t, rows)
}
