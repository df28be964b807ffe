-- +goose Up
-- A fee schedule is kept per practice, and per rendering provider where a
-- provider's charges differ; an entry may end on a date. practice_id and
-- provider_id are 0 for "every practice" and "every provider", so the key
-- stays a plain primary key on both databases.
CREATE TABLE fee_schedule_new (
    org_id         INTEGER NOT NULL REFERENCES organization(id),
    practice_id    INTEGER NOT NULL DEFAULT 0,
    provider_id    INTEGER NOT NULL DEFAULT 0,
    code           TEXT NOT NULL,
    modifier       TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT NOT NULL DEFAULT '',
    charge         INTEGER NOT NULL,
    PRIMARY KEY (org_id, practice_id, provider_id, code, modifier, effective_from)
);
INSERT INTO fee_schedule_new (org_id, code, modifier, effective_from, charge)
    SELECT org_id, code, modifier, effective_from, charge FROM fee_schedule;
DROP TABLE fee_schedule;
ALTER TABLE fee_schedule_new RENAME TO fee_schedule;
CREATE INDEX fee_schedule_code ON fee_schedule (org_id, code);

-- +goose Down
CREATE TABLE fee_schedule_old (
    org_id         INTEGER NOT NULL REFERENCES organization(id),
    code           TEXT NOT NULL,
    modifier       TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    charge         INTEGER NOT NULL,
    PRIMARY KEY (org_id, code, modifier, effective_from)
);
INSERT INTO fee_schedule_old SELECT org_id, code, modifier, effective_from, charge FROM fee_schedule
    WHERE practice_id = 0 AND provider_id = 0;
DROP TABLE fee_schedule;
ALTER TABLE fee_schedule_old RENAME TO fee_schedule;
