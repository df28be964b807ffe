-- +goose Up
-- Trace numbers (270 TRN02) are unique per organization; the next one is
-- reserved in the same transaction that stores the check.
CREATE TABLE eligibility_trace (
    org_id INTEGER PRIMARY KEY REFERENCES organization(id),
    last   INTEGER NOT NULL
);

-- One row per coverage asked about in a 270, stored before the file leaves.
CREATE TABLE eligibility_check (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    coverage_id     INTEGER NOT NULL,
    patient_id      INTEGER NOT NULL,
    payer_id        INTEGER NOT NULL,
    trace           TEXT NOT NULL,
    reference       TEXT NOT NULL,
    service_types   TEXT NOT NULL, -- space-separated EQ01 codes
    date_of_service TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, trace),
    FOREIGN KEY (org_id, coverage_id) REFERENCES coverage(org_id, id),
    FOREIGN KEY (org_id, patient_id) REFERENCES patient(org_id, id),
    FOREIGN KEY (org_id, payer_id) REFERENCES payer(org_id, id)
);
CREATE INDEX eligibility_check_reference ON eligibility_check (org_id, reference);

-- Answers (271) stored on the coverage; the newest is its eligibility.
-- fingerprint is a hash of the answer, so reading one 271 twice stores it
-- once.
CREATE TABLE eligibility_result (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL,
    check_id    INTEGER NOT NULL,
    coverage_id INTEGER NOT NULL,
    patient_id  INTEGER NOT NULL,
    checked_on  TEXT NOT NULL,
    received_at TEXT NOT NULL,
    status      TEXT NOT NULL,
    summary     TEXT NOT NULL,
    detail      TEXT NOT NULL, -- JSON of eligibility.Result
    fingerprint TEXT NOT NULL,
    UNIQUE (org_id, check_id, fingerprint),
    FOREIGN KEY (org_id, check_id) REFERENCES eligibility_check(org_id, id),
    FOREIGN KEY (org_id, coverage_id) REFERENCES coverage(org_id, id)
);
CREATE INDEX eligibility_result_coverage ON eligibility_result (org_id, coverage_id, id);

-- +goose Down
DROP TABLE eligibility_result;
DROP TABLE eligibility_check;
DROP TABLE eligibility_trace;
