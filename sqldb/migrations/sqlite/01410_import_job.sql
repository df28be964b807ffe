-- +goose Up
-- Code-set and NCCI imports run as jobs (issue 15). The file an admin
-- uploads is kept here until its import succeeds, so any worker on any
-- machine reads it; the import's progress is saved by job id, so every
-- server's Jobs screen shows how far it is.
CREATE TABLE import_upload (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organization (id),
    file_name  TEXT NOT NULL,
    size       INTEGER NOT NULL,
    data       BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- job_id is River's river_job.id; River keeps its own tables, so there is
-- no foreign key.
CREATE TABLE job_progress (
    job_id     INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organization (id),
    phase      TEXT NOT NULL,
    unit       TEXT NOT NULL,
    done       INTEGER NOT NULL,
    total      INTEGER NOT NULL,
    rows_read  INTEGER NOT NULL,
    result     TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
CREATE INDEX job_progress_org ON job_progress (org_id, job_id);

-- +goose Down
DROP TABLE job_progress;
DROP TABLE import_upload;
