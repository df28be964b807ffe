package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codingaudit"
	"github.com/openrcm/openrcm/sqldb"
)

func init() {
	register("audit-coding", "coding audit: draw a seeded sample of a coder's encounters, re-code it blind, report agreement", runAuditCoding)
}

const auditCodingUsage = `sample --as AUDITOR --coder USERNAME --from DATE --to DATE --size N [--seed N]
       rcm audit-coding list --as AUDITOR
       rcm audit-coding show --as AUDITOR AUDIT
       rcm audit-coding recode --as AUDITOR AUDIT ENCOUNTER --dx CODE[,CODE...] [--line CODE[-MOD...][xUNITS]]...
       rcm audit-coding report --as AUDITOR AUDIT [--csv | --json | --pdf FILE]
AUDITOR is the username of a user with the auditor (or admin) role; the
sample and the re-coding are theirs. show hides the coder's codes of every
encounter not yet re-coded. All take --db DB.`

// actAs returns a context acting as the named user, in their
// organization and with their role, so the command does what that user
// may do and the audit log names them.
func actAs(ctx context.Context, db *sqldb.DB, username string) (context.Context, error) {
	if username == "" {
		return nil, usagef("--as: name the user acting (an auditor's username)")
	}
	u, err := findUser(ctx, db, username)
	if err != nil {
		return nil, err
	}
	return rcm.NewContextWithActor(ctx, rcm.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Reason: "rcm command line"}), nil
}

func runAuditCoding(ctx context.Context, env *Env, args []string) error {
	if done, err := familyHelp(env, "audit-coding", auditCodingUsage, args); done {
		return err
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(env, "audit-coding "+sub, auditCodingUsage)
	dsn := dbFlag(fs, env)
	as := fs.String("as", "", "the acting user (an auditor)")
	coder := fs.String("coder", "", "sample: the coder's username")
	from := fs.String("from", "", "sample: first date of service")
	to := fs.String("to", "", "sample: last date of service")
	size := fs.Int("size", 10, "sample: how many encounters")
	seed := fs.String("seed", "", "sample: the seed (default: drawn at random, and printed)")
	dx := fs.String("dx", "", "recode: the diagnoses, first-listed first, comma-separated")
	var lines claimList
	fs.Func("line", "recode: a procedure line CODE[-MOD...][xUNITS] (repeat)", func(s string) error { lines = append(lines, s); return nil })
	asCSV := fs.Bool("csv", false, "report: CSV of the differences")
	asJSON := fs.Bool("json", false, "report: JSON")
	pdfOut := fs.String("pdf", "", "report: write the PDF here")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	number := func(i int, what string) (int64, error) {
		if len(pos) <= i {
			return 0, usagef("usage: rcm audit-coding %s", auditCodingUsage)
		}
		n, err := strconv.ParseInt(pos[i], 10, 64)
		if err != nil || n <= 0 {
			return 0, usagef("%s: %q is not a number", what, pos[i])
		}
		return n, nil
	}
	switch sub {
	case "sample", "list", "show", "recode", "report":
	default:
		return usagef("unknown subcommand %q\nusage: rcm audit-coding %s", sub, auditCodingUsage)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if ctx, err = actAs(ctx, db, *as); err != nil {
		return err
	}
	switch sub {
	case "sample":
		f, err := rcm.ParseDate(*from)
		if err != nil {
			return usagef("--from: %v", err)
		}
		t, err := rcm.ParseDate(*to)
		if err != nil {
			return usagef("--to: %v", err)
		}
		var s int64
		if *seed == "" {
			var b [8]byte
			if _, err := rand.Read(b[:]); err != nil {
				return err
			}
			s = int64(binary.BigEndian.Uint64(b[:]) >> 1)
		} else if s, err = strconv.ParseInt(*seed, 10, 64); err != nil {
			return usagef("--seed: %q is not a whole number", *seed)
		}
		c, err := codingaudit.Coder(ctx, db, *coder)
		if err != nil {
			return err
		}
		au, err := codingaudit.Draw(ctx, db, codingaudit.DrawRequest{CoderID: c.ID, From: f, To: t, Size: *size, Seed: s})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "coding audit %d: %d of %s's %d finished encounters from %s to %s (seed %d)\n", au.ID, len(au.Items), au.CoderName, au.Frame, au.From, au.To, au.Seed)
		for _, it := range au.Items {
			fmt.Fprintf(env.Stdout, "  encounter %d  %s\n", it.EncounterID, it.DateOfService)
		}
	case "list":
		as, err := db.FindCodingAudits(ctx)
		if err != nil {
			return err
		}
		for _, au := range as {
			fmt.Fprintf(env.Stdout, "%d  %-16s %s to %s  size %d of %d  seed %d  auditor %s\n", au.ID, au.CoderName, au.From, au.To, au.Size, au.Frame, au.Seed, au.AuditorName)
		}
	case "show":
		id, err := number(0, "AUDIT")
		if err != nil {
			return err
		}
		au, err := codingaudit.View(ctx, db, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "coding audit %d: %s, %s to %s, seed %d\n", au.ID, au.CoderName, au.From, au.To, au.Seed)
		for _, it := range au.Items {
			if !it.Recoded() {
				fmt.Fprintf(env.Stdout, "  encounter %d  %s  to re-code (the coder's codes are hidden until then)\n", it.EncounterID, it.DateOfService)
				continue
			}
			fmt.Fprintf(env.Stdout, "  encounter %d  %s  auditor %s; coder %s\n", it.EncounterID, it.DateOfService, it.Auditor.String(), it.Coder.String())
		}
	case "recode":
		id, err := number(0, "AUDIT")
		if err != nil {
			return err
		}
		enc, err := number(1, "ENCOUNTER")
		if err != nil {
			return err
		}
		c, err := codingaudit.ParseCoding(*dx, lines)
		if err != nil {
			return err
		}
		cat, err := catalogFor(ctx, db)
		if err != nil {
			return err
		}
		it, err := codingaudit.Recode(ctx, db, cat, id, enc, c)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "encounter %d re-coded: %s\n", enc, it.Auditor.String())
		fmt.Fprintf(env.Stdout, "the coder had:        %s\n", it.Coder.String())
	case "report":
		id, err := number(0, "AUDIT")
		if err != nil {
			return err
		}
		cat, err := catalogFor(ctx, db)
		if err != nil {
			return err
		}
		r, err := codingaudit.MakeReport(ctx, db, cat, id)
		if err != nil {
			return err
		}
		switch {
		case *asCSV:
			return r.WriteCSV(env.Stdout)
		case *asJSON:
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(r)
		case *pdfOut != "":
			var buf bytes.Buffer
			if err := r.WritePDF(&buf); err != nil {
				return err
			}
			if err := os.WriteFile(*pdfOut, buf.Bytes(), 0o600); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "wrote %s\n", *pdfOut)
		default:
			r.WriteText(env.Stdout)
		}
	}
	return nil
}
