package ui

import (
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/inbox"
	"github.com/openrcm/openrcm/remit"
)

// remittancesData is the remittance screen: what is stored, the 835s
// posted, the open posting exceptions, and what the last upload or poll
// did.
type remittancesData struct {
	Stats    rcm.RemitStats
	Payments rcm.Money
	// History is a page of the 835s posted, newest first, as List
	// filters them.
	History    []*remit.RemittanceSummary
	List       *remittanceList
	Exceptions exceptionsPanel
	// Files are the response files just applied; empty on a plain visit.
	Files []fileResult
	// Polled is true after a clearinghouse poll, so an empty inbox can be
	// told apart from a plain visit.
	Polled bool
}

// fileResult is what one response file did, in the screen's words.
type fileResult struct {
	Name    string
	Kind    string
	Applied bool
	Summary string
	Details []string
	Posts   []*remit.Result
}

// showRemittances shows the remittance screen: the upload form, the
// clearinghouse poll, and the posting exceptions still open.
func (h *Handler) showRemittances(w http.ResponseWriter, r *http.Request, s *session) error {
	if r.URL.Query().Get("format") == "csv" {
		if _, err := rcm.RequireActor(r.Context(), rcm.PermBill); err != nil {
			return err
		}
		f, err := remittanceFilter(r.URL.Query())
		if err != nil {
			return err
		}
		return h.writeRemittancesCSV(r.Context(), w, f)
	}
	d, err := h.remittances(r, s, nil, false)
	if err != nil {
		return err
	}
	h.renderPage(w, r, s, "remittances", &view{Title: "Remittances", Nav: "remittances", Data: d})
	return nil
}

// remittances gathers the screen's figures around the files just applied.
func (h *Handler) remittances(r *http.Request, s *session, files []inbox.File, polled bool) (*remittancesData, error) {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermBill); err != nil {
		return nil, err
	}
	d := &remittancesData{Polled: polled}
	var err error
	if d.Stats, err = h.store.CountRemittances(ctx); err != nil {
		return nil, err
	}
	tot, err := h.store.LedgerTotals(ctx, rcm.LedgerFilter{})
	if err != nil {
		return nil, err
	}
	for _, v := range tot.PayerPaid {
		d.Payments += v
	}
	xs, err := h.store.FindRemitExceptions(ctx)
	if err != nil {
		return nil, err
	}
	d.Exceptions = newExceptionsPanel(s, xs, backRemittances)
	if d.History, d.List, err = h.history(r); err != nil {
		return nil, err
	}
	for _, f := range files {
		d.Files = append(d.Files, fileResult{Name: f.Name, Kind: f.Kind, Applied: f.Applied,
			Summary: f.Summary, Details: f.Details, Posts: f.Posts})
	}
	return d, nil
}

// uploadRemittance applies an uploaded response file through the inbox,
// the routine the clearinghouse poll uses, so an uploaded 835 posts
// exactly as one fetched from the clearinghouse would, and the same 835
// uploaded twice is reported as already posted rather than posted again.
// The page is rendered in answer to the post: it reports what this file
// did, and reloading it only repeats the harmless duplicate check.
func (h *Handler) uploadRemittance(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermBill); err != nil {
		return err
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return rcm.FieldErrorf(rcm.EINVALID, "file", "Choose an 835 file to upload.")
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return rcm.Errorf(rcm.EINVALID, "The file could not be read.")
	}
	if len(data) == 0 {
		return rcm.FieldErrorf(rcm.EINVALID, "file", "The file is empty.")
	}
	f := inbox.Apply(ctx, h.store, path.Base(strings.ReplaceAll(hdr.Filename, `\`, "/")), data)
	// An upload is not in the inbound folder; say only what went wrong.
	f.Summary = strings.TrimSuffix(f.Summary, " (left in the inbound folder)")
	d, err := h.remittances(r, s, []inbox.File{f}, false)
	if err != nil {
		return err
	}
	h.renderPage(w, r, s, "remittances", &view{Title: "Remittances", Nav: "remittances", Data: d})
	return nil
}

// pollClearinghouse applies every response waiting in the organization's
// clearinghouse inbox: acknowledgements (999, 277CA), remittances (835)
// and eligibility answers (271).
func (h *Handler) pollClearinghouse(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermBill); err != nil {
		return err
	}
	ch, err := h.store.FindClearinghouse(ctx)
	if err != nil {
		return err
	}
	t, err := h.cfg.Transport(ctx, ch.Transport)
	if err != nil {
		return err
	}
	defer t.Close()
	files, err := inbox.Poll(ctx, h.store, t)
	if err != nil {
		return err
	}
	d, err := h.remittances(r, s, files, true)
	if err != nil {
		return err
	}
	h.renderPage(w, r, s, "remittances", &view{Title: "Remittances", Nav: "remittances", Data: d})
	return nil
}
