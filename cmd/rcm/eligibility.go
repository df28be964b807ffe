package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/lookup"
	"github.com/openrcm/openrcm/sqldb"
)

func init() {
	register("eligibility", "check insurance eligibility (X12 270 out, 271 in)", runEligibility)
}

const eligibilityUsage = `check PATIENT [--order N] [--service-type 30[,98...]] [--dos YYYY-MM-DD]
              [--practice ID] [--sender ID] [--receiver ID] [--db DB] [--out DIR | --transport dir:PATH|sftp://...]
       rcm eligibility read [--db DB] [--org ID] [--detail] FILE...

check builds a 270 for the patient's coverage of the given order (1 primary,
the default) and writes it to DIR, or sends it through a clearinghouse
transport (dir:PATH drops it in PATH/outbound; answers arrive in
PATH/inbound), by default the organization's clearinghouse settings. The
check and its trace number are stored first, so the 271 can be matched.
read reads 271 files, matches each answer to its check by trace number,
stores it on the coverage and prints the summary. A file with an answer to
an unknown trace stores nothing and exits 1.`

func runEligibility(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usagef("usage: rcm eligibility %s", eligibilityUsage)
	}
	switch args[0] {
	case "check":
		return runEligibilityCheck(ctx, env, args[1:])
	case "read":
		return runEligibilityRead(ctx, env, args[1:])
	case "-h", "--help":
		fmt.Fprintf(env.Stderr, "usage: rcm eligibility %s\n", eligibilityUsage)
		return nil
	}
	return usagef("unknown eligibility command %q; usage: rcm eligibility %s", args[0], eligibilityUsage)
}

func runEligibilityCheck(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "eligibility check", eligibilityUsage)
	dsn := dbFlag(fs, env)
	order := fs.Int("order", 1, "coverage order: 1 primary, 2 secondary, 3 tertiary")
	types := fs.String("service-type", eligibility.DefaultServiceType, "EQ01 service type codes, comma-separated (30 plan coverage, 98 office visit ...)")
	dosFlag := fs.String("dos", "", "date of service (default today)")
	practiceID := fs.Int64("practice", 0, "practice asking (default: the organization's only practice)")
	sender := fs.String("sender", "", "ISA06/GS02 sender ID (default: the practice's NPI)")
	receiver := fs.String("receiver", "", "ISA08/GS03 receiver ID (default: the payer's payer ID)")
	outDir := fs.String("out", "", "write the 270 into this directory")
	transport := fs.String("transport", "", "send the 270 through a clearinghouse transport: dir:PATH or sftp://... (default: the organization's clearinghouse settings)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("name exactly one PATIENT (account number, name, member ID or id)")
	}
	if *outDir != "" && *transport != "" {
		return usagef("give at most one of --out DIR and --transport")
	}
	if *transport != "" && !strings.HasPrefix(*transport, "dir:") && !strings.HasPrefix(*transport, "sftp://") {
		return usagef("--transport must be dir:PATH or sftp://...")
	}
	var dos rcm.Date
	if *dosFlag != "" {
		if dos, err = rcm.ParseDate(*dosFlag); err != nil {
			return usagef("--dos: %v", err)
		}
	}
	var serviceTypes []string
	for _, st := range strings.Split(*types, ",") {
		if st = strings.TrimSpace(st); st != "" {
			serviceTypes = append(serviceTypes, st)
		}
	}

	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	now := db.Clock.Now()
	if dos.IsZero() {
		dos = rcm.DateOf(now)
	}
	// An account number or id finds the patient in any organization; a
	// name or member ID, in the database's only one.
	orgID, patientID, err := db.FindPatientRef(ctx, 0, pos[0])
	if err != nil && rcm.ErrorCode(err) != rcm.ENOTFOUND {
		return err
	}
	if err != nil {
		octx, oerr := orgContext(ctx, db, 0)
		if oerr != nil {
			return err
		}
		p, err := lookup.Patient(octx, db, pos[0])
		if err != nil {
			return err
		}
		orgID, patientID = p.OrgID, p.ID
	}
	ctx = operator(ctx, orgID)
	req, err := loadRequest(ctx, db, patientID, *order, *practiceID, dos, serviceTypes)
	if err != nil {
		return err
	}
	// The envelope and the transport default to the organization's
	// clearinghouse settings, as for claims; without them the 270 goes
	// from the practice's NPI to the payer's ID.
	p := eligibility.Partner{SenderID: req.Practice.NPI, ReceiverID: req.Payer.PayerID}
	spec := *transport
	ch, err := db.FindClearinghouse(ctx)
	switch {
	case err == nil:
		p = eligibility.Partner{SenderID: ch.SubmitterID, ReceiverID: ch.ReceiverID, Production: ch.Production}
		if spec == "" && *outDir == "" {
			spec = ch.Transport
		}
	case rcm.ErrorCode(err) != rcm.ENOTFOUND:
		return err
	}
	if *sender != "" {
		p.SenderID = *sender
	}
	if *receiver != "" {
		p.ReceiverID = *receiver
	}
	var send eligibility.Sender = dirSender(*outDir)
	if *outDir == "" {
		if spec == "" {
			return usagef("give --out DIR or --transport dir:PATH (the organization has no clearinghouse transport set)")
		}
		tr, err := openTransport(ctx, spec)
		if err != nil {
			return err
		}
		defer tr.Close()
		send = tr
	}
	req.ServiceTypes, req.DateOfService = serviceTypes, dos
	name, checks, err := eligibility.Send(ctx, db, send, p, orgID, []*eligibility.Request{req}, now)
	if err != nil {
		return err
	}
	check := checks[0]
	fmt.Fprintf(env.Stdout, "270 %s: patient %d, coverage %d (order %d) with payer %s, trace %s, service types %s, date of service %s\n",
		name, patientID, req.Coverage.ID, req.Coverage.Order, req.Payer.PayerID, check.Trace, strings.Join(serviceTypes, ","), dos)
	return nil
}

