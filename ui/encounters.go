package ui

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/lookup"
)

// encounterPage is how many encounters a page of the coding list shows.
var encounterPage = 50

// encounterRow is one encounter of the coding list.
type encounterRow struct {
	Encounter *rcm.Encounter
	Patient   *rcm.Patient
	Provider  *rcm.Provider
}

type encountersData struct {
	Status   string
	Statuses []string
	Rows     []encounterRow
	// Fallback says the default queue was empty, so the list shows every
	// encounter instead of nothing.
	Fallback bool
	// Query names the patient (account number, member ID or name, read by
	// package lookup); SearchError says why it names no one.
	Query       string
	SearchError string
	// Next is the next page (keyset: ?after= the last encounter's id).
	Next template.URL
}

// showEncounters lists encounters by status, open ones first by default:
// the coder's queue. Each patient shown is read (and audited) through the
// patient service.
func (h *Handler) showEncounters(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	status := r.URL.Query().Get("status")
	chosen := status != ""
	switch status {
	case rcm.EncounterOpen, rcm.EncounterCoded, rcm.EncounterBilled, "all":
	default:
		status = rcm.EncounterOpen
	}
	f := rcm.EncounterFilter{Status: status, Limit: encounterPage + 1}
	if status == "all" {
		f.Status = ""
	}
	d := encountersData{Status: status, Statuses: []string{rcm.EncounterOpen, rcm.EncounterCoded, rcm.EncounterBilled, "all"}}
	d.Query = strings.TrimSpace(r.URL.Query().Get("q"))
	if len(d.Query) > 80 || !utf8.ValidString(d.Query) || strings.ContainsFunc(d.Query, func(c rune) bool { return !unicode.IsPrint(c) }) {
		return rcm.FieldErrorf(rcm.EINVALID, "q", "Search by an account number, a member ID or a name: printable text, at most 80 characters.")
	}
	if d.Query != "" {
		p, err := lookup.Patient(ctx, h.store, d.Query)
		if code := rcm.ErrorCode(err); code == rcm.ENOTFOUND || code == rcm.ECONFLICT {
			d.SearchError = rcm.ErrorMessage(err)
			h.renderPage(w, r, s, "encounters", &view{Title: "Encounters", Nav: "encounters", Data: d})
			return nil
		} else if err != nil {
			return err
		}
		f.PatientID = p.ID
	}
	if v := r.URL.Query().Get("after"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "after", "The page to start after is not an encounter.")
		}
		if f.After, err = h.store.FindEncounterByID(ctx, id); err != nil {
			return err
		}
	}
	es, err := h.store.FindEncounters(ctx, f)
	if err != nil {
		return err
	}
	if len(es) == 0 && !chosen && d.Query == "" && f.After == nil {
		// Nothing waits for coding: show every encounter rather than an
		// empty page, and say so.
		f.Status = ""
		if es, err = h.store.FindEncounters(ctx, f); err != nil {
			return err
		}
		d.Status, d.Fallback = "all", true
	}
	if len(es) > encounterPage {
		es = es[:encounterPage]
		next := r.URL.Query()
		next.Set("status", d.Status)
		next.Set("after", strconv.FormatInt(es[encounterPage-1].ID, 10))
		d.Next = template.URL("/encounters?" + next.Encode())
	}
	providers, err := h.store.FindProviders(ctx)
	if err != nil {
		return err
	}
	byID := map[int64]*rcm.Provider{}
	for _, p := range providers {
		byID[p.ID] = p
	}
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.PatientID
	}
	patients, err := readPatients(ctx, h.store, ids)
	if err != nil {
		return err
	}
	for _, e := range es {
		p := patients[e.PatientID]
		if p == nil {
			if p, err = h.store.FindPatientByID(ctx, e.PatientID); err != nil {
				return err
			}
			patients[e.PatientID] = p
		}
		d.Rows = append(d.Rows, encounterRow{Encounter: e, Patient: p, Provider: byID[e.RenderingProviderID]})
	}
	h.renderPage(w, r, s, "encounters", &view{Title: "Encounters", Nav: "encounters", Data: d})
	return nil
}
