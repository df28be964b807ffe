-- +goose Up
-- Refunds of credit balances: requested by one user, approved (and then
-- posted to the ledger) by another. The money itself lives in the ledger's
-- credit accounts; this table holds the request and who approved it.
CREATE TABLE credit_refund (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organization(id),
    patient_id   INTEGER NOT NULL,
    payer_id     INTEGER,          -- NULL: the patient's own credit, refunded to the patient
    amount       INTEGER NOT NULL CHECK (amount > 0),
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('requested', 'refunded', 'declined')),
    requested_by INTEGER NOT NULL,
    requested_at TEXT NOT NULL,
    decided_by   INTEGER,
    decided_at   TEXT NOT NULL DEFAULT '',
    txn_id       INTEGER,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, patient_id) REFERENCES patient(org_id, id),
    FOREIGN KEY (org_id, payer_id) REFERENCES payer(org_id, id)
);
CREATE INDEX credit_refund_open ON credit_refund (org_id, status, id);

-- +goose Down
DROP TABLE credit_refund;
