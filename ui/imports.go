package ui

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/jobs"
)

// importUploadBytes bounds an import's form: the file and a few fields.
const importUploadBytes = rcm.MaxImportUpload + 1<<20

type importsData struct {
	// Recent are the latest import jobs, with their progress.
	Recent []jobs.Job
}

// showImports is the admin's screen for importing a code set or an NCCI
// table: the upload form and the latest imports with how far they are.
func (h *Handler) showImports(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	d, err := h.importDesk(ctx)
	if err != nil {
		return err
	}
	list, err := d.FindJobs(ctx, jobsShown)
	if err != nil {
		return err
	}
	var data importsData
	for _, j := range list {
		if j.Kind == jobs.ImportKind && len(data.Recent) < 10 {
			data.Recent = append(data.Recent, j)
		}
	}
	h.renderPage(w, r, s, "imports", &view{Title: "Code sets and edits", Nav: "jobs", Data: data})
	return nil
}

// importDesk is desk for the import screens, which only an administrator
// uses: the public code sets and edit tables serve every organization.
func (h *Handler) importDesk(ctx context.Context) (JobDesk, error) {
	d, err := h.desk(ctx)
	if err != nil {
		return nil, err
	}
	if a, _ := rcm.ActorFromContext(ctx); a.Role != rcm.RoleAdmin {
		return nil, rcm.Errorf(rcm.EFORBIDDEN, "Only an administrator imports code sets and edits.")
	}
	return d, nil
}

// uploadImport stores the file and enqueues its import, then shows the
// job, whose page follows its progress.
func (h *Handler) uploadImport(w http.ResponseWriter, r *http.Request, s *session) error {
	d, err := h.importDesk(r.Context())
	if err != nil {
		return err
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return rcm.FieldErrorf(rcm.EINVALID, "file", "Choose a code-set or NCCI file to import.")
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, rcm.MaxImportUpload+1))
	if err != nil {
		return rcm.Errorf(rcm.EINVALID, "The file could not be read.")
	}
	id, err := d.EnqueueImport(r.Context(), jobs.ImportRequest{
		What: r.PostFormValue("what"), FileName: hdr.Filename, Data: data,
		Version: r.PostFormValue("version"), Effective: r.PostFormValue("effective"),
		Setting: r.PostFormValue("setting"), AllowErrors: r.PostFormValue("allow_errors") == "on",
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/jobs/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// showJob is one job: what it is, its state and error, and for an import
// its file, how far it is and what it imported.
func (h *Handler) showJob(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	d, err := h.desk(ctx)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return rcm.Errorf(rcm.ENOTFOUND, "No job %q.", r.PathValue("id"))
	}
	j, err := d.FindJob(ctx, id)
	if err != nil {
		return err
	}
	h.renderPage(w, r, s, "job", &view{Title: "Job " + strconv.FormatInt(j.ID, 10) + ": " + j.Label, Nav: "jobs", Data: j})
	return nil
}
