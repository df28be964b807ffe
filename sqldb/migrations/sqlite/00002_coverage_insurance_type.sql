-- +goose Up
-- The Medicare Secondary Payer type of a coverage (837P SBR05): why another
-- payer is primary to Medicare. Empty for every other coverage.
ALTER TABLE coverage ADD COLUMN insurance_type TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE coverage DROP COLUMN insurance_type;
