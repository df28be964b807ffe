package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/openrcm/openrcm/x12"
)

func init() { register("x12", "read, validate and write X12 files", runX12) }

const x12Usage = `validate [--json] [--ack DIR] [--codes DB] FILE...   check files against envelopes, the implementation guides and their code lists
  json FILE                                  print the transactions with their loop structure as JSON
  fmt FILE                                   print one segment per line`

func runX12(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintf(env.Stderr, "usage: rcm x12 %s\n", x12Usage)
		return usagef("missing subcommand (validate, json or fmt)")
	}
	switch args[0] {
	case "validate":
		return runX12Validate(ctx, env, args[1:])
	case "json":
		return runX12JSON(env, args[1:])
	case "fmt":
		return runX12Fmt(env, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintf(env.Stdout, "usage: rcm x12 %s\n", x12Usage)
		return nil
	}
	return usagef("unknown x12 subcommand %q (want validate, json or fmt)", args[0])
}

// fileReport is one file's outcome in `rcm x12 validate --json`.
type fileReport struct {
	File     string        `json:"file"`
	Valid    bool          `json:"valid"`
	Error    string        `json:"error,omitempty"`
	Findings []x12.Finding `json:"findings"`
	// Dropped counts findings beyond the validator's cap.
	Dropped int    `json:"more_findings,omitempty"`
	Ack     string `json:"ack,omitempty"`
}

func runX12Validate(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "x12 validate", "[--json] [--npi] [--situational=false] [--code-lists DIR] [--codes DB [--org ID]] [--ack DIR] [--first-control N] FILE...")
	asJSON := fs.Bool("json", false, "print findings as JSON")
	ackDir := fs.String("ack", "", "write the 999 (or TA1) acknowledgement for each file into `DIR`")
	first := fs.Int64("first-control", 1, "first control number of the acknowledgements written with --ack")
	npi := fs.Bool("npi", false, "also check NPI check digits (NM109 with NM108 XX)")
	situational := fs.Bool("situational", true, "check the guides' situational rules too (SNIP type 4)")
	codeDir := fs.String("code-lists", defaultX12CodeDir(), "folder of the published CARC, RARC and claim status code lists (`DIR`; \"\" checks none)")
	codesDB := fs.String("codes", "", "also judge the 837s' ICD-10-CM and HCPCS/CPT codes on the date of service against the code sets of `DB` (a SQLite file or postgres:// URL)")
	org := fs.Int64("org", 0, "organization whose CPT release judges CPT codes with --codes (default: the only organization in DB)")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fs.Usage()
		return usagef("no files to validate")
	}
	if *ackDir != "" {
		if st, err := os.Stat(*ackDir); err != nil || !st.IsDir() {
			return usagef("--ack %s: not a directory", *ackDir)
		}
	}
	var codes x12.Codes
	if *codeDir != "" {
		set, _, err := loadX12Codes(*codeDir)
		if err != nil {
			return err
		}
		codes = set
	}
	var catalog x12.CodeCatalog
	if *codesDB != "" {
		c, err := loadX12Catalog(ctx, env, *codesDB, *org)
		if err != nil {
			return err
		}
		catalog = c
	}
	seq := &x12.Counter{N: *first - 1}
	var reports []fileReport
	bad := false
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		rep, res := validateFile(name, x12.Validator{CheckNPI: *npi, Situational: *situational, Codes: codes, Catalog: catalog})
		if rep.Error == "" && *ackDir != "" {
			if err := writeAck(name, *ackDir, seq, res, &rep); err != nil {
				return err
			}
		}
		if !rep.Valid {
			bad = true
		}
		if *asJSON {
			reports = append(reports, rep)
			continue
		}
		printReport(env.Stdout, rep)
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			return err
		}
	}
	if bad {
		return exitCode(1)
	}
	return nil
}

