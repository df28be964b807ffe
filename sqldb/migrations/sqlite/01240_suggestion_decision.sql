-- +goose Up
-- A coder's decision on a computer-assisted coding suggestion
-- (rcm.SuggestionDecision): accepted, rejected with a reason from the short
-- list, or changed to another code. Kept, never edited: the suggestions'
-- precision and recall are measured from these rows, and the coding audit
-- and practice mode read them. Evidence is byte offsets into the sealed
-- note ("start-end,start-end"), never the note's words.
CREATE TABLE suggestion_decision (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    encounter_id INTEGER NOT NULL,
    patient_id   INTEGER NOT NULL,
    system       TEXT NOT NULL,
    code         TEXT NOT NULL,
    units        INTEGER NOT NULL,
    evidence     TEXT NOT NULL,
    decision     TEXT NOT NULL,
    reason       TEXT NOT NULL,
    replacement  TEXT NOT NULL,
    user_id      INTEGER NOT NULL,
    at           TEXT NOT NULL,
    FOREIGN KEY (org_id, encounter_id) REFERENCES encounter(org_id, id)
);
CREATE INDEX suggestion_decision_encounter ON suggestion_decision (org_id, encounter_id);
CREATE INDEX suggestion_decision_at ON suggestion_decision (org_id, at);

-- +goose Down
DROP TABLE suggestion_decision;
