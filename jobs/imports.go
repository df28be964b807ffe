package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/edit/ncci"
	"github.com/openrcm/openrcm/progress"
	"github.com/riverqueue/river"
)

// ImportKind is the kind of a code-set or NCCI import job.
const ImportKind = "catalogue_import"

// What an import job imports.
const (
	ImportCodes = "codes" // a code-set file, as rcm codes import reads it
	ImportEdits = "edits" // an NCCI PTP or MUE table, as rcm edits import reads it
)

// ImportArgs is an import of an uploaded file. The file is an upload in
// the database (rcm.ImportUpload), never a path: every worker reads it
// wherever it runs, and no user input names a file on a server.
type ImportArgs struct {
	OrgID       int64  `json:"org_id"`
	What        string `json:"what"`
	Upload      int64  `json:"upload_id"`
	File        string `json:"file"`
	Version     string `json:"version,omitempty"`
	Effective   string `json:"effective,omitempty"`
	Setting     string `json:"setting,omitempty"`
	AllowErrors bool   `json:"allow_errors,omitempty"`
}

// Kind implements river.JobArgs.
func (ImportArgs) Kind() string { return ImportKind }

// ImportStore keeps the uploads and the progress of the jobs.
type ImportStore interface {
	// SaveImportUpload stores an upload and runs then in its
	// transaction, with the upload's id.
	SaveImportUpload(ctx context.Context, u *rcm.ImportUpload, then func(tx *sql.Tx, id int64) error) error
	FindImportUpload(ctx context.Context, id int64) (*rcm.ImportUpload, error)
	DeleteImportUpload(ctx context.Context, id int64) error
	SaveJobProgress(ctx context.Context, p rcm.JobProgress) error
}

// ProgressStore reads the progress the jobs saved.
type ProgressStore interface {
	FindJobProgress(ctx context.Context, ids []int64) (map[int64]rcm.JobProgress, error)
}

// CatalogueStore is where imported releases are stored.
type CatalogueStore interface {
	// SaveReleaseCounting stores a release, telling stored the rows
	// written as it goes.
	SaveReleaseCounting(ctx context.Context, r *codeset.Release, stored func(rows int)) error
	ImportNCCI(ctx context.Context, rels []*ncci.Release) (skipped []*ncci.Release, err error)
}

// ImportRequest is an admin's import: what, the file, and the options the
// file's name cannot give (as the flags of rcm codes import and rcm edits
// import).
type ImportRequest struct {
	What        string
	FileName    string
	Data        []byte
	Version     string
	Effective   string
	Setting     string
	AllowErrors bool
}

// EnqueueImport stores the file and enqueues its import in one
// transaction, and returns the job's id. Only an administrator imports:
// the public code sets and edit tables serve every organization.
func EnqueueImport(ctx context.Context, q *Queue, store ImportStore, req ImportRequest) (int64, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return 0, err
	}
	if a.Role != rcm.RoleAdmin {
		return 0, rcm.Errorf(rcm.EFORBIDDEN, "Only an administrator imports code sets and edits.")
	}
	args := ImportArgs{OrgID: a.OrgID, What: req.What, Version: strings.TrimSpace(req.Version),
		Effective: strings.TrimSpace(req.Effective), Setting: strings.TrimSpace(req.Setting), AllowErrors: req.AllowErrors}
	if err := args.check(); err != nil {
		return 0, err
	}
	if args.File, err = rcm.CleanFileName(req.FileName); err != nil {
		return 0, err
	}
	if len(req.Data) > rcm.MaxImportUpload {
		return 0, rcm.FieldErrorf(rcm.EINVALID, "file", "%s is larger than %d MB.", args.File, rcm.MaxImportUpload>>20)
	}
	var id int64
	err = store.SaveImportUpload(ctx, &rcm.ImportUpload{FileName: args.File, Data: req.Data}, func(tx *sql.Tx, upload int64) error {
		args.Upload = upload
		// A file that cannot be read fails for good at once (JobCancel);
		// a database hiccup while storing is tried again.
		id, err = q.InsertTx(ctx, tx, args, &river.InsertOpts{MaxAttempts: 3})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue import of %s: %w", args.File, err)
	}
	return id, nil
}

