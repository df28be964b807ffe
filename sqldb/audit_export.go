package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
)

// AuditExportFilter narrows ExportAuditEvents. Zero values do not narrow.
type AuditExportFilter struct {
	OrgID int64
	// PatientID finds the events about one patient, list reads that
	// showed it among others included: an accounting of disclosures
	// (45 CFR 164.528) must list every time the record was shown.
	PatientID int64
	// From is inclusive and To exclusive.
	From, To time.Time
}

// AuditExportRow is one event with the names a reader of the export needs:
// the user's username and the patients' account numbers.
type AuditExportRow struct {
	Event    *rcm.AuditEvent
	OrgName  string
	Username string
	// Patients are the account numbers of the patients the event is
	// about: its own patient and those of a list read.
	Patients []string
}

// ExportAuditEvents calls fn with every event that matches f, oldest
// first, organization by organization, a page at a time. It reads without
// an actor: it is the operator's export behind `rcm audit export`.
func (db *DB) ExportAuditEvents(ctx context.Context, f AuditExportFilter, fn func(*AuditExportRow) error) error {
	q := `SELECT id, name FROM organization`
	var args []any
	if f.OrgID > 0 {
		q += ` WHERE id = ?`
		args = append(args, f.OrgID)
	}
	type org struct {
		id   int64
		name string
	}
	orgs, err := queryAll(ctx, db, func(s scanner) (org, error) {
		var o org
		return o, s.Scan(&o.id, &o.name)
	}, q+` ORDER BY id`, args...)
	if err != nil {
		return err
	}
	if f.OrgID > 0 && len(orgs) == 0 {
		return rcm.Errorf(rcm.ENOTFOUND, "Organization %d does not exist.", f.OrgID)
	}
	for _, o := range orgs {
		if err := db.exportOrg(ctx, o.id, o.name, f, fn); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) exportOrg(ctx context.Context, org int64, name string, f AuditExportFilter, fn func(*AuditExportRow) error) error {
	users := map[int64]string{}
	if _, err := queryAll(ctx, db, func(s scanner) (int, error) {
		var id int64
		var u string
		err := s.Scan(&id, &u)
		users[id] = u
		return 0, err
	}, `SELECT id, username FROM app_user WHERE org_id = ?`, org); err != nil {
		return err
	}
	accounts := map[int64]string{}
	account := func(id int64) (string, error) {
		if a, ok := accounts[id]; ok {
			return a, nil
		}
		var a string
		err := db.QueryRowContext(ctx, `SELECT account_number FROM patient WHERE org_id = ? AND id = ?`, org, id).Scan(&a)
		if errors.Is(err, sql.ErrNoRows) {
			a, err = "#"+strconv.FormatInt(id, 10), nil
		}
		accounts[id] = a
		return a, err
	}
	where := `org_id = ? AND id > ?`
	args := []any{org}
	var extra []any
	if f.PatientID > 0 {
		where += ` AND (patient_id = ? OR id IN (SELECT event_id FROM audit_list_patient WHERE org_id = ? AND patient_id = ?))`
		extra = append(extra, f.PatientID, org, f.PatientID)
	}
	if !f.From.IsZero() {
		where += ` AND at >= ?`
		extra = append(extra, formatTime(f.From))
	}
	if !f.To.IsZero() {
		where += ` AND at < ?`
		extra = append(extra, formatTime(f.To))
	}
	var after int64
	for {
		page := append(append(append([]any{}, args...), after), extra...)
		page = append(page, auditPage)
		events, err := queryAll(ctx, db, func(s scanner) (*rcm.AuditEvent, error) {
			return scanAuditRow(s, org)
		}, `SELECT `+auditCols+` FROM audit_event WHERE `+where+` ORDER BY id LIMIT ?`, page...)
		if err != nil {
			return err
		}
		if len(events) == 0 {
			return nil
		}
		if err := loadAuditPatients(ctx, db, org, events); err != nil {
			return err
		}
		for _, e := range events {
			row := &AuditExportRow{Event: e, OrgName: name, Username: users[e.UserID]}
			if row.Username == "" && e.UserID != 0 {
				row.Username = "#" + strconv.FormatInt(e.UserID, 10)
			}
			ids := e.PatientIDs
			if e.PatientID > 0 {
				ids = append([]int64{e.PatientID}, ids...)
			}
			for _, id := range ids {
				a, err := account(id)
				if err != nil {
					return err
				}
				row.Patients = append(row.Patients, a)
			}
			if err := fn(row); err != nil {
				return err
			}
			after = e.ID
		}
	}
}

// FindPatientRef finds a patient by account number, or by row id when ref
// is a number no account carries, in one organization (org > 0) or in the
// only organization that has it. It is the operator's lookup behind
// `rcm audit export --patient`.
func (db *DB) FindPatientRef(ctx context.Context, org int64, ref string) (orgID, patientID int64, err error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return 0, 0, rcm.FieldErrorf(rcm.EINVALID, "patient", "Name the patient by account number or id.")
	}
	type hit struct{ org, id int64 }
	find := func(q string, args ...any) ([]hit, error) {
		if org > 0 {
			q += ` AND org_id = ?`
			args = append(args, org)
		}
		return queryAll(ctx, db, func(s scanner) (hit, error) {
			var h hit
			return h, s.Scan(&h.org, &h.id)
		}, q+` ORDER BY org_id, id`, args...)
	}
	hits, err := find(`SELECT org_id, id FROM patient WHERE account_number = ?`, ref)
	if err != nil {
		return 0, 0, err
	}
	if n, perr := strconv.ParseInt(ref, 10, 64); len(hits) == 0 && perr == nil && n > 0 {
		if hits, err = find(`SELECT org_id, id FROM patient WHERE id = ?`, n); err != nil {
			return 0, 0, err
		}
	}
	switch {
	case len(hits) == 0:
		return 0, 0, rcm.FieldErrorf(rcm.ENOTFOUND, "patient", "No patient has account number or id %q.", ref)
	case len(hits) > 1:
		return 0, 0, rcm.FieldErrorf(rcm.ECONFLICT, "patient", "Account %q exists in more than one organization: name one with --org.", ref)
	}
	return hits[0].org, hits[0].id, nil
}
