-- +goose Up
-- The ledger (package ledger): append-only journal of entry pairs per
-- service line. A transaction (one posting) is a ledger_txn row with its
-- entries; corrections are new transactions that reverse old ones.

-- Composite foreign keys (org_id, line_id) need a unique key to point at.
CREATE UNIQUE INDEX service_line_org_id ON service_line (org_id, id);

CREATE TABLE ledger_txn (
    id        INTEGER PRIMARY KEY,
    org_id    INTEGER NOT NULL REFERENCES organization(id),
    posted_at TEXT NOT NULL,
    user_id   INTEGER NOT NULL,
    ext_key   TEXT,    -- source document key, e.g. 835:<payer>:<TRN02>:<CLP index>; NULL when none
    reverses  INTEGER, -- the transaction this one reverses; NULL when none
    memo      TEXT NOT NULL,
    UNIQUE (org_id, id),
    -- A source document posts once; a transaction is reversed at most once.
    UNIQUE (org_id, ext_key),
    UNIQUE (org_id, reverses),
    FOREIGN KEY (org_id, reverses) REFERENCES ledger_txn(org_id, id)
);

CREATE TABLE ledger_entry (
    id       INTEGER PRIMARY KEY,
    org_id   INTEGER NOT NULL,
    txn_id   INTEGER NOT NULL,
    seq      INTEGER NOT NULL, -- 0-based; 2i is the debit and 2i+1 the credit of pair i
    line_id  INTEGER NOT NULL,
    op       TEXT NOT NULL,
    kind     TEXT NOT NULL,
    payer_id INTEGER,          -- insurance_ar and payer_paid only
    grp      TEXT NOT NULL,    -- adjusted only: CO, OA, PI, CR, WO
    side     INTEGER NOT NULL CHECK (side IN (1, -1)),
    amount   INTEGER NOT NULL CHECK (amount > 0), -- cents
    reason   TEXT NOT NULL,
    method   TEXT NOT NULL,
    UNIQUE (txn_id, seq),
    FOREIGN KEY (org_id, txn_id) REFERENCES ledger_txn(org_id, id),
    FOREIGN KEY (org_id, line_id) REFERENCES service_line(org_id, id),
    FOREIGN KEY (org_id, payer_id) REFERENCES payer(org_id, id)
);
CREATE INDEX ledger_entry_line ON ledger_entry (org_id, line_id);

-- +goose StatementBegin
CREATE TRIGGER ledger_txn_no_update BEFORE UPDATE ON ledger_txn
BEGIN
    SELECT RAISE(ABORT, 'ledger_txn is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER ledger_txn_no_delete BEFORE DELETE ON ledger_txn
BEGIN
    SELECT RAISE(ABORT, 'ledger_txn is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry
BEGIN
    SELECT RAISE(ABORT, 'ledger_entry is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry
BEGIN
    SELECT RAISE(ABORT, 'ledger_entry is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE ledger_entry;
DROP TABLE ledger_txn;
DROP INDEX service_line_org_id;
