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

var _ rcm.PatientService = (*DB)(nil)

const patientCols = `id, org_id, account_number, first_name, middle_name, last_name, birth_date, sex, line1, line2, city, state, zip, phone, guarantor`

func scanPatient(s scanner) (*rcm.Patient, error) {
	p := &rcm.Patient{}
	ad := &p.Address
	var birth, guarantor string
	if err := s.Scan(&p.ID, &p.OrgID, &p.AccountNumber, &p.FirstName, &p.MiddleName, &p.LastName, &birth, &p.Sex,
		&ad.Line1, &ad.Line2, &ad.City, &ad.State, &ad.ZIP, &p.Phone, &guarantor); err != nil {
		return nil, err
	}
	if guarantor != "" {
		p.Guarantor = &rcm.Guarantor{}
		if err := json.Unmarshal([]byte(guarantor), p.Guarantor); err != nil {
			return nil, fmt.Errorf("patient %d guarantor: %w", p.ID, err)
		}
	}
	var err error
	p.BirthDate, err = parseDate(birth)
	return p, err
}

// CreatePatient stores a patient and audits the creation.
func (db *DB) CreatePatient(ctx context.Context, p *rcm.Patient) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWritePatients)
	if err != nil {
		return err
	}
	if err := p.Validate(db.today()); err != nil {
		return err
	}
	p.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, `INSERT INTO patient (org_id, account_number, first_name, middle_name, last_name, birth_date, sex, line1, line2, city, state, zip, phone, guarantor)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.OrgID, p.AccountNumber, p.FirstName, p.MiddleName, p.LastName, formatDate(p.BirthDate), p.Sex,
			p.Address.Line1, p.Address.Line2, p.Address.City, p.Address.State, p.Address.ZIP, p.Phone, guarantorJSON(p.Guarantor))
		if err != nil {
			return err
		}
		p.ID = id
		return tx.audit(ctx, a, rcm.AuditCreate, "patient", id, id)
	})
}

// FindPatientByID returns a patient and audits the read.
func (db *DB) FindPatientByID(ctx context.Context, id int64) (*rcm.Patient, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var p *rcm.Patient
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		p, err = scanPatient(tx.QueryRowContext(ctx, `SELECT `+patientCols+` FROM patient WHERE org_id = ? AND id = ?`, a.OrgID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Patient", id)
		} else if err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "patient", id, id)
	})
	return p, err
}

// FindPatients lists patients by name, member ID or id and audits the read
// as one event naming every patient listed.
func (db *DB) FindPatients(ctx context.Context, f rcm.PatientFilter) ([]*rcm.Patient, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	where, args, err := db.patientWhere(a.OrgID, f)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + patientCols + ` FROM patient WHERE ` + where
	if f.After != nil {
		q += ` AND (last_name > ? OR (last_name = ? AND (first_name > ? OR (first_name = ? AND id > ?))))`
		args = append(args, f.After.LastName, f.After.LastName, f.After.FirstName, f.After.FirstName, f.After.ID)
	}
	q += ` ORDER BY last_name, first_name, id LIMIT ? OFFSET ?`
	args = append(args, limit(f.Limit), max(f.Offset, 0))
	var out []*rcm.Patient
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		out, err = queryAll(ctx, tx, scanPatient, q, args...)
		if err != nil {
			return err
		}
		ids := make([]int64, len(out))
		for i, p := range out {
			ids[i] = p.ID
		}
		return tx.auditList(ctx, a, "patients", 0, ids)
	})
	return out, err
}

// FindPatientsByAccount returns the patients whose account numbers, ignoring
// case, are among accounts (at most 1000), in name order, and audits the
// read as one event naming them: an interface reads the patients of a
// batch of messages at once instead of one query per message.
func (db *DB) FindPatientsByAccount(ctx context.Context, accounts []string) ([]*rcm.Patient, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	if len(accounts) == 0 {
		return nil, nil
	}
	if len(accounts) > 1000 {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "account_number", "At most 1000 account numbers may be looked up at once.")
	}
	args := make([]any, 0, len(accounts)+1)
	args = append(args, a.OrgID)
	for _, acct := range accounts {
		args = append(args, strings.ToUpper(strings.TrimSpace(acct)))
	}
	// The index on upper(account_number) answers this (migration 01440).
	q := `SELECT ` + patientCols + ` FROM patient WHERE org_id = ? AND upper(account_number) IN (?` + strings.Repeat(", ?", len(accounts)-1) + `)
		ORDER BY last_name, first_name, id`
	var out []*rcm.Patient
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		if out, err = queryAll(ctx, tx, scanPatient, q, args...); err != nil {
			return err
		}
		ids := make([]int64, len(out))
		for i, p := range out {
			ids[i] = p.ID
		}
		return tx.auditList(ctx, a, "patients", 0, ids)
	})
	return out, err
}

// patientWhere is the condition on table patient (unqualified columns) that
// f's fields other than After, Limit and Offset ask for.
func (db *DB) patientWhere(org int64, f rcm.PatientFilter) (string, []any, error) {
	q := `org_id = ?`
	args := []any{org}
	if name := strings.ToLower(strings.TrimSpace(f.Name)); name != "" && !f.NameAnywhere {
		q += ` AND (lower(last_name) LIKE ? ESCAPE '\' OR lower(first_name) LIKE ? ESCAPE '\')`
		pat := likePrefix(name)
		args = append(args, pat, pat)
	} else if name != "" {
		for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == ',' }) {
			q += ` AND (lower(last_name) LIKE ? ESCAPE '\' OR lower(first_name) LIKE ? ESCAPE '\')`
			pat := "%" + likePrefix(w)
			args = append(args, pat, pat)
		}
	}
	if !f.BirthDate.IsZero() {
		q += ` AND birth_date = ?`
		args = append(args, formatDate(f.BirthDate))
	}
	if acct := strings.TrimSpace(f.AccountNumber); acct != "" {
		q += ` AND upper(account_number) = ?`
		args = append(args, strings.ToUpper(acct))
	}
	if f.MemberID != "" {
		cond, condArgs := db.memberIDMatch(org, f.MemberID)
		q += ` AND id IN (SELECT patient_id FROM coverage WHERE org_id = ? AND ` + cond + `)`
		args = append(append(args, org), condArgs...)
	}
	if f.PayerID > 0 {
		q += ` AND id IN (SELECT patient_id FROM coverage WHERE org_id = ? AND payer_id = ?)`
		args = append(args, org, f.PayerID)
	}
	if f.BalanceDue {
		q += ` AND id IN (SELECT enc.patient_id FROM ledger_pair e
			JOIN service_line s ON s.org_id = e.org_id AND s.id = e.line_id
			JOIN encounter enc ON enc.org_id = s.org_id AND enc.id = s.encounter_id
			WHERE e.org_id = ? AND (e.debit_kind = 'patient_ar' OR e.credit_kind = 'patient_ar')
			GROUP BY enc.patient_id HAVING SUM(` + patientAR + `) > 0)`
		args = append(args, org)
	}
	if len(f.IDs) > 0 {
		if len(f.IDs) > 1000 {
			return "", nil, rcm.FieldErrorf(rcm.EINVALID, "ids", "At most 1000 patients may be read at once.")
		}
		q += ` AND id IN (?` + strings.Repeat(", ?", len(f.IDs)-1) + `)`
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	return q, args, nil
}

