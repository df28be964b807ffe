-- +goose Up
-- The coder of an encounter is the user who last saved it as coded: the
-- coding audit's sampling frame. Billing the encounter (claim build) changes
-- its status but not its coder, so a coder's billed work stays in the frame.
ALTER TABLE encounter ADD COLUMN coded_by BIGINT NOT NULL DEFAULT 0;
-- Encounters coded before this column: the last user to create or update
-- them, as the audit log tells (billed ones are left out: their last update
-- is the claim build's).
UPDATE encounter SET coded_by = COALESCE((SELECT v.user_id FROM audit_event v
    WHERE v.org_id = encounter.org_id AND v.entity = 'encounter' AND v.entity_id = encounter.id
    AND v.action IN ('create', 'update') ORDER BY v.id DESC LIMIT 1), 0)
WHERE status = 'coded';
CREATE INDEX encounter_coded_by ON encounter (org_id, coded_by, date_of_service);

-- +goose Down
DROP INDEX encounter_coded_by;
ALTER TABLE encounter DROP COLUMN coded_by;
