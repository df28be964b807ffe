package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codingaudit"
)

var (
	_ codingaudit.Store         = (*DB)(nil)
	_ codingaudit.PracticeStore = (*DB)(nil)
)

// FindCoders lists the organization's users whose role may code, for an
// auditor choosing whose work to sample.
func (db *DB) FindCoders(ctx context.Context) ([]*rcm.User, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermAuditCoding)
	if err != nil {
		return nil, err
	}
	us, err := queryAll(ctx, db, scanUser, `SELECT `+userCols+` FROM app_user WHERE org_id = ? ORDER BY username`, a.OrgID)
	if err != nil {
		return nil, err
	}
	var out []*rcm.User
	for _, u := range us {
		if rcm.RoleCan(u.Role, rcm.PermCode) {
			u.PasswordHash = ""
			out = append(out, u)
		}
	}
	return out, nil
}

// FindCodedEncounterIDs is the sampling frame: the finished (coded or
// billed) encounters in the period that the coder last saved as coded. It
// reads ids only; the sample's encounters are then read (and audited)
// through FindEncounters.
func (db *DB) FindCodedEncounterIDs(ctx context.Context, coderID int64, from, to rcm.Date) ([]int64, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermAuditCoding)
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, db, func(s scanner) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	}, `SELECT id FROM encounter
		WHERE org_id = ? AND coded_by = ? AND status IN (?, ?) AND date_of_service >= ? AND date_of_service <= ?
		ORDER BY id`,
		a.OrgID, coderID, rcm.EncounterCoded, rcm.EncounterBilled, formatDate(from), formatDate(to))
}

func codingJSON(c *codingaudit.Coding) (string, error) {
	if c == nil {
		return "", nil
	}
	b, err := json.Marshal(c)
	return string(b), err
}

func codingOf(s string) (*codingaudit.Coding, error) {
	if s == "" {
		return nil, nil
	}
	c := &codingaudit.Coding{}
	return c, json.Unmarshal([]byte(s), c)
}

