-- +goose Up
-- The patients a list read showed: one audit event per list, one row here
-- per patient on it, so an accounting of disclosures finds the list under
-- each patient it named. The ids are part of the event's hash, and the rows
-- are append-only like the events they belong to.
CREATE TABLE audit_list_patient (
    org_id     INTEGER NOT NULL REFERENCES organization(id),
    event_id   INTEGER NOT NULL REFERENCES audit_event(id),
    patient_id INTEGER NOT NULL,
    PRIMARY KEY (event_id, patient_id)
);
CREATE INDEX audit_list_patient_by_patient ON audit_list_patient (org_id, patient_id, event_id);

-- +goose StatementBegin
CREATE TRIGGER audit_list_patient_no_update BEFORE UPDATE ON audit_list_patient
BEGIN
    SELECT RAISE(ABORT, 'audit_list_patient is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_list_patient_no_delete BEFORE DELETE ON audit_list_patient
BEGIN
    SELECT RAISE(ABORT, 'audit_list_patient is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_list_patient;
