package sqldb

import (
	"context"
	"sort"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
)

// FindEligibilityDue returns the eligibility requests the scheduled 270
// sends: for each encounter dated from through to, its patient's primary
// coverage in force that day, unless an inquiry went out on that coverage
// at or after since (its answer is recent, or still on its way). One
// request per coverage, for its earliest visit, at most limit, soonest
// visit first; the read is audited as one event naming the patients.
func (db *DB) FindEligibilityDue(ctx context.Context, from, to rcm.Date, since time.Time, limit int) ([]*eligibility.Request, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var out []*eligibility.Request
	err = db.Transact(ctx, func(tx *Tx) error {
		type visit struct {
			patient, practice int64
			dos               string
		}
		visits, err := queryAll(ctx, tx, func(s scanner) (visit, error) {
			var v visit
			return v, s.Scan(&v.patient, &v.practice, &v.dos)
		}, `SELECT patient_id, practice_id, date_of_service FROM encounter WHERE org_id = ? AND date_of_service >= ? AND date_of_service <= ?
			ORDER BY date_of_service, id`, a.OrgID, formatDate(from), formatDate(to))
		if err != nil || len(visits) == 0 {
			return err
		}
		patIDs := make([]int64, len(visits))
		for i, v := range visits {
			patIDs[i] = v.patient
		}
		in, args := placeholders(a.OrgID, patIDs)
		pats, err := byID(ctx, tx, scanPatient, `SELECT `+patientCols+` FROM patient WHERE org_id = ? AND id IN `+in, args, func(p *rcm.Patient) int64 { return p.ID })
		if err != nil {
			return err
		}
		covs, err := queryAll(ctx, tx, tx.db.scanCoverage, `SELECT `+coverageCols+` FROM coverage WHERE org_id = ? AND patient_id IN `+in+` ORDER BY ord, effective_from, id`, args...)
		if err != nil {
			return err
		}
		recent := map[int64]bool{}
		if len(covs) > 0 {
			ids := make([]int64, len(covs))
			for i, c := range covs {
				ids[i] = c.ID
			}
			cin, cargs := placeholders(a.OrgID, ids)
			checked, err := queryAll(ctx, tx, func(s scanner) (int64, error) {
				var id int64
				return id, s.Scan(&id)
			}, `SELECT DISTINCT coverage_id FROM eligibility_check WHERE org_id = ? AND coverage_id IN `+cin+` AND created_at >= ?`, append(cargs, formatTime(since))...)
			if err != nil {
				return err
			}
			for _, id := range checked {
				recent[id] = true
			}
		}
		practices, err := byID(ctx, tx, scanPractice, `SELECT `+practiceCols+` FROM practice WHERE org_id = ?`, a.OrgID, func(p *rcm.Practice) int64 { return p.ID })
		if err != nil {
			return err
		}
		payers, err := byID(ctx, tx, scanPayer, `SELECT `+payerCols+` FROM payer WHERE org_id = ?`, a.OrgID, func(p *rcm.Payer) int64 { return p.ID })
		if err != nil {
			return err
		}
		var patients []int64
		for _, v := range visits {
			dos, err := parseDate(v.dos)
			if err != nil {
				return err
			}
			for _, c := range covs {
				if c.PatientID != v.patient || c.Order != 1 || !c.ActiveOn(dos) || recent[c.ID] {
					continue
				}
				recent[c.ID] = true // one request per coverage
				if len(out) < limit {
					out = append(out, &eligibility.Request{Payer: payers[c.PayerID], Practice: practices[v.practice], Patient: pats[v.patient],
						Coverage: c, DateOfService: dos})
					patients = append(patients, v.patient)
				}
				break
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].DateOfService.Before(out[j].DateOfService) })
		return tx.auditList(ctx, a, "eligibility_due", 0, patients)
	})
	return out, err
}