// check checks the options an admin gave.
func (a ImportArgs) check() error {
	switch a.What {
	case ImportCodes:
		if a.Setting != "" {
			return rcm.FieldErrorf(rcm.EINVALID, "setting", "A setting is for NCCI tables, not code sets.")
		}
	case ImportEdits:
		if a.Version != "" || a.Effective != "" || a.AllowErrors {
			return rcm.FieldErrorf(rcm.EINVALID, "version", "An NCCI table names its own quarter: give only its setting.")
		}
		if a.Setting != "" {
			if _, err := ncci.ParseSetting(a.Setting); err != nil {
				return rcm.FieldErrorf(rcm.EINVALID, "setting", "%s", rcm.ErrorMessage(err))
			}
		}
	default:
		return rcm.FieldErrorf(rcm.EINVALID, "what", "Choose what to import: code set or NCCI edits.")
	}
	if a.Effective != "" {
		if _, err := rcm.ParseDate(a.Effective); err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, "effective", "The effective date is not a date (YYYY-MM-DD).")
		}
	}
	return nil
}

// progressEvery is how often a running import saves its progress.
const progressEvery = time.Second

// CatalogueImport is the import job: it reads the uploaded file as rcm
// codes import or rcm edits import would, saving its progress (phase,
// bytes, rows) at most once a second where every server sees it, stores
// the releases, records what it imported and deletes the upload. A file
// with malformed lines imports nothing (unless its errors were allowed)
// and fails the job for good, with the first errors as the job's error.
// Servers see the new releases through their catalogue reload.
func CatalogueImport(store ImportStore, cat CatalogueStore, logger *slog.Logger) Kind {
	return Kind{Name: ImportKind, Label: "Import of a code set or NCCI edit table", add: func(w *river.Workers, q *Queue) error {
		return river.AddWorkerSafely(w, river.WorkFunc(func(ctx context.Context, job *river.Job[ImportArgs]) error {
			return q.observe(job.Kind, func() error {
				return runImport(AsOrganization(ctx, job.Args.OrgID), store, cat, job.ID, job.Args, logger)
			})
		}))
	}}
}

// saver saves reports as the job's progress; a failed save is logged and
// the import goes on.
type saver struct {
	ctx    context.Context
	store  ImportStore
	job    int64
	logger *slog.Logger
}

func (s saver) Progress(r progress.Report) {
	if err := s.store.SaveJobProgress(s.ctx, rcm.JobProgress{JobID: s.job, Phase: r.Phase, Unit: r.Unit, Done: r.Done, Total: r.Total, Rows: r.Rows}); err != nil && s.logger != nil {
		s.logger.Warn("import progress not saved", "job", s.job, "error", err)
	}
}

