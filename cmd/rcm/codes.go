package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/progress"
)

func init() { register("codes", "import, search and validate code sets", runCodes) }

const codesUsage = `import [--db DB] [--org ID] [--version V --effective DATE] [--allow-errors] [--quiet] [--enqueue [--wait]] PATH...
       rcm codes search [--db DB] QUERY [--system icd10cm|hcpcs|cpt] [--dos DATE] [--json]
       rcm codes validate CODE... --dos DATE [--age N --sex F|M] [--system S] [--json]
       rcm codes diff [--db DB] [--system S] [--json] OLD NEW
       rcm codes releases [--db DB] [--json|--csv]
       rcm codes suggest [--db DB] [--dos DATE] [--age N --sex F|M] [--json] (FILE | -)
       rcm codes suggest-decide [--db DB] --as USERNAME --encounter ID --code CODE (--accept | --reject REASON | --change CODE)
       rcm codes suggest-stats [--db DB] [--from DATE] [--to DATE] [--by category|chapter] [--json]

import recognizes each file's kind (order file, tabular or index XML, index
CSV, code list, HCPCS, CPT, POS; plain or zip). A file with malformed lines
imports nothing unless --allow-errors is given. diff takes two release
versions (FY2022, FY2025) or two files. Without imported releases the
commands use OpenRCM's small starter set.`

func runCodes(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usagef("usage: rcm codes %s", codesUsage)
	}
	switch args[0] {
	case "import":
		return runCodesImport(ctx, env, args[1:])
	case "search":
		return runCodesSearch(ctx, env, args[1:])
	case "validate":
		return runCodesValidate(ctx, env, args[1:])
	case "diff":
		return runCodesDiff(ctx, env, args[1:])
	case "releases":
		return runCodesReleases(ctx, env, args[1:])
	case "suggest":
		return runCodesSuggest(ctx, env, args[1:])
	case "suggest-decide":
		return runCodesSuggestDecide(ctx, env, args[1:])
	case "suggest-stats":
		return runCodesSuggestStats(ctx, env, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintf(env.Stderr, "usage: rcm codes %s\n", codesUsage)
		return flag.ErrHelp
	}
	return usagef("unknown subcommand %q; usage: rcm codes %s", args[0], codesUsage)
}

func parseDOS(s string) (rcm.Date, error) {
	if s == "" {
		return rcm.Date{}, nil
	}
	d, err := rcm.ParseDate(s)
	if err != nil {
		return rcm.Date{}, usagef("--dos: %v", err)
	}
	return d, nil
}

// loadCatalog reads every stored release and builds the in-memory catalog;
// a system with no imported release falls back to the starter set.
func loadCatalog(ctx context.Context, dsn string) (*codeset.Catalog, error) {
	db, err := openDB(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return catalogFor(ctx, db)
}

func runCodesImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "codes import", "[--db DB] [--org ID] [--version V --effective DATE] [--allow-errors] [--quiet] [--enqueue [--wait]] PATH...")
	dsn := dbFlag(fs, env)
	org := fs.String("org", "", "organization id that owns a licensed CPT file")
	version := fs.String("version", "", "release version (default: from the file name, e.g. FY2025, 2025-10)")
	effective := fs.String("effective", "", "first day the release is in force, YYYY-MM-DD (default: from the file name)")
	allow := fs.Bool("allow-errors", false, "import the valid lines of a file with malformed lines and report the rest")
	quiet := fs.Bool("quiet", false, "show no progress on stderr")
	enqueue := fs.Bool("enqueue", false, "store the files and queue their imports for the workers (--org: the organization acting)")
	wait := fs.Bool("wait", false, "with --enqueue: follow the jobs' progress until they end")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usagef("give one or more files to import")
	}
	if err := checkEnqueue(*enqueue, *wait); err != nil {
		return err
	}
	if *enqueue {
		var orgID int64
		if *org != "" {
			if orgID, err = strconv.ParseInt(*org, 10, 64); err != nil {
				return usagef("--org: want an organization id")
			}
		}
		return importJobs{dsn: *dsn, org: orgID, wait: *wait, quiet: *quiet, poll: 500 * time.Millisecond,
			req: jobs.ImportRequest{What: jobs.ImportCodes, Version: *version, Effective: *effective, AllowErrors: *allow}}.run(ctx, env, paths)
	}
	opts := codeset.ImportOptions{Version: *version, Org: *org, AllowErrors: *allow}
	if *effective != "" {
		if opts.Effective, err = rcm.ParseDate(*effective); err != nil {
			return usagef("--effective: %v", err)
		}
	}
	// Read and check every file before storing any: a bad file among
	// several imports nothing.
	var all []codeset.Imported
	failed := false
	meter := newImportMeter(env, *quiet)
	defer meter.Done()
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		opts.Progress = meter.For(filepath.Base(p))
		ims, err := codeset.ImportFile(p, data, opts)
		meter.Done()
		if err != nil {
			fmt.Fprintln(env.Stderr, errorText(err))
			failed = true
			continue
		}
		for _, im := range ims {
			for _, e := range im.Errors {
				fmt.Fprintln(env.Stderr, e)
			}
			if len(im.Errors) > 0 && !*allow {
				failed = true
			}
			all = append(all, im)
		}
	}
	if failed {
		fmt.Fprintln(env.Stderr, "rcm codes import: nothing imported (fix the lines above, or import the valid lines with --allow-errors)")
		return exitCode(1)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	store := db.CodeSets()
	rows := 0
	for _, im := range all {
		for _, r := range im.Releases {
			rows += len(r.Codes) + len(r.Notes) + len(r.Index)
		}
	}
	stored := progress.Start(meter.For(""), "store", progress.Rows, int64(rows))
	for _, im := range all {
		for _, r := range im.Releases {
			start := time.Now()
			if err := store.SaveReleaseCounting(ctx, r, func(n int) { stored.AddRows(int64(n)); stored.Add(int64(n)) }); err != nil {
				return fmt.Errorf("import %s: %w", im.File, err)
			}
			meter.Done()
			fmt.Fprintf(env.Stdout, "%s: %s → %s %s (effective %s): %d codes, %d notes, %d index terms in %v\n",
				im.File, im.Kind, r.System, r.Version, r.Effective, len(r.Codes), len(r.Notes), len(r.Index), time.Since(start).Round(time.Millisecond))
		}
		if len(im.Errors) > 0 {
			fmt.Fprintf(env.Stdout, "%s: %d malformed lines skipped\n", im.File, len(im.Errors))
		}
	}
	stored.Finish()
	return nil
}

