-- +goose Up
-- The deposit journal (ledger.Deposit): for each posted remittance, the
-- money the payer sent (BPR02) and the provider-level adjustments (PLB)
-- against what the posting applied to service lines and what it left
-- unapplied in the exceptions queue, as balanced entries. Append-only like
-- the line ledger.

CREATE TABLE deposit_entry (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL,
    remittance_id INTEGER NOT NULL,
    payer_id      INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    account       TEXT NOT NULL CHECK (account IN ('received', 'applied', 'unapplied', 'provider_adjusted')),
    reason        TEXT NOT NULL,    -- PLB03-1, provider_adjusted only
    reference     TEXT NOT NULL,    -- PLB03-2, provider_adjusted only
    side          INTEGER NOT NULL CHECK (side IN (1, -1)),
    amount        INTEGER NOT NULL CHECK (amount > 0), -- cents
    UNIQUE (remittance_id, seq),
    FOREIGN KEY (org_id, remittance_id) REFERENCES remittance(org_id, id),
    FOREIGN KEY (org_id, payer_id) REFERENCES payer(org_id, id)
);

-- +goose StatementBegin
CREATE TRIGGER deposit_entry_no_update BEFORE UPDATE ON deposit_entry
BEGIN
    SELECT RAISE(ABORT, 'deposit_entry is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER deposit_entry_no_delete BEFORE DELETE ON deposit_entry
BEGIN
    SELECT RAISE(ABORT, 'deposit_entry is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE deposit_entry;
