package hl7

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
)

// dft applies a DFT^P03: the visit's charges (FT1) and diagnoses (DG1)
// become one encounter per visit (PV1-19). A later DFT for the same visit
// adds its lines to the encounter, until it is billed.
func (a *applier) dft(ctx context.Context) error {
	pv1 := a.msg.Segment("PV1")
	if pv1 == nil {
		return fieldErr("PV1", "PV1 (patient visit) is required in a DFT message.")
	}
	var ft1s, dg1s []*Segment
	var notes []string
	for _, s := range a.msg.Segments {
		switch s.Name {
		case "FT1":
			ft1s = append(ft1s, s)
		case "DG1":
			dg1s = append(dg1s, s)
		case "NTE":
			// Notes (NTE-3, repeating) carry the visit's documentation.
			for r := 0; r < s.Reps(3); r++ {
				notes = append(notes, s.Get(3, r, 1, 1))
			}
		}
	}
	if len(ft1s) == 0 {
		return fieldErr("FT1", "A DFT^P03 needs at least one FT1 (financial transaction) segment.")
	}
	if len(ft1s) > rcm.MaxLines {
		return fieldErr("FT1", "%d FT1 segments; at most %d service lines fit on a claim.", len(ft1s), rcm.MaxLines)
	}
	p, err := a.patient(ctx, false)
	if err != nil {
		return err
	}
	e := &rcm.Encounter{PatientID: p.ID, Note: strings.Join(notes, "\n")}
	// Diagnoses, in the order sent.
	for i, dg := range dg1s {
		loc := fmt.Sprintf("DG1-3 (DG1 %d)", i+1)
		code := dg.Value(3, 1)
		if code == "" {
			return fieldErr(loc, "%s (diagnosis code) is required.", loc)
		}
		if sys := strings.ToUpper(strings.ReplaceAll(dg.Value(3, 3), "-", "")); sys != "" && sys != "I10" && sys != "I10C" && sys != "ICD10CM" && sys != "ICD10" {
			return fieldErr(loc, "%s: diagnosis %s is coded in %q; only ICD-10-CM (I10) is billed.", loc, code, dg.Value(3, 3))
		}
		e.Diagnoses = append(e.Diagnoses, rcm.Diagnosis{Code: rcm.NormalizeICD10(code)})
	}
	var rendering string
	for i, ft := range ft1s {
		loc := func(f int) string { return fmt.Sprintf("FT1-%d (FT1 %d)", f, i+1) }
		switch t := strings.ToUpper(ft.Value(6, 1)); t {
		case "", "CG":
		default:
			return fieldErr(loc(6), "%s transaction type %q: only charges (CG) are taken from the EHR; payments and adjustments are posted in OpenRCM.", loc(6), t)
		}
		dos, err := date(ft.Value(4, 1), loc(4))
		if err != nil {
			return err
		}
		if dos.IsZero() {
			return fieldErr(loc(4), "%s (transaction date, the date of service) is required.", loc(4))
		}
		codeField := 25
		code := ft.Value(25, 1)
		if code == "" {
			codeField, code = 7, ft.Value(7, 1)
		}
		if code == "" {
			return fieldErr(loc(25), "%s (procedure code, CPT or HCPCS) is required (or FT1-7).", loc(25))
		}
		l := rcm.ServiceLine{Code: strings.ToUpper(code), Units: 1}
		for r := 0; r < ft.Reps(26); r++ {
			if m := ft.Get(26, r, 1, 1); m != "" {
				l.Modifiers = append(l.Modifiers, m)
			}
		}
		if q := ft.Value(10, 1); q != "" {
			n, err := strconv.ParseFloat(q, 64)
			if err != nil || n != float64(int(n)) || n < 1 || n > 9999 {
				return fieldErr(loc(10), "%s quantity %q must be a whole number of units from 1 to 9999.", loc(10), q)
			}
			l.Units = int(n)
		}
		if amt := ft.Value(11, 1); amt != "" {
			m, err := rcm.ParseMoney(amt)
			if err != nil || m < 0 {
				return fieldErr(loc(11), "%s extended amount %q is not an amount in dollars.", loc(11), amt)
			}
			l.Charge = m
		}
		for r := 0; r < ft.Reps(19); r++ {
			dx := rcm.NormalizeICD10(ft.Get(19, r, 1, 1))
			if dx == "" {
				continue
			}
			k := slices.IndexFunc(e.Diagnoses, func(d rcm.Diagnosis) bool { return d.Code == dx })
			if k < 0 {
				return fieldErr(loc(19), "%s diagnosis %s is not among the message's DG1 diagnoses.", loc(19), dx)
			}
			if len(l.Pointers) < rcm.MaxPointers {
				l.Pointers = append(l.Pointers, k+1)
			}
		}
		if len(l.Pointers) == 0 {
			for k := range min(len(e.Diagnoses), rcm.MaxPointers) {
				l.Pointers = append(l.Pointers, k+1)
			}
		}
		if npi := ft.Value(20, 1); npi != "" {
			if rendering != "" && npi != rendering {
				return fieldErr(loc(20), "%s performing provider %s differs from the visit's %s; send one DFT per rendering provider.", loc(20), npi, rendering)
			}
			rendering = npi
		}
		if npi := ft.Value(21, 1); npi != "" {
			// The ordering provider is checked; the encounter has no
			// field for it yet, so it is not kept.
			if !rcm.ValidNPI(npi) {
				return fieldErr(loc(21), "%s ordering provider %q is not a valid NPI.", loc(21), npi)
			}
		}
		if i == 0 {
			e.DateOfService = dos
			e.PlaceOfService = placeOfService(ft, pv1)
		} else if dos != e.DateOfService {
			l.DateOfService = dos
		}
		if a.rc.Codes != nil {
			if err := a.rc.Codes.CheckProcedure(ctx, l.Code, dos); err != nil {
				return fieldErr(loc(codeField), "%s: %s", loc(codeField), rcm.ErrorMessage(err))
			}
		}
		e.Lines = append(e.Lines, l)
	}
	if a.rc.Codes != nil {
		for i, d := range e.Diagnoses {
			if err := a.rc.Codes.CheckDiagnosis(ctx, d.Code, e.DateOfService); err != nil {
				loc := fmt.Sprintf("DG1-3 (DG1 %d)", i+1)
				return fieldErr(loc, "%s: %s", loc, rcm.ErrorMessage(err))
			}
		}
	}
	rloc := "FT1-20"
	if rendering == "" {
		rendering, rloc = pv1.Value(7, 1), "PV1-7"
	}
	if rendering == "" {
		return fieldErr("FT1-20", "The rendering provider's NPI is required: FT1-20 (performed by) or PV1-7 (attending doctor).")
	}
	prov := a.setup.providerByNPI(rendering)
	if prov == nil {
		return fieldErr(rloc, "%s: no provider of this practice has NPI %s; add the provider or fix the NPI.", rloc, rendering)
	}
	e.RenderingProviderID, e.PracticeID = prov.ID, prov.PracticeID
	e.FacilityID = a.setup.facility(pv1)
	if len(e.Diagnoses) > 0 {
		e.Status = rcm.EncounterCoded
	}

	visit := pv1.Value(19, 1)
	if visit != "" {
		id, err := a.rc.Store.FindVisitEncounter(ctx, rcm.InterfaceHL7, visit)
		switch {
		case err == nil:
			return a.addToVisit(ctx, id, e)
		case rcm.ErrorCode(err) != rcm.ENOTFOUND:
			return err
		}
	}
	if err := a.rc.Store.CreateEncounter(ctx, e); err != nil {
		return locate(err, encounterFields)
	}
	a.encounterID = e.ID
	if visit != "" {
		return a.rc.Store.SaveVisitEncounter(ctx, rcm.InterfaceHL7, visit, e.ID)
	}
	return nil
}

