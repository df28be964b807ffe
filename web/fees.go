package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/fee"
)

// FeeConfig wires the fee schedule routes.
type FeeConfig struct {
	Store fee.Store
	// Codes returns the code check for an organization's imports (the
	// code sets in force); nil checks nothing.
	Codes func(ctx context.Context, orgID int64) (fee.Codes, error)
}

// MaxFeeScheduleBytes bounds an uploaded fee schedule: a charge master of
// every CPT and HCPCS code is a few megabytes.
const MaxFeeScheduleBytes = 16 << 20

// RouteFees registers GET /api/v1/fee-schedule (the schedule, filtered)
// and POST /api/v1/fee-schedule (a CSV file imported all or nothing by
// fee.Import, as rcm fees import does).
func (s *Server) RouteFees(cfg FeeConfig) {
	s.mux.Handle("GET /api/v1/fee-schedule", s.api(func(w http.ResponseWriter, r *http.Request) error {
		q, err := parseQuery(r, "code", "on", "practice_id", "provider_id", "limit", "offset")
		if err != nil {
			return err
		}
		var f rcm.FeeFilter
		if f.Code, err = q.str("code", 5); err != nil {
			return err
		}
		if f.On, err = queryDate(q, "on"); err != nil {
			return err
		}
		if f.PracticeID, err = q.id("practice_id"); err != nil {
			return err
		}
		if f.ProviderID, err = q.id("provider_id"); err != nil {
			return err
		}
		if f.Limit, f.Offset, err = q.page(); err != nil {
			return err
		}
		list, err := cfg.Store.FindFees(r.Context(), f)
		if err != nil {
			return err
		}
		writeList(w, "fees", list)
		return nil
	}))
	s.mux.Handle("POST /api/v1/fee-schedule", s.api(func(w http.ResponseWriter, r *http.Request) error {
		a, err := rcm.RequireActor(r.Context(), rcm.PermWriteSetup)
		if err != nil {
			return err
		}
		if _, err := parseQuery(r); err != nil {
			return err
		}
		body, err := readCSVBody(w, r, "fee schedule")
		if err != nil {
			return err
		}
		var codes fee.Codes
		if cfg.Codes != nil {
			if codes, err = cfg.Codes(r.Context(), a.OrgID); err != nil {
				return err
			}
		}
		n, err := fee.Import(r.Context(), cfg.Store, codes, bytes.NewReader(body))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, feesImported{Imported: n})
		return nil
	}))
	s.Describe("GET /api/v1/fee-schedule", Operation{Tag: "fees", Summary: "The fee schedule (charge master): code, modifier, amount and dates, per practice and provider.",
		Query: []string{"code", "on", "practice_id", "provider_id", "limit", "offset"}, Response: rcm.FeeScheduleEntry{}, List: "fees"})
	s.Describe("POST /api/v1/fee-schedule", Operation{Tag: "fees", Summary: "Import a fee schedule CSV (admins), all or nothing; an error names the line and column.",
		BodyMedia: "text/csv", Response: feesImported{}})
}

// feesImported answers an import.
type feesImported struct {
	Imported int `json:"imported"`
}

// readCSVBody reads a price list sent as the body with Content-Type
// text/csv (a fee schedule, a payer's contract), at most
// MaxFeeScheduleBytes.
func readCSVBody(w http.ResponseWriter, r *http.Request, what string) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "text/csv" {
		return nil, rcm.FieldErrorf(eUnsupportedMedia, "Content-Type", "Send the %s as the body with Content-Type: text/csv.", what)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxFeeScheduleBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, rcm.Errorf(eTooLarge, "The %s is larger than %d bytes.", what, MaxFeeScheduleBytes)
	} else if err != nil {
		return nil, rcm.Errorf(rcm.EINVALID, "The body could not be read.")
	}
	return body, nil
}
