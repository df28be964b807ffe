package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
)

func init() {
	register("audit", "verify the audit log's hash chains; export events for an accounting of disclosures", runAudit)
}

const auditVerifyUsage = `verify [--db DB] [--org ID]

Recomputes every organization's audit hash chains (or one organization's;
an organization's log is several chains, by patient) and prints, per
organization, the events checked and OK with a digest of every chain's
head (keep it off the machine: a later run covers the same heads, which
exposes a log cut short and re-headed), or the first broken link: the
chain, the event, its time and what is wrong (contents altered, an event
missing, a link to a removed, moved or rewritten event, a head that does
not match). Exits 1 when a chain is broken.`

const auditExportUsage = `export [--db DB] [--org ID] [--patient ACCOUNT|ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] --format csv|json|jsonl [--out FILE]

Writes the audit events, oldest first: time, username, action, what was
read or changed, reason and the patients' account numbers. With --patient,
every event about that patient, list reads that showed it among others
included: an accounting of disclosures (45 CFR 164.528). --to is
inclusive. --out is created with mode 0600 and never overwritten.`

func runAudit(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "verify":
			return runAuditVerify(ctx, env, args[1:])
		case "export":
			return runAuditExport(ctx, env, args[1:])
		case "-h", "--help":
			fmt.Fprintf(env.Stderr, "usage: rcm audit %s\n       rcm audit %s\n", auditVerifyUsage, auditExportUsage)
			return nil
		}
	}
	return usagef("usage: rcm audit %s\n       rcm audit %s", auditVerifyUsage, auditExportUsage)
}

func runAuditVerify(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "audit verify", auditVerifyUsage)
	dsn := dbFlag(fs, env)
	org := fs.Int64("org", 0, "verify only this organization")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *org < 0 {
		return usagef("--org must be a positive organization id")
	}
	db, err := openExistingDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	reports, err := db.CheckAuditChains(ctx, *org)
	if err != nil {
		return err
	}
	broken, events := 0, 0
	for _, r := range reports {
		events += r.Events
		if r.Break == nil && r.Events == 0 {
			fmt.Fprintf(env.Stdout, "Organization %d (%s): no events yet.\n", r.OrgID, r.OrgName)
			continue
		}
		if r.Break == nil {
			fmt.Fprintf(env.Stdout, "Organization %d (%s): %d events in %d chain(s), every chain OK; heads digest %s.\n", r.OrgID, r.OrgName, r.Events, r.Chains, r.Head)
			continue
		}
		broken++
		b := r.Break
		fmt.Fprintf(env.Stdout, "Organization %d (%s): BROKEN after %d good events.\n", r.OrgID, r.OrgName, r.Events)
		if b.EventID > 0 {
			fmt.Fprintf(env.Stdout, "  chain %d, event %d (id %d, %s): %s\n", b.Shard, b.Seq, b.EventID, b.At.Format(time.RFC3339), b.Problem)
		} else {
			fmt.Fprintf(env.Stdout, "  %s\n", b.Problem)
		}
	}
	if broken > 0 {
		fmt.Fprintf(env.Stderr, "Audit check FAILED: %d of %d organization(s) have a broken chain.\n", broken, len(reports))
		return exitCode(1)
	}
	fmt.Fprintf(env.Stdout, "Audit OK: %d event(s) in %d organization(s); every chain verifies.\n", events, len(reports))
	return nil
}

