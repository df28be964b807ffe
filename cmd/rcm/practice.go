package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/openrcm/openrcm/codingaudit"
)

func init() {
	register("practice", "practice coding on synthetic cases, scored like an audit, with your progress", runPractice)
}

const practiceUsage = `list
       rcm practice show CASE
       rcm practice code --as USERNAME CASE --dx CODE[,CODE...] [--line CODE[-MOD...][xUNITS]]...
       rcm practice progress --as USERNAME
CASE is a case's number in the list or its id. code scores your codes
against the answer key and explains each difference; your attempts are kept
under your user. code and progress take --db DB.`

func runPractice(ctx context.Context, env *Env, args []string) error {
	if done, err := familyHelp(env, "practice", practiceUsage, args); done {
		return err
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(env, "practice "+sub, practiceUsage)
	dsn := dbFlag(fs, env)
	as := fs.String("as", "", "code, progress: your username")
	dx := fs.String("dx", "", "code: the diagnoses, first-listed first, comma-separated")
	var lines claimList
	fs.Func("line", "code: a procedure line CODE[-MOD...][xUNITS] (repeat)", func(s string) error { lines = append(lines, s); return nil })
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	switch sub {
	case "list":
		cs, err := codingaudit.Cases()
		if err != nil {
			return err
		}
		for i, c := range cs {
			fmt.Fprintf(env.Stdout, "%2d  %-30s %s\n", i+1, c.ID, c.Title)
		}
		return nil
	case "show":
		if len(pos) != 1 {
			return usagef("usage: rcm practice %s", practiceUsage)
		}
		c, err := codingaudit.FindCase(pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s: %s (%s, date of service %s)\n\n%s\n", c.ID, c.Title, c.Setting, c.DOS, c.Note)
		return nil
	case "code", "progress":
	default:
		return usagef("unknown subcommand %q\nusage: rcm practice %s", sub, practiceUsage)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if *as == "" {
		return usagef("--as: name yourself (your username): attempts are kept per user")
	}
	if ctx, err = actAs(ctx, db, *as); err != nil {
		return err
	}
	if sub == "progress" {
		p, err := codingaudit.FindProgress(ctx, db)
		if err != nil {
			return err
		}
		writeProgress(env, p)
		return nil
	}
	if len(pos) != 1 {
		return usagef("usage: rcm practice %s", practiceUsage)
	}
	c, err := codingaudit.ParseCoding(*dx, lines)
	if err != nil {
		return err
	}
	cat, err := catalogFor(ctx, db)
	if err != nil {
		return err
	}
	g, err := codingaudit.Submit(ctx, db, cat, pos[0], c)
	if err != nil {
		return err
	}
	s := g.Attempt.Score
	fmt.Fprintf(env.Stdout, "%s: diagnoses %d of %d found, %d of your %d supported; first-listed %s; procedures %d of %d\n", g.Case.ID,
		s.DxAgree, s.DxTruth, s.DxAgree, s.DxCoded, map[bool]string{true: "right", false: "wrong"}[s.FirstListedAgree == 1], s.ProcAgree, s.ProcTruth)
	if len(g.Diffs) == 0 {
		fmt.Fprintln(env.Stdout, "All codes agree with the answer key.")
	}
	for _, d := range g.Diffs {
		fmt.Fprintf(env.Stdout, "- %s\n", d.Text())
		if r := d.Rationale; r != nil {
			if r.Index != "" {
				fmt.Fprintf(env.Stdout, "    Index: %s\n", r.Index)
			}
			fmt.Fprintf(env.Stdout, "    Guidelines: %s\n    %s\n", r.Guideline, r.Why)
		} else if d.Hint != "" {
			fmt.Fprintf(env.Stdout, "    %s\n", d.Hint)
		}
	}
	fmt.Fprintf(env.Stdout, "Answer key: %s\n", g.Case.Key())
	return nil
}

func writeProgress(env *Env, p *codingaudit.Progress) {
	fmt.Fprintf(env.Stdout, "%d attempts at %d of %d cases; diagnosis precision %s, recall %s, first-listed %s, procedure recall %s\n",
		len(p.Attempts), len(p.Best), p.Cases, codingaudit.Pct(p.Total.DxPrecision()), codingaudit.Pct(p.Total.DxRecall()),
		codingaudit.Pct(p.Total.FirstListedRate()), codingaudit.Pct(p.Total.ProcRecall()))
	for _, a := range p.Attempts {
		fmt.Fprintf(env.Stdout, "%s  %-30s dx %d/%d found, %d/%d supported  %s\n", a.At.Format("2006-01-02 15:04"), a.CaseID,
			a.Score.DxAgree, a.Score.DxTruth, a.Score.DxAgree, a.Score.DxCoded, strings.TrimSpace(a.Coding.String()))
	}
}
