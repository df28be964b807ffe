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
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/payer"
)

func init() {
	register("payer", "payer sandbox: adjudicate 837P into 999, 277CA and 835; answer 270 with 271", runPayer)
}

const payerUsage = `adjudicate FILE... [--config C] --out DIR [--seed N] [--state S] [--now T]   answer 837P files once, then run a payment cycle
  eligibility FILE... [--config C] --out DIR [--state S] [--now T]             answer 270 inquiries with 271s
  serve --dir CLEARINGHOUSE_DIR [--config C] [--state S] [--interval 1s]       watch DIR/outbound and answer into DIR/inbound
  sample-config                                                               print the documented sample configuration`

func runPayer(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintf(env.Stderr, "usage: rcm payer %s\n", payerUsage)
		return usagef("missing subcommand (adjudicate, eligibility, serve or sample-config)")
	}
	switch args[0] {
	case "adjudicate", "eligibility":
		return runPayerFiles(env, args[0], args[1:])
	case "serve":
		return runPayerServe(ctx, env, args[1:])
	case "sample-config":
		_, err := env.Stdout.Write(payer.SampleConfigJSON())
		return err
	case "-h", "--help", "help":
		fmt.Fprintf(env.Stdout, "usage: rcm payer %s\n", payerUsage)
		return nil
	}
	return usagef("unknown payer subcommand %q (want adjudicate, eligibility, serve or sample-config)", args[0])
}

// payerFlags are the flags the payer subcommands share.
type payerFlags struct {
	config, state, now string
	seed               uint64
}

func (p *payerFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&p.config, "config", "", "payer configuration `FILE` (JSON); the documented sample when empty")
	fs.StringVar(&p.state, "state", "", "state `FILE` carrying accumulators, paid claims and counters across runs (default: beside the config, or none for the sample)")
	fs.Uint64Var(&p.seed, "seed", 1, "seed of the trace, claim and control number sequences of a new state")
	fs.StringVar(&p.now, "now", "", "fixed clock `TIME` (2006-01-02T15:04) for repeatable files; the wall clock when empty")
}

// open loads the configuration and state and builds the engine.
func (p *payerFlags) open() (*payer.Engine, string, error) {
	var cfg *payer.Config
	var err error
	if p.config == "" {
		cfg, err = payer.SampleConfig()
	} else {
		cfg, err = payer.LoadConfig(p.config)
	}
	if err != nil {
		return nil, "", err
	}
	statePath := p.state
	if statePath == "" && p.config != "" {
		statePath = strings.TrimSuffix(p.config, filepath.Ext(p.config)) + ".state.json"
	}
	st := payer.NewState(p.seed)
	if statePath != "" {
		if st, err = payer.LoadState(statePath, p.seed); err != nil {
			return nil, "", err
		}
	}
	var clock rcm.Clock = rcm.SystemClock{}
	if p.now != "" {
		t, err := time.Parse("2006-01-02T15:04", p.now)
		if err != nil {
			return nil, "", usagef("--now %q: want 2006-01-02T15:04", p.now)
		}
		clock = rcm.NewStepClock(t)
	}
	return payer.NewEngine(cfg, st, clock), statePath, nil
}

func runPayerFiles(env *Env, sub string, args []string) error {
	fs := newFlagSet(env, "payer "+sub, "FILE... --out DIR [--config C] [--state S] [--seed N] [--now T]")
	var pf payerFlags
	pf.add(fs)
	out := fs.String("out", "", "write the answers into `DIR`")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fs.Usage()
		return usagef("no input files")
	}
	if *out == "" {
		return usagef("--out DIR is required")
	}
	e, statePath, err := pf.open()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o750); err != nil {
		return fmt.Errorf("create %s: %w", *out, err)
	}
	var written []payer.File
	failed := 0
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		f, err := e.Process(filepath.Base(name), data)
		if err != nil {
			fmt.Fprintf(env.Stderr, "%s: %s\n", name, errorText(err))
			failed++
			continue
		}
		written = append(written, f...)
	}
	f, err := e.Cycle()
	if err != nil {
		return err
	}
	written = append(written, f...)
	for _, f := range written {
		path := filepath.Join(*out, f.Name)
		if err := os.WriteFile(path, f.Data, 0o640); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		fmt.Fprintf(env.Stdout, "wrote %s\n", path)
	}
	for _, v := range e.Verdicts {
		if !v.Accepted {
			fmt.Fprintf(env.Stdout, "claim %-20s rejected %s:%s  %s\n", v.Claim.ID, v.Category, v.Status, v.Reason)
		}
	}
	for _, p := range e.Payments {
		rules := ""
		for _, l := range p.Lines {
			for _, r := range l.Rules {
				rules += " " + r
			}
		}
		for _, r := range p.Rules {
			rules += " " + r
		}
		fmt.Fprintf(env.Stdout, "claim %-20s %s CLP02 %-2s charge %10s paid %10s patient %10s%s\n", p.ClaimID, p.PayerClaim, p.Status,
			p.Charge.Dollars(), p.Paid.Dollars(), p.PatientResp.Dollars(), strings.TrimRight(" "+strings.TrimSpace(rules), " "))
	}
	if statePath != "" {
		if err := e.State.Save(statePath); err != nil {
			return err
		}
	}
	if failed > 0 {
		return exitCode(1)
	}
	return nil
}

func runPayerServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "payer serve", "--dir CLEARINGHOUSE_DIR [--config C] [--state S] [--interval 1s]")
	var pf payerFlags
	pf.add(fs)
	dir := fs.String("dir", "", "clearinghouse `DIR` with outbound, inbound and archive folders")
	interval := fs.Duration("interval", time.Second, "poll interval")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() > 0 {
		return usagef("--dir DIR is required and no other arguments are taken")
	}
	if *interval <= 0 {
		return usagef("--interval must be positive")
	}
	if pf.state == "" && pf.config == "" {
		pf.state = filepath.Join(*dir, "payer-state.json")
	}
	e, statePath, err := pf.open()
	if err != nil {
		return err
	}
	mb, err := payer.OpenMailbox(*dir)
	if err != nil {
		return err
	}
	defer mb.Close()
	s := &payer.Server{Engine: e, Mailbox: mb, StatePath: statePath, Log: env.Stderr}
	fmt.Fprintf(env.Stderr, "payer sandbox watching %s every %s (state %s)\n", payer.MailboxLayout(*dir).Outbound, *interval, orNone(statePath))
	if err := s.Serve(ctx, *interval); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "in memory"
	}
	return strconv.Quote(s)
}
