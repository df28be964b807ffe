package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/carc"
)

func init() {
	register("carc", "import and look up CARC/RARC remittance codes", runCarc)
}

const carcUsage = `import [--db DB] [--list carc|rarc] FILE...
       rcm carc show [--db DB] [--dos YYYY-MM-DD] CODE...

import reads the published code list CSVs (columns code, description, usage,
notes, start_date, last_modified, stop_date); the list is taken from --list
or from the file name (carc... or rarc...). Each import replaces the list.
show explains codes: a CARC (45), a RARC (N290) or a group and reason
(CO-45), as of the date of service --dos (default today).`

func runCarc(ctx context.Context, env *Env, args []string) error {
	if done, err := familyHelp(env, "carc", carcUsage, args); done {
		return err
	}
	switch args[0] {
	case "import":
		return runCarcImport(ctx, env, args[1:])
	case "show":
		return runCarcShow(ctx, env, args[1:])
	}
	return usagef("unknown subcommand %q; usage: rcm carc %s", args[0], carcUsage)
}

func runCarcImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "carc import", carcUsage)
	dsn := dbFlag(fs, env)
	listFlag := fs.String("list", "", "carc or rarc (default: from the file name)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("name at least one FILE")
	}
	type file struct {
		path string
		list carc.List
	}
	var files []file
	for _, p := range fs.Args() {
		l := carc.List(*listFlag)
		if l == "" {
			switch base := strings.ToLower(filepath.Base(p)); {
			case strings.HasPrefix(base, "carc"):
				l = carc.CARC
			case strings.HasPrefix(base, "rarc"):
				l = carc.RARC
			default:
				return usagef("%s: cannot tell the list from the file name; pass --list carc or --list rarc", p)
			}
		}
		if l != carc.CARC && l != carc.RARC {
			return usagef("--list must be carc or rarc, not %q", l)
		}
		files = append(files, file{p, l})
	}
	// Parse every file before touching the database: a bad file imports
	// nothing.
	parsed := make([][]carc.Code, len(files))
	for i, f := range files {
		r, err := os.Open(f.path)
		if err != nil {
			return err
		}
		parsed[i], err = carc.Parse(r, f.list)
		r.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", f.path, err)
		}
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	for i, f := range files {
		if err := db.ImportCodeList(ctx, f.list, parsed[i]); err != nil {
			return fmt.Errorf("%s: %w", f.path, err)
		}
		fmt.Fprintf(env.Stdout, "%s: imported %d %s codes\n", f.path, len(parsed[i]), strings.ToUpper(string(f.list)))
	}
	return nil
}

func runCarcShow(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "carc show", carcUsage)
	dsn := dbFlag(fs, env)
	dos := fs.String("dos", "", "date of service, YYYY-MM-DD (default today)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("name at least one CODE")
	}
	on := rcm.DateOf(rcm.SystemClock{}.Now())
	if *dos != "" {
		d, err := rcm.ParseDate(*dos)
		if err != nil {
			return usagef("--dos: %v", err)
		}
		on = d
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	set, err := db.CodeSet(ctx)
	if err != nil {
		return err
	}
	missing := 0
	for _, arg := range fs.Args() {
		code := strings.ToUpper(strings.TrimSpace(arg))
		if group, reason, ok := strings.Cut(code, "-"); ok {
			name, known := carc.Groups[group]
			if !known {
				fmt.Fprintf(env.Stderr, "%s: %s is not a claim adjustment group (CO, CR, OA, PI, PR)\n", arg, group)
				missing++
				continue
			}
			fmt.Fprintf(env.Stdout, "%s  group %s: %s\n", code, group, name)
			code = reason
		} else if name, known := carc.Groups[code]; known {
			fmt.Fprintf(env.Stdout, "%s  claim adjustment group: %s\n", code, name)
			continue
		}
		c, active, err := set.Lookup(carc.ListOf(code), code, on)
		if err != nil {
			fmt.Fprintf(env.Stderr, "%s: %s\n", arg, errorText(err))
			missing++
			continue
		}
		state := "active"
		if !active {
			state = "NOT ACTIVE"
		}
		fmt.Fprintf(env.Stdout, "%s %s  (%s on %s)\n", strings.ToUpper(string(c.List)), c.Code, state, on)
		if c.Meaning != "" {
			fmt.Fprintf(env.Stdout, "  In short: %s\n", c.Meaning)
		}
		if c.Description != c.Meaning {
			fmt.Fprintf(env.Stdout, "  %s\n", c.Description)
		}
		if !c.Start.IsZero() {
			fmt.Fprintf(env.Stdout, "  start %s\n", c.Start)
		}
		if !c.Stop.IsZero() {
			fmt.Fprintf(env.Stdout, "  stop %s (not usable from this date)\n", c.Stop)
		}
	}
	if missing > 0 {
		return exitCode(1)
	}
	return nil
}
