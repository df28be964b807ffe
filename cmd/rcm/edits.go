package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/edit"
	"github.com/openrcm/openrcm/edit/ncci"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/progress"
)

func init() { register("edits", "import and check NCCI edits", runEdits) }

const editsUsage = `import [--db DB] [--setting SETTING] [--quiet] [--enqueue [--wait] [--org ID]] FILE...
       rcm edits check --dos DATE [--db DB] [--setting SETTING] [--json] CODE[-MOD[-MOD...]][xUNITS]...`

func runEdits(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usagef("usage: rcm edits %s", editsUsage)
	}
	switch args[0] {
	case "import":
		return runEditsImport(ctx, env, args[1:])
	case "check":
		return runEditsCheck(ctx, env, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintf(env.Stderr, "usage: rcm edits %s\n", editsUsage)
		return nil
	}
	return usagef("unknown edits command %q; usage: rcm edits %s", args[0], editsUsage)
}

// runEditsImport reads every file before storing any, so that a malformed
// line anywhere leaves the database as it was.
func runEditsImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "edits import", "[--db DB] [--setting SETTING] [--quiet] [--enqueue [--wait] [--org ID]] FILE...")
	dsn := dbFlag(fs, env)
	setting := fs.String("setting", "", "setting of PTP files whose name does not tell it: practitioner or outpatient_hospital")
	quiet := fs.Bool("quiet", false, "show no progress on stderr")
	enqueue := fs.Bool("enqueue", false, "store the files and queue their imports for the workers")
	wait := fs.Bool("wait", false, "with --enqueue: follow the jobs' progress until they end")
	org := orgFlag(fs)
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("no files given; usage: rcm edits import [--db DB] [--setting SETTING] FILE...")
	}
	if err := checkEnqueue(*enqueue, *wait); err != nil {
		return err
	}
	if *enqueue {
		return importJobs{dsn: *dsn, org: *org, wait: *wait, quiet: *quiet, poll: 500 * time.Millisecond,
			req: jobs.ImportRequest{What: jobs.ImportEdits, Setting: *setting}}.run(ctx, env, files)
	}
	opt := ncci.ReadOptions{}
	if *setting != "" {
		if opt.Setting, err = ncci.ParseSetting(*setting); err != nil {
			return usagef("%s", rcm.ErrorMessage(err))
		}
	}
	var rels []*ncci.Release
	failed := false
	meter := newImportMeter(env, *quiet)
	defer meter.Done()
	for _, f := range files {
		opt.Progress = meter.For(filepath.Base(f))
		rs, err := ncci.ReadFile(f, opt)
		meter.Done()
		if err != nil {
			failed = true
			fmt.Fprintf(env.Stderr, "%v\n", err)
			continue
		}
		rels = append(rels, rs...)
	}
	if failed {
		fmt.Fprintln(env.Stderr, "rcm edits import: malformed input; nothing imported")
		return exitCode(1)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	stored := progress.Start(meter.For(""), "store", progress.Releases, 1)
	skipped, err := db.ImportNCCI(ctx, rels)
	if err != nil {
		return fmt.Errorf("import NCCI edits: %w", err)
	}
	stored.Finish()
	meter.Done()
	var rows int
	for _, r := range rels {
		what := "imported"
		for _, s := range skipped {
			if s == r {
				what = "already imported, skipped"
			}
		}
		if what == "imported" {
			rows += r.Rows()
		}
		eff := ""
		if d := r.Effective(); !d.IsZero() {
			eff = ", effective " + d.String()
		}
		fmt.Fprintf(env.Stdout, "%s: %s %s, %d rows%s: %s\n", r.Source, strings.ToUpper(string(r.Kind)), r.Setting, r.Rows(), eff, what)
	}
	fmt.Fprintf(env.Stdout, "%d tables imported (%d rows), %d skipped\n", len(rels)-len(skipped), rows, len(skipped))
	return nil
}

