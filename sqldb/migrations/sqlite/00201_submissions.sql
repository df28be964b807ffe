-- +goose Up
-- Control numbers are unique per organization and receiver; the next one is
-- reserved (and committed) before any file that uses it is written.
CREATE TABLE x12_control (
    org_id   INTEGER NOT NULL REFERENCES organization(id),
    receiver TEXT NOT NULL,
    last     INTEGER NOT NULL,
    PRIMARY KEY (org_id, receiver)
);

CREATE TABLE submission (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL,
    payer_id   INTEGER NOT NULL,
    receiver   TEXT NOT NULL,
    key        TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    control    INTEGER NOT NULL,
    content    TEXT NOT NULL,
    state      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, key),
    UNIQUE (org_id, receiver, control),
    FOREIGN KEY (org_id, payer_id) REFERENCES payer(org_id, id)
);

CREATE TABLE submission_claim (
    org_id        INTEGER NOT NULL,
    submission_id INTEGER NOT NULL,
    claim_id      INTEGER NOT NULL,
    PRIMARY KEY (submission_id, claim_id),
    FOREIGN KEY (org_id, submission_id) REFERENCES submission(org_id, id),
    FOREIGN KEY (org_id, claim_id) REFERENCES claim(org_id, id)
);
CREATE INDEX submission_claim_claim ON submission_claim (org_id, claim_id);

-- +goose Down
DROP TABLE submission_claim;
DROP TABLE submission;
DROP TABLE x12_control;
