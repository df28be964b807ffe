package sqldb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/eligibility"
)

var _ claim.PipelineServices = (*DB)(nil)

// FindBillable returns up to limit coded encounters above the id after,
// lowest id first, each with its codes, stored line ids, patient,
// coverages and their authorizations: a page of the set-based build in
// seven queries, audited as one read naming the page's patients.
func (db *DB) FindBillable(ctx context.Context, after int64, limit int) ([]*claim.Billable, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	limit = min(max(limit, 1), claim.PageSize)
	var out []*claim.Billable
	err = db.Transact(ctx, func(tx *Tx) error {
		encs, err := queryAll(ctx, tx, tx.db.scanEncounter, `SELECT `+encounterCols+` FROM encounter WHERE org_id = ? AND status = ? AND id > ? ORDER BY id LIMIT ?`,
			a.OrgID, rcm.EncounterCoded, after, limit)
		if err != nil || len(encs) == 0 {
			return err
		}
		byEnc := make(map[int64]*claim.Billable, len(encs))
		encIDs := make([]int64, len(encs))
		patIDs := make([]int64, len(encs))
		for i, e := range encs {
			b := &claim.Billable{Encounter: e, LineIDs: []int64{}, Authorizations: map[int64][]*rcm.Authorization{}}
			out = append(out, b)
			byEnc[e.ID] = b
			encIDs[i], patIDs[i] = e.ID, e.PatientID
		}
		in, args := placeholders(a.OrgID, encIDs)
		rows, err := tx.QueryContext(ctx, `SELECT encounter_id, code FROM encounter_diagnosis WHERE org_id = ? AND encounter_id IN `+in+` ORDER BY encounter_id, seq`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var d rcm.Diagnosis
			if err := rows.Scan(&id, &d.Code); err != nil {
				rows.Close()
				return err
			}
			e := byEnc[id].Encounter
			e.Diagnoses = append(e.Diagnoses, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, billableLines(in), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, enc, charge int64
			var l rcm.ServiceLine
			var mods, ptrs, dos string
			if err := rows.Scan(&id, &enc, &l.Code, &mods, &l.Units, &charge, &ptrs, &l.NDC, &dos); err != nil {
				rows.Close()
				return err
			}
			l.Charge = rcm.Money(charge)
			if mods != "" {
				l.Modifiers = strings.Split(mods, ",")
			}
			if l.Pointers, err = splitInts(ptrs); err == nil {
				l.DateOfService, err = parseDate(dos)
			}
			if err != nil {
				rows.Close()
				return err
			}
			b := byEnc[enc]
			b.Encounter.Lines = append(b.Encounter.Lines, l)
			b.LineIDs = append(b.LineIDs, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		in, args = placeholders(a.OrgID, patIDs)
		pats, err := byID(ctx, tx, scanPatient, `SELECT `+patientCols+` FROM patient WHERE org_id = ? AND id IN `+in, args, func(p *rcm.Patient) int64 { return p.ID })
		if err != nil {
			return err
		}
		covs, err := queryAll(ctx, tx, tx.db.scanCoverage, `SELECT `+coverageCols+` FROM coverage WHERE org_id = ? AND patient_id IN `+in+` ORDER BY ord, effective_from, id`, args...)
		if err != nil {
			return err
		}
		covsOf := map[int64][]*rcm.Coverage{}
		covIDs := make([]int64, len(covs))
		for i, c := range covs {
			covsOf[c.PatientID] = append(covsOf[c.PatientID], c)
			covIDs[i] = c.ID
		}
		auths, err := tx.authorizationsOf(ctx, a.OrgID, covIDs)
		if err != nil {
			return err
		}
		for _, b := range out {
			if b.Patient = pats[b.Encounter.PatientID]; b.Patient == nil {
				return fmt.Errorf("encounter %d: patient %d missing", b.Encounter.ID, b.Encounter.PatientID)
			}
			b.Coverages = covsOf[b.Encounter.PatientID]
			for _, c := range b.Coverages {
				b.Authorizations[c.ID] = auths[c.ID]
			}
		}
		return tx.auditList(ctx, a, "encounters", 0, patIDs)
	})
	return out, err
}

// billableLines reads the service lines of the encounters in the IN list
// in, in order. "+org_id": without statistics SQLite searched the lines by
// the (org_id, id) index, every line of the organization for each page (a
// build of 100,000 encounters went quadratic); the unary plus leaves the
// org term a filter, so the search goes by (encounter_id, seq).
// TestPipelineQueryPlans holds it there.
func billableLines(in string) string {
	return `SELECT id, encounter_id, code, modifiers, units, charge, pointers, ndc, date_of_service FROM service_line
		WHERE +org_id = ? AND encounter_id IN ` + in + ` ORDER BY encounter_id, seq`
}

// authorizationsOf reads the authorizations of many coverages with the
// units used, oldest start first, as FindAuthorizations does for one.
func (tx *Tx) authorizationsOf(ctx context.Context, org int64, coverageIDs []int64) (map[int64][]*rcm.Authorization, error) {
	out := map[int64][]*rcm.Authorization{}
	if len(coverageIDs) == 0 {
		return out, nil
	}
	in, args := placeholders(org, coverageIDs)
	rows, err := tx.QueryContext(ctx, `SELECT z.id, z.org_id, z.coverage_id, z.kind, z.number, z.code_from, z.code_to, z.units, z.starts_on, z.ends_on, z.referring_npi,
		COALESCE((SELECT SUM(u.units) FROM coverage_authorization_use u WHERE u.authorization_id = z.id), 0)
		FROM coverage_authorization z WHERE z.org_id = ? AND z.coverage_id IN `+in+` ORDER BY z.starts_on, z.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		z := &rcm.Authorization{}
		var starts, ends string
		if err := rows.Scan(&z.ID, &z.OrgID, &z.CoverageID, &z.Kind, &z.Number, &z.CodeFrom, &z.CodeTo, &z.Units, &starts, &ends, &z.ReferringNPI, &z.Used); err != nil {
			return nil, err
		}
		if z.StartsOn, err = parseDate(starts); err != nil {
			return nil, err
		}
		if z.EndsOn, err = parseDate(ends); err != nil {
			return nil, err
		}
		out[z.CoverageID] = append(out[z.CoverageID], z)
	}
	return out, rows.Err()
}

// CreateClaims stores draft claims, their first history events, and marks
// their encounters billed, all in one transaction: a page of the
// set-based build commits or rolls back whole. Each claim and each
// encounter that changes is audited, as CreateClaim and UpdateEncounter
// do one at a time.
func (db *DB) CreateClaims(ctx context.Context, claims []*rcm.Claim) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	if len(claims) == 0 {
		return nil
	}
	for _, c := range claims {
		if err := validateClaim(c); err != nil {
			return fmt.Errorf("claim %s: %w", c.ControlNumber, err)
		}
	}
	return db.Transact(ctx, func(tx *Tx) error {
		now := tx.Now()
		if err := tx.insertClaimRows(ctx, a.OrgID, claims, now); err != nil {
			return err
		}
		var dx, lines, events [][]any
		refs := make([]auditRef, 0, 2*len(claims))
		encIDs := make([]int64, len(claims))
		patientOf := map[int64]int64{}
		for i, c := range claims {
			for k, d := range c.Diagnoses {
				dx = append(dx, []any{a.OrgID, c.ID, k + 1, d.Code})
			}
			for k, l := range c.Lines {
				lines = append(lines, []any{a.OrgID, c.ID, k + 1, l.ServiceLineID, l.Code, strings.Join(l.Modifiers, ","), l.Units, int64(l.Charge),
					joinInts(l.Pointers), l.NDC, formatDate(l.DateOfService)})
			}
			ev := rcm.ClaimEvent{At: now, UserID: a.UserID, To: rcm.ClaimDraft, Reason: "claim created"}
			events = append(events, []any{a.OrgID, c.ID, formatTime(ev.At), ev.UserID, ev.From, ev.To, ev.Reason})
			c.History = []rcm.ClaimEvent{ev}
			refs = append(refs, auditRef{rcm.AuditCreate, "claim", c.ID, c.PatientID})
			encIDs[i] = c.EncounterID
			patientOf[c.EncounterID] = c.PatientID
		}
		if err := tx.insertMany(ctx, "claim_diagnosis", "org_id, claim_id, seq, code", dx); err != nil {
			return mapError(err)
		}
		if err := tx.insertMany(ctx, "claim_line", "org_id, claim_id, seq, service_line_id, code, modifiers, units, charge, pointers, ndc, date_of_service", lines); err != nil {
			return mapError(err)
		}
		if err := tx.insertMany(ctx, "claim_event", "org_id, claim_id, at, user_id, from_state, to_state, reason", events); err != nil {
			return mapError(err)
		}
		// The encounters freeze: their claims point at their lines.
		in, args := placeholders(a.OrgID, encIDs)
		changed, err := queryAll(ctx, tx, func(s scanner) (int64, error) {
			var id int64
			return id, s.Scan(&id)
		}, `SELECT id FROM encounter WHERE org_id = ? AND id IN `+in+` AND status <> 'billed' ORDER BY id`, args...)
		if err != nil {
			return err
		}
		if len(changed) > 0 {
			in, args := placeholders(a.OrgID, changed)
			if _, err := tx.ExecContext(ctx, `UPDATE encounter SET status = 'billed' WHERE org_id = ? AND id IN `+in, args...); err != nil {
				return err
			}
			for _, id := range changed {
				refs = append(refs, auditRef{rcm.AuditUpdate, "encounter", id, patientOf[id]})
			}
		}
		return tx.auditMany(ctx, a, refs)
	})
}

// insertClaimRows stores the claims' rows with multi-row INSERTs (of the
// fixed sizes insertMany uses) and sets
// their ids, matched back by claim number (unique in the organization), so
// no dialect's order of RETURNING rows is relied on.
func (tx *Tx) insertClaimRows(ctx context.Context, org int64, claims []*rcm.Claim, now time.Time) error {
	head, values, _ := strings.Cut(claimInsert, "VALUES")
	values = strings.TrimSpace(values)
	for _, sp := range chunks(len(claims), maxChunk(22)) {
		chunk := claims[sp.from:sp.to]
		byNumber := make(map[string]*rcm.Claim, len(chunk))
		args := make([]any, 0, len(chunk)*22)
		for _, c := range chunk {
			c.OrgID, c.State, c.CreatedAt = org, rcm.ClaimDraft, now
			byNumber[c.ControlNumber] = c
			args = append(args, claimInsertArgs(org, c)...)
		}
		if len(byNumber) != len(chunk) {
			return rcm.Errorf(rcm.ECONFLICT, "Two claims of one batch have the same claim number.")
		}
		q := head + "VALUES " + strings.TrimSuffix(strings.Repeat(values+",", len(chunk)), ",") + " RETURNING id, control_number"
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return mapError(err)
		}
		for rows.Next() {
			var id int64
			var number string
			if err := rows.Scan(&id, &number); err != nil {
				rows.Close()
				return err
			}
			if c := byNumber[number]; c != nil {
				c.ID = id
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return mapError(err)
		}
		for _, c := range chunk {
			if c.ID == 0 {
				return fmt.Errorf("claim %s: no id came back from the insert", c.ControlNumber)
			}
		}
	}
	return nil
}

// FindClaimIDs returns up to limit ids of claims in a state (to one payer
// when payerID is not 0) above the id after, lowest first: the keyset
// cursor of the set-based scrub and submission. Ids name no patient data,
// so the read is not audited; loading the claims is.
func (db *DB) FindClaimIDs(ctx context.Context, state string, payerID, after int64, limit int) ([]int64, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	q := `SELECT id FROM claim WHERE org_id = ? AND state = ? AND id > ?`
	args := []any{a.OrgID, state, after}
	if payerID > 0 {
		q += ` AND payer_id = ?`
		args = append(args, payerID)
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, min(max(limit, 1), claim.PageSize))
	return queryAll(ctx, db, func(s scanner) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	}, q, args...)
}

// RecordScrubs stores the findings of many scrubs and moves their claims as
// RecordScrub does (a draft with no error becomes ready, a ready claim with
// an error goes back to draft), in one transaction, and returns each
// claim's resulting state in order.
func (db *DB) RecordScrubs(ctx context.Context, scrubs []claim.Scrub) ([]string, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	if len(scrubs) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(scrubs))
	for i, s := range scrubs {
		ids[i] = s.ClaimID
	}
	states := make([]string, len(scrubs))
	err = db.Transact(ctx, func(tx *Tx) error {
		type row struct {
			id, patient int64
			state       string
		}
		in, args := placeholders(a.OrgID, ids)
		rows, err := queryAll(ctx, tx, func(s scanner) (row, error) {
			var r row
			return r, s.Scan(&r.id, &r.state, &r.patient)
		}, `SELECT id, state, patient_id FROM claim WHERE org_id = ? AND id IN `+in+tx.forUpdate(), args...)
		if err != nil {
			return err
		}
		cur := make(map[int64]row, len(rows))
		for _, r := range rows {
			cur[r.id] = r
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM claim_finding WHERE org_id = ? AND claim_id IN `+in, args...); err != nil {
			return err
		}
		var findings, events [][]any
		var toReady, toDraft []int64
		var refs []auditRef
		now := tx.Now()
		for i, s := range scrubs {
			r, ok := cur[s.ClaimID]
			if !ok {
				return notFound("Claim", s.ClaimID)
			}
			nErrors := 0
			for k, f := range s.Findings {
				if f.Severity == "error" {
					nErrors++
				}
				findings = append(findings, []any{a.OrgID, s.ClaimID, k + 1, f.Rule, f.Severity, joinInts(f.Lines), f.Message, f.Fix})
			}
			to := ""
			switch {
			case r.state == rcm.ClaimDraft && nErrors == 0:
				to, toReady = rcm.ClaimReady, append(toReady, s.ClaimID)
			case r.state == rcm.ClaimReady && nErrors > 0:
				to, toDraft = rcm.ClaimDraft, append(toDraft, s.ClaimID)
			}
			states[i] = r.state
			if to == "" {
				continue
			}
			states[i] = to
			events = append(events, []any{a.OrgID, s.ClaimID, formatTime(now), a.UserID, r.state, to,
				fmt.Sprintf("scrubbed: %d findings, %d errors", len(s.Findings), nErrors)})
			refs = append(refs, auditRef{rcm.AuditUpdate, "claim", s.ClaimID, r.patient})
		}
		if err := tx.insertMany(ctx, "claim_finding", "org_id, claim_id, seq, rule, severity, lines, message, fix", findings); err != nil {
			return err
		}
		for _, mv := range []struct {
			to  string
			ids []int64
		}{{rcm.ClaimReady, toReady}, {rcm.ClaimDraft, toDraft}} {
			if len(mv.ids) == 0 {
				continue
			}
			in, args := placeholders(a.OrgID, mv.ids)
			if _, err := tx.ExecContext(ctx, `UPDATE claim SET state = '`+mv.to+`' WHERE org_id = ? AND id IN `+in, args...); err != nil {
				return err
			}
		}
		if err := tx.insertMany(ctx, "claim_event", "org_id, claim_id, at, user_id, from_state, to_state, reason", events); err != nil {
			return err
		}
		return tx.auditMany(ctx, a, refs)
	})
	return states, err
}

// FindLatestEligibilities returns the newest 271 answer stored on each of
// many coverages (those never checked are absent), in one query, and
// audits the read as one event naming their patients.
func (db *DB) FindLatestEligibilities(ctx context.Context, coverageIDs []int64) (map[int64]*eligibility.Record, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	out := map[int64]*eligibility.Record{}
	if len(coverageIDs) == 0 {
		return out, nil
	}
	err = db.Transact(ctx, func(tx *Tx) error {
		var patients []int64
		for start := 0; start < len(coverageIDs); start += claim.PageSize {
			in, args := placeholders(a.OrgID, coverageIDs[start:min(start+claim.PageSize, len(coverageIDs))])
			recs, err := queryAll(ctx, tx, tx.db.scanEligibilityRecord, `SELECT `+eligibilityRecordCols+` FROM eligibility_result r JOIN eligibility_check c ON c.org_id = r.org_id AND c.id = r.check_id
				WHERE r.org_id = ? AND r.id IN (SELECT MAX(id) FROM eligibility_result WHERE org_id = r.org_id AND coverage_id IN `+in+` GROUP BY coverage_id)`, args...)
			if err != nil {
				return err
			}
			for _, rec := range recs {
				out[rec.CoverageID] = rec
				patients = append(patients, rec.PatientID)
			}
		}
		return tx.auditList(ctx, a, "coverage_eligibility", 0, patients)
	})
	return out, err
}
