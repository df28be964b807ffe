package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/fee"
	"github.com/openrcm/openrcm/fee/contract"
	"github.com/openrcm/openrcm/lookup"
)

// The contracts screen lists what each payer agreed to allow per code,
// next to the fee schedule's charges, and lets an admin upload a payer's
// contract CSV or edit one rate: the same contract.Import and contract.Set
// the command line and the API use.

type contractRow struct {
	Rate  *rcm.ContractRate
	Payer string
}

type contractsData struct {
	PayerID  int64
	Code     string
	Payers   []*rcm.Payer
	Rows     []contractRow
	Imported int
	Saved    string
	CanEdit  bool
}

// showContracts lists the rates, by payer and code.
func (h *Handler) showContracts(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := &contractsData{Code: q.Get("code"), Saved: q.Get("saved"), CanEdit: s.actor.Can(rcm.PermWriteSetup)}
	if len(d.Code) > 5 || len(d.Saved) > 20 {
		return rcm.FieldErrorf(rcm.EINVALID, "code", "A code is five characters.")
	}
	if n, err := strconv.Atoi(q.Get("imported")); err == nil && n > 0 {
		d.Imported = n
	}
	payers, err := h.store.FindPayers(ctx)
	if err != nil {
		return err
	}
	d.Payers = payers
	if ref := q.Get("payer"); ref != "" {
		p, err := lookup.Payer(ctx, h.store, ref)
		if err != nil {
			return err
		}
		d.PayerID = p.ID
	}
	list, err := h.store.FindContractRates(ctx, rcm.ContractFilter{PayerID: d.PayerID, Code: d.Code, Limit: 1000})
	if err != nil {
		return err
	}
	name := map[int64]string{}
	for _, p := range payers {
		name[p.ID] = fmt.Sprintf("%s (%s)", p.Name, p.PayerID)
	}
	for _, rt := range list {
		d.Rows = append(d.Rows, contractRow{Rate: rt, Payer: name[rt.PayerID]})
	}
	h.renderPage(w, r, s, "contracts", &view{Title: "Payer contracts", Nav: "contracts", Data: d})
	return nil
}

// formPayer is the payer a contract form names.
func (h *Handler) formPayer(r *http.Request) (*rcm.Payer, error) {
	ref := r.FormValue("payer")
	if ref == "" {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "payer", "Choose the payer whose contract this is.")
	}
	return lookup.Payer(r.Context(), h.store, ref)
}

func (h *Handler) contractCodes(r *http.Request, s *session) (fee.Codes, error) {
	cat, err := h.catalog(r.Context())
	if err != nil {
		return nil, err
	}
	return fee.CatalogCodes(cat, strconv.FormatInt(s.actor.OrgID, 10)), nil
}

// uploadContract imports an uploaded contract CSV for one payer.
func (h *Handler) uploadContract(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermWriteSetup); err != nil {
		return err
	}
	payer, err := h.formPayer(r)
	if err != nil {
		return err
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return rcm.FieldErrorf(rcm.EINVALID, "file", "Choose a contract CSV file to upload.")
	}
	defer file.Close()
	codes, err := h.contractCodes(r, s)
	if err != nil {
		return err
	}
	n, err := contract.Import(ctx, h.store, codes, payer, file)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/contracts?payer=%d&imported=%d", payer.ID, n), http.StatusSeeOther)
	return nil
}

// saveContractRate sets one rate from the edit form.
func (h *Handler) saveContractRate(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermWriteSetup); err != nil {
		return err
	}
	payer, err := h.formPayer(r)
	if err != nil {
		return err
	}
	codes, err := h.contractCodes(r, s)
	if err != nil {
		return err
	}
	rate, err := contract.Set(ctx, h.store, codes, payer, r.FormValue)
	if err != nil {
		return err
	}
	v := url.Values{"payer": {strconv.FormatInt(payer.ID, 10)}, "code": {rate.Code}, "saved": {rate.Code}}
	http.Redirect(w, r, "/contracts?"+v.Encode(), http.StatusSeeOther)
	return nil
}
