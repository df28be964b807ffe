-- +goose Up
-- What each payer agreed to pay (the allowed amount) per code and
-- modifier, from a date, whole or per unit: the fee schedule's other half.
-- A posted line paid below it, after the patient's share, is flagged with
-- the difference (remit_line.expected and underpaid).
CREATE TABLE payer_contract (
    org_id         INTEGER NOT NULL REFERENCES organization(id),
    payer_id       INTEGER NOT NULL,
    code           TEXT NOT NULL,
    modifier       TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT NOT NULL DEFAULT '',
    allowed        INTEGER NOT NULL CHECK (allowed >= 0),
    per_unit       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, payer_id, code, modifier, effective_from),
    FOREIGN KEY (org_id, payer_id) REFERENCES payer(org_id, id)
);
ALTER TABLE remit_line ADD COLUMN expected INTEGER;
ALTER TABLE remit_line ADD COLUMN underpaid INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE remit_line DROP COLUMN underpaid;
ALTER TABLE remit_line DROP COLUMN expected;
DROP TABLE payer_contract;
