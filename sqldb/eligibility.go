package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
)

// Eligibility checks and answers are patient data: every store and read
// below writes an audit event in its transaction.

const eligibilityCheckCols = `id, org_id, coverage_id, patient_id, payer_id, trace, reference, service_types, date_of_service, created_at`

func scanEligibilityCheck(s scanner) (*eligibility.Check, error) {
	c := &eligibility.Check{}
	var types, dos, created string
	if err := s.Scan(&c.ID, &c.OrgID, &c.CoverageID, &c.PatientID, &c.PayerID, &c.Trace, &c.Reference, &types, &dos, &created); err != nil {
		return nil, err
	}
	c.ServiceTypes = strings.Fields(types)
	c.Originator = eligibility.Originator(c.OrgID)
	var err error
	if c.DateOfService, err = parseDate(dos); err != nil {
		return nil, err
	}
	c.CreatedAt, err = parseTime(created)
	return c, err
}

// CreateEligibilityChecks stores the checks of one 270 before it leaves,
// giving each the next trace number (TRN02) of the organization. The
// patient and payer are taken from the coverage, so a check cannot name a
// coverage of another patient. All are stored or none.
func (db *DB) CreateEligibilityChecks(ctx context.Context, checks []*eligibility.Check) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWritePatients)
	if err != nil {
		return err
	}
	if len(checks) == 0 || len(checks) > 10000 {
		return rcm.Errorf(rcm.EINVALID, "Store 1 to 10,000 eligibility checks at a time.")
	}
	for _, c := range checks {
		if c.Reference == "" || len(c.Reference) > 50 {
			return rcm.FieldErrorf(rcm.EINVALID, "reference", "An eligibility check needs the 270's reference (BHT03), 1 to 50 characters.")
		}
	}
	return db.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO eligibility_trace (org_id, last) VALUES (?, 0) ON CONFLICT DO NOTHING`, a.OrgID); err != nil {
			return mapError(err)
		}
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT last FROM eligibility_trace WHERE org_id = ?`+tx.forUpdate(), a.OrgID).Scan(&last); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE eligibility_trace SET last = ? WHERE org_id = ?`, last+int64(len(checks)), a.OrgID); err != nil {
			return err
		}
		now := tx.Now()
		for i, c := range checks {
			err := tx.QueryRowContext(ctx, `SELECT patient_id, payer_id FROM coverage WHERE org_id = ? AND id = ?`, a.OrgID, c.CoverageID).Scan(&c.PatientID, &c.PayerID)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("Coverage", c.CoverageID)
			} else if err != nil {
				return err
			}
			c.OrgID, c.CreatedAt = a.OrgID, now
			c.Trace = fmt.Sprintf("%010d", last+int64(i)+1)
			c.Originator = eligibility.Originator(a.OrgID)
			id, err := tx.insert(ctx, `INSERT INTO eligibility_check (org_id, coverage_id, patient_id, payer_id, trace, reference, service_types, date_of_service, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				a.OrgID, c.CoverageID, c.PatientID, c.PayerID, c.Trace, c.Reference, strings.Join(c.ServiceTypes, " "), formatDate(c.DateOfService), formatTime(now))
			if err != nil {
				return err
			}
			c.ID = id
			if err := tx.audit(ctx, a, rcm.AuditCreate, "eligibility_check", id, c.PatientID); err != nil {
				return err
			}
		}
		return nil
	})
}

// FindEligibilityCheckByTrace returns the check with a trace number.
func (db *DB) FindEligibilityCheckByTrace(ctx context.Context, trace string) (*eligibility.Check, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var c *eligibility.Check
	err = db.Transact(ctx, func(tx *Tx) error {
		c, err = scanEligibilityCheck(tx.QueryRowContext(ctx, `SELECT `+eligibilityCheckCols+` FROM eligibility_check WHERE org_id = ? AND trace = ?`, a.OrgID, trace))
		if errors.Is(err, sql.ErrNoRows) {
			return rcm.Errorf(rcm.ENOTFOUND, "No eligibility check with trace number %q.", trace)
		} else if err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "eligibility_check", c.ID, c.PatientID)
	})
	return c, err
}