// addToVisit adds a later DFT's lines and new diagnoses to the visit's
// encounter.
func (a *applier) addToVisit(ctx context.Context, id int64, add *rcm.Encounter) error {
	e, err := a.rc.Store.FindEncounterByID(ctx, id)
	if err != nil {
		return err
	}
	if e.PatientID != add.PatientID {
		return fieldErr("PV1-19", "Visit number %s belongs to another patient's encounter.", a.msg.Segment("PV1").Value(19, 1))
	}
	if e.Status == rcm.EncounterBilled {
		return fieldErr("PV1-19", "The visit's encounter is already billed; send a late charge as a new visit or correct the claim.")
	}
	renum := make([]int, len(add.Diagnoses))
	for i, d := range add.Diagnoses {
		k := slices.IndexFunc(e.Diagnoses, func(o rcm.Diagnosis) bool { return o.Code == d.Code })
		if k < 0 {
			e.Diagnoses = append(e.Diagnoses, d)
			k = len(e.Diagnoses) - 1
		}
		renum[i] = k + 1
	}
	for _, l := range add.Lines {
		for j, p := range l.Pointers {
			l.Pointers[j] = renum[p-1]
		}
		if l.DateOfService.IsZero() && add.DateOfService != e.DateOfService {
			l.DateOfService = add.DateOfService
		}
		e.Lines = append(e.Lines, l)
	}
	if add.Note != "" {
		e.Note = strings.TrimSpace(e.Note + "\n" + add.Note)
	}
	if len(e.Diagnoses) > 0 && e.Status == rcm.EncounterOpen {
		e.Status = rcm.EncounterCoded
	}
	if err := a.rc.Store.UpdateEncounter(ctx, e); err != nil {
		return locate(err, encounterFields)
	}
	a.encounterID = e.ID
	return nil
}

var encounterFields = map[string]string{
	"diagnoses": "DG1-3", "lines": "FT1", "place_of_service": "FT1-16", "date_of_service": "FT1-4",
	"rendering_provider_id": "FT1-20", "practice_id": "FT1-20",
}

// placeOfService is the CMS place-of-service code: a two-digit FT1-16
// (assigned location) or PV1-3 point of care when the sender puts it there,
// else by patient class (PV1-2): inpatient 21, emergency 23, office 11.
func placeOfService(ft, pv1 *Segment) string {
	for _, v := range []string{ft.Value(16, 1), pv1.Value(3, 1)} {
		if len(v) == 2 && v[0] >= '0' && v[0] <= '9' && v[1] >= '0' && v[1] <= '9' {
			return v
		}
	}
	switch strings.ToUpper(pv1.Value(2, 1)) {
	case "I":
		return "21"
	case "E":
		return "23"
	}
	return "11"
}

// facility matches PV1-3's facility (HD, component 4) or PV1-39 (servicing
// facility) to one of the practice's facilities by NPI or name; 0 when
// none is named.
func (s *setup) facility(pv1 *Segment) int64 {
	for _, v := range []string{pv1.Value(3, 4), pv1.Value(39, 1)} {
		if v == "" {
			continue
		}
		for _, f := range s.facilities {
			if f.NPI == v || strings.EqualFold(f.Name, v) {
				return f.ID
			}
		}
	}
	return 0
}
