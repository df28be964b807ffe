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

-- Remittances posted before this journal existed get theirs now, from what
-- was stored with them: BPR02, the PLB segments, what their claim payments'
-- ledger transactions paid onto lines, and the CLP04 of their exceptions.
-- The order and the sides are those of ledger.Deposit; rcm ledger check
-- verifies the result like any other posting.
INSERT INTO deposit_entry (org_id, remittance_id, payer_id, seq, account, reason, reference, side, amount)
SELECT org_id, remittance_id, payer_id,
       ROW_NUMBER() OVER (PARTITION BY org_id, remittance_id ORDER BY k, sub),
       account, reason, reference,
       CASE WHEN v > 0 THEN s ELSE -s END, ABS(v)
FROM (
    SELECT org_id, id AS remittance_id, payer_id, 1 AS k, 0 AS sub, 'received' AS account, '' AS reason, '' AS reference,
           1 AS s, amount AS v
    FROM remittance
    UNION ALL
    SELECT p.org_id, p.remittance_id, r.payer_id, 2, p.seq, 'provider_adjusted', p.reason, p.reference, 1, p.amount
    FROM remit_plb p JOIN remittance r ON r.org_id = p.org_id AND r.id = p.remittance_id
    UNION ALL
    SELECT r.org_id, r.id, r.payer_id, 3, 0, 'applied', '', '', -1, COALESCE((
        SELECT SUM(CASE WHEN e.debit_kind = 'payer_paid' AND e.debit_payer = r.payer_id THEN e.amount ELSE 0 END -
                   CASE WHEN e.credit_kind = 'payer_paid' AND e.credit_payer = r.payer_id THEN e.amount ELSE 0 END)
        FROM remit_claim rc JOIN ledger_pair e ON e.org_id = rc.org_id AND e.txn_id = rc.ledger_txn_id
        WHERE rc.org_id = r.org_id AND rc.remittance_id = r.id), 0)
    FROM remittance r
    UNION ALL
    SELECT r.org_id, r.id, r.payer_id, 4, 0, 'unapplied', '', '', -1, COALESCE((
        SELECT SUM(x.amount) FROM remit_exception x WHERE x.org_id = r.org_id AND x.remittance_id = r.id), 0)
    FROM remittance r
) t
WHERE v <> 0;

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