// guarantorJSON is the stored form of a guarantor: ” for none.
func guarantorJSON(g *rcm.Guarantor) string {
	if g == nil {
		return ""
	}
	b, _ := json.Marshal(g)
	return string(b)
}

// likePrefix escapes LIKE wildcards in s and appends %.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}

// UpdatePatient replaces a patient's demographics and audits the change.
func (db *DB) UpdatePatient(ctx context.Context, p *rcm.Patient) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWritePatients)
	if err != nil {
		return err
	}
	if err := p.Validate(db.today()); err != nil {
		return err
	}
	p.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		err := tx.updateOne(ctx, "Patient", p.ID, `UPDATE patient SET account_number = ?, first_name = ?, middle_name = ?, last_name = ?, birth_date = ?, sex = ?,
			line1 = ?, line2 = ?, city = ?, state = ?, zip = ?, phone = ?, guarantor = ? WHERE org_id = ? AND id = ?`,
			p.AccountNumber, p.FirstName, p.MiddleName, p.LastName, formatDate(p.BirthDate), p.Sex,
			p.Address.Line1, p.Address.Line2, p.Address.City, p.Address.State, p.Address.ZIP, p.Phone, guarantorJSON(p.Guarantor), a.OrgID, p.ID)
		if err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditUpdate, "patient", p.ID, p.ID)
	})
}

