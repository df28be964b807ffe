package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/openrcm/openrcm/suggest"
)

const suggestUsage = "[--db DB] [--dos DATE] [--age N --sex F|M] [--setting inpatient|outpatient] [--json] (FILE | -)"

// runCodesSuggest reads a note from a file or standard input and prints the
// codes it supports. The note is PHI: it is never logged or echoed beyond
// the evidence spans printed to the user who supplied it.
func runCodesSuggest(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "codes suggest", suggestUsage)
	dsn := dbFlag(fs, env)
	dos := fs.String("dos", "", "date of service (picks the code release)")
	age := fs.Int("age", -1, "patient age in years")
	sex := fs.String("sex", "", "patient sex (F or M)")
	setting := fs.String("setting", "", "inpatient or outpatient (default: read from the note)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("usage: rcm codes suggest %s", suggestUsage)
	}
	switch *setting {
	case "", "inpatient", "outpatient":
	default:
		return usagef("--setting: %q (want inpatient or outpatient)", *setting)
	}
	d, err := parseDOS(*dos)
	if err != nil {
		return err
	}
	var in io.Reader = env.Stdin
	if p := fs.Arg(0); p != "-" {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(io.LimitReader(in, suggest.MaxNote+1))
	if err != nil {
		return err
	}
	cat, err := loadCatalog(ctx, *dsn)
	if err != nil {
		return err
	}
	e := &suggest.Engine{Catalog: cat}
	res, err := e.Suggest(suggest.Request{Note: string(data), DOS: d, Age: *age, AgeKnown: *age >= 0, Sex: strings.ToUpper(*sex), Setting: *setting})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	for _, s := range res.Suggestions {
		fmt.Fprintf(env.Stdout, "%-9s %-13s %.2f  %s\n", s.Code, s.Sequence, s.Confidence, s.Description)
		if s.Units > 0 {
			fmt.Fprintf(env.Stdout, "          units %d\n", s.Units)
		}
		for _, ev := range s.Evidence {
			fmt.Fprintf(env.Stdout, "          evidence [%d:%d] %q\n", ev.Start, ev.End, ev.Text)
		}
		for _, p := range s.Path {
			fmt.Fprintf(env.Stdout, "          %s\n", p)
		}
		if s.NotReached != "" {
			fmt.Fprintf(env.Stdout, "          more specific code not reached: %s\n", s.NotReached)
		}
	}
	for _, l := range res.LeftOut {
		fmt.Fprintf(env.Stdout, "left out   [%d:%d] %q: %s\n", l.Evidence.Start, l.Evidence.End, l.Evidence.Text, l.Reason)
	}
	if len(res.Suggestions) == 0 {
		fmt.Fprintln(env.Stdout, "no codes suggested")
	}
	return nil
}
