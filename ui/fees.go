package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/fee"
)

// The fee schedule screen lists what the practice charges, per practice
// and provider, and lets an admin upload a new schedule or changes to it:
// the same CSV, read by the same fee.Import, as rcm fees import and the
// API take, all or nothing.

type feeRow struct {
	Entry    *rcm.FeeScheduleEntry
	Practice string
	Provider string
}

type feesData struct {
	Code     string
	Rows     []feeRow
	Imported int
	CanEdit  bool
}

// showFees lists the fee schedule, optionally for one code.
func (h *Handler) showFees(w http.ResponseWriter, r *http.Request, s *session) error {
	d, err := h.fees(r, r.URL.Query().Get("code"))
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("imported")); err == nil && n > 0 {
		d.Imported = n
	}
	d.CanEdit = s.actor.Can(rcm.PermWriteSetup)
	h.renderPage(w, r, s, "fees", &view{Title: "Fee schedule", Nav: "fees", Data: d})
	return nil
}

func (h *Handler) fees(r *http.Request, code string) (*feesData, error) {
	ctx := r.Context()
	if len(code) > 5 {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "code", "A code is five characters.")
	}
	list, err := h.store.FindFees(ctx, rcm.FeeFilter{Code: code, Limit: 1000})
	if err != nil {
		return nil, err
	}
	practices, err := h.store.FindPractices(ctx)
	if err != nil {
		return nil, err
	}
	providers, err := h.store.FindProviders(ctx)
	if err != nil {
		return nil, err
	}
	pname := map[int64]string{0: "All practices"}
	for _, p := range practices {
		pname[p.ID] = fmt.Sprintf("%s (NPI %s)", p.Name, p.NPI)
	}
	vname := map[int64]string{0: "All providers"}
	for _, p := range providers {
		vname[p.ID] = fmt.Sprintf("%s, %s (NPI %s)", p.LastName, p.FirstName, p.NPI)
	}
	d := &feesData{Code: code}
	for _, e := range list {
		d.Rows = append(d.Rows, feeRow{Entry: e, Practice: pname[e.PracticeID], Provider: vname[e.ProviderID]})
	}
	return d, nil
}

// uploadFees imports an uploaded fee schedule CSV.
func (h *Handler) uploadFees(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermWriteSetup); err != nil {
		return err
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return rcm.FieldErrorf(rcm.EINVALID, "file", "Choose a fee schedule CSV file to upload.")
	}
	defer file.Close()
	cat, err := h.catalog(ctx)
	if err != nil {
		return err
	}
	n, err := fee.Import(ctx, h.store, fee.CatalogCodes(cat, strconv.FormatInt(s.actor.OrgID, 10)), file)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/fees?imported=%d", n), http.StatusSeeOther)
	return nil
}
