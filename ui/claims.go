package ui

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/lookup"
)

// claimStates are the states a claims list can be filtered by, in the
// order a claim passes through them.
var claimStates = []string{rcm.ClaimDraft, rcm.ClaimReady, rcm.ClaimSubmitted, rcm.ClaimAccepted, rcm.ClaimRejected,
	rcm.ClaimPaid, rcm.ClaimPartlyPaid, rcm.ClaimDenied, rcm.ClaimReversed, rcm.ClaimAppealed, rcm.ClaimVoided, rcm.ClaimClosed}

// claimRow is one line of a claims list: the claim with the names it
// refers to.
type claimRow struct {
	Claim    *rcm.Claim
	Patient  *rcm.Patient
	Payer    *rcm.Payer
	Provider *rcm.Provider
}

type claimsFilter struct {
	// Query is what the biller typed: a claim number, or a patient's
	// account number, name or member ID (package lookup reads it).
	Query      string
	State      string
	PayerID    int64
	ProviderID int64
	From, To   rcm.Date
}

type claimsData struct {
	Filter    claimsFilter
	States    []string
	Payers    []*rcm.Payer
	Providers []*rcm.Provider
	Rows      []claimRow
	// Matching counts every claim the filters match, on every page;
	// Billed is the billed measure over them (rcm.BilledOf).
	Matching int
	Billed   rcm.Billed
	// Next is the address of the next page, empty on the last; built from
	// url.Values.Encode, so already escaped. Continued is true on a page
	// after the first.
	Next      template.URL
	Continued bool
	// SearchError says why the query found no claim or patient.
	SearchError string
}

// listLimit is how many rows the short lists (queues, a patient's claims)
// show.
const listLimit = 200

// claimPage is how many claims a page of the list shows; pages follow one
// another by keyset (?before=the last claim's id).
var claimPage = 50

// showClaims lists claims filtered by state, payer, date of service and
// rendering provider.
func (h *Handler) showClaims(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	q := r.URL.Query()
	var f claimsFilter
	for _, st := range claimStates {
		if q.Get("state") == st {
			f.State = st
		}
	}
	f.PayerID, _ = strconv.ParseInt(q.Get("payer"), 10, 64)
	f.ProviderID, _ = strconv.ParseInt(q.Get("provider"), 10, 64)
	var err error
	if v := strings.TrimSpace(q.Get("from")); v != "" {
		if f.From, err = rcm.ParseDate(v); err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, "from", "The from date must be YYYY-MM-DD.")
		}
	}
	if v := strings.TrimSpace(q.Get("to")); v != "" {
		if f.To, err = rcm.ParseDate(v); err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, "to", "The to date must be YYYY-MM-DD.")
		}
	}
	f.Query = strings.TrimSpace(q.Get("q"))
	if len(f.Query) > 80 || !utf8.ValidString(f.Query) || strings.ContainsFunc(f.Query, func(c rune) bool { return !unicode.IsPrint(c) }) {
		return rcm.FieldErrorf(rcm.EINVALID, "q", "Search by a claim number, an account number or a name: printable text, at most 80 characters.")
	}
	d := claimsData{Filter: f, States: claimStates}
	if d.Payers, err = h.store.FindPayers(ctx); err != nil {
		return err
	}
	if d.Providers, err = h.store.FindProviders(ctx); err != nil {
		return err
	}
	cf := rcm.ClaimFilter{State: f.State, PayerID: f.PayerID, Limit: 500}
	if f.Query != "" {
		// A claim number first; else the patient the words name.
		byNumber, err := h.store.FindClaims(ctx, rcm.ClaimFilter{ControlNumber: strings.ToUpper(f.Query), Limit: 1})
		if err != nil {
			return err
		}
		if len(byNumber) == 1 {
			cf.ControlNumber = byNumber[0].ControlNumber
		} else if p, err := lookup.Patient(ctx, h.store, f.Query); err == nil {
			cf.PatientID = p.ID
		} else if code := rcm.ErrorCode(err); code == rcm.ENOTFOUND || code == rcm.ECONFLICT {
			d.SearchError = rcm.ErrorMessage(err)
			h.renderPage(w, r, s, "claims", &view{Title: "Claims", Nav: "claims", Data: d})
			return nil
		} else {
			return err
		}
	}
	if v := q.Get("before"); v != "" {
		if cf.Before, err = strconv.ParseInt(v, 10, 64); err != nil || cf.Before <= 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "before", "The page to start before is not a claim.")
		}
	}
	names := newNames(h, d.Payers, d.Providers)
	// Keyset paging: read newest first in batches from the cursor until a
	// page and one more claim pass the filters the store does not apply
	// (dates of service, rendering provider), or the claims run out.
	for len(d.Rows) <= claimPage {
		cs, err := h.store.FindClaims(ctx, cf)
		if err != nil {
			return err
		}
		inDates := inServiceDates(cs, f.From, f.To)
		if err := names.readPatients(ctx, claimPatientIDs(inDates)); err != nil {
			return err
		}
		if err := names.readEncounters(ctx, inDates); err != nil {
			return err
		}
		for _, c := range inDates {
			row, err := names.row(ctx, c)
			if err != nil {
				return err
			}
			if f.ProviderID != 0 && (row.Provider == nil || row.Provider.ID != f.ProviderID) {
				continue
			}
			d.Rows = append(d.Rows, row)
			if len(d.Rows) > claimPage {
				break
			}
		}
		if len(cs) < cf.Limit {
			break
		}
		cf.Before = cs[len(cs)-1].ID
	}
	if len(d.Rows) > claimPage {
		d.Rows = d.Rows[:claimPage]
		next := r.URL.Query()
		next.Set("before", strconv.FormatInt(d.Rows[claimPage-1].Claim.ID, 10))
		next.Del("format")
		d.Next = template.URL("/claims?" + next.Encode())
	}
	d.Continued = q.Get("before") != ""
	cf.Before = 0
	if d.Matching, d.Billed, err = h.claimsTotal(ctx, cf, f, names); err != nil {
		return err
	}
	if q.Get("format") == "csv" {
		return writeClaimsCSV(w, d.Rows)
	}
	h.renderPage(w, r, s, "claims", &view{Title: "Claims", Nav: "claims", Data: d})
	return nil
}

