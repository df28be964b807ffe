-- +goose Up
-- Response files the clearinghouse inbox moved to its quarantine folder
-- because they cannot be read or applied as they are (too large, not valid
-- X12, a copy of a posted 835), with the reason, for the billers' queues.
-- Rows are written once and never changed.
CREATE TABLE inbox_quarantine (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organization(id),
    name           TEXT NOT NULL, -- the name in the inbound folder
    stored_as      TEXT NOT NULL, -- the name in the quarantine folder
    kind           TEXT NOT NULL, -- 835, 999, 277CA, 271, or '' when unreadable
    reason         TEXT NOT NULL,
    quarantined_at TEXT NOT NULL,
    user_id        INTEGER NOT NULL -- 0 for the command line
);
CREATE INDEX inbox_quarantine_org ON inbox_quarantine (org_id, id);

-- +goose Down
DROP TABLE inbox_quarantine;