func runAuditExport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "audit export", auditExportUsage)
	dsn := dbFlag(fs, env)
	org := fs.Int64("org", 0, "export only this organization")
	patient := fs.String("patient", "", "only events about this patient: account number or id")
	from := fs.String("from", "", "first day, YYYY-MM-DD (UTC)")
	to := fs.String("to", "", "last day, YYYY-MM-DD (UTC), inclusive")
	format := fs.String("format", "", "csv, json (one array) or jsonl (one event a line)")
	out := fs.String("out", "", "write to this new file (mode 0600) instead of standard output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *org < 0 {
		return usagef("--org must be a positive organization id")
	}
	switch *format {
	case "csv", "json", "jsonl":
	default:
		return usagef("--format must be csv, json or jsonl")
	}
	var f sqldb.AuditExportFilter
	f.OrgID = *org
	for _, d := range []struct {
		flag, v string
		t       *time.Time
		days    int
	}{{"from", *from, &f.From, 0}, {"to", *to, &f.To, 1}} {
		if d.v == "" {
			continue
		}
		day, err := rcm.ParseDate(d.v)
		if err != nil {
			return usagef("--%s must be a date YYYY-MM-DD, not %q", d.flag, d.v)
		}
		*d.t = day.AddDays(d.days).Time()
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return usagef("--from must not be after --to")
	}
	db, err := openExistingDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if *patient != "" {
		if f.OrgID, f.PatientID, err = db.FindPatientRef(ctx, *org, *patient); err != nil {
			return err
		}
	}
	w := env.Stdout
	var file *os.File
	if *out != "" {
		// The export names patients: it is created private, and an
		// existing file (perhaps an earlier export) is never replaced.
		if file, err = os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err != nil {
			return fmt.Errorf("audit export: %w", err)
		}
		w = file
	}
	n, err := writeAuditExport(ctx, db, f, *format, w)
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(*out)
		}
	}
	if err != nil {
		return fmt.Errorf("audit export: %w", err)
	}
	fmt.Fprintf(env.Stderr, "Exported %d audit event(s).\n", n)
	return nil
}

// auditRecord is an exported event in JSON.
type auditRecord struct {
	OrgID    int64     `json:"organization_id"`
	Org      string    `json:"organization"`
	Chain    int       `json:"chain"`
	Seq      int64     `json:"seq"`
	ID       int64     `json:"event_id"`
	At       time.Time `json:"at"`
	Username string    `json:"username"`
	Action   string    `json:"action"`
	Entity   string    `json:"entity"`
	EntityID int64     `json:"entity_id,omitempty"`
	Reason   string    `json:"reason"`
	Patients []string  `json:"patients"`
	Hash     string    `json:"hash"`
}

var auditCSVHeader = []string{"organization_id", "organization", "chain", "seq", "event_id", "at", "username", "action", "entity", "entity_id", "reason", "patients", "hash"}

func writeAuditExport(ctx context.Context, db *sqldb.DB, f sqldb.AuditExportFilter, format string, w io.Writer) (int, error) {
	n := 0
	var cw *csv.Writer
	enc := json.NewEncoder(w)
	switch format {
	case "csv":
		cw = csv.NewWriter(w)
		if err := cw.Write(auditCSVHeader); err != nil {
			return 0, err
		}
	case "json":
		if _, err := io.WriteString(w, "["); err != nil {
			return 0, err
		}
	}
	err := db.ExportAuditEvents(ctx, f, func(r *sqldb.AuditExportRow) error {
		e := r.Event
		rec := auditRecord{OrgID: e.OrgID, Org: r.OrgName, Chain: e.Shard, Seq: e.Seq, ID: e.ID, At: e.At, Username: r.Username, Action: e.Action,
			Entity: e.Entity, EntityID: e.EntityID, Reason: e.Reason, Patients: r.Patients, Hash: e.Hash}
		if rec.Patients == nil {
			rec.Patients = []string{}
		}
		n++
		switch format {
		case "csv":
			return cw.Write(csvSafe([]string{strconv.FormatInt(rec.OrgID, 10), rec.Org, strconv.Itoa(rec.Chain), strconv.FormatInt(rec.Seq, 10),
				strconv.FormatInt(rec.ID, 10), rec.At.Format(time.RFC3339Nano), rec.Username, rec.Action, rec.Entity,
				strconv.FormatInt(rec.EntityID, 10), rec.Reason, strings.Join(rec.Patients, " "), rec.Hash}))
		case "json":
			if n > 1 {
				if _, err := io.WriteString(w, ","); err != nil {
					return err
				}
			}
		}
		return enc.Encode(rec)
	})
	if err != nil {
		return n, err
	}
	switch format {
	case "csv":
		cw.Flush()
		return n, cw.Error()
	case "json":
		_, err = io.WriteString(w, "]\n")
	}
	return n, err
}

// csvSafe defuses spreadsheet formulas: a cell that starts with = + - @
// (or a tab or carriage return, which some spreadsheets skip before one)
// is prefixed with an apostrophe, so a reason or a name typed by a user
// cannot run as a formula when an auditor opens the export (OWASP "CSV
// injection").
func csvSafe(cells []string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}
