package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/openrcm/openrcm"
)

var (
	_ rcm.ClaimService = (*DB)(nil)
	_ rcm.ScrubService = (*DB)(nil)
)

const claimCols = `id, org_id, encounter_id, patient_id, payer_id, coverage_id, control_number, frequency, payer_claim_number,
	replaces_claim_id, state, prior_auth, referral, onset_date, accident_date, accident_cause, accident_state,
	date_of_service, place_of_service, created_at, prior, institutional`

func scanClaim(s scanner) (*rcm.Claim, error) {
	c := &rcm.Claim{}
	var replaces sql.NullInt64
	var onset, accident, dos, created, prior, inst string
	if err := s.Scan(&c.ID, &c.OrgID, &c.EncounterID, &c.PatientID, &c.PayerID, &c.CoverageID, &c.ControlNumber, &c.Frequency,
		&c.PayerClaimNumber, &replaces, &c.State, &c.PriorAuth, &c.Referral, &onset, &accident, &c.AccidentCause, &c.AccidentState,
		&dos, &c.PlaceOfService, &created, &prior, &inst); err != nil {
		return nil, err
	}
	if prior != "" {
		if err := json.Unmarshal([]byte(prior), &c.Prior); err != nil {
			return nil, fmt.Errorf("claim %d prior payments: %w", c.ID, err)
		}
	}
	c.ReplacesClaimID = replaces.Int64
	var err error
	if c.Institutional, err = institutionalOf(inst); err != nil {
		return nil, fmt.Errorf("claim %d institutional data: %w", c.ID, err)
	}
	if c.OnsetDate, err = parseDate(onset); err != nil {
		return nil, err
	}
	if c.AccidentDate, err = parseDate(accident); err != nil {
		return nil, err
	}
	if c.DateOfService, err = parseDate(dos); err != nil {
		return nil, err
	}
	c.CreatedAt, err = parseTime(created)
	return c, err
}

