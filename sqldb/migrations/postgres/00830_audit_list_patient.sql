-- +goose Up
-- The patients a list read showed: one audit event per list, one row here
-- per patient on it, so an accounting of disclosures finds the list under
-- each patient it named. The ids are part of the event's hash, and the rows
-- are append-only like the events they belong to.
CREATE TABLE audit_list_patient (
    org_id     BIGINT NOT NULL REFERENCES organization(id),
    event_id   BIGINT NOT NULL REFERENCES audit_event(id),
    patient_id BIGINT NOT NULL,
    PRIMARY KEY (event_id, patient_id)
);
CREATE INDEX audit_list_patient_by_patient ON audit_list_patient (org_id, patient_id, event_id);

-- +goose StatementBegin
CREATE FUNCTION audit_list_patient_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_list_patient is append-only';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_list_patient_no_change BEFORE UPDATE OR DELETE ON audit_list_patient
    FOR EACH ROW EXECUTE FUNCTION audit_list_patient_append_only();

-- +goose Down
DROP TRIGGER audit_list_patient_no_change ON audit_list_patient;
DROP FUNCTION audit_list_patient_append_only();
DROP TABLE audit_list_patient;
