-- +goose Up
-- Every table carries org_id. Composite foreign keys (org_id, x_id) make it
-- impossible for one organization's row to point at another's.
CREATE TABLE organization (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE practice (
    id       INTEGER PRIMARY KEY,
    org_id   INTEGER NOT NULL REFERENCES organization(id),
    name     TEXT NOT NULL,
    npi      TEXT NOT NULL,
    tin      TEXT NOT NULL,
    taxonomy TEXT NOT NULL,
    line1    TEXT NOT NULL,
    line2    TEXT NOT NULL,
    city     TEXT NOT NULL,
    state    TEXT NOT NULL,
    zip      TEXT NOT NULL,
    phone    TEXT NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, npi)
);

CREATE TABLE provider (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL,
    practice_id INTEGER NOT NULL,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    npi         TEXT NOT NULL,
    taxonomy    TEXT NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, npi),
    FOREIGN KEY (org_id, practice_id) REFERENCES practice(org_id, id)
);

CREATE TABLE facility (
    id     INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organization(id),
    name   TEXT NOT NULL,
    npi    TEXT NOT NULL,
    line1  TEXT NOT NULL,
    line2  TEXT NOT NULL,
    city   TEXT NOT NULL,
    state  TEXT NOT NULL,
    zip    TEXT NOT NULL,
    UNIQUE (org_id, id)
);

CREATE TABLE payer (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL REFERENCES organization(id),
    name               TEXT NOT NULL,
    payer_id           TEXT NOT NULL,
    filing_indicator   TEXT NOT NULL,
    timely_filing_days INTEGER NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, payer_id)
);

CREATE TABLE patient (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organization(id),
    account_number TEXT NOT NULL,
    first_name     TEXT NOT NULL,
    middle_name    TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    birth_date     TEXT NOT NULL,
    sex            TEXT NOT NULL,
    line1          TEXT NOT NULL,
    line2          TEXT NOT NULL,
    city           TEXT NOT NULL,
    state          TEXT NOT NULL,
    zip            TEXT NOT NULL,
    phone          TEXT NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, account_number)
);
CREATE INDEX patient_name ON patient (org_id, last_name, first_name);

CREATE TABLE coverage (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL,
    patient_id     INTEGER NOT NULL,
    payer_id       INTEGER NOT NULL,
    ord            INTEGER NOT NULL,
    member_id      TEXT NOT NULL,
    group_number   TEXT NOT NULL,
    relationship   TEXT NOT NULL,
    subscriber     TEXT NOT NULL, -- JSON of rcm.Subscriber, '' when the patient is the subscriber
    effective_from TEXT NOT NULL,
    effective_to   TEXT NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, patient_id) REFERENCES patient(org_id, id),
    FOREIGN KEY (org_id, payer_id) REFERENCES payer(org_id, id)
);
CREATE INDEX coverage_patient ON coverage (org_id, patient_id);

CREATE TABLE encounter (
    id                    INTEGER PRIMARY KEY,
    org_id                INTEGER NOT NULL,
    patient_id            INTEGER NOT NULL,
    practice_id           INTEGER NOT NULL,
    rendering_provider_id INTEGER NOT NULL,
    facility_id           INTEGER,
    date_of_service       TEXT NOT NULL,
    place_of_service      TEXT NOT NULL,
    note                  TEXT NOT NULL,
    status                TEXT NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, patient_id) REFERENCES patient(org_id, id),
    FOREIGN KEY (org_id, practice_id) REFERENCES practice(org_id, id),
    FOREIGN KEY (org_id, rendering_provider_id) REFERENCES provider(org_id, id),
    FOREIGN KEY (org_id, facility_id) REFERENCES facility(org_id, id)
);
CREATE INDEX encounter_patient ON encounter (org_id, patient_id);

CREATE TABLE encounter_diagnosis (
    org_id       INTEGER NOT NULL,
    encounter_id INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    code         TEXT NOT NULL,
    PRIMARY KEY (encounter_id, seq),
    FOREIGN KEY (org_id, encounter_id) REFERENCES encounter(org_id, id)
);

CREATE TABLE service_line (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    encounter_id    INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    code            TEXT NOT NULL,
    modifiers       TEXT NOT NULL, -- comma-separated, in order
    units           INTEGER NOT NULL,
    charge          INTEGER NOT NULL, -- cents
    pointers        TEXT NOT NULL, -- comma-separated 1-based diagnosis positions
    ndc             TEXT NOT NULL,
    date_of_service TEXT NOT NULL,
    UNIQUE (encounter_id, seq),
    FOREIGN KEY (org_id, encounter_id) REFERENCES encounter(org_id, id)
);

CREATE TABLE app_user (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organization(id),
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (org_id, id)
);

CREATE TABLE api_token (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE, -- hex SHA-256 of the secret
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    FOREIGN KEY (org_id, user_id) REFERENCES app_user(org_id, id)
);

-- The audit log is append-only: triggers refuse updates and deletes, and each
-- organization's events form a hash chain whose head is kept in audit_head.
CREATE TABLE audit_event (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organization(id),
    seq        INTEGER NOT NULL,
    at         TEXT NOT NULL,
    user_id    INTEGER NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER NOT NULL,
    patient_id INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    UNIQUE (org_id, seq)
);
CREATE INDEX audit_event_patient ON audit_event (org_id, patient_id);

CREATE TABLE audit_head (
    org_id INTEGER PRIMARY KEY REFERENCES organization(id),
    seq    INTEGER NOT NULL,
    hash   TEXT NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_event;
DROP TABLE api_token;
DROP TABLE app_user;
DROP TABLE service_line;
DROP TABLE encounter_diagnosis;
DROP TABLE encounter;
DROP TABLE coverage;
DROP TABLE patient;
DROP TABLE payer;
DROP TABLE facility;
DROP TABLE provider;
DROP TABLE practice;
DROP TABLE organization;
