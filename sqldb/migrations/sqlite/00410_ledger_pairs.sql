-- +goose Up
-- The ledger stores one row per entry pair instead of one per entry: both
-- entries of a pair share transaction, line, operation, amount, reason and
-- method (ledger.Check refuses any other pair), so a row holds the pair's
-- debit account and credit account. Debits equal credits by construction,
-- and a posting writes, indexes and reads back half the rows. The view
-- ledger_entry shows the entries one per row, as before, for reports and
-- ad hoc queries.

CREATE TABLE ledger_pair (
    org_id       INTEGER NOT NULL,
    txn_id       INTEGER NOT NULL,
    seq          INTEGER NOT NULL, -- 0-based pair index in the transaction
    line_id      INTEGER NOT NULL,
    op           TEXT NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount > 0), -- cents
    reason       TEXT NOT NULL,
    method       TEXT NOT NULL,
    debit_kind   TEXT NOT NULL,
    debit_payer  INTEGER,        -- insurance_ar and payer_paid only
    debit_grp    TEXT NOT NULL,  -- adjusted only: CO, OA, PI, CR, WO
    credit_kind  TEXT NOT NULL,
    credit_payer INTEGER,
    credit_grp   TEXT NOT NULL,
    PRIMARY KEY (txn_id, seq),
    FOREIGN KEY (org_id, txn_id) REFERENCES ledger_txn(org_id, id),
    FOREIGN KEY (org_id, line_id) REFERENCES service_line(org_id, id),
    FOREIGN KEY (org_id, debit_payer) REFERENCES payer(org_id, id),
    FOREIGN KEY (org_id, credit_payer) REFERENCES payer(org_id, id)
) WITHOUT ROWID;

INSERT INTO ledger_pair (org_id, txn_id, seq, line_id, op, amount, reason, method,
        debit_kind, debit_payer, debit_grp, credit_kind, credit_payer, credit_grp)
    SELECT d.org_id, d.txn_id, d.seq / 2, d.line_id, d.op, d.amount, d.reason, d.method,
        d.kind, d.payer_id, d.grp, c.kind, c.payer_id, c.grp
    FROM ledger_entry d JOIN ledger_entry c ON c.txn_id = d.txn_id AND c.seq = d.seq + 1
    WHERE d.seq % 2 = 0 AND d.side = 1 AND c.side = -1 AND c.line_id = d.line_id AND c.op = d.op
        AND c.amount = d.amount AND c.reason = d.reason AND c.method = d.method AND c.org_id = d.org_id;

-- Every entry must have gone into a pair; the CHECK fails the migration,
-- and rolls it back, when one did not.
CREATE TEMP TABLE ledger_pairs_migrated (ok INTEGER CHECK (ok = 1));
INSERT INTO ledger_pairs_migrated
    SELECT (SELECT COUNT(*) FROM ledger_entry) = 2 * (SELECT COUNT(*) FROM ledger_pair);
DROP TABLE ledger_pairs_migrated;

DROP TABLE ledger_entry;
CREATE INDEX ledger_pair_line ON ledger_pair (org_id, line_id);

CREATE VIEW ledger_entry AS
    SELECT org_id, txn_id, 2 * seq AS seq, line_id, op, debit_kind AS kind, debit_payer AS payer_id, debit_grp AS grp,
        1 AS side, amount, reason, method FROM ledger_pair
    UNION ALL
    SELECT org_id, txn_id, 2 * seq + 1, line_id, op, credit_kind, credit_payer, credit_grp,
        -1, amount, reason, method FROM ledger_pair;

-- +goose StatementBegin
CREATE TRIGGER ledger_pair_no_update BEFORE UPDATE ON ledger_pair
BEGIN
    SELECT RAISE(ABORT, 'ledger_pair is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER ledger_pair_no_delete BEFORE DELETE ON ledger_pair
BEGIN
    SELECT RAISE(ABORT, 'ledger_pair is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP VIEW ledger_entry;
CREATE TABLE ledger_entry (
    id       INTEGER PRIMARY KEY,
    org_id   INTEGER NOT NULL,
    txn_id   INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    line_id  INTEGER NOT NULL,
    op       TEXT NOT NULL,
    kind     TEXT NOT NULL,
    payer_id INTEGER,
    grp      TEXT NOT NULL,
    side     INTEGER NOT NULL CHECK (side IN (1, -1)),
    amount   INTEGER NOT NULL CHECK (amount > 0),
    reason   TEXT NOT NULL,
    method   TEXT NOT NULL,
    UNIQUE (txn_id, seq),
    FOREIGN KEY (org_id, txn_id) REFERENCES ledger_txn(org_id, id),
    FOREIGN KEY (org_id, line_id) REFERENCES service_line(org_id, id),
    FOREIGN KEY (org_id, payer_id) REFERENCES payer(org_id, id)
);
INSERT INTO ledger_entry (org_id, txn_id, seq, line_id, op, kind, payer_id, grp, side, amount, reason, method)
    SELECT org_id, txn_id, 2 * seq, line_id, op, debit_kind, debit_payer, debit_grp, 1, amount, reason, method FROM ledger_pair
    UNION ALL
    SELECT org_id, txn_id, 2 * seq + 1, line_id, op, credit_kind, credit_payer, credit_grp, -1, amount, reason, method FROM ledger_pair
    ORDER BY 2, 3;
CREATE INDEX ledger_entry_line ON ledger_entry (org_id, line_id);
DROP TABLE ledger_pair;

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
