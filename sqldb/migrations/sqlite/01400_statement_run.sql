-- +goose Up
-- Statement runs (statement/mailing, the scheduled job statement_run): on
-- each run every patient with a balance due and no statement within the
-- cycle gets one, stored here and listed for mailing until marked mailed.

-- One run per organization and day: a job retried after a crash, or a
-- second worker running the same day, finds the run and adds to it.
CREATE TABLE statement_run (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organization(id),
    run_date    TEXT NOT NULL, -- the statements' date, YYYY-MM-DD
    cycle_days  INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL, -- '' while running
    UNIQUE (org_id, run_date),
    UNIQUE (org_id, id)
);

-- One statement of a run: whom it is mailed to, what it asks, and the PDF.
-- (org_id, run_id, patient_id) is unique, so a run never sends a patient
-- two statements however often its job is retried.
CREATE TABLE run_statement (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL,
    run_id         INTEGER NOT NULL,
    patient_id     INTEGER NOT NULL,
    statement_date TEXT NOT NULL,
    due_by         TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    to_name        TEXT NOT NULL,
    to_address     TEXT NOT NULL, -- JSON: line1, line2, city, state, zip
    for_name       TEXT NOT NULL, -- the patient, when mailed to a guarantor
    pdf            TEXT NOT NULL, -- sealed: the statement lists the services
    sealed_key     TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    mailed_at      TEXT NOT NULL, -- '' until marked mailed
    mailed_by      INTEGER NOT NULL, -- the user who marked it, 0 until then
    UNIQUE (org_id, run_id, patient_id),
    FOREIGN KEY (org_id, run_id) REFERENCES statement_run(org_id, id),
    FOREIGN KEY (org_id, patient_id) REFERENCES patient(org_id, id)
);
CREATE INDEX run_statement_patient ON run_statement (org_id, patient_id, statement_date);
CREATE INDEX run_statement_unsealed ON run_statement (id) WHERE sealed_key = '';

-- A patient whose statements are held (a dispute, a payment plan, an
-- account at a collection agency): statement runs skip them.
CREATE TABLE statement_hold (
    org_id     INTEGER NOT NULL,
    patient_id INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    held_by    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (org_id, patient_id),
    FOREIGN KEY (org_id, patient_id) REFERENCES patient(org_id, id)
);

-- +goose Down
DROP TABLE statement_hold;
DROP INDEX run_statement_unsealed;
DROP INDEX run_statement_patient;
DROP TABLE run_statement;
DROP TABLE statement_run;