// CreateCodingAudit stores an audit and its sampled encounters in one
// transaction, and audits the write as a change naming their patients.
func (db *DB) CreateCodingAudit(ctx context.Context, au *codingaudit.Audit) error {
	a, err := rcm.RequireActor(ctx, rcm.PermAuditCoding)
	if err != nil {
		return err
	}
	if len(au.Items) == 0 {
		return rcm.Errorf(rcm.EINVALID, "An audit needs at least one encounter.")
	}
	return db.Transact(ctx, func(tx *Tx) error {
		au.OrgID, au.AuditorID, au.CreatedAt = a.OrgID, a.UserID, tx.Now()
		id, err := tx.insert(ctx, `INSERT INTO coding_audit (org_id, coder_id, auditor_id, period_from, period_to, size, seed, frame, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.OrgID, au.CoderID, a.UserID, formatDate(au.From), formatDate(au.To), au.Size, au.Seed, au.Frame, formatTime(au.CreatedAt))
		if err != nil {
			return err
		}
		au.ID = id
		var patients []int64
		for _, it := range au.Items {
			codes, err := codingJSON(it.Coder)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO coding_audit_item (org_id, audit_id, encounter_id, patient_id, practice_id, provider_id, date_of_service, coder_codes)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.OrgID, id, it.EncounterID, it.PatientID, it.PracticeID, it.ProviderID, formatDate(it.DateOfService), codes); err != nil {
				return mapError(err)
			}
			patients = append(patients, it.PatientID)
		}
		if err := tx.QueryRowContext(ctx, `SELECT username FROM app_user WHERE org_id = ? AND id = ?`, a.OrgID, a.UserID).Scan(&au.AuditorName); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return tx.auditList(ctx, a, "coding_audit", id, patients)
	})
}

const codingAuditCols = `c.id, c.org_id, c.coder_id, COALESCE(cu.username, ''), c.auditor_id, COALESCE(au.username, ''), c.period_from, c.period_to, c.size, c.seed, c.frame, c.created_at`

const codingAuditFrom = ` FROM coding_audit c
	LEFT JOIN app_user cu ON cu.org_id = c.org_id AND cu.id = c.coder_id
	LEFT JOIN app_user au ON au.org_id = c.org_id AND au.id = c.auditor_id`

func scanCodingAudit(s scanner) (*codingaudit.Audit, error) {
	au := &codingaudit.Audit{}
	var from, to, created string
	if err := s.Scan(&au.ID, &au.OrgID, &au.CoderID, &au.CoderName, &au.AuditorID, &au.AuditorName, &from, &to, &au.Size, &au.Seed, &au.Frame, &created); err != nil {
		return nil, err
	}
	var err error
	if au.From, err = parseDate(from); err != nil {
		return nil, err
	}
	if au.To, err = parseDate(to); err != nil {
		return nil, err
	}
	au.CreatedAt, err = parseTime(created)
	return au, err
}

// FindCodingAudit returns an audit with its sampled encounters and audits
// the read as a list read of their patients.
func (db *DB) FindCodingAudit(ctx context.Context, id int64) (*codingaudit.Audit, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermAuditCoding)
	if err != nil {
		return nil, err
	}
	var au *codingaudit.Audit
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		au, err = scanCodingAudit(tx.QueryRowContext(ctx, `SELECT `+codingAuditCols+codingAuditFrom+` WHERE c.org_id = ? AND c.id = ?`, a.OrgID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Coding audit", id)
		} else if err != nil {
			return err
		}
		items, err := queryAll(ctx, tx, func(s scanner) (codingaudit.Item, error) {
			var it codingaudit.Item
			var dos, coder, auditor, machine, recoded string
			if err := s.Scan(&it.EncounterID, &it.PatientID, &it.PracticeID, &it.ProviderID, &dos, &coder, &auditor, &machine, &recoded); err != nil {
				return it, err
			}
			var err error
			if it.DateOfService, err = parseDate(dos); err != nil {
				return it, err
			}
			if it.Coder, err = codingOf(coder); err != nil {
				return it, err
			}
			if it.Auditor, err = codingOf(auditor); err != nil {
				return it, err
			}
			if it.Machine, err = codingOf(machine); err != nil {
				return it, err
			}
			it.RecodedAt, err = parseTime(recoded)
			return it, err
		}, `SELECT encounter_id, patient_id, practice_id, provider_id, date_of_service, coder_codes, auditor_codes, machine_codes, recoded_at
			FROM coding_audit_item WHERE org_id = ? AND audit_id = ? ORDER BY encounter_id`, a.OrgID, id)
		if err != nil {
			return err
		}
		au.Items = items
		patients := make([]int64, len(items))
		for i, it := range items {
			patients[i] = it.PatientID
		}
		return tx.auditList(ctx, a, "coding_audit", id, patients)
	})
	return au, err
}

// FindCodingAudits lists the organization's audits, newest first, without
// their items (no patient's data is read).
func (db *DB) FindCodingAudits(ctx context.Context) ([]*codingaudit.Audit, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermAuditCoding)
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, db, scanCodingAudit, `SELECT `+codingAuditCols+codingAuditFrom+` WHERE c.org_id = ? ORDER BY c.id DESC LIMIT 500`, a.OrgID)
}

// SaveAuditorCoding stores the auditor's (and the suggestions') codes for a
// sampled encounter once, and audits the change.
func (db *DB) SaveAuditorCoding(ctx context.Context, auditID, encounterID int64, auditor codingaudit.Coding, machine *codingaudit.Coding) error {
	a, err := rcm.RequireActor(ctx, rcm.PermAuditCoding)
	if err != nil {
		return err
	}
	ac, err := codingJSON(&auditor)
	if err != nil {
		return err
	}
	mc, err := codingJSON(machine)
	if err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		var patient int64
		err := tx.QueryRowContext(ctx, `SELECT i.patient_id FROM coding_audit_item i JOIN coding_audit c ON c.id = i.audit_id
			WHERE i.org_id = ? AND i.audit_id = ? AND i.encounter_id = ? AND c.auditor_id = ?`, a.OrgID, auditID, encounterID, a.UserID).Scan(&patient)
		if errors.Is(err, sql.ErrNoRows) {
			return rcm.Errorf(rcm.ENOTFOUND, "Encounter %d is not in your audit %d's sample.", encounterID, auditID)
		} else if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE coding_audit_item SET auditor_codes = ?, machine_codes = ?, recoded_at = ?
			WHERE org_id = ? AND audit_id = ? AND encounter_id = ? AND auditor_codes = ''`, ac, mc, formatTime(tx.Now()), a.OrgID, auditID, encounterID)
		if err != nil {
			return mapError(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return rcm.Errorf(rcm.ECONFLICT, "Encounter %d of audit %d is already re-coded.", encounterID, auditID)
		}
		return tx.audit(ctx, a, rcm.AuditUpdate, "coding_audit", auditID, patient)
	})
}

// CreatePracticeAttempt stores a learner's attempt at a practice case.
func (db *DB) CreatePracticeAttempt(ctx context.Context, at *codingaudit.Attempt) error {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return err
	}
	if a.UserID == 0 {
		return rcm.Errorf(rcm.EINVALID, "Practice attempts belong to a user: sign in as one.")
	}
	codes, err := codingJSON(&at.Coding)
	if err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		at.UserID, at.At = a.UserID, tx.Now()
		s := at.Score
		id, err := tx.insert(ctx, `INSERT INTO practice_attempt (org_id, user_id, case_id, codes, dx_truth, dx_coded, dx_agree, proc_truth, proc_coded, proc_agree,
			first_listed_agree, lines_matched, modifiers_agree, units_agree, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.OrgID, a.UserID, at.CaseID, codes, s.DxTruth, s.DxCoded, s.DxAgree, s.ProcTruth, s.ProcCoded, s.ProcAgree,
			s.FirstListedAgree, s.LinesMatched, s.ModifiersAgree, s.UnitsAgree, formatTime(at.At))
		at.ID = id
		return err
	})
}

// FindPracticeAttempts lists the actor's own attempts, oldest first.
func (db *DB) FindPracticeAttempts(ctx context.Context) ([]*codingaudit.Attempt, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, db, func(sc scanner) (*codingaudit.Attempt, error) {
		at := &codingaudit.Attempt{}
		var codes, when string
		s := &at.Score
		if err := sc.Scan(&at.ID, &at.UserID, &at.CaseID, &codes, &s.DxTruth, &s.DxCoded, &s.DxAgree, &s.ProcTruth, &s.ProcCoded, &s.ProcAgree,
			&s.FirstListedAgree, &s.LinesMatched, &s.ModifiersAgree, &s.UnitsAgree, &when); err != nil {
			return nil, err
		}
		s.Encounters = 1
		c, err := codingOf(codes)
		if err != nil {
			return nil, err
		}
		at.Coding = *c
		at.At, err = parseTime(when)
		return at, err
	}, `SELECT id, user_id, case_id, codes, dx_truth, dx_coded, dx_agree, proc_truth, proc_coded, proc_agree, first_listed_agree, lines_matched,
		modifiers_agree, units_agree, at FROM practice_attempt WHERE org_id = ? AND user_id = ? ORDER BY id LIMIT 1000`, a.OrgID, a.UserID)
}
