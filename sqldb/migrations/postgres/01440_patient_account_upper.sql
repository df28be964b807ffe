-- +goose Up
-- Patients are found by account number ignoring case (an HL7 PID-3, the
-- MRN, names the patient of every message an EHR sends): without an index
-- on the expression the lookup read every patient of the organization, so
-- an import slowed as the practice grew.
CREATE INDEX patient_account_upper ON patient (org_id, upper(account_number));

-- +goose Down
DROP INDEX patient_account_upper;