const coverageCols = `id, org_id, patient_id, payer_id, ord, member_id, group_number, relationship, subscriber, effective_from, effective_to, insurance_type, sealed_key`

// scanCoverage reads a coverage row and opens its sealed member ID and
// subscriber.
func (db *DB) scanCoverage(s scanner) (*rcm.Coverage, error) {
	c := &rcm.Coverage{}
	var member, sub, from, to, key string
	if err := s.Scan(&c.ID, &c.OrgID, &c.PatientID, &c.PayerID, &c.Order, &member, &c.GroupNumber, &c.Relationship, &sub, &from, &to, &c.InsuranceType, &key); err != nil {
		return nil, err
	}
	var err error
	if c.MemberID, err = db.openValue("coverage", "member_id", c.OrgID, c.ID, key, member); err != nil {
		return nil, err
	}
	if sub, err = db.openValue("coverage", "subscriber", c.OrgID, c.ID, key, sub); err != nil {
		return nil, err
	}
	if sub != "" {
		c.Subscriber = &rcm.Subscriber{}
		if err := json.Unmarshal([]byte(sub), c.Subscriber); err != nil {
			return nil, err
		}
	}
	if c.EffectiveFrom, err = parseDate(from); err != nil {
		return nil, err
	}
	c.EffectiveTo, err = parseDate(to)
	return c, err
}

func subscriberJSON(s *rcm.Subscriber) (string, error) {
	if s == nil {
		return "", nil
	}
	b, err := json.Marshal(s)
	return string(b), err
}

// CreateCoverage stores a coverage of a patient and audits it.
func (db *DB) CreateCoverage(ctx context.Context, c *rcm.Coverage) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWritePatients)
	if err != nil {
		return err
	}
	if err := c.Validate(db.today()); err != nil {
		return err
	}
	sub, err := subscriberJSON(c.Subscriber)
	if err != nil {
		return err
	}
	c.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		if err := tx.requirePatient(ctx, a.OrgID, c.PatientID); err != nil {
			return err
		}
		if err := tx.checkCoverageOrder(ctx, a.OrgID, c); err != nil {
			return err
		}
		// The sealed fields are bound to the row's id, known only once the
		// row is in: it goes in with them empty, and they follow in the
		// same transaction.
		id, err := tx.insert(ctx, `INSERT INTO coverage (org_id, patient_id, payer_id, ord, member_id, group_number, relationship, subscriber, effective_from, effective_to,
			insurance_type) VALUES (?, ?, ?, ?, '', ?, ?, '', ?, ?, ?)`,
			a.OrgID, c.PatientID, c.PayerID, c.Order, c.GroupNumber, c.Relationship, formatDate(c.EffectiveFrom), formatDate(c.EffectiveTo),
			c.InsuranceType)
		if err != nil {
			return err
		}
		c.ID = id
		sealed, err := db.sealRow(coverageSealed, a.OrgID, id, []string{c.MemberID, sub})
		if err != nil {
			return err
		}
		if err := tx.writeSealed(ctx, coverageSealed, a.OrgID, id, sealed); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditCreate, "coverage", id, c.PatientID)
	})
}

// checkCoverageOrder refuses a second coverage of the same order whose
// dates overlap: a patient has one primary at a time.
func (tx *Tx) checkCoverageOrder(ctx context.Context, org int64, c *rcm.Coverage) error {
	others, err := queryAll(ctx, tx, tx.db.scanCoverage, `SELECT `+coverageCols+` FROM coverage WHERE org_id = ? AND patient_id = ? AND ord = ? AND id <> ?`,
		org, c.PatientID, c.Order, c.ID)
	if err != nil {
		return err
	}
	for _, o := range others {
		overlap := (o.EffectiveTo.IsZero() || !o.EffectiveTo.Before(c.EffectiveFrom)) &&
			(c.EffectiveTo.IsZero() || !c.EffectiveTo.Before(o.EffectiveFrom))
		if overlap {
			return rcm.FieldErrorf(rcm.ECONFLICT, "order", "The patient already has an order-%d coverage (id %d) in force during these dates; end it first.", c.Order, o.ID)
		}
	}
	return nil
}