// validateFile validates one file; the result is nil when the file
// cannot be opened (the report says why).
func validateFile(name string, v x12.Validator) (fileReport, *x12.Result) {
	rep := fileReport{File: name, Findings: []x12.Finding{}}
	f, err := os.Open(name)
	if err != nil {
		rep.Error = err.Error()
		return rep, nil
	}
	defer f.Close()
	res := v.Validate(f)
	rep.Findings = append(rep.Findings, res.Findings...)
	rep.Valid = res.Valid()
	rep.Dropped = res.Dropped
	return rep, res
}

// writeAck writes the acknowledgement of one validated file into dir,
// named after the file: NAME.999, or NAME.ta1 when only a TA1 applies.
func writeAck(name, dir string, seq x12.Sequence, res *x12.Result, rep *fileReport) error {
	var b strings.Builder
	ok, err := x12.Acknowledge(&b, res, x12.AckOptions{Now: time.Now(), Seq: seq, Newline: true})
	if err != nil {
		return fmt.Errorf("acknowledge %s: %w", name, err)
	}
	if !ok {
		rep.Ack = "none: the file has no readable ISA header to answer"
		return nil
	}
	ext := ".999"
	if !strings.Contains(b.String(), "ST*999*") {
		ext = ".ta1"
	}
	out := filepath.Join(dir, strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))+ext)
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write acknowledgement: %w", err)
	}
	rep.Ack = out
	return nil
}

func printReport(w io.Writer, rep fileReport) {
	switch {
	case rep.Error != "":
		fmt.Fprintf(w, "%s: %s\n", rep.File, rep.Error)
	case rep.Valid:
		fmt.Fprintf(w, "%s: valid\n", rep.File)
	default:
		for _, f := range rep.Findings {
			fmt.Fprintf(w, "%s: %s\n", rep.File, f.String())
		}
		if rep.Dropped > 0 {
			fmt.Fprintf(w, "%s: %d more findings not shown\n", rep.File, rep.Dropped)
		}
	}
	if strings.HasPrefix(rep.Ack, "none:") {
		fmt.Fprintf(w, "%s: no acknowledgement written: %s\n", rep.File, strings.TrimPrefix(rep.Ack, "none: "))
	} else if rep.Ack != "" {
		fmt.Fprintf(w, "%s: acknowledgement written to %s\n", rep.File, rep.Ack)
	}
}

func oneFile(env *Env, name string, args []string) (*os.File, error) {
	fs := newFlagSet(env, "x12 "+name, "FILE")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return nil, usagef("want exactly one FILE")
	}
	return os.Open(fs.Arg(0))
}

func runX12JSON(env *Env, args []string) error {
	f, err := oneFile(env, "json", args)
	if err != nil {
		return err
	}
	defer f.Close()
	txs := []*x12.Transaction{}
	err = x12.ReadTransactions(f, func(t *x12.Transaction) error {
		txs = append(txs, t)
		return nil
	})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(txs)
}

func runX12Fmt(env *Env, args []string) error {
	f, err := oneFile(env, "fmt", args)
	if err != nil {
		return err
	}
	defer f.Close()
	rd := x12.NewReader(f)
	var w *x12.Writer
	for {
		seg, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if w != nil {
				w.Flush()
			}
			return err
		}
		if w == nil || seg.ID() == "ISA" {
			if w != nil {
				if err := w.Flush(); err != nil {
					return err
				}
			}
			w = x12.NewWriter(env.Stdout, rd.Delimiters(), true, nil)
		}
		if err := w.WriteSegment(seg); err != nil {
			return err
		}
	}
	if w != nil {
		return w.Flush()
	}
	return nil
}

// parseInterspersed parses flags wherever they stand among the file names
// (rcm x12 validate a.edi --json b.edi), as the other commands take them,
// and returns the file names in order. Everything after "--" is a file.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(files, rest...), nil
		}
		if len(rest) == 0 {
			return files, nil
		}
		files = append(files, rest[0])
		args = rest[1:]
	}
}