// CreateClaim stores a claim snapshot in state draft and records its first
// history event.
func (db *DB) CreateClaim(ctx context.Context, c *rcm.Claim) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	if err := validateClaim(c); err != nil {
		return err
	}
	c.OrgID = a.OrgID
	c.State = rcm.ClaimDraft
	return db.Transact(ctx, func(tx *Tx) error {
		c.CreatedAt = tx.Now()
		id, err := tx.insert(ctx, claimInsert, claimInsertArgs(a.OrgID, c)...)
		if err != nil {
			return err
		}
		c.ID = id
		for i, d := range c.Diagnoses {
			if _, err := tx.ExecContext(ctx, `INSERT INTO claim_diagnosis (org_id, claim_id, seq, code) VALUES (?, ?, ?, ?)`, a.OrgID, id, i+1, d.Code); err != nil {
				return mapError(err)
			}
		}
		for i, l := range c.Lines {
			if _, err := tx.ExecContext(ctx, `INSERT INTO claim_line (org_id, claim_id, seq, service_line_id, code, modifiers, units, charge, pointers, ndc, date_of_service)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				a.OrgID, id, i+1, l.ServiceLineID, l.Code, strings.Join(l.Modifiers, ","), l.Units, int64(l.Charge), joinInts(l.Pointers), l.NDC,
				formatDate(l.DateOfService)); err != nil {
				return mapError(err)
			}
		}
		ev := rcm.ClaimEvent{At: c.CreatedAt, UserID: a.UserID, From: "", To: rcm.ClaimDraft, Reason: "claim created"}
		if err := tx.addClaimEvent(ctx, a.OrgID, id, ev); err != nil {
			return err
		}
		c.History = []rcm.ClaimEvent{ev}
		return tx.audit(ctx, a, rcm.AuditCreate, "claim", id, c.PatientID)
	})
}

// claimInsert stores a claim's row; claimInsertArgs gives its arguments.
// Posting inserts secondary claims with the same statement inside its own
// transaction.
const claimInsert = `INSERT INTO claim (org_id, encounter_id, patient_id, payer_id, coverage_id, control_number, frequency, payer_claim_number,
	replaces_claim_id, state, prior_auth, referral, onset_date, accident_date, accident_cause, accident_state, date_of_service, place_of_service,
	total_charge, created_at, prior, institutional) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func claimInsertArgs(org int64, c *rcm.Claim) []any {
	return []any{org, c.EncounterID, c.PatientID, c.PayerID, c.CoverageID, c.ControlNumber, c.Frequency, c.PayerClaimNumber,
		nullID(c.ReplacesClaimID), c.State, c.PriorAuth, c.Referral, formatDate(c.OnsetDate), formatDate(c.AccidentDate),
		c.AccidentCause, c.AccidentState, formatDate(c.DateOfService), c.PlaceOfService, int64(c.TotalCharge()), formatTime(c.CreatedAt), priorJSON(c.Prior), institutionalJSON(c.Institutional)}
}

func priorJSON(p []rcm.PriorPayment) string {
	if len(p) == 0 {
		return ""
	}
	b, _ := json.Marshal(p)
	return string(b)
}

// validateClaim checks what storage relies on; the scrubber checks the rest.
func validateClaim(c *rcm.Claim) error {
	switch {
	case c.EncounterID <= 0 || c.PatientID <= 0 || c.PayerID <= 0 || c.CoverageID <= 0:
		return rcm.Errorf(rcm.EINVALID, "A claim needs its encounter, patient, payer and coverage.")
	case c.ControlNumber == "" || len(c.ControlNumber) > 38:
		return rcm.FieldErrorf(rcm.EINVALID, "control_number", "control_number must be 1 to 38 characters (CLM01).")
	case c.Frequency != rcm.FrequencyOriginal && c.Frequency != rcm.FrequencyReplacement && c.Frequency != rcm.FrequencyVoid:
		return rcm.FieldErrorf(rcm.EINVALID, "frequency", "frequency must be 1 (original), 7 (replacement) or 8 (void).")
	case c.Frequency != rcm.FrequencyOriginal && c.PayerClaimNumber == "":
		return rcm.FieldErrorf(rcm.EINVALID, "payer_claim_number", "A replacement or void claim needs the payer's claim number (REF*F8).")
	case len(c.Lines) == 0:
		return rcm.FieldErrorf(rcm.EINVALID, "lines", "A claim needs at least one service line.")
	}
	return nil
}

func (tx *Tx) addClaimEvent(ctx context.Context, org, claimID int64, ev rcm.ClaimEvent) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO claim_event (org_id, claim_id, at, user_id, from_state, to_state, reason) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		org, claimID, formatTime(ev.At), ev.UserID, ev.From, ev.To, ev.Reason)
	return mapError(err)
}

// FindClaimByID returns a claim with its codes and history, and audits the
// read.
func (db *DB) FindClaimByID(ctx context.Context, id int64) (*rcm.Claim, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var c *rcm.Claim
	err = db.Transact(ctx, func(tx *Tx) error {
		c, err = tx.findClaim(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "claim", id, c.PatientID)
	})
	return c, err
}

func (tx *Tx) findClaim(ctx context.Context, org, id int64) (*rcm.Claim, error) {
	c, err := scanClaim(tx.QueryRowContext(ctx, `SELECT `+claimCols+` FROM claim WHERE org_id = ? AND id = ?`, org, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Claim", id)
	} else if err != nil {
		return nil, err
	}
	return c, tx.loadClaimDetail(ctx, c)
}

func (tx *Tx) loadClaimDetail(ctx context.Context, c *rcm.Claim) error {
	var err error
	c.Diagnoses, err = queryAll(ctx, tx, func(s scanner) (rcm.Diagnosis, error) {
		var d rcm.Diagnosis
		return d, s.Scan(&d.Code)
	}, `SELECT code FROM claim_diagnosis WHERE org_id = ? AND claim_id = ? ORDER BY seq`, c.OrgID, c.ID)
	if err != nil {
		return err
	}
	c.Lines, err = queryAll(ctx, tx, func(s scanner) (rcm.ClaimLine, error) {
		var l rcm.ClaimLine
		var mods, ptrs, dos string
		var charge int64
		if err := s.Scan(&l.ServiceLineID, &l.Code, &mods, &l.Units, &charge, &ptrs, &l.NDC, &dos); err != nil {
			return l, err
		}
		l.Charge = rcm.Money(charge)
		if mods != "" {
			l.Modifiers = strings.Split(mods, ",")
		}
		var err error
		if l.Pointers, err = splitInts(ptrs); err != nil {
			return l, err
		}
		l.DateOfService, err = parseDate(dos)
		return l, err
	}, `SELECT service_line_id, code, modifiers, units, charge, pointers, ndc, date_of_service FROM claim_line WHERE org_id = ? AND claim_id = ? ORDER BY seq`, c.OrgID, c.ID)
	if err != nil {
		return err
	}
	c.History, err = queryAll(ctx, tx, func(s scanner) (rcm.ClaimEvent, error) {
		var ev rcm.ClaimEvent
		var at string
		if err := s.Scan(&at, &ev.UserID, &ev.From, &ev.To, &ev.Reason); err != nil {
			return ev, err
		}
		var err error
		ev.At, err = parseTime(at)
		return ev, err
	}, `SELECT at, user_id, from_state, to_state, reason FROM claim_event WHERE org_id = ? AND claim_id = ? ORDER BY id`, c.OrgID, c.ID)
	return err
}

// FindClaims lists claims, newest first, with their codes (not their
// history), and audits the read as one event naming their patients.
func (db *DB) FindClaims(ctx context.Context, f rcm.ClaimFilter) ([]*rcm.Claim, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + claimCols + ` FROM claim WHERE org_id = ?`
	args := []any{a.OrgID}
	if f.State != "" {
		q += ` AND state = ?`
		args = append(args, f.State)
	}
	if f.PayerID > 0 {
		q += ` AND payer_id = ?`
		args = append(args, f.PayerID)
	}
	if f.PatientID > 0 {
		q += ` AND patient_id = ?`
		args = append(args, f.PatientID)
	}
	if f.ControlNumber != "" {
		q += ` AND control_number = ?`
		args = append(args, f.ControlNumber)
	}
	if f.Before > 0 {
		q += ` AND id < ?`
		args = append(args, f.Before)
	}
	q += ` ORDER BY id DESC LIMIT ? OFFSET ?`
	args = append(args, limit(f.Limit), max(f.Offset, 0))
	var out []*rcm.Claim
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		if out, err = queryAll(ctx, tx, scanClaim, q, args...); err != nil {
			return err
		}
		patients := make([]int64, len(out))
		for i, c := range out {
			if err := tx.loadClaimDetail(ctx, c); err != nil {
				return err
			}
			c.History = nil
			patients[i] = c.PatientID
		}
		return tx.auditList(ctx, a, "claims", 0, patients)
	})
	return out, err
}

// MoveClaim changes a claim's state when the state machine allows it.
func (db *DB) MoveClaim(ctx context.Context, id int64, to, reason string) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	if reason == "" || len(reason) > 500 {
		return rcm.FieldErrorf(rcm.EINVALID, "reason", "Say why the claim changes state (at most 500 characters).")
	}
	if to == rcm.ClaimReady {
		return rcm.Errorf(rcm.ECONFLICT, "Only a clean scrub makes a claim ready.")
	}
	return db.Transact(ctx, func(tx *Tx) error { return tx.moveClaim(ctx, a, id, to, reason) })
}

