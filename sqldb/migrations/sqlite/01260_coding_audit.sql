-- +goose Up
-- A coding audit (package codingaudit): a seeded random sample of one
-- coder's finished encounters, drawn by an auditor. The seed is kept so the
-- same draw can be shown to give the same sample.
CREATE TABLE coding_audit (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organization(id),
    coder_id    INTEGER NOT NULL,
    auditor_id  INTEGER NOT NULL,
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    size        INTEGER NOT NULL,
    seed        BIGINT NOT NULL,
    frame       INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX coding_audit_org ON coding_audit (org_id, id);

-- One sampled encounter: the coder's codes as they stood at the draw
-- (JSON), and the auditor's and the suggestions' codes once re-coded
-- ('' until then).
CREATE TABLE coding_audit_item (
    org_id          INTEGER NOT NULL,
    audit_id        INTEGER NOT NULL REFERENCES coding_audit(id),
    encounter_id    INTEGER NOT NULL,
    patient_id      INTEGER NOT NULL,
    practice_id     INTEGER NOT NULL,
    provider_id     INTEGER NOT NULL,
    date_of_service TEXT NOT NULL,
    coder_codes     TEXT NOT NULL,
    auditor_codes   TEXT NOT NULL DEFAULT '',
    machine_codes   TEXT NOT NULL DEFAULT '',
    recoded_at      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (audit_id, encounter_id),
    FOREIGN KEY (org_id, encounter_id) REFERENCES encounter(org_id, id)
);

-- A learner's attempt at a practice case (codingaudit/cases): the codes
-- given and the counts of the score, kept to show progress over time.
CREATE TABLE practice_attempt (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL REFERENCES organization(id),
    user_id            INTEGER NOT NULL,
    case_id            TEXT NOT NULL,
    codes              TEXT NOT NULL,
    dx_truth           INTEGER NOT NULL,
    dx_coded           INTEGER NOT NULL,
    dx_agree           INTEGER NOT NULL,
    proc_truth         INTEGER NOT NULL,
    proc_coded         INTEGER NOT NULL,
    proc_agree         INTEGER NOT NULL,
    first_listed_agree INTEGER NOT NULL,
    lines_matched      INTEGER NOT NULL,
    modifiers_agree    INTEGER NOT NULL,
    units_agree        INTEGER NOT NULL,
    at                 TEXT NOT NULL
);
CREATE INDEX practice_attempt_user ON practice_attempt (org_id, user_id, id);

-- +goose Down
DROP TABLE practice_attempt;
DROP TABLE coding_audit_item;
DROP TABLE coding_audit;