// UnmatchedError lists the answers of a 271 that match no stored check:
// a trace number this organization never sent, or a rejected inquiry whose
// reference is unknown. Nothing of the 271 was stored.
type UnmatchedError struct {
	// Traces are the unknown TRN02 values, or "reference X" for a
	// rejection of a whole inquiry.
	Traces []string
}

func (e *UnmatchedError) Error() string {
	return fmt.Sprintf("no eligibility check was sent under %s; nothing of this 271 was stored", strings.Join(e.Traces, ", "))
}

// RecordEligibility stores the answers of one 271 on the coverages asked
// about. Each answer is matched to its check by trace number (TRN02, with
// TRN03 naming this organization) or, for a rejection of the whole inquiry,
// by the 270's reference (BHT03), which gives every check of that inquiry
// the rejection. It stores all answers or none: when any is unmatched it
// returns an *UnmatchedError and changes nothing. An answer stored before
// (the same 271 read again) is returned with Repeated set and not stored
// twice.
func (db *DB) RecordEligibility(ctx context.Context, results []eligibility.Result) ([]*eligibility.Record, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermWritePatients)
	if err != nil {
		return nil, err
	}
	var out []*eligibility.Record
	err = db.Transact(ctx, func(tx *Tx) error {
		out = nil
		type match struct {
			check *eligibility.Check
			res   *eligibility.Result
		}
		var matches []match
		var unmatched []string
		for i := range results {
			r := &results[i]
			checks, err := tx.matchChecks(ctx, a.OrgID, r)
			if err != nil {
				return err
			}
			if len(checks) == 0 {
				if r.Trace != "" {
					unmatched = append(unmatched, fmt.Sprintf("trace %q", r.Trace))
				} else {
					unmatched = append(unmatched, fmt.Sprintf("reference %q", r.Reference))
				}
			}
			for _, c := range checks {
				matches = append(matches, match{c, r})
			}
		}
		if len(unmatched) > 0 {
			return &UnmatchedError{Traces: unmatched}
		}
		now := tx.Now()
		for _, m := range matches {
			detail, err := json.Marshal(m.res)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(detail)
			rec := &eligibility.Record{
				OrgID: a.OrgID, CheckID: m.check.ID, CoverageID: m.check.CoverageID, PatientID: m.check.PatientID, Trace: m.check.Trace,
				CheckedOn: rcm.DateOf(now), ReceivedAt: now, Status: m.res.Status, Summary: m.res.Summary(), Result: m.res,
			}
			fp := hex.EncodeToString(sum[:])
			var existing int64
			err = tx.QueryRowContext(ctx, `SELECT id FROM eligibility_result WHERE org_id = ? AND check_id = ? AND fingerprint = ?`, a.OrgID, m.check.ID, fp).Scan(&existing)
			switch {
			case err == nil:
				prev, err := db.scanEligibilityRecord(tx.QueryRowContext(ctx, `SELECT `+eligibilityRecordCols+` FROM eligibility_result r JOIN eligibility_check c ON c.org_id = r.org_id AND c.id = r.check_id WHERE r.org_id = ? AND r.id = ?`, a.OrgID, existing))
				if err != nil {
					return err
				}
				prev.Repeated = true
				out = append(out, prev)
				if err := tx.audit(ctx, a, rcm.AuditRead, "eligibility_result", existing, prev.PatientID); err != nil {
					return err
				}
				continue
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			// The detail holds the member ID the payer returned: it is
			// sealed bound to the row's id, after the insert.
			rec.ID, err = tx.insert(ctx, `INSERT INTO eligibility_result (org_id, check_id, coverage_id, patient_id, checked_on, received_at, status, summary, detail, fingerprint)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?)`,
				a.OrgID, rec.CheckID, rec.CoverageID, rec.PatientID, formatDate(rec.CheckedOn), formatTime(now), string(rec.Status), rec.Summary, fp)
			if err != nil {
				return err
			}
			sealed, err := db.sealRow(eligibilitySealed, a.OrgID, rec.ID, []string{string(detail)})
			if err != nil {
				return err
			}
			if err := tx.writeSealed(ctx, eligibilitySealed, a.OrgID, rec.ID, sealed); err != nil {
				return err
			}
			if err := tx.audit(ctx, a, rcm.AuditCreate, "eligibility_result", rec.ID, rec.PatientID); err != nil {
				return err
			}
			out = append(out, rec)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// matchChecks finds the checks an answer belongs to.
func (tx *Tx) matchChecks(ctx context.Context, org int64, r *eligibility.Result) ([]*eligibility.Check, error) {
	if r.Trace != "" {
		// A TRN03 that is not this organization's means the trace number
		// is someone else's, even if the same digits exist here.
		if r.Originator != "" && r.Originator != eligibility.Originator(org) {
			return nil, nil
		}
		return queryAll(ctx, tx, scanEligibilityCheck, `SELECT `+eligibilityCheckCols+` FROM eligibility_check WHERE org_id = ? AND trace = ?`, org, r.Trace)
	}
	if r.Reference == "" {
		return nil, nil
	}
	return queryAll(ctx, tx, scanEligibilityCheck, `SELECT `+eligibilityCheckCols+` FROM eligibility_check WHERE org_id = ? AND reference = ? ORDER BY id`, org, r.Reference)
}

const eligibilityRecordCols = `r.id, r.org_id, r.check_id, r.coverage_id, r.patient_id, c.trace, r.checked_on, r.received_at, r.status, r.summary, r.detail, r.sealed_key`

// scanEligibilityRecord reads a 271 answer and opens its sealed detail.
func (db *DB) scanEligibilityRecord(s scanner) (*eligibility.Record, error) {
	rec := &eligibility.Record{}
	var checked, received, status, detail, key string
	if err := s.Scan(&rec.ID, &rec.OrgID, &rec.CheckID, &rec.CoverageID, &rec.PatientID, &rec.Trace, &checked, &received, &status, &rec.Summary, &detail, &key); err != nil {
		return nil, err
	}
	rec.Status = eligibility.Status(status)
	detail, err := db.openValue("eligibility_result", "detail", rec.OrgID, rec.ID, key, detail)
	if err != nil {
		return nil, err
	}
	if rec.CheckedOn, err = parseDate(checked); err != nil {
		return nil, err
	}
	if rec.ReceivedAt, err = parseTime(received); err != nil {
		return nil, err
	}
	rec.Result = &eligibility.Result{}
	if err := json.Unmarshal([]byte(detail), rec.Result); err != nil {
		return nil, fmt.Errorf("eligibility result %d: %w", rec.ID, err)
	}
	return rec, nil
}

// FindEligibility returns the eligibility history of a coverage, newest
// first, and audits the read.
func (db *DB) FindEligibility(ctx context.Context, coverageID int64) ([]*eligibility.Record, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var out []*eligibility.Record
	err = db.Transact(ctx, func(tx *Tx) error {
		var patient int64
		err := tx.QueryRowContext(ctx, `SELECT patient_id FROM coverage WHERE org_id = ? AND id = ?`, a.OrgID, coverageID).Scan(&patient)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Coverage", coverageID)
		} else if err != nil {
			return err
		}
		out, err = queryAll(ctx, tx, tx.db.scanEligibilityRecord, `SELECT `+eligibilityRecordCols+` FROM eligibility_result r JOIN eligibility_check c ON c.org_id = r.org_id AND c.id = r.check_id
			WHERE r.org_id = ? AND r.coverage_id = ? ORDER BY r.id DESC`, a.OrgID, coverageID)
		if err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "coverage_eligibility", coverageID, patient)
	})
	return out, err
}

// FindLatestEligibility returns the newest answer stored on a coverage, or
// ENOTFOUND when eligibility was never checked.
func (db *DB) FindLatestEligibility(ctx context.Context, coverageID int64) (*eligibility.Record, error) {
	all, err := db.FindEligibility(ctx, coverageID)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, rcm.Errorf(rcm.ENOTFOUND, "Eligibility of coverage %d was never checked.", coverageID)
	}
	return all[0], nil
}