// lineArg is a service line on the command line: CODE, then up to four
// -MOD, then xUNITS (97140-59x2).
var lineArg = regexp.MustCompile(`^([0-9A-Za-z]{5})((?:-[0-9A-Za-z]{2}){0,4})(?:[xX]([0-9]{1,4}))?$`)

func parseLineArg(s string) (rcm.ServiceLine, error) {
	m := lineArg.FindStringSubmatch(s)
	if m == nil {
		return rcm.ServiceLine{}, usagef("%q is not CODE[-MOD[-MOD]][xUNITS], such as 97140-59x2", s)
	}
	l := rcm.ServiceLine{Code: strings.ToUpper(m[1]), Units: 1}
	if m[2] != "" {
		l.Modifiers = strings.Split(strings.ToUpper(m[2][1:]), "-")
	}
	if m[3] != "" {
		l.Units, _ = strconv.Atoi(m[3])
		if l.Units < 1 {
			return rcm.ServiceLine{}, usagef("%q: units must be at least 1", s)
		}
	}
	return l, nil
}

func runEditsCheck(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "edits check", "--dos DATE [--db DB] [--setting SETTING] [--json] CODE[-MOD[-MOD...]][xUNITS]...")
	dsn := dbFlag(fs, env)
	dosFlag := fs.String("dos", "", "date of service (YYYY-MM-DD), required")
	settingFlag := fs.String("setting", string(ncci.Practitioner), "NCCI table: practitioner, outpatient_hospital or dme_supplier")
	asJSON := fs.Bool("json", false, "print findings as JSON")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *dosFlag == "" {
		return usagef("--dos is required")
	}
	dos, err := rcm.ParseDate(*dosFlag)
	if err != nil {
		return usagef("--dos: %v", err)
	}
	setting, err := ncci.ParseSetting(*settingFlag)
	if err != nil {
		return usagef("%s", rcm.ErrorMessage(err))
	}
	if len(pos) == 0 {
		return usagef("no service lines given, such as 20610 99213-25")
	}
	claim := &edit.Claim{DateOfService: dos}
	for _, a := range pos {
		l, err := parseLineArg(a)
		if err != nil {
			return err
		}
		claim.Lines = append(claim.Lines, l)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	edits, err := db.LoadNCCI(ctx)
	if err != nil {
		return fmt.Errorf("load NCCI edits: %w", err)
	}
	if edits.PTPRows(setting) == 0 && edits.MUERows(setting) == 0 {
		return errors.New("no NCCI tables imported for the " + string(setting) + " setting: run rcm edits import first")
	}
	engine, err := edit.NewEngine(&ncci.Checker{Edits: edits, Setting: setting})
	if err != nil {
		return err
	}
	findings := engine.Check(claim)
	if *asJSON {
		if findings == nil {
			findings = []edit.Finding{}
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			Findings []edit.Finding `json:"findings"`
		}{findings}); err != nil {
			return err
		}
	} else {
		for _, what := range []struct {
			n    int
			kind string
		}{{edits.PTPRows(setting), "PTP"}, {edits.MUERows(setting), "MUE"}} {
			if what.n == 0 {
				fmt.Fprintf(env.Stderr, "warning: no %s table imported for the %s setting; those edits were not checked\n", what.kind, setting)
			}
		}
		if len(findings) == 0 {
			fmt.Fprintln(env.Stdout, "No NCCI findings.")
		}
		for _, f := range findings {
			fmt.Fprintf(env.Stdout, "%s %s, lines %s (%s): %s\n  Fix: %s\n", f.Severity, f.Rule, joinLines(f.Lines), strings.Join(f.Codes, ", "), f.Message, f.Fix)
		}
	}
	if edit.HasErrors(findings) {
		return exitCode(1)
	}
	return nil
}

func joinLines(ls []int) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = strconv.Itoa(l)
	}
	return strings.Join(s, ", ")
}