func runImport(ctx context.Context, store ImportStore, cat CatalogueStore, job int64, a ImportArgs, logger *slog.Logger) error {
	if err := a.check(); err != nil {
		return river.JobCancel(err)
	}
	up, err := store.FindImportUpload(ctx, a.Upload)
	if rcm.ErrorCode(err) == rcm.ENOTFOUND {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	s := saver{ctx: ctx, store: store, job: job, logger: logger}
	rep := progress.Every(progressEvery, s, nil)
	var result string
	var last progress.Report
	track := progress.Func(func(r progress.Report) { last = r; rep.Progress(r) })
	switch a.What {
	case ImportCodes:
		result, err = importCodes(ctx, cat, up, a, track)
	case ImportEdits:
		result, err = importEdits(ctx, cat, up, a, track)
	}
	if err != nil {
		return err
	}
	if err := store.SaveJobProgress(ctx, rcm.JobProgress{JobID: job, Phase: last.Phase, Unit: last.Unit, Done: last.Done,
		Total: last.Total, Rows: last.Rows, Result: result}); err != nil {
		return err
	}
	return store.DeleteImportUpload(ctx, a.Upload)
}

// badFile fails the job for good: reading the same bytes again fails the
// same way.
func badFile(file string, err error) error {
	return river.JobCancel(fmt.Errorf("%s: %s", file, errorLines(err)))
}

func errorLines(err error) string {
	var e *rcm.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

func importCodes(ctx context.Context, cat CatalogueStore, up *rcm.ImportUpload, a ImportArgs, rep progress.Reporter) (string, error) {
	opts := codeset.ImportOptions{Version: a.Version, Org: strconv.FormatInt(a.OrgID, 10), AllowErrors: a.AllowErrors, Progress: rep}
	if a.Effective != "" {
		opts.Effective, _ = rcm.ParseDate(a.Effective)
	}
	ims, err := codeset.ImportFile(up.FileName, up.Data, opts)
	if err != nil {
		return "", badFile(up.FileName, err)
	}
	var bad []string
	skipped, rows := 0, 0
	for _, im := range ims {
		for _, e := range im.Errors {
			bad = append(bad, e.Error())
		}
		skipped += len(im.Errors)
		for _, r := range im.Releases {
			rows += len(r.Codes) + len(r.Notes) + len(r.Index)
		}
	}
	if len(bad) > 0 && !a.AllowErrors {
		const shown = 5
		more := ""
		if len(bad) > shown {
			more = fmt.Sprintf("; and %d more", len(bad)-shown)
			bad = bad[:shown]
		}
		return "", river.JobCancel(fmt.Errorf("%d malformed lines, nothing imported (import again allowing errors to keep the valid lines): %s%s",
			skipped, strings.Join(bad, "; "), more))
	}
	m := progress.Start(rep, "store", progress.Rows, int64(rows))
	var said []string
	for _, im := range ims {
		for _, r := range im.Releases {
			if err := cat.SaveReleaseCounting(ctx, r, func(n int) { m.AddRows(int64(n)); m.Add(int64(n)) }); err != nil {
				return "", fmt.Errorf("store %s: %w", im.File, err)
			}
			said = append(said, fmt.Sprintf("%s %s (effective %s): %d codes, %d notes, %d index terms", r.System, r.Version, r.Effective, len(r.Codes), len(r.Notes), len(r.Index)))
		}
	}
	m.Finish()
	if skipped > 0 {
		said = append(said, fmt.Sprintf("%d malformed lines skipped", skipped))
	}
	return strings.Join(said, "; "), nil
}

func importEdits(ctx context.Context, cat CatalogueStore, up *rcm.ImportUpload, a ImportArgs, rep progress.Reporter) (string, error) {
	opt := ncci.ReadOptions{Progress: rep}
	if a.Setting != "" {
		opt.Setting, _ = ncci.ParseSetting(a.Setting)
	}
	rels, err := ncci.ReadBytes(up.FileName, up.Data, opt)
	if err != nil {
		return "", badFile(up.FileName, err)
	}
	m := progress.Start(rep, "store", progress.Releases, int64(len(rels)))
	skipped, err := cat.ImportNCCI(ctx, rels)
	if err != nil {
		return "", fmt.Errorf("store %s: %w", up.FileName, err)
	}
	var said []string
	for _, r := range rels {
		what := "imported"
		for _, s := range skipped {
			if s == r {
				what = "already imported, skipped"
			}
		}
		m.AddRows(int64(r.Rows()))
		said = append(said, fmt.Sprintf("%s %s, %d rows: %s", strings.ToUpper(string(r.Kind)), r.Setting, r.Rows(), what))
	}
	m.Finish()
	return strings.Join(said, "; "), nil
}
