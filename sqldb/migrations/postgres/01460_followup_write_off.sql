-- +goose Up
-- A work item closed as written off posts the write-off to the ledger in
-- the same transaction (group WO on the claim's lines); the item keeps
-- what it wrote off, why, and the ledger transaction, so its page shows it.
ALTER TABLE followup_item ADD COLUMN written_off BIGINT NOT NULL DEFAULT 0;
ALTER TABLE followup_item ADD COLUMN write_off_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE followup_item ADD COLUMN write_off_txn_id BIGINT;

-- +goose Down
ALTER TABLE followup_item DROP COLUMN write_off_txn_id;
ALTER TABLE followup_item DROP COLUMN write_off_reason;
ALTER TABLE followup_item DROP COLUMN written_off;
