package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/suggest"
)

const suggestStatsUsage = "[--db DB] [--org N] [--from DATE] [--to DATE] [--by category|chapter] [--json]"

const suggestDecideUsage = "[--db DB] --as USERNAME --encounter ID --code CODE [--system icd10cm|hcpcs] [--units N] [--evidence START-END,...] (--accept | --reject REASON | --change CODE)"

// runCodesSuggestStats prints the suggestions' precision and recall proxy
// per code family from the coders' stored decisions.
func runCodesSuggestStats(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "codes suggest-stats", suggestStatsUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	from := fs.String("from", "", "first day of decisions measured")
	to := fs.String("to", "", "last day of decisions measured")
	by := fs.String("by", suggest.ByCategory, "family: category (ICD-10-CM 3-character category) or chapter")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("usage: rcm codes suggest-stats %s", suggestStatsUsage)
	}
	if *by != suggest.ByCategory && *by != suggest.ByChapter {
		return usagef("--by: %q (want category or chapter)", *by)
	}
	var f rcm.SuggestionDecisionFilter
	var err error
	if f.From, err = parseDOS(*from); err != nil {
		return usagef("--from: %v", err)
	}
	if f.To, err = parseDOS(*to); err != nil {
		return usagef("--to: %v", err)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if ctx, err = orgContext(ctx, db, *org); err != nil {
		return err
	}
	ds, err := db.FindSuggestionDecisions(ctx, f)
	if err != nil {
		return err
	}
	final, err := db.FindDecidedEncounterCodes(ctx, f)
	if err != nil {
		return err
	}
	st := suggest.Measure(ds, final, *by)
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "family\tdecided\taccepted\trejected\tchanged\tprecision\tcoded\tfound\trecall proxy\t")
	row := func(f suggest.FamilyStats) {
		p, r := "-", "-"
		if f.Decided > 0 {
			p = fmt.Sprintf("%.3f", f.Precision)
		}
		if f.Coded > 0 {
			r = fmt.Sprintf("%.3f", f.RecallProxy)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%d\t%d\t%s\t\n", f.Family, f.Decided, f.Accepted, f.Rejected, f.Changed, p, f.Coded, f.Found, r)
	}
	for _, f := range st.Families {
		row(f)
	}
	row(st.Total)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%d encounters with a decision.", st.Encounters)
	var rs []string
	for _, r := range rcm.RejectReasons {
		if n := st.Total.Reasons[r.Code]; n > 0 {
			rs = append(rs, fmt.Sprintf("%s %d", r.Label, n))
		}
	}
	if len(rs) > 0 {
		fmt.Fprintf(env.Stdout, " Rejected because: %s.", strings.Join(rs, "; "))
	}
	fmt.Fprintln(env.Stdout)
	return nil
}

// runCodesSuggestDecide records a coder's decision on a suggestion, as the
// workbench's Accept, Reject and Change buttons do, for a coder named with
// --as (the measure is per coder, so the operator is not a coder).
func runCodesSuggestDecide(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "codes suggest-decide", suggestDecideUsage)
	dsn := dbFlag(fs, env)
	as := fs.String("as", "", "the coder deciding (username)")
	encounter := fs.Int64("encounter", 0, "the encounter the suggestion was made for")
	code := fs.String("code", "", "the code suggested")
	system := fs.String("system", rcm.SuggestionICD10CM, "icd10cm or hcpcs")
	units := fs.Int("units", 0, "the units suggested (hcpcs)")
	evidence := fs.String("evidence", "", "the evidence offsets, START-END,...")
	accept := fs.Bool("accept", false, "accept the suggestion")
	reject := fs.String("reject", "", "reject it, for a reason: "+reasonCodes())
	change := fs.String("change", "", "change it to this code")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	n := 0
	d := &rcm.SuggestionDecision{EncounterID: *encounter, Code: *code, System: *system, Units: *units}
	if *accept {
		n++
		d.Decision = rcm.SuggestionAccepted
	}
	if *reject != "" {
		n++
		d.Decision, d.Reason = rcm.SuggestionRejected, *reject
	}
	if *change != "" {
		n++
		d.Decision, d.Replacement = rcm.SuggestionChanged, *change
	}
	if fs.NArg() != 0 || n != 1 || *as == "" || *encounter == 0 || *code == "" {
		return usagef("usage: rcm codes suggest-decide %s", suggestDecideUsage)
	}
	for _, p := range strings.Split(*evidence, ",") {
		if p == "" {
			continue
		}
		var sp rcm.EvidenceSpan
		if _, err := fmt.Sscanf(p, "%d-%d", &sp.Start, &sp.End); err != nil {
			return usagef("--evidence: %q is not START-END", p)
		}
		d.Evidence = append(d.Evidence, sp)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := findUser(ctx, db, *as)
	if err != nil {
		return err
	}
	ctx = rcm.NewContextWithActor(ctx, rcm.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Reason: "rcm command line"})
	e, err := db.DecideSuggestion(ctx, d)
	if err != nil {
		return err
	}
	var dx []string
	for _, x := range e.Diagnoses {
		dx = append(dx, x.Code)
	}
	fmt.Fprintf(env.Stdout, "%s %s on encounter %d by %s; diagnoses now %s\n", d.Code, d.Decision, e.ID, u.Username, strings.Join(dx, ", "))
	return nil
}

func reasonCodes() string {
	var s []string
	for _, r := range rcm.RejectReasons {
		s = append(s, r.Code)
	}
	return strings.Join(s, ", ")
}
