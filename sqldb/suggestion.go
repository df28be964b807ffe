package sqldb

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
)

var _ rcm.SuggestionDecisionService = (*DB)(nil)

const decisionCols = `id, org_id, encounter_id, patient_id, system, code, units, evidence, decision, reason, replacement, user_id, at`

// DecideSuggestion stores a coder's decision and applies it to the
// encounter in one transaction: the decision row, the encounter's new
// codes and the audit event commit or roll back together.
func (db *DB) DecideSuggestion(ctx context.Context, d *rcm.SuggestionDecision) (*rcm.Encounter, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermCode)
	if err != nil {
		return nil, err
	}
	d.Normalize()
	if err := d.Validate(); err != nil {
		return nil, err
	}
	var saved *rcm.Encounter
	err = db.Transact(ctx, func(tx *Tx) error {
		cur, err := tx.findEncounter(ctx, a.OrgID, d.EncounterID)
		if err != nil {
			return err
		}
		if cur.Status == rcm.EncounterBilled {
			return rcm.Errorf(rcm.ECONFLICT, "Encounter %d is billed; its codes are final, so a suggestion can no longer be decided on it.", cur.ID)
		}
		for _, sp := range d.Evidence {
			if sp.End > len(cur.Note) {
				return rcm.FieldErrorf(rcm.EINVALID, "evidence", "Evidence offsets %d-%d run past the end of the note (%d bytes).", sp.Start, sp.End, len(cur.Note))
			}
		}
		d.OrgID, d.PatientID, d.UserID, d.At = a.OrgID, cur.PatientID, a.UserID, tx.Now()
		e := *cur
		e.Diagnoses = append([]rcm.Diagnosis(nil), cur.Diagnoses...)
		e.Lines = append([]rcm.ServiceLine(nil), cur.Lines...)
		if d.Apply(&e) {
			e.Status = rcm.EncounterOpen
			if err := e.Validate(); err != nil {
				return err
			}
			if err := tx.updateEncounter(ctx, a, cur, &e); err != nil {
				return err
			}
		} else if err := tx.audit(ctx, a, rcm.AuditUpdate, "encounter", cur.ID, cur.PatientID); err != nil {
			// A rejection (or a code already there) changes no code, but
			// the decision is still a change of the encounter's record.
			return err
		}
		d.ID, err = tx.insert(ctx, `INSERT INTO suggestion_decision (org_id, encounter_id, patient_id, system, code, units, evidence, decision, reason, replacement, user_id, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.OrgID, d.EncounterID, d.PatientID, d.System, d.Code, d.Units, formatSpans(d.Evidence), d.Decision, d.Reason, d.Replacement, d.UserID, formatTime(d.At))
		saved = &e
		return err
	})
	if err != nil {
		return nil, err
	}
	return saved, nil
}

func (f *decisionWhere) add(cond string, arg any) {
	f.sql += " AND " + cond
	f.args = append(f.args, arg)
}

type decisionWhere struct {
	sql  string
	args []any
}

func whereDecisions(org int64, f rcm.SuggestionDecisionFilter) decisionWhere {
	w := decisionWhere{sql: "org_id = ?", args: []any{org}}
	if f.EncounterID != 0 {
		w.add("encounter_id = ?", f.EncounterID)
	}
	if f.UserID != 0 {
		w.add("user_id = ?", f.UserID)
	}
	if !f.From.IsZero() {
		w.add("at >= ?", f.From.String())
	}
	if !f.To.IsZero() {
		w.add("at < ?", f.To.AddDays(1).String())
	}
	return w
}

// FindSuggestionDecisions lists decisions oldest first and audits the read
// as one event naming their patients.
func (db *DB) FindSuggestionDecisions(ctx context.Context, f rcm.SuggestionDecisionFilter) ([]*rcm.SuggestionDecision, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	w := whereDecisions(a.OrgID, f)
	q := `SELECT ` + decisionCols + ` FROM suggestion_decision WHERE ` + w.sql + ` ORDER BY at, id`
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit)
	}
	var out []*rcm.SuggestionDecision
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		out, err = queryAll(ctx, tx, scanDecision, q, w.args...)
		if err != nil {
			return err
		}
		patients := make([]int64, len(out))
		for i, d := range out {
			patients[i] = d.PatientID
		}
		return tx.auditList(ctx, a, "suggestion_decisions", f.EncounterID, patients)
	})
	return out, err
}

// FindDecidedEncounterCodes returns the codes now on each encounter that has
// a decision the filter selects, diagnoses in claim order then lines.
func (db *DB) FindDecidedEncounterCodes(ctx context.Context, f rcm.SuggestionDecisionFilter) (map[int64][]string, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	w := whereDecisions(a.OrgID, f)
	sel := `SELECT DISTINCT encounter_id FROM suggestion_decision WHERE ` + w.sql
	type row struct {
		enc, patient int64
		code         string
	}
	scan := func(s scanner) (row, error) {
		var r row
		return r, s.Scan(&r.enc, &r.patient, &r.code)
	}
	out := map[int64][]string{}
	err = db.Transact(ctx, func(tx *Tx) error {
		var args []any
		args = append(append(args, w.args...), a.OrgID)
		args = append(append(args, w.args...), a.OrgID)
		rows, err := queryAll(ctx, tx, scan, `SELECT encounter_id, patient_id, code FROM (
			SELECT d.encounter_id, e.patient_id, d.code, 0 AS kind, d.seq FROM encounter_diagnosis d JOIN encounter e ON e.org_id = d.org_id AND e.id = d.encounter_id
			WHERE d.encounter_id IN (`+sel+`) AND d.org_id = ?
			UNION ALL
			SELECT l.encounter_id, e.patient_id, l.code, 1 AS kind, l.seq FROM service_line l JOIN encounter e ON e.org_id = l.org_id AND e.id = l.encounter_id
			WHERE l.encounter_id IN (`+sel+`) AND l.org_id = ?) codes ORDER BY encounter_id, kind, seq`, args...)
		if err != nil {
			return fmt.Errorf("decided encounters' codes: %w", err)
		}
		var patients []int64
		for _, r := range rows {
			out[r.enc] = append(out[r.enc], r.code)
			patients = append(patients, r.patient)
		}
		return tx.auditList(ctx, a, "suggestion_outcomes", 0, patients)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func scanDecision(s scanner) (*rcm.SuggestionDecision, error) {
	var d rcm.SuggestionDecision
	var ev, at string
	if err := s.Scan(&d.ID, &d.OrgID, &d.EncounterID, &d.PatientID, &d.System, &d.Code, &d.Units, &ev, &d.Decision, &d.Reason, &d.Replacement, &d.UserID, &at); err != nil {
		return nil, err
	}
	var err error
	if d.Evidence, err = parseSpans(ev); err != nil {
		return nil, err
	}
	d.At, err = parseTime(at)
	return &d, err
}

// formatSpans writes evidence offsets as "start-end,start-end".
func formatSpans(spans []rcm.EvidenceSpan) string {
	s := make([]string, len(spans))
	for i, sp := range spans {
		s[i] = strconv.Itoa(sp.Start) + "-" + strconv.Itoa(sp.End)
	}
	return strings.Join(s, ",")
}

func parseSpans(s string) ([]rcm.EvidenceSpan, error) {
	out := []rcm.EvidenceSpan{}
	if s == "" {
		return out, nil
	}
	for _, p := range strings.Split(s, ",") {
		a, b, ok := strings.Cut(p, "-")
		start, err1 := strconv.Atoi(a)
		end, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("evidence %q: not start-end offsets", p)
		}
		out = append(out, rcm.EvidenceSpan{Start: start, End: end})
	}
	return out, nil
}
