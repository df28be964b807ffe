package web

import (
	"bytes"
	"context"
	"net/http"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/fee"
	"github.com/openrcm/openrcm/fee/contract"
	"github.com/openrcm/openrcm/lookup"
)

// ContractConfig wires the payer contract routes.
type ContractConfig struct {
	Store contract.Store
	// Codes returns the code check for an organization's imports; nil
	// checks nothing.
	Codes func(ctx context.Context, orgID int64) (fee.Codes, error)
}

// RouteContracts registers GET /api/v1/contracts (the payers' contracted
// rates, filtered) and POST /api/v1/contracts?payer=PAYER (a CSV file of
// one payer's rates imported all or nothing by contract.Import, as rcm
// contract import does).
func (s *Server) RouteContracts(cfg ContractConfig) {
	s.mux.Handle("GET /api/v1/contracts", s.api(func(w http.ResponseWriter, r *http.Request) error {
		q, err := parseQuery(r, "payer", "code", "on", "limit", "offset")
		if err != nil {
			return err
		}
		var f rcm.ContractFilter
		if ref, err := q.str("payer", 80); err != nil {
			return err
		} else if ref != "" {
			p, err := lookup.Payer(r.Context(), cfg.Store, ref)
			if err != nil {
				return err
			}
			f.PayerID = p.ID
		}
		if f.Code, err = q.str("code", 5); err != nil {
			return err
		}
		if f.On, err = queryDate(q, "on"); err != nil {
			return err
		}
		if f.Limit, f.Offset, err = q.page(); err != nil {
			return err
		}
		list, err := cfg.Store.FindContractRates(r.Context(), f)
		if err != nil {
			return err
		}
		writeList(w, "rates", list)
		return nil
	}))
	s.mux.Handle("POST /api/v1/contracts", s.api(func(w http.ResponseWriter, r *http.Request) error {
		a, err := rcm.RequireActor(r.Context(), rcm.PermWriteSetup)
		if err != nil {
			return err
		}
		q, err := parseQuery(r, "payer")
		if err != nil {
			return err
		}
		ref, err := q.str("payer", 80)
		if err != nil {
			return err
		}
		payer, err := lookup.Payer(r.Context(), cfg.Store, ref)
		if err != nil {
			return err
		}
		body, err := readCSVBody(w, r, "contract")
		if err != nil {
			return err
		}
		var codes fee.Codes
		if cfg.Codes != nil {
			if codes, err = cfg.Codes(r.Context(), a.OrgID); err != nil {
				return err
			}
		}
		n, err := contract.Import(r.Context(), cfg.Store, codes, payer, bytes.NewReader(body))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, feesImported{Imported: n})
		return nil
	}))
	s.Describe("GET /api/v1/contracts", Operation{Tag: "fees", Summary: "Payers' contracted (allowed) amounts per code, modifier and dates; payer by payer ID, name or id.",
		Query: []string{"payer", "code", "on", "limit", "offset"}, Response: rcm.ContractRate{}, List: "rates"})
	s.Describe("POST /api/v1/contracts", Operation{Tag: "fees", Summary: "Import one payer's contract CSV (admins; ?payer= its payer ID, name or id), all or nothing; an error names the line and column.",
		Query: []string{"payer"}, BodyMedia: "text/csv", Response: feesImported{}})
}
