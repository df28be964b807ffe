package sqldb

import (
	"context"
	"fmt"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
)

var _ claim.BundleLoader = (*DB)(nil)

// bundleChunk bounds the ids in one IN list.
const bundleChunk = 500

// LoadBundles loads claims with everything they refer to in a few
// set-based queries per chunk of claims, for batches of thousands going out
// at once, and audits the read in the same transaction as one event naming
// the claims' patients (a batch going out is one disclosure). Bundles come
// back in the order of ids.
func (db *DB) LoadBundles(ctx context.Context, ids []int64) ([]*claim.Bundle, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	out := make([]*claim.Bundle, 0, len(ids))
	err = db.Transact(ctx, func(tx *Tx) error {
		practices, err := byID(ctx, tx, scanPractice, `SELECT `+practiceCols+` FROM practice WHERE org_id = ?`, a.OrgID, func(p *rcm.Practice) int64 { return p.ID })
		if err != nil {
			return err
		}
		providers, err := byID(ctx, tx, scanProvider, `SELECT `+providerCols+` FROM provider WHERE org_id = ?`, a.OrgID, func(p *rcm.Provider) int64 { return p.ID })
		if err != nil {
			return err
		}
		payers, err := byID(ctx, tx, scanPayer, `SELECT `+payerCols+` FROM payer WHERE org_id = ?`, a.OrgID, func(p *rcm.Payer) int64 { return p.ID })
		if err != nil {
			return err
		}
		facilities := map[int64]*rcm.Facility{}
		fs, err := queryAll(ctx, tx, scanFacility, `SELECT id, org_id, name, npi, line1, line2, city, state, zip, taxonomy, kind FROM facility WHERE org_id = ?`, a.OrgID)
		if err != nil {
			return err
		}
		for _, f := range fs {
			facilities[f.ID] = f
		}
		var patients []int64
		for start := 0; start < len(ids); start += bundleChunk {
			chunk := ids[start:min(start+bundleChunk, len(ids))]
			bs, err := tx.loadBundleChunk(ctx, a.OrgID, chunk, practices, providers, payers, facilities)
			if err != nil {
				return err
			}
			for _, b := range bs {
				patients = append(patients, b.Claim.PatientID)
			}
			out = append(out, bs...)
		}
		return tx.auditList(ctx, a, "claims", 0, patients)
	})
	return out, err
}

