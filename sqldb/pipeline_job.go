package sqldb

import (
	"context"

	"github.com/openrcm/openrcm"
)

// FindCodedEncounterBlocks returns, lowest first, the numbers of the blocks
// of width encounter ids (block b holds ids b*width+1 to (b+1)*width) that
// hold coded encounters of the actor's organization: the claim pipeline's
// queued work is one job per block, so two workers never build the same
// encounter. Ids name no patient data, so the read is not audited.
func (db *DB) FindCodedEncounterBlocks(ctx context.Context, width int64) ([]int64, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	if width < 1 {
		return nil, rcm.Errorf(rcm.EINVALID, "A block holds at least one encounter.")
	}
	return queryAll(ctx, db, func(s scanner) (int64, error) {
		var b int64
		return b, s.Scan(&b)
	}, `SELECT DISTINCT (id - 1) / ? FROM encounter WHERE org_id = ? AND status = ? ORDER BY 1`, width, a.OrgID, rcm.EncounterCoded)
}

// FindPipelineClaims returns the claims, in a state, of the actor's
// organization's encounters with ids from first to last, lowest claim id
// first: what one block of the claim pipeline scrubs and then submits.
// Ids and states name no patient data, so the read is not audited;
// loading the claims is.
func (db *DB) FindPipelineClaims(ctx context.Context, state string, first, last int64) ([]rcm.PipelineClaim, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, db, func(s scanner) (rcm.PipelineClaim, error) {
		var c rcm.PipelineClaim
		return c, s.Scan(&c.ID, &c.EncounterID, &c.PayerID, &c.State)
	}, `SELECT id, encounter_id, payer_id, state FROM claim WHERE org_id = ? AND state = ? AND encounter_id BETWEEN ? AND ? ORDER BY id`,
		a.OrgID, state, first, last)
}