func systemsFlag(s string) ([]codeset.System, error) {
	if s == "" {
		return nil, nil
	}
	var out []codeset.System
	for _, part := range strings.Split(s, ",") {
		sys, err := codeset.ParseSystem(part)
		if err != nil {
			return nil, usagef("--system: %s", errorText(err))
		}
		out = append(out, sys)
	}
	return out, nil
}

func runCodesSearch(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "codes search", "[--db DB] QUERY [--system icd10cm|hcpcs|cpt] [--dos DATE] [--json]")
	dsn := dbFlag(fs, env)
	system := fs.String("system", "", "icd10cm, hcpcs or cpt (default: all)")
	dosFlag := fs.String("dos", "", "date of service, YYYY-MM-DD (default: the newest release)")
	asJSON := fs.Bool("json", false, "print JSON")
	limit := fs.Int("limit", 10, "number of hits")
	org := fs.String("org", "", "organization id, for its licensed CPT release")
	words, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(words) == 0 {
		return usagef("give a query")
	}
	systems, err := systemsFlag(*system)
	if err != nil {
		return err
	}
	dos, err := parseDOS(*dosFlag)
	if err != nil {
		return err
	}
	cat, err := loadCatalog(ctx, *dsn)
	if err != nil {
		return err
	}
	hits := cat.Search(codeset.Query{Text: strings.Join(words, " "), Systems: systems, DOS: dos, Limit: *limit, Org: *org})
	starterNotice(env, cat, dos)
	if *asJSON {
		if hits == nil {
			hits = []codeset.Hit{}
		}
		return writeJSON(env.Stdout, hits)
	}
	if len(hits) == 0 {
		fmt.Fprintln(env.Stdout, "no codes found")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	for _, h := range hits {
		status := "billable"
		if !h.Billable {
			status = "header"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", h.Code, h.System, status, h.Description)
		if h.Path != "" {
			fmt.Fprintf(tw, "\t\t\tindex: %s\n", h.Path)
		}
		for i, c := range h.Children {
			if i == 5 {
				fmt.Fprintf(tw, "\t\t\t… %d more billable codes\n", len(h.Children)-5)
				break
			}
			fmt.Fprintf(tw, "\t\t\t→ %s %s\n", c.Code, c.Description)
		}
	}
	return tw.Flush()
}

func runCodesValidate(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "codes validate", "CODE... --dos DATE [--age N --sex F|M] [--system S] [--json]")
	dsn := dbFlag(fs, env)
	dosFlag := fs.String("dos", "", "date of service, YYYY-MM-DD (required)")
	age := fs.String("age", "", "patient's age in years")
	sex := fs.String("sex", "", "patient's sex: F or M")
	system := fs.String("system", "", "code system of every code (default: told from each code)")
	org := fs.String("org", "", "organization id, for its licensed CPT release")
	asJSON := fs.Bool("json", false, "print JSON")
	codes, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(codes) == 0 {
		return usagef("give one or more codes")
	}
	if *dosFlag == "" {
		return usagef("--dos is required: a code is valid or not as of the date of service")
	}
	dos, err := parseDOS(*dosFlag)
	if err != nil {
		return err
	}
	var p codeset.Patient
	if *age != "" {
		n, err := strconv.Atoi(*age)
		if err != nil || n < 0 || n > 130 {
			return usagef("--age: want a number of years")
		}
		p.Age = &n
	}
	p.Sex = strings.ToUpper(*sex)
	var sys codeset.System
	if *system != "" {
		if sys, err = codeset.ParseSystem(*system); err != nil {
			return usagef("--system: %s", errorText(err))
		}
	}
	cat, err := loadCatalog(ctx, *dsn)
	if err != nil {
		return err
	}
	v, err := cat.Validate(codes, sys, *org, dos, p)
	if err != nil {
		var e *rcm.Error
		if errors.As(err, &e) {
			return usagef("%s", errorText(err))
		}
		return err
	}
	if *asJSON {
		if err := writeJSON(env.Stdout, v); err != nil {
			return err
		}
	} else {
		for _, r := range v.Codes {
			status := "valid"
			switch {
			case !r.Exists:
				status = "invalid"
			case !r.Billable:
				status = "not billable"
			}
			fmt.Fprintf(env.Stdout, "%s\t%s\t%s", r.Code, r.System, status)
			if r.Description != "" {
				fmt.Fprintf(env.Stdout, "\t%s", r.Description)
			}
			if r.Release != "" {
				fmt.Fprintf(env.Stdout, "\t(release %s)", r.Release)
			}
			fmt.Fprintln(env.Stdout)
			for _, f := range r.Findings {
				fmt.Fprintf(env.Stdout, "  %s %s: %s\n", f.Severity, f.Rule, f.Message)
			}
		}
		for _, f := range v.Claim {
			fmt.Fprintf(env.Stdout, "claim %s %s: %s\n", f.Severity, f.Rule, f.Message)
		}
	}
	if !v.OK() {
		return exitCode(1)
	}
	return nil
}

