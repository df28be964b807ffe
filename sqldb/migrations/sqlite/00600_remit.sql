-- +goose Up
-- Remittance posting (package remit): each 835 posted, its claim payments
-- (CLP) and service payments (SVC) with how they matched, provider-level
-- adjustments (PLB) and the exceptions queue. Rows are written once, in the
-- posting's transaction; only an exception's resolution is updated.

CREATE TABLE remittance (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    payer_id        INTEGER NOT NULL,
    trace           TEXT NOT NULL,    -- TRN02
    trace_originator TEXT NOT NULL,   -- TRN03
    control         TEXT NOT NULL,    -- ST02
    handling        TEXT NOT NULL,    -- BPR01
    method          TEXT NOT NULL,    -- BPR04
    amount          INTEGER NOT NULL, -- BPR02 in cents, negative for a debit
    paid_on         TEXT NOT NULL,    -- BPR16
    payer_name      TEXT NOT NULL,
    claims          INTEGER NOT NULL,
    exceptions      INTEGER NOT NULL,
    posted_at       TEXT NOT NULL,
    user_id         INTEGER NOT NULL,
    UNIQUE (org_id, id),
    -- An 835 is its payer and trace number: it posts once.
    UNIQUE (org_id, payer_id, trace),
    FOREIGN KEY (org_id, payer_id) REFERENCES payer(org_id, id)
);

CREATE TABLE remit_claim (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL,
    remittance_id      INTEGER NOT NULL,
    seq                INTEGER NOT NULL, -- 1-based CLP position in the 835
    claim_id           INTEGER,          -- NULL when no claim matched
    matched_by         TEXT NOT NULL,
    control_number     TEXT NOT NULL,    -- CLP01
    status             TEXT NOT NULL,    -- CLP02
    charge             INTEGER NOT NULL, -- CLP03
    paid               INTEGER NOT NULL, -- CLP04
    patient_resp       INTEGER NOT NULL, -- CLP05
    filing_indicator   TEXT NOT NULL,    -- CLP06
    payer_claim_number TEXT NOT NULL,    -- CLP07
    adjustments        TEXT NOT NULL,    -- claim-level CAS as JSON
    remarks            TEXT NOT NULL,    -- MOA/MIA remark codes, comma separated
    outcome            TEXT NOT NULL,    -- posted, reversal, exception, no_payment
    claim_state        TEXT NOT NULL,    -- the claim's state after this CLP
    ledger_txn_id      INTEGER,
    reverses_id        INTEGER,          -- the remit_claim a reversal undoes
    secondary_claim_id INTEGER,
    transferred        INTEGER NOT NULL, -- moved to the next payer
    UNIQUE (org_id, id),
    UNIQUE (remittance_id, seq),
    FOREIGN KEY (org_id, remittance_id) REFERENCES remittance(org_id, id),
    FOREIGN KEY (org_id, claim_id) REFERENCES claim(org_id, id),
    FOREIGN KEY (org_id, ledger_txn_id) REFERENCES ledger_txn(org_id, id),
    FOREIGN KEY (org_id, secondary_claim_id) REFERENCES claim(org_id, id)
);
CREATE INDEX remit_claim_claim ON remit_claim (org_id, claim_id);

CREATE TABLE remit_line (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL,
    remit_claim_id   INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    service_line_id  INTEGER,
    claim_line       INTEGER NOT NULL, -- 1-based line on the claim, 0 when unmatched
    match            TEXT NOT NULL,    -- exact, modifier_dropped, code_changed, claim_level
    code             TEXT NOT NULL,    -- SVC01-2
    modifiers        TEXT NOT NULL,
    original_code    TEXT NOT NULL,    -- SVC06-2
    original_modifiers TEXT NOT NULL,
    charge           INTEGER NOT NULL, -- SVC02
    paid             INTEGER NOT NULL, -- SVC03
    units            INTEGER NOT NULL, -- SVC05
    allowed          INTEGER,          -- AMT*B6
    date_of_service  TEXT NOT NULL,    -- DTM*472
    line_control     TEXT NOT NULL,    -- REF*6R
    adjustments      TEXT NOT NULL,    -- CAS as JSON
    remarks          TEXT NOT NULL,    -- LQ*HE, comma separated
    denied           INTEGER NOT NULL, -- 1: nothing paid, nothing to the patient
    UNIQUE (remit_claim_id, seq),
    FOREIGN KEY (org_id, remit_claim_id) REFERENCES remit_claim(org_id, id)
);
CREATE INDEX remit_line_denied ON remit_line (org_id, denied);

CREATE TABLE remit_plb (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL,
    remittance_id INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    provider      TEXT NOT NULL,    -- PLB01
    fiscal_period TEXT NOT NULL,    -- PLB02
    reason        TEXT NOT NULL,    -- PLB03-1
    reference     TEXT NOT NULL,    -- PLB03-2
    amount        INTEGER NOT NULL, -- PLB04, positive reduces the payment
    UNIQUE (remittance_id, seq),
    FOREIGN KEY (org_id, remittance_id) REFERENCES remittance(org_id, id)
);

CREATE TABLE remit_exception (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL,
    remittance_id  INTEGER NOT NULL,
    remit_claim_id INTEGER NOT NULL,
    reason         TEXT NOT NULL,
    amount         INTEGER NOT NULL, -- CLP04 left unposted
    created_at     TEXT NOT NULL,
    resolved_at    TEXT NOT NULL,    -- '' while open
    FOREIGN KEY (org_id, remittance_id) REFERENCES remittance(org_id, id),
    FOREIGN KEY (org_id, remit_claim_id) REFERENCES remit_claim(org_id, id)
);
CREATE INDEX remit_exception_open ON remit_exception (org_id, resolved_at);

-- A CLP whose control number matches no claim is looked up by CLP07.
CREATE INDEX claim_payer_claim_number ON claim (org_id, payer_claim_number);

-- +goose Down
DROP INDEX claim_payer_claim_number;
DROP TABLE remit_exception;
DROP TABLE remit_plb;
DROP TABLE remit_line;
DROP TABLE remit_claim;
DROP TABLE remittance;
