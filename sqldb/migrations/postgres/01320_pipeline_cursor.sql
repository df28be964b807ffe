-- +goose Up
-- The set-based claim pipeline (claim.BuildAll, ScrubAll, SubmitAll) pages
-- through coded encounters and claims of a state by id (a keyset cursor):
-- these indexes serve "status = ? AND id > ? ORDER BY id LIMIT ?" without a
-- sort of every matching row.
CREATE INDEX encounter_status_id ON encounter (org_id, status, id);
CREATE INDEX claim_state_id ON claim (org_id, state, id);

-- +goose Down
DROP INDEX claim_state_id;
DROP INDEX encounter_status_id;
