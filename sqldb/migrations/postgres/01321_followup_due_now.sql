-- +goose Up
-- A work item whose follow-up date or deadline has come is due now: the
-- scheduled reminder (jobs.Reminders) sets the flag, the queue sorts those
-- items first in their owner's list, and setting a new follow-up date
-- clears it.
ALTER TABLE followup_item ADD COLUMN due_now INTEGER NOT NULL DEFAULT 0;
CREATE INDEX followup_item_due_now ON followup_item (org_id, state, due_now DESC, due, stake DESC, id);

-- +goose Down
DROP INDEX followup_item_due_now;
ALTER TABLE followup_item DROP COLUMN due_now;
