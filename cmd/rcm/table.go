package main

import (
	"flag"
	"fmt"
	"io"
	"reflect"
	"strings"
	"text/tabwriter"

	"github.com/openrcm/openrcm/sheet"
)

// listFormat is how a list command prints: an aligned table with a header
// (the default), JSON or CSV.
type listFormat struct{ json, csv *bool }

// listFlags adds --json and --csv, which every list command has.
func listFlags(fs *flag.FlagSet) listFormat {
	return listFormat{
		json: fs.Bool("json", false, "print JSON"),
		csv:  fs.Bool("csv", false, "print CSV with a header row"),
	}
}

// check refuses both formats at once.
func (f listFormat) check() error {
	if *f.json && *f.csv {
		return usagef("give at most one of --json and --csv")
	}
	return nil
}

// given reports whether --json or --csv was asked for.
func (f listFormat) given() bool { return *f.json || *f.csv }

// print writes a list in the format asked for: rows as JSON (the rows
// with the names beside the ids; a nil slice prints as []), or the table
// as CSV or aligned text. Every list command prints through it.
func (f listFormat) print(w io.Writer, t *table, rows any) error {
	if *f.json {
		if v := reflect.ValueOf(rows); v.Kind() == reflect.Slice && v.IsNil() {
			rows = []any{}
		}
		return writeJSON(w, rows)
	}
	return t.write(w, *f.csv)
}

// table is a list to print: a header and rows of cells, with a closing
// line that says what the rows count and add up to (text form only).
type table struct {
	header []string
	rows   [][]string
	total  string
	// none is the text printed instead of an empty table.
	none string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// write prints the table as aligned text or as CSV. Cells are the user's
// words: names, numbers and codes, never bare internal ids.
func (t *table) write(w io.Writer, asCSV bool) error {
	if asCSV {
		return sheet.Write(w, t.header, t.rows)
	}
	if len(t.rows) == 0 && t.none != "" {
		_, err := fmt.Fprintln(w, t.none)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if t.total != "" {
		_, err := fmt.Fprintln(w, t.total)
		return err
	}
	return nil
}

// plural counts things in words: "1 claim", "3 claims".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
