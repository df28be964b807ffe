-- +goose Up
-- A fee schedule is kept per practice, and per rendering provider where a
-- provider's charges differ; an entry may end on a date. practice_id and
-- provider_id are 0 for "every practice" and "every provider", so the key
-- stays a plain primary key on both databases.
ALTER TABLE fee_schedule ADD COLUMN practice_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE fee_schedule ADD COLUMN provider_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE fee_schedule ADD COLUMN effective_to TEXT NOT NULL DEFAULT '';
ALTER TABLE fee_schedule DROP CONSTRAINT fee_schedule_pkey;
ALTER TABLE fee_schedule ADD PRIMARY KEY (org_id, practice_id, provider_id, code, modifier, effective_from);
CREATE INDEX fee_schedule_code ON fee_schedule (org_id, code);

-- +goose Down
DROP INDEX fee_schedule_code;
DELETE FROM fee_schedule WHERE practice_id <> 0 OR provider_id <> 0;
ALTER TABLE fee_schedule DROP CONSTRAINT fee_schedule_pkey;
ALTER TABLE fee_schedule DROP COLUMN effective_to;
ALTER TABLE fee_schedule DROP COLUMN provider_id;
ALTER TABLE fee_schedule DROP COLUMN practice_id;
ALTER TABLE fee_schedule ADD PRIMARY KEY (org_id, code, modifier, effective_from);
