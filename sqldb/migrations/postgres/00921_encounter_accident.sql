-- +goose Up
-- The onset of the illness or injury (837P DTP*431) and, when the visit
-- follows an accident, its date, cause and state (CLM11, DTP*439), as the
-- encounter records them; a claim built from the encounter carries them.
ALTER TABLE encounter ADD COLUMN onset_date TEXT NOT NULL DEFAULT '';
ALTER TABLE encounter ADD COLUMN accident_date TEXT NOT NULL DEFAULT '';
ALTER TABLE encounter ADD COLUMN accident_cause TEXT NOT NULL DEFAULT '';
ALTER TABLE encounter ADD COLUMN accident_state TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE encounter DROP COLUMN accident_state;
ALTER TABLE encounter DROP COLUMN accident_cause;
ALTER TABLE encounter DROP COLUMN accident_date;
ALTER TABLE encounter DROP COLUMN onset_date;