func (tx *Tx) loadBundleChunk(ctx context.Context, org int64, ids []int64, practices map[int64]*rcm.Practice, providers map[int64]*rcm.Provider,
	payers map[int64]*rcm.Payer, facilities map[int64]*rcm.Facility) ([]*claim.Bundle, error) {
	in, args := placeholders(org, ids)
	claims, err := queryAll(ctx, tx, scanClaim, `SELECT `+claimCols+` FROM claim WHERE org_id = ? AND id IN `+in, args...)
	if err != nil {
		return nil, err
	}
	byClaim := map[int64]*rcm.Claim{}
	var encIDs, patIDs []int64
	for _, c := range claims {
		byClaim[c.ID] = c
		encIDs = append(encIDs, c.EncounterID)
		patIDs = append(patIDs, c.PatientID)
	}
	for _, id := range ids {
		if byClaim[id] == nil {
			return nil, notFound("Claim", id)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT claim_id, code FROM claim_diagnosis WHERE org_id = ? AND claim_id IN `+in+` ORDER BY claim_id, seq`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var d rcm.Diagnosis
		if err := rows.Scan(&id, &d.Code); err != nil {
			rows.Close()
			return nil, err
		}
		byClaim[id].Diagnoses = append(byClaim[id].Diagnoses, d)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT claim_id, service_line_id, code, modifiers, units, charge, pointers, ndc, date_of_service
		FROM claim_line WHERE org_id = ? AND claim_id IN `+in+` ORDER BY claim_id, seq`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, charge int64
		var l rcm.ClaimLine
		var mods, ptrs, dos string
		if err := rows.Scan(&id, &l.ServiceLineID, &l.Code, &mods, &l.Units, &charge, &ptrs, &l.NDC, &dos); err != nil {
			rows.Close()
			return nil, err
		}
		l.Charge = rcm.Money(charge)
		if mods != "" {
			l.Modifiers = strings.Split(mods, ",")
		}
		if l.Pointers, err = splitInts(ptrs); err != nil {
			rows.Close()
			return nil, err
		}
		if l.DateOfService, err = parseDate(dos); err != nil {
			rows.Close()
			return nil, err
		}
		byClaim[id].Lines = append(byClaim[id].Lines, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	in, args = placeholders(org, encIDs)
	encs, err := byID(ctx, tx, tx.db.scanEncounter, `SELECT `+encounterCols+` FROM encounter WHERE org_id = ? AND id IN `+in, args, func(e *rcm.Encounter) int64 { return e.ID })
	if err != nil {
		return nil, err
	}
	in, args = placeholders(org, patIDs)
	pats, err := byID(ctx, tx, scanPatient, `SELECT `+patientCols+` FROM patient WHERE org_id = ? AND id IN `+in, args, func(p *rcm.Patient) int64 { return p.ID })
	if err != nil {
		return nil, err
	}
	covs, err := queryAll(ctx, tx, tx.db.scanCoverage, `SELECT `+coverageCols+` FROM coverage WHERE org_id = ? AND patient_id IN `+in+` ORDER BY ord, effective_from, id`, args...)
	if err != nil {
		return nil, err
	}
	covsOf := map[int64][]*rcm.Coverage{}
	for _, c := range covs {
		covsOf[c.PatientID] = append(covsOf[c.PatientID], c)
	}
	out := make([]*claim.Bundle, 0, len(ids))
	for _, id := range ids {
		c := byClaim[id]
		e := encs[c.EncounterID]
		if e == nil {
			return nil, fmt.Errorf("claim %d: encounter %d missing", c.ID, c.EncounterID)
		}
		b := &claim.Bundle{Claim: c, Practice: practices[e.PracticeID], Rendering: providers[e.RenderingProviderID], Facility: facilities[e.FacilityID],
			Patient: pats[c.PatientID], Payer: payers[c.PayerID], OtherPayers: map[int64]*rcm.Payer{}}
		for _, cov := range covsOf[c.PatientID] {
			switch {
			case cov.ID == c.CoverageID:
				b.Coverage = cov
			case cov.ActiveOn(c.DateOfService):
				b.OtherCoverages = append(b.OtherCoverages, cov)
				b.OtherPayers[cov.PayerID] = payers[cov.PayerID]
			}
		}
		if b.Practice == nil || b.Rendering == nil || b.Patient == nil || b.Payer == nil || b.Coverage == nil {
			return nil, fmt.Errorf("claim %d: a record it refers to is missing", c.ID)
		}
		out = append(out, b)
	}
	return out, nil
}

// byID runs a query and indexes its rows by id. args is either one value
// or a []any of values.
func byID[T any](ctx context.Context, tx *Tx, scan func(scanner) (T, error), query string, args any, id func(T) int64) (map[int64]T, error) {
	list, ok := args.([]any)
	if !ok {
		list = []any{args}
	}
	rows, err := queryAll(ctx, tx, scan, query, list...)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]T, len(rows))
	for _, r := range rows {
		m[id(r)] = r
	}
	return m, nil
}

// placeholders returns "(?, ?, ...)" for the distinct ids and the
// arguments org, ids.... The list is padded, repeating its last id, to a
// power of two (to a multiple of 1,024 past that), so the IN lists of
// pages of any size have a few texts that stay prepared (stmtcache.go);
// a repeated value changes nothing an IN selects.
func placeholders(org int64, ids []int64) (string, []any) {
	args := make([]any, 0, padded(len(ids))+1)
	args = append(args, org)
	seen := make(map[int64]struct{}, len(ids))
	for _, id := range ids {
		if _, ok := seen[id]; ok {
			continue
		}
		seen[id] = struct{}{}
		args = append(args, id)
	}
	n := len(args) - 1
	if n == 0 {
		return "(NULL)", args
	}
	for last := args[n]; len(args)-1 < padded(n); {
		args = append(args, last)
	}
	return "(" + inList(len(args)-1) + ")", args
}

// padded is the length placeholders pads a list of n to.
func padded(n int) int {
	if n > 1024 {
		return (n + 1023) / 1024 * 1024
	}
	p := 1
	for p < n {
		p *= 2
	}
	return p
}

func scanFacility(s scanner) (*rcm.Facility, error) {
	f := &rcm.Facility{}
	ad := &f.Address
	err := s.Scan(&f.ID, &f.OrgID, &f.Name, &f.NPI, &ad.Line1, &ad.Line2, &ad.City, &ad.State, &ad.ZIP, &f.Taxonomy, &f.Kind)
	return f, err
}
