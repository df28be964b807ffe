package main

import (
	"context"
	"fmt"

	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/fhir"
)

func init() {
	register("fhir", "import FHIR R4 bundles (patients, coverages, encounters, conditions, charges)", runFHIR)
}

const fhirUsage = `import [--db DB] [--org ID] FILE...

import reads each file as a FHIR R4 Bundle (transaction or collection) of
Patient, Coverage, Practitioner, Organization, Encounter, Condition,
Procedure and ChargeItem resources and applies it whole or not at all.
Patients are matched by their MR identifier (the account number),
coverages by order, encounters by identifier: a bundle imported twice
updates, never duplicates. ICD-10-CM Conditions become the encounter's
diagnoses; other code systems are kept in its note for the coder. Exits 1
when a file is refused, naming the resource and field.`

func runFHIR(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintf(env.Stderr, "usage: rcm fhir %s\n", fhirUsage)
			return nil
		}
		return usagef("usage: rcm fhir %s", fhirUsage)
	}
	fs := newFlagSet(env, "fhir import", fhirUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("name at least one FILE")
	}
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
	im := &fhir.Importer{Store: db, Codes: codeset.Checker{Catalog: cat}}
	failed := 0
	for _, name := range fs.Args() {
		data, err := readLimited(name, fhir.MaxBundleBytes)
		if err == nil {
			var res *fhir.Result
			if res, err = im.Import(ctx, data); err == nil {
				fmt.Fprintf(env.Stdout, "%s: %s\n", name, res)
				continue
			}
		}
		fmt.Fprintf(env.Stderr, "%s: %s (nothing imported)\n", name, errorText(err))
		failed++
	}
	if failed > 0 {
		return exitCode(1)
	}
	return nil
}