// claimsTotal counts the claims the filters match, on every page, and
// computes the billed measure over them: the total on the list is the same
// number the dashboard and the API give for the same claims. It reads no
// patient; encounters only when a provider is asked for.
func (h *Handler) claimsTotal(ctx context.Context, cf rcm.ClaimFilter, f claimsFilter, n *names) (int, rcm.Billed, error) {
	var all []*rcm.Claim
	cf.Before, cf.Limit = 0, 1000
	for {
		cs, err := h.store.FindClaims(ctx, cf)
		if err != nil {
			return 0, rcm.Billed{}, err
		}
		in := inServiceDates(cs, f.From, f.To)
		if f.ProviderID != 0 {
			if err := n.readEncounters(ctx, in); err != nil {
				return 0, rcm.Billed{}, err
			}
			kept := in[:0]
			for _, c := range in {
				if e := n.encounters[c.EncounterID]; e != nil && e.RenderingProviderID == f.ProviderID {
					kept = append(kept, c)
				}
			}
			in = kept
		}
		all = append(all, in...)
		if len(cs) < cf.Limit {
			break
		}
		cf.Before = cs[len(cs)-1].ID
	}
	return len(all), rcm.BilledOf(all), nil
}

// inServiceDates keeps the claims with a date of service from through to
// (either may be zero: no bound).
func inServiceDates(cs []*rcm.Claim, from, to rcm.Date) []*rcm.Claim {
	out := cs[:0:0]
	for _, c := range cs {
		if !from.IsZero() && c.DateOfService.Before(from) || !to.IsZero() && c.DateOfService.After(to) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// names resolves the patients, payers and providers of claims, reading
// each patient once (each read is audited as a view of that patient).
type names struct {
	h         *Handler
	payers    map[int64]*rcm.Payer
	providers map[int64]*rcm.Provider
	patients  map[int64]*rcm.Patient
	// encounters are read for the rendering provider, one list at a time.
	encounters map[int64]*rcm.Encounter
}

func newNames(h *Handler, payers []*rcm.Payer, providers []*rcm.Provider) *names {
	n := &names{h: h, payers: map[int64]*rcm.Payer{}, providers: map[int64]*rcm.Provider{}, patients: map[int64]*rcm.Patient{},
		encounters: map[int64]*rcm.Encounter{}}
	for _, p := range payers {
		n.payers[p.ID] = p
	}
	for _, p := range providers {
		n.providers[p.ID] = p
	}
	return n
}

// readPatients reads the patients of a whole list at once: one audit event
// names them all, where a read per row wrote one event per patient.
func (n *names) readPatients(ctx context.Context, ids []int64) error {
	ps, err := readPatients(ctx, n.h.store, ids)
	for id, p := range ps {
		n.patients[id] = p
	}
	return err
}

// readEncounters reads the encounters of claims in lists of at most a
// thousand: one audit event per list, not one per claim.
func (n *names) readEncounters(ctx context.Context, cs []*rcm.Claim) error {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.EncounterID
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	for start := 0; start < len(ids); start += 1000 {
		chunk := ids[start:min(start+1000, len(ids))]
		es, err := n.h.store.FindEncounters(ctx, rcm.EncounterFilter{IDs: chunk, Limit: len(chunk)})
		if err != nil {
			return err
		}
		for _, e := range es {
			n.encounters[e.ID] = e
		}
	}
	return nil
}

// readPatients reads patients by id, a thousand at a time (the most one
// list read takes).
func readPatients(ctx context.Context, store rcm.PatientService, ids []int64) (map[int64]*rcm.Patient, error) {
	out := map[int64]*rcm.Patient{}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	for start := 0; start < len(ids); start += 1000 {
		chunk := ids[start:min(start+1000, len(ids))]
		ps, err := store.FindPatients(ctx, rcm.PatientFilter{IDs: chunk, Limit: len(chunk)})
		if err != nil {
			return out, err
		}
		for _, p := range ps {
			out[p.ID] = p
		}
	}
	return out, nil
}

func claimPatientIDs(cs []*rcm.Claim) []int64 {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.PatientID
	}
	return ids
}

// patient returns a patient, read once however many claims name it.
func (n *names) patient(ctx context.Context, id int64) (*rcm.Patient, error) {
	if p := n.patients[id]; p != nil {
		return p, nil
	}
	p, err := n.h.store.FindPatientByID(ctx, id)
	if err != nil {
		return nil, err
	}
	n.patients[id] = p
	return p, nil
}

func (n *names) row(ctx context.Context, c *rcm.Claim) (claimRow, error) {
	row := claimRow{Claim: c, Payer: n.payers[c.PayerID]}
	p, err := n.patient(ctx, c.PatientID)
	if err != nil {
		return row, err
	}
	row.Patient = p
	e := n.encounters[c.EncounterID]
	if e == nil {
		var err error
		if e, err = n.h.store.FindEncounterByID(ctx, c.EncounterID); err != nil {
			return row, err
		}
	}
	row.Provider = n.providers[e.RenderingProviderID]
	return row, nil
}

// writeClaimsCSV downloads the claims list as shown, names and all.
func writeClaimsCSV(w http.ResponseWriter, rows []claimRow) error {
	cw := csvDownload(w, "claims.csv")
	if err := cw.Write([]string{"claim", "frequency", "date_of_service", "account", "patient", "payer", "provider", "charge", "state"}); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{r.Claim.ControlNumber, r.Claim.Frequency, r.Claim.DateOfService.String(), r.Patient.AccountNumber,
			csvSafe(r.Patient.LastName + ", " + r.Patient.FirstName), "", "", r.Claim.TotalCharge().String(), r.Claim.State}
		if r.Payer != nil {
			rec[5] = csvSafe(r.Payer.Name)
		}
		if r.Provider != nil {
			rec[6] = csvSafe(r.Provider.LastName + ", " + r.Provider.FirstName)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
