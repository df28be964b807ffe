-- +goose Up
-- Money a check left unapplied (held in the deposit journal's unapplied
-- account and an exception) applied later to a claim line: each row is one
-- application, with the ledger transaction that paid the line and the
-- request key that makes a retry post nothing. The deposit journal gets a
-- pair of entries (unapplied debited, applied credited) per row, and
-- rcm ledger check counts the rows on both sides. Append-only.
CREATE TABLE unapplied_application (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    exception_id    INTEGER NOT NULL,
    remittance_id   INTEGER NOT NULL,
    claim_id        INTEGER NOT NULL,
    service_line_id INTEGER NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount > 0), -- cents
    ledger_txn_id   INTEGER NOT NULL,
    ext_key         TEXT NOT NULL,
    user_id         INTEGER NOT NULL,
    applied_at      TEXT NOT NULL,
    UNIQUE (org_id, ext_key),
    FOREIGN KEY (org_id, exception_id) REFERENCES remit_exception(org_id, id),
    FOREIGN KEY (org_id, remittance_id) REFERENCES remittance(org_id, id)
);
CREATE INDEX unapplied_application_exception ON unapplied_application (org_id, exception_id);
CREATE INDEX unapplied_application_remittance ON unapplied_application (org_id, remittance_id);

-- +goose Down
DROP TABLE unapplied_application;
