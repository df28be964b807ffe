-- +goose Up
-- An organization's schedule for one kind of scheduled work (jobs/): how
-- often it runs, or that it is off. A kind with no row runs on its default
-- period. The jobs themselves are River's tables (River's own migrations).
CREATE TABLE job_schedule (
    org_id        BIGINT NOT NULL REFERENCES organization(id),
    kind          TEXT NOT NULL,
    every_seconds BIGINT NOT NULL,
    enabled       BOOLEAN NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (org_id, kind)
);

-- +goose Down
DROP TABLE job_schedule;
