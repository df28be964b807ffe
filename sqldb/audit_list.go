package sqldb

import (
	"context"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
)

// auditList appends one read event for a list of patients shown together
// (a search result, a queue, a remittance's claims): the event names the
// list's entity and the patients, one audit_list_patient row each, so the
// log grows by one event per list, not one per row, and an accounting of
// disclosures still finds the list under every patient on it. The patients
// are part of the event's hash. A list that showed no patient and is not
// one record (entityID 0) disclosed nothing and writes nothing.
func (tx *Tx) auditList(ctx context.Context, a rcm.Actor, entity string, entityID int64, patients []int64) error {
	ids := slices.Clone(patients)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	ids = slices.DeleteFunc(ids, func(id int64) bool { return id <= 0 })
	if len(ids) == 0 && entityID == 0 {
		return nil
	}
	tx.queueAudit(pendingAudit{list: true, e: rcm.AuditEvent{
		OrgID: a.OrgID, At: tx.Now(), UserID: a.UserID, Action: rcm.AuditRead,
		Entity: entity, EntityID: entityID, PatientIDs: ids, Reason: a.Reason,
	}})
	return nil
}

// claimPatients returns the patients of claims, for the audit event of a
// list that shows claims (denials) without their patients' ids.
func claimPatients(ctx context.Context, tx *Tx, org int64, claims []int64) ([]int64, error) {
	var out []int64
	for start := 0; start < len(claims); start += 500 {
		chunk := claims[start:min(start+500, len(claims))]
		q := `SELECT DISTINCT patient_id FROM claim WHERE org_id = ? AND id IN (?` + strings.Repeat(", ?", len(chunk)-1) + `)`
		args := []any{org}
		for _, id := range chunk {
			args = append(args, id)
		}
		ids, err := queryAll(ctx, tx, func(s scanner) (int64, error) {
			var id int64
			return id, s.Scan(&id)
		}, q, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, ids...)
	}
	return out, nil
}
