-- +goose Up
-- claim_state (org_id, state) is a prefix of claim_state_id (org_id, state,
-- id), which the set-based pipeline added: every query the first served,
-- the second serves as well, and each claim stored or moved from state to
-- state paid for both.
DROP INDEX claim_state;

-- +goose Down
CREATE INDEX claim_state ON claim (org_id, state);
