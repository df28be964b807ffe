package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/edit"
	"github.com/openrcm/openrcm/inbox"
	"github.com/openrcm/openrcm/lookup"
	"github.com/openrcm/openrcm/pdf"
	"github.com/openrcm/openrcm/sqldb"
)

func init() {
	register("claim", "build, scrub, submit and show claims", runClaim)
	register("clearinghouse", "set up the clearinghouse and read its responses", runClearinghouse)
}

const claimUsage = `build [--org N] (ENCOUNTER_ID... | --all) [--order 1]
       rcm claim scrub [--org N] (CLAIM... | --all) [--json]
       rcm claim submit [--org N] [--key KEY]
       rcm claim list [--org N] [--state STATE] [--payer PAYER] [--json | --csv]
       rcm claim show [--org N] CLAIM [--json]
       rcm claim form [--org N] CLAIM --out FILE.pdf
All take --db DB. CLAIM is a claim number (such as LFM01010-10-1) or id; PAYER is a
payer ID (such as SBMCR), a payer's name or its id.`

func runClaim(ctx context.Context, env *Env, args []string) error {
	if done, err := familyHelp(env, "claim", claimUsage, args); done {
		return err
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(env, "claim "+sub, claimUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	all := fs.Bool("all", false, "build: every coded encounter; scrub: every draft")
	order := fs.Int("order", 1, "build: coverage order to bill (1 primary, 2 secondary)")
	format := listFlags(fs)
	asJSON := format.json
	key := fs.String("key", "", "submit: idempotency key (default: one per day and payer)")
	state := fs.String("state", "", "list: only claims in this state ("+strings.Join(rcm.ClaimStates(), ", ")+")")
	payer := fs.String("payer", "", "list: only claims to this payer (payer ID, name or id)")
	out := fs.String("out", "", "form: the PDF file to write")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := format.check(); err != nil {
		return err
	}
	if *state != "" && !rcm.IsClaimState(*state) {
		return usagef("--state %q is not a claim state; use one of %s", *state, strings.Join(rcm.ClaimStates(), ", "))
	}
	var ids []int64
	if sub == "build" {
		if ids, err = idArgs(pos); err != nil {
			return err
		}
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, err = orgContext(ctx, db, *org)
	if err != nil {
		return err
	}
	if sub != "build" {
		// Claims are named by what the user knows: the claim number, or
		// the id.
		for _, ref := range pos {
			c, err := lookup.Claim(ctx, db, ref)
			if err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
	}
	a, _ := rcm.ActorFromContext(ctx)
	today := rcm.DateOf(db.Clock.Now())
	switch sub {
	case "build":
		if len(ids) == 0 && !*all {
			return usagef("name encounters or pass --all")
		}
		payers, err := payerIndex(ctx, db)
		if err != nil {
			return err
		}
		for _, id := range ids {
			c, err := buildClaim(ctx, db, id, *order)
			if err != nil {
				return fmt.Errorf("encounter %d: %w", id, err)
			}
			fmt.Fprintf(env.Stdout, "claim %s built from encounter %d of %s: %s, %s\n", c.ControlNumber, id, c.DateOfService, payerName(payers, c.PayerID), c.TotalCharge().Dollars())
		}
		if !*all {
			return nil
		}
		// Every coded encounter, a page at a time; one that cannot be
		// billed is named and passed over, and the others go on.
		built, failed := 0, 0
		err = claim.BuildAll(ctx, db, *order, func(r claim.Built) error {
			if r.Err != nil {
				failed++
				fmt.Fprintf(env.Stderr, "encounter %d: %s\n", r.EncounterID, rcm.ErrorMessage(r.Err))
				return nil
			}
			built++
			c := r.Claim
			_, err := fmt.Fprintf(env.Stdout, "claim %s built from encounter %d of %s: %s, %s\n", c.ControlNumber, r.EncounterID, c.DateOfService, payerName(payers, c.PayerID), c.TotalCharge().Dollars())
			return err
		})
		if err != nil {
			return err
		}
		if built+failed+len(ids) == 0 {
			return usagef("name encounters or pass --all")
		}
		if failed > 0 {
			fmt.Fprintf(env.Stderr, "%d claims built; %d encounters could not be billed (named above).\n", built, failed)
			return exitCode(1)
		}
	case "scrub":
		s, err := scrubberFor(ctx, db, today, a.OrgID)
		if err != nil {
			return err
		}
		dirty := 0
		type result struct {
			ClaimID     int64          `json:"claim_id"`
			ClaimNumber string         `json:"claim_number"`
			State       string         `json:"state"`
			Findings    []edit.Finding `json:"findings"`
		}
		var results []result
		show := func(r result) error {
			if claim.HasErrors(r.Findings) {
				dirty++
			}
			if *asJSON {
				results = append(results, r)
				return nil
			}
			fmt.Fprintf(env.Stdout, "claim %s: %s, %d findings\n", r.ClaimNumber, r.State, len(r.Findings))
			for _, f := range r.Findings {
				fmt.Fprintf(env.Stdout, "  %s\n", f)
			}
			return nil
		}
		for _, id := range ids {
			c, err := db.FindClaimByID(ctx, id)
			if err != nil {
				return err
			}
			fsd, st, err := claim.ScrubClaim(ctx, db, s, id)
			if err != nil {
				return fmt.Errorf("claim %s: %w", c.ControlNumber, err)
			}
			if err := show(result{id, c.ControlNumber, st, fsd}); err != nil {
				return err
			}
		}
		if *all {
			// Every draft once, a page at a time: a draft that fails
			// stays a draft and is not picked again by this run.
			err := claim.ScrubAll(ctx, db, s, rcm.ClaimDraft, eligibilityBatch(db), func(r claim.Scrubbed) error {
				return show(result{r.Claim.ID, r.Claim.ControlNumber, r.State, r.Findings})
			})
			if err != nil {
				return err
			}
		}
		if *asJSON {
			if err := writeJSON(env.Stdout, results); err != nil {
				return err
			}
		}
		if dirty > 0 {
			return exitCode(1)
		}
	case "submit":
		ch, err := db.FindClearinghouse(ctx)
		if err != nil {
			return err
		}
		t, err := openTransport(ctx, ch.Transport)
		if err != nil {
			return err
		}
		defer t.Close()
		payers, err := db.FindPayers(ctx)
		if err != nil {
			return err
		}
		for _, p := range payers {
			k := *key
			if k == "" {
				k = fmt.Sprintf("%s-payer%d", today, p.ID)
			} else {
				k = fmt.Sprintf("%s-payer%d", k, p.ID)
			}
			// Professional claims go in 837P files, institutional ones in
			// 837I files under a key of their own; each file holds at most
			// claim.MaxClaimsPerFile claims.
			for _, kind := range []struct {
				key           string
				institutional bool
			}{{k, false}, {k + "-837I", true}} {
				subs, err := claim.SubmitAll(ctx, db, t, claim.PartnerOf(ch), p.ID, kind.key, db.Clock.Now(), kind.institutional)
				for _, s := range subs {
					fmt.Fprintf(env.Stdout, "%s: %d claims in %s (interchange %09d), %s\n", p.Name, len(s.ClaimIDs), s.FileName, s.Control, s.State)
				}
				if err != nil {
					return fmt.Errorf("submit to %s: %w", p.Name, err)
				}
			}
		}
	case "list":
		return listClaims(ctx, env, db, *state, *payer, format)
	case "show":
		if len(ids) != 1 {
			return usagef("name one claim")
		}
		c, err := db.FindClaimByID(ctx, ids[0])
		if err != nil {
			return err
		}
		findings, err := db.FindClaimFindings(ctx, c.ID)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(env.Stdout, struct {
				*rcm.Claim
				Findings []rcm.ClaimFinding `json:"findings"`
			}{c, findings})
		}
		payers, err := payerIndex(ctx, db)
		if err != nil {
			return err
		}
		pt, err := db.FindPatientByID(ctx, c.PatientID)
		if err != nil {
			return err
		}
		cat, err := catalogFor(ctx, db)
		if err != nil {
			return err
		}
		org := strconv.FormatInt(a.OrgID, 10)
		fmt.Fprintf(env.Stdout, "claim %s: %s, %s, date of service %s, %s, patient %s %s, %s\n", c.ControlNumber, c.State, c.TotalCharge().Dollars(),
			c.DateOfService, payerName(payers, c.PayerID), pt.AccountNumber, pt.LastName+", "+pt.FirstName, frequencyWord(c.Frequency))
		if in := c.Institutional; in != nil {
			fmt.Fprintf(env.Stdout, "  institutional: type of bill %s, statement %s to %s, patient status %s\n", in.TypeOfBill, in.StatementFrom, in.StatementTo, in.PatientStatus)
		}
		for i, d := range c.Diagnoses {
			fmt.Fprintf(env.Stdout, "  dx %d  %-8s %s\n", i+1, codeset.Display(codeset.ICD10CM, d.Code), cat.Describe(codeset.ICD10CM, org, d.Code, c.DateOfService))
		}
		for i, l := range c.Lines {
			if rev := c.Institutional.RevenueCodeOf(i); rev != "" {
				fmt.Fprintf(env.Stdout, "  line %d  revenue %s  %s %v x%d  %s  %s\n", i+1, rev, l.Code, l.Modifiers, l.Units, l.Charge.Dollars(),
					cat.Describe(codeset.CPT, org, l.Code, c.DateOfService))
				continue
			}
			fmt.Fprintf(env.Stdout, "  line %d  %s %v x%d  %s  pointers %v  %s\n", i+1, l.Code, l.Modifiers, l.Units, l.Charge.Dollars(), l.Pointers,
				cat.Describe(codeset.CPT, org, l.Code, c.DateOfService))
		}
		for _, f := range findings {
			fmt.Fprintf(env.Stdout, "  finding %s %s lines %v: %s Fix: %s\n", f.Severity, f.Rule, f.Lines, f.Message, f.Fix)
		}
		for _, h := range c.History {
			fmt.Fprintf(env.Stdout, "  %s  %s -> %s  %s\n", h.At.Format(time.RFC3339), h.From, h.To, h.Reason)
		}
	case "form":
		if len(ids) != 1 || *out == "" {
			return usagef("name one claim and --out FILE.pdf")
		}
		b, err := claim.Load(ctx, db, ids[0])
		if err != nil {
			return err
		}
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		// An institutional claim prints on the UB-04, a professional one
		// on the CMS-1500.
		render := pdf.CMS1500
		if b.Claim.Institutional != nil {
			render = pdf.UB04
		}
		if err := render(f, b, pdf.Options{SignedOn: today}); err != nil {
			f.Close()
			os.Remove(*out)
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "CMS-1500 for claim %s written to %s.\n", b.Claim.ControlNumber, *out)
	default:
		return usagef("unknown subcommand %q; usage: rcm claim %s", sub, claimUsage)
	}
	return nil
}

// buildClaim builds and stores the claim of an encounter and marks the
// encounter billed, so its lines can no longer change under the claim.
func buildClaim(ctx context.Context, db *sqldb.DB, encounterID int64, order int) (*rcm.Claim, error) {
	c, err := claim.Build(ctx, db, encounterID, order)
	if err != nil {
		return nil, err
	}
	if err := db.CreateClaim(ctx, c); err != nil {
		return nil, err
	}
	e, err := db.FindEncounterByID(ctx, encounterID)
	if err != nil {
		return nil, err
	}
	if e.Status != rcm.EncounterBilled {
		e.Status = rcm.EncounterBilled
		if err := db.UpdateEncounter(ctx, e); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func idArgs(args []string) ([]int64, error) {
	var ids []int64
	for _, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return nil, usagef("%q is not an id", a)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

const clearinghouseUsage = `set [--org N] --submitter-id ID --submitter-name NAME --contact NAME --phone 10DIGITS --receiver-id ID --receiver-name NAME --transport dir:PATH|sftp://... [--production]
       rcm clearinghouse poll [--org N]
       rcm clearinghouse quarantine [--org N] [--json|--csv]
All take --db DB. poll moves a response file that cannot be read or applied
(too large, not valid X12, a copy of a posted 835) to the quarantine folder
beside the archive, and goes on with the others; quarantine lists those
files with their reasons.`

func runClearinghouse(ctx context.Context, env *Env, args []string) error {
	if done, err := familyHelp(env, "clearinghouse", clearinghouseUsage, args); done {
		return err
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(env, "clearinghouse "+sub, clearinghouseUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	ch := &rcm.Clearinghouse{}
	fs.StringVar(&ch.SubmitterID, "submitter-id", "", "your submitter ID at the clearinghouse (ISA06)")
	fs.StringVar(&ch.SubmitterName, "submitter-name", "", "submitter name (1000A)")
	fs.StringVar(&ch.ContactName, "contact", "", "contact name (1000A PER)")
	fs.StringVar(&ch.ContactPhone, "phone", "", "contact phone, 10 digits")
	fs.StringVar(&ch.ReceiverID, "receiver-id", "", "the clearinghouse's receiver ID (ISA08)")
	fs.StringVar(&ch.ReceiverName, "receiver-name", "", "receiver name (1000B)")
	fs.StringVar(&ch.Transport, "transport", "", "dir:PATH or sftp://user@host:port/path?key=FILE&known_hosts=FILE")
	fs.BoolVar(&ch.Production, "production", false, "mark files for production (ISA15 P) instead of test")
	format := listFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := format.check(); err != nil {
		return err
	}
	if format.given() && sub != "quarantine" {
		return usagef("--json and --csv are for quarantine")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, err = orgContext(ctx, db, *org)
	if err != nil {
		return err
	}
	switch sub {
	case "set":
		if err := db.SetClearinghouse(ctx, ch); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "clearinghouse %s (%s) set, transport %s\n", ch.ReceiverName, ch.ReceiverID, ch.Transport)
	case "poll":
		set, err := db.FindClearinghouse(ctx)
		if err != nil {
			return err
		}
		res, err := pollResponses(ctx, db, set)
		for _, line := range res {
			fmt.Fprintln(env.Stdout, line)
		}
		if err == nil && len(res) == 0 {
			fmt.Fprintln(env.Stdout, "No response was waiting at the clearinghouse.")
		}
		return err
	case "quarantine":
		files, err := db.FindQuarantinedFiles(ctx, 0)
		if err != nil {
			return err
		}
		t := &table{header: []string{"FILE", "QUARANTINED", "KIND", "STORED AS", "REASON"}, none: "No file is in quarantine."}
		for _, f := range files {
			t.add(f.Name, f.QuarantinedAt.UTC().Format(time.RFC3339), cmp.Or(f.Kind, "unreadable"), f.StoredAs, f.Reason)
		}
		return format.print(env.Stdout, t, files)
	default:
		return usagef("unknown subcommand %q; usage: rcm clearinghouse %s", sub, clearinghouseUsage)
	}
	return nil
}

// pollResponses applies every response waiting at the clearinghouse (999,
// 277CA, 835, 271) and returns a line of words per file and per detail.
func pollResponses(ctx context.Context, db *sqldb.DB, set *rcm.Clearinghouse) ([]string, error) {
	t, err := openTransport(ctx, set.Transport)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	files, err := inbox.Poll(ctx, db, t)
	var out []string
	for _, f := range files {
		kind := f.Kind
		if kind == "" {
			kind = "?"
		}
		out = append(out, fmt.Sprintf("%s: %s, %s", f.Name, kind, f.Summary))
		for _, d := range f.Details {
			out = append(out, "  "+d)
		}
	}
	return out, err
}
