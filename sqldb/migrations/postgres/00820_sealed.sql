-- +goose Up
-- Member IDs, the subscriber (with the subscriber's date of birth), the
-- clinical note, and the files that carry them (the 837P batches sent, the
-- 271 answers kept) are stored sealed (package seal: AES-256-GCM envelopes,
-- "enc:v1:<key id>:..."). sealed_key names the key a row's values are
-- sealed under, '' for a row written before sealing, whose values are
-- still plaintext until Open or `rcm keys rotate` seals them. member_index
-- is the blind index (keyed HMAC) of the normalized member ID, the only way
-- to find a coverage by member ID.
ALTER TABLE coverage ADD COLUMN sealed_key TEXT NOT NULL DEFAULT '';
ALTER TABLE coverage ADD COLUMN member_index TEXT NOT NULL DEFAULT '';
CREATE INDEX coverage_member_index ON coverage (org_id, member_index);
CREATE INDEX coverage_unsealed ON coverage (id) WHERE sealed_key = '';
ALTER TABLE encounter ADD COLUMN sealed_key TEXT NOT NULL DEFAULT '';
CREATE INDEX encounter_unsealed ON encounter (id) WHERE sealed_key = '';
ALTER TABLE submission ADD COLUMN sealed_key TEXT NOT NULL DEFAULT '';
CREATE INDEX submission_unsealed ON submission (id) WHERE sealed_key = '';
ALTER TABLE eligibility_result ADD COLUMN sealed_key TEXT NOT NULL DEFAULT '';
CREATE INDEX eligibility_result_unsealed ON eligibility_result (id) WHERE sealed_key = '';

-- +goose Down
DROP INDEX eligibility_result_unsealed;
ALTER TABLE eligibility_result DROP COLUMN sealed_key;
DROP INDEX submission_unsealed;
ALTER TABLE submission DROP COLUMN sealed_key;
DROP INDEX encounter_unsealed;
ALTER TABLE encounter DROP COLUMN sealed_key;
DROP INDEX coverage_unsealed;
DROP INDEX coverage_member_index;
ALTER TABLE coverage DROP COLUMN member_index;
ALTER TABLE coverage DROP COLUMN sealed_key;