func runCodesDiff(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "codes diff", "[--db DB] [--system S] [--json] OLD NEW")
	dsn := dbFlag(fs, env)
	system := fs.String("system", "icd10cm", "code system of the releases")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("give two releases (versions such as FY2022 FY2025, or files)")
	}
	sys, err := codeset.ParseSystem(*system)
	if err != nil {
		return usagef("--system: %s", errorText(err))
	}
	var cat *codeset.Catalog
	get := func(arg string) (*codeset.Release, error) {
		if data, err := os.ReadFile(arg); err == nil {
			ims, err := codeset.ImportFile(arg, data, codeset.ImportOptions{Version: arg, Effective: rcm.Date{Year: 2000, Month: 1, Day: 1}})
			if err != nil {
				return nil, err
			}
			for _, im := range ims {
				if len(im.Errors) > 0 {
					return nil, im.Errors[0]
				}
				for _, r := range im.Releases {
					if r.System == sys && len(r.Codes) > 0 {
						return r, nil
					}
				}
			}
			return nil, rcm.Errorf(rcm.EINVALID, "%s holds no %s codes", arg, sys)
		}
		if cat == nil {
			if cat, err = loadCatalog(ctx, *dsn); err != nil {
				return nil, err
			}
		}
		r, ok := cat.FindRelease(sys, "", arg)
		if !ok {
			return nil, rcm.Errorf(rcm.ENOTFOUND, "no %s release %q is imported (see 'rcm codes releases')", sys, arg)
		}
		return r, nil
	}
	oldRel, err := get(pos[0])
	if err != nil {
		return err
	}
	newRel, err := get(pos[1])
	if err != nil {
		return err
	}
	ch := codeset.Diff(oldRel, newRel)
	if *asJSON {
		return writeJSON(env.Stdout, ch)
	}
	fmt.Fprintf(env.Stdout, "%s %s → %s: %d added, %d deleted, %d revised\n", ch.System, ch.Old, ch.New, len(ch.Added), len(ch.Deleted), len(ch.Revised))
	for _, h := range ch.Added {
		fmt.Fprintf(env.Stdout, "+ %s\t%s\n", h.Code, h.Description)
	}
	for _, h := range ch.Deleted {
		fmt.Fprintf(env.Stdout, "- %s\t%s\n", h.Code, h.Description)
	}
	for _, r := range ch.Revised {
		fmt.Fprintf(env.Stdout, "~ %s\t%s → %s", r.Code, r.OldDesc, r.NewDesc)
		if r.OldBillable != r.NewBillable {
			fmt.Fprintf(env.Stdout, " (billable: %v → %v)", r.OldBillable, r.NewBillable)
		}
		fmt.Fprintln(env.Stdout)
	}
	return nil
}

func runCodesReleases(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "codes releases", "[--db DB] [--json|--csv]")
	dsn := dbFlag(fs, env)
	format := listFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := format.check(); err != nil {
		return err
	}
	cat, err := loadCatalog(ctx, *dsn)
	if err != nil {
		return err
	}
	releases := cat.Releases()
	t := &table{header: []string{"SYSTEM", "VERSION", "EFFECTIVE", "ORG", "CODES", "BILLABLE", "NOTES", "INDEX"}, none: "No code set release is imported."}
	for _, r := range releases {
		t.add(string(r.System), r.Version, r.Effective.String(), r.Org, strconv.Itoa(r.Codes), strconv.Itoa(r.Billable), strconv.Itoa(r.Notes), strconv.Itoa(r.Index))
	}
	return format.print(env.Stdout, t, releases)
}
