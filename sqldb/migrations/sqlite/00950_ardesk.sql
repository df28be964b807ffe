-- +goose Up
-- The A/R desk: claim status inquiries (276) and their answers (277), the
-- follow-up work items with their activity log, and appeals.

-- One 276 file, stored before it leaves under the caller's idempotency key,
-- so a retry resends the same bytes and never asks twice.
CREATE TABLE claim_status_batch (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organization(id),
    idem_key   TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    receiver   TEXT NOT NULL,
    reference  TEXT NOT NULL,
    content    TEXT NOT NULL, -- sealed: the 276 names patients and member IDs
    sealed_key TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    sent_at    TEXT NOT NULL, -- '' until the clearinghouse has it
    UNIQUE (org_id, idem_key),
    UNIQUE (org_id, id)
);

-- One claim asked about in a 276, and the 277's answer once read.
CREATE TABLE claim_status_check (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    batch_id     INTEGER NOT NULL,
    claim_id     INTEGER NOT NULL,
    patient_id   INTEGER NOT NULL,
    payer_id     INTEGER NOT NULL,
    trace        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    answered_at  TEXT NOT NULL, -- '' until a 277 answers
    answer_file  TEXT NOT NULL,
    category     TEXT NOT NULL,
    code         TEXT NOT NULL,
    entity       TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    words        TEXT NOT NULL,
    payer_claim  TEXT NOT NULL,
    status_date  TEXT NOT NULL,
    adjudicated  TEXT NOT NULL,
    check_date   TEXT NOT NULL,
    check_number TEXT NOT NULL,
    paid         INTEGER NOT NULL,
    UNIQUE (org_id, trace),
    FOREIGN KEY (org_id, batch_id) REFERENCES claim_status_batch(org_id, id),
    FOREIGN KEY (org_id, claim_id) REFERENCES claim(org_id, id)
);
CREATE INDEX claim_status_check_claim ON claim_status_check (org_id, claim_id, id);

-- A claim or line that needs a person: denied, underpaid, not on file at
-- the payer. Sorted by deadline and stake for the follow-up queue.
CREATE TABLE followup_item (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    claim_id        INTEGER NOT NULL,
    patient_id      INTEGER NOT NULL,
    payer_id        INTEGER NOT NULL,
    line_code       TEXT NOT NULL, -- '' when the item is about the whole claim
    kind            TEXT NOT NULL, -- denial, underpayment, status
    category        TEXT NOT NULL, -- root cause
    reasons         TEXT NOT NULL, -- e.g. CO-50 N115, as the payer gave them
    summary         TEXT NOT NULL,
    stake           INTEGER NOT NULL, -- cents at stake
    opened_on       TEXT NOT NULL,
    appeal_by       TEXT NOT NULL,
    filing_by       TEXT NOT NULL,
    due             TEXT NOT NULL, -- the earlier deadline, for sorting
    owner_id        INTEGER NOT NULL, -- 0 when nobody owns it
    follow_up       TEXT NOT NULL,
    state           TEXT NOT NULL, -- open, closed
    outcome         TEXT NOT NULL,
    source          TEXT NOT NULL, -- what opened it, unique per claim: no item twice
    closed_at       TEXT NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, claim_id, source),
    FOREIGN KEY (org_id, claim_id) REFERENCES claim(org_id, id)
);
CREATE INDEX followup_item_queue ON followup_item (org_id, state, due, stake DESC, id);

CREATE TABLE followup_note (
    id       INTEGER PRIMARY KEY,
    org_id   INTEGER NOT NULL,
    item_id  INTEGER NOT NULL,
    at       TEXT NOT NULL,
    user_id  INTEGER NOT NULL,
    action   TEXT NOT NULL,
    note     TEXT NOT NULL,
    FOREIGN KEY (org_id, item_id) REFERENCES followup_item(org_id, id)
);
CREATE INDEX followup_note_item ON followup_note (org_id, item_id, id);

CREATE TABLE appeal (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL,
    claim_id   INTEGER NOT NULL,
    item_id    INTEGER NOT NULL, -- 0 when not opened from a work item
    level      TEXT NOT NULL, -- first, second, external
    reason     TEXT NOT NULL,
    argument   TEXT NOT NULL,
    address    TEXT NOT NULL, -- the payer's appeals address, one line each
    documents  TEXT NOT NULL, -- one name a line
    sent_on    TEXT NOT NULL,
    answer_by  TEXT NOT NULL,
    state      TEXT NOT NULL, -- open, overturned, upheld
    created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, claim_id) REFERENCES claim(org_id, id)
);
CREATE INDEX appeal_claim ON appeal (org_id, claim_id);

-- +goose Down
DROP TABLE appeal;
DROP TABLE followup_note;
DROP TABLE followup_item;
DROP TABLE claim_status_check;
DROP TABLE claim_status_batch;