// FindCoverageByID returns a coverage and audits the read.
func (db *DB) FindCoverageByID(ctx context.Context, id int64) (*rcm.Coverage, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var c *rcm.Coverage
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		c, err = db.scanCoverage(tx.QueryRowContext(ctx, `SELECT `+coverageCols+` FROM coverage WHERE org_id = ? AND id = ?`, a.OrgID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Coverage", id)
		} else if err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "coverage", id, c.PatientID)
	})
	return c, err
}

// FindCoverages returns a patient's coverages in order and audits the read.
func (db *DB) FindCoverages(ctx context.Context, patientID int64) ([]*rcm.Coverage, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var out []*rcm.Coverage
	err = db.Transact(ctx, func(tx *Tx) error {
		if err := tx.requirePatient(ctx, a.OrgID, patientID); err != nil {
			return err
		}
		var err error
		out, err = queryAll(ctx, tx, tx.db.scanCoverage, `SELECT `+coverageCols+` FROM coverage WHERE org_id = ? AND patient_id = ? ORDER BY ord, effective_from, id`, a.OrgID, patientID)
		if err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "coverage", 0, patientID)
	})
	return out, err
}

// UpdateCoverage replaces a coverage's fields and audits the change.
func (db *DB) UpdateCoverage(ctx context.Context, c *rcm.Coverage) error {
	a, err := rcm.RequireActor(ctx, rcm.PermWritePatients)
	if err != nil {
		return err
	}
	if err := c.Validate(db.today()); err != nil {
		return err
	}
	sub, err := subscriberJSON(c.Subscriber)
	if err != nil {
		return err
	}
	c.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		var patientID int64
		err := tx.QueryRowContext(ctx, `SELECT patient_id FROM coverage WHERE org_id = ? AND id = ?`, a.OrgID, c.ID).Scan(&patientID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Coverage", c.ID)
		} else if err != nil {
			return err
		}
		if patientID != c.PatientID {
			return rcm.FieldErrorf(rcm.EINVALID, "patient_id", "A coverage cannot move to another patient; add a coverage to that patient instead.")
		}
		if err := tx.checkCoverageOrder(ctx, a.OrgID, c); err != nil {
			return err
		}
		err = tx.updateOne(ctx, "Coverage", c.ID, `UPDATE coverage SET patient_id = ?, payer_id = ?, ord = ?, group_number = ?, relationship = ?,
			effective_from = ?, effective_to = ?, insurance_type = ? WHERE org_id = ? AND id = ?`,
			c.PatientID, c.PayerID, c.Order, c.GroupNumber, c.Relationship, formatDate(c.EffectiveFrom), formatDate(c.EffectiveTo),
			c.InsuranceType, a.OrgID, c.ID)
		if err != nil {
			return err
		}
		sealed, err := db.sealRow(coverageSealed, a.OrgID, c.ID, []string{c.MemberID, sub})
		if err != nil {
			return err
		}
		if err := tx.writeSealed(ctx, coverageSealed, a.OrgID, c.ID, sealed); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditUpdate, "coverage", c.ID, c.PatientID)
	})
}

// requirePatient returns ENOTFOUND unless the organization has the patient.
func (tx *Tx) requirePatient(ctx context.Context, org, patientID int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM patient WHERE org_id = ? AND id = ?`, org, patientID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return notFound("Patient", patientID)
	}
	return nil
}

// today is the database clock's date in UTC: the "today" that domain
// validation checks dates against (a birth date may not be after it).
// Practices in the Americas are behind UTC, so their own today is never
// after it.
func (db *DB) today() rcm.Date { return rcm.DateOf(db.Clock.Now().UTC()) }
