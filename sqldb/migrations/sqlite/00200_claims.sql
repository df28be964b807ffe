-- +goose Up
CREATE TABLE claim (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL,
    encounter_id       INTEGER NOT NULL,
    patient_id         INTEGER NOT NULL,
    payer_id           INTEGER NOT NULL,
    coverage_id        INTEGER NOT NULL,
    control_number     TEXT NOT NULL,
    frequency          TEXT NOT NULL,
    payer_claim_number TEXT NOT NULL,
    replaces_claim_id  INTEGER,
    state              TEXT NOT NULL,
    prior_auth         TEXT NOT NULL,
    referral           TEXT NOT NULL,
    onset_date         TEXT NOT NULL,
    accident_date      TEXT NOT NULL,
    accident_cause     TEXT NOT NULL,
    accident_state     TEXT NOT NULL,
    date_of_service    TEXT NOT NULL,
    place_of_service   TEXT NOT NULL,
    total_charge       INTEGER NOT NULL,
    created_at         TEXT NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, control_number),
    FOREIGN KEY (org_id, encounter_id) REFERENCES encounter(org_id, id),
    FOREIGN KEY (org_id, patient_id) REFERENCES patient(org_id, id),
    FOREIGN KEY (org_id, payer_id) REFERENCES payer(org_id, id),
    FOREIGN KEY (org_id, coverage_id) REFERENCES coverage(org_id, id),
    FOREIGN KEY (org_id, replaces_claim_id) REFERENCES claim(org_id, id)
);
CREATE INDEX claim_state ON claim (org_id, state);
CREATE INDEX claim_encounter ON claim (org_id, encounter_id);

CREATE TABLE claim_diagnosis (
    org_id   INTEGER NOT NULL,
    claim_id INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    code     TEXT NOT NULL,
    PRIMARY KEY (claim_id, seq),
    FOREIGN KEY (org_id, claim_id) REFERENCES claim(org_id, id)
);

CREATE TABLE claim_line (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    claim_id        INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    service_line_id INTEGER NOT NULL,
    code            TEXT NOT NULL,
    modifiers       TEXT NOT NULL,
    units           INTEGER NOT NULL,
    charge          INTEGER NOT NULL,
    pointers        TEXT NOT NULL,
    ndc             TEXT NOT NULL,
    date_of_service TEXT NOT NULL,
    UNIQUE (claim_id, seq),
    FOREIGN KEY (org_id, claim_id) REFERENCES claim(org_id, id)
);

-- State history: append-only, like the audit log.
CREATE TABLE claim_event (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL,
    claim_id   INTEGER NOT NULL,
    at         TEXT NOT NULL,
    user_id    INTEGER NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    reason     TEXT NOT NULL,
    FOREIGN KEY (org_id, claim_id) REFERENCES claim(org_id, id)
);
CREATE INDEX claim_event_claim ON claim_event (org_id, claim_id);

-- +goose StatementBegin
CREATE TRIGGER claim_event_no_update BEFORE UPDATE ON claim_event
BEGIN
    SELECT RAISE(ABORT, 'claim_event is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER claim_event_no_delete BEFORE DELETE ON claim_event
BEGIN
    SELECT RAISE(ABORT, 'claim_event is append-only');
END;
-- +goose StatementEnd

CREATE TABLE fee_schedule (
    org_id         INTEGER NOT NULL REFERENCES organization(id),
    code           TEXT NOT NULL,
    modifier       TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    charge         INTEGER NOT NULL,
    PRIMARY KEY (org_id, code, modifier, effective_from)
);

-- +goose Down
DROP TABLE fee_schedule;
DROP TABLE claim_event;
DROP TABLE claim_line;
DROP TABLE claim_diagnosis;
DROP TABLE claim;
