-- +goose Up
-- The guarantor (responsible party) of a patient, as JSON (rcm.Guarantor);
-- '' when the patient pays their own bill.
ALTER TABLE patient ADD COLUMN guarantor TEXT NOT NULL DEFAULT '';

-- Messages received from EHR interfaces (HL7 v2, FHIR), one row per kind
-- and control id (MSH-10): a resent message finds its row and changes
-- nothing; a failed one waits here, with the field at fault, to be fixed
-- and replayed.
CREATE TABLE interface_message (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organization(id),
    kind         TEXT NOT NULL,
    control_id   TEXT NOT NULL,
    type         TEXT NOT NULL,
    status       TEXT NOT NULL,
    ack          TEXT NOT NULL,
    error_field  TEXT NOT NULL DEFAULT '',
    error_text   TEXT NOT NULL DEFAULT '',
    patient_id   INTEGER NOT NULL DEFAULT 0,
    encounter_id INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 1,
    received_at  TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    body         TEXT NOT NULL,
    UNIQUE (org_id, kind, control_id)
);
CREATE INDEX interface_message_status ON interface_message (org_id, status, id);

-- The encounter an interface made for a visit number (PV1-19, a FHIR
-- Encounter identifier): later charges for the visit join it.
CREATE TABLE interface_visit (
    org_id       INTEGER NOT NULL REFERENCES organization(id),
    kind         TEXT NOT NULL,
    visit        TEXT NOT NULL,
    encounter_id INTEGER NOT NULL REFERENCES encounter(id),
    PRIMARY KEY (org_id, kind, visit)
);

-- +goose Down
DROP TABLE interface_visit;
DROP TABLE interface_message;
ALTER TABLE patient DROP COLUMN guarantor;