func (tx *Tx) moveClaim(ctx context.Context, a rcm.Actor, id int64, to, reason string) error {
	var from string
	var patientID int64
	err := tx.QueryRowContext(ctx, `SELECT state, patient_id FROM claim WHERE org_id = ? AND id = ?`+tx.forUpdate(), a.OrgID, id).Scan(&from, &patientID)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("Claim", id)
	} else if err != nil {
		return err
	}
	if !rcm.CanMoveClaim(from, to) {
		return rcm.Errorf(rcm.ECONFLICT, "Claim %d is %s; it cannot become %s.", id, from, to)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE claim SET state = ? WHERE org_id = ? AND id = ?`, to, a.OrgID, id); err != nil {
		return err
	}
	if err := tx.addClaimEvent(ctx, a.OrgID, id, rcm.ClaimEvent{At: tx.Now(), UserID: a.UserID, From: from, To: to, Reason: reason}); err != nil {
		return err
	}
	return tx.audit(ctx, a, rcm.AuditUpdate, "claim", id, patientID)
}

// RecordScrub stores a scrub's findings and moves the claim: a draft with no
// error becomes ready, a ready claim with an error goes back to draft.
// Claims in other states keep theirs.
func (db *DB) RecordScrub(ctx context.Context, claimID int64, findings []rcm.ClaimFinding) (string, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return "", err
	}
	nErrors := 0
	for _, f := range findings {
		if f.Severity == "error" {
			nErrors++
		}
	}
	var state string
	err = db.Transact(ctx, func(tx *Tx) error {
		var patientID int64
		err := tx.QueryRowContext(ctx, `SELECT state, patient_id FROM claim WHERE org_id = ? AND id = ?`+tx.forUpdate(), a.OrgID, claimID).Scan(&state, &patientID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Claim", claimID)
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM claim_finding WHERE org_id = ? AND claim_id = ?`, a.OrgID, claimID); err != nil {
			return err
		}
		for i, f := range findings {
			if _, err := tx.ExecContext(ctx, `INSERT INTO claim_finding (org_id, claim_id, seq, rule, severity, lines, message, fix) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				a.OrgID, claimID, i+1, f.Rule, f.Severity, joinInts(f.Lines), f.Message, f.Fix); err != nil {
				return err
			}
		}
		to := ""
		switch {
		case state == rcm.ClaimDraft && nErrors == 0:
			to = rcm.ClaimReady
		case state == rcm.ClaimReady && nErrors > 0:
			to = rcm.ClaimDraft
		}
		if to == "" {
			return nil
		}
		reason := fmt.Sprintf("scrubbed: %d findings, %d errors", len(findings), nErrors)
		if err := tx.moveClaim(ctx, a, claimID, to, reason); err != nil {
			return err
		}
		state = to
		return nil
	})
	return state, err
}

// FindClaimFindings returns the findings of a claim's latest scrub.
func (db *DB) FindClaimFindings(ctx context.Context, claimID int64) ([]rcm.ClaimFinding, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, db, func(s scanner) (rcm.ClaimFinding, error) {
		var f rcm.ClaimFinding
		var lines string
		if err := s.Scan(&f.Rule, &f.Severity, &lines, &f.Message, &f.Fix); err != nil {
			return f, err
		}
		var err error
		f.Lines, err = splitInts(lines)
		return f, err
	}, `SELECT rule, severity, lines, message, fix FROM claim_finding WHERE org_id = ? AND claim_id = ? ORDER BY seq`, a.OrgID, claimID)
}

// SetPayerClaimNumber records the payer's claim control number.
func (db *DB) SetPayerClaimNumber(ctx context.Context, id int64, number string) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	if number == "" || len(number) > 50 {
		return rcm.FieldErrorf(rcm.EINVALID, "payer_claim_number", "payer claim number must be 1 to 50 characters.")
	}
	return db.Transact(ctx, func(tx *Tx) error {
		return tx.updateOne(ctx, "Claim", id, `UPDATE claim SET payer_claim_number = ? WHERE org_id = ? AND id = ?`, number, a.OrgID, id)
	})
}