// loadRequest gathers the patient, the coverage of the given order in
// force on the date of service (or else the latest of that order), its
// payer and the practice.
func loadRequest(ctx context.Context, db *sqldb.DB, patientID int64, order int, practiceID int64, dos rcm.Date, types []string) (*eligibility.Request, error) {
	pat, err := db.FindPatientByID(ctx, patientID)
	if err != nil {
		return nil, err
	}
	covs, err := db.FindCoverages(ctx, patientID)
	if err != nil {
		return nil, err
	}
	var cov *rcm.Coverage
	for _, c := range covs {
		if c.Order != order {
			continue
		}
		if cov == nil || c.ActiveOn(dos) && !cov.ActiveOn(dos) || c.ActiveOn(dos) == cov.ActiveOn(dos) && c.EffectiveFrom.After(cov.EffectiveFrom) {
			cov = c
		}
	}
	if cov == nil {
		return nil, rcm.Errorf(rcm.ENOTFOUND, "Patient %d has no coverage of order %d.", patientID, order)
	}
	payer, err := db.FindPayerByID(ctx, cov.PayerID)
	if err != nil {
		return nil, err
	}
	var practice *rcm.Practice
	if practiceID > 0 {
		if practice, err = db.FindPracticeByID(ctx, practiceID); err != nil {
			return nil, err
		}
	} else {
		ps, err := db.FindPractices(ctx)
		if err != nil {
			return nil, err
		}
		if len(ps) != 1 {
			return nil, usagef("the organization has %d practices; name one with --practice", len(ps))
		}
		practice = ps[0]
	}
	return &eligibility.Request{Payer: payer, Practice: practice, Patient: pat, Coverage: cov, ServiceTypes: types, DateOfService: dos}, nil
}

// dirSender writes a 270 into a plain folder, never over an existing file.
type dirSender string

func (d dirSender) Send(_ context.Context, name string, data []byte) error {
	return writeNew(string(d), name, data)
}

// writeNew writes a file that must not exist yet: a 270 is never
// overwritten.
func writeNew(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if errors.Is(err, fs.ErrExist) {
		return rcm.Errorf(rcm.ECONFLICT, "%s already exists in %s.", name, dir)
	} else if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func runEligibilityRead(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "eligibility read", eligibilityUsage)
	dsn := dbFlag(fs, env)
	orgFlag := fs.Int64("org", 0, "organization the 271s answer (default: from the trace originator, TRN03)")
	detail := fs.Bool("detail", false, "list every benefit under each summary")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("name at least one 271 FILE")
	}
	// Read every file before storing anything: a bad file changes nothing.
	parsed := make([][]eligibility.Result, len(files))
	for i, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		parsed[i], err = eligibility.Read271(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	failed := 0
	for i, name := range files {
		org, err := answerOrg(ctx, db, *orgFlag, parsed[i])
		if err != nil {
			fmt.Fprintf(env.Stderr, "%s: %s\n", name, errorText(err))
			failed++
			continue
		}
		recs, err := db.RecordEligibility(operator(ctx, org), parsed[i])
		var ue *sqldb.UnmatchedError
		if errors.As(err, &ue) {
			fmt.Fprintf(env.Stderr, "%s: %v\n", name, ue)
			failed++
			continue
		} else if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, r := range recs {
			note := ""
			if r.Repeated {
				note = " (already stored)"
			}
			fmt.Fprintf(env.Stdout, "%s: patient %d, coverage %d, trace %s, checked %s%s: %s\n", name, r.PatientID, r.CoverageID, r.Trace, r.CheckedOn, note, r.Summary)
			if *detail {
				for _, b := range r.Result.Benefits {
					fmt.Fprintf(env.Stdout, "    %s\n", b)
				}
			}
		}
	}
	if failed > 0 {
		fmt.Fprintf(env.Stderr, "%d of %d file(s) not stored.\n", failed, len(files))
		return exitCode(1)
	}
	return nil
}

// answerOrg decides which organization a 271 answers: --org, else the one
// its trace originators (TRN03) name, else the only organization there is.
func answerOrg(ctx context.Context, db *sqldb.DB, flag int64, res []eligibility.Result) (int64, error) {
	if flag > 0 {
		return flag, nil
	}
	var org int64
	for _, r := range res {
		if r.Originator == "" {
			continue
		}
		o, ok := eligibility.OrgOfOriginator(r.Originator)
		if !ok {
			return 0, rcm.Errorf(rcm.ENOTFOUND, "Trace %q was not assigned by OpenRCM (originator %q); nothing stored.", r.Trace, r.Originator)
		}
		if org != 0 && o != org {
			return 0, rcm.Errorf(rcm.EINVALID, "The file answers inquiries of two organizations; read it with --org.")
		}
		org = o
	}
	if org != 0 {
		var id int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM organization WHERE id = ?`, org).Scan(&id); errors.Is(err, sql.ErrNoRows) {
			return 0, rcm.Errorf(rcm.ENOTFOUND, "No organization %d for these traces; nothing stored.", org)
		} else if err != nil {
			return 0, err
		}
		return org, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM organization ORDER BY id LIMIT 2`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(ids) != 1 {
		return 0, rcm.Errorf(rcm.EINVALID, "The 271 names no trace originator; read it with --org.")
	}
	return ids[0], nil
}
