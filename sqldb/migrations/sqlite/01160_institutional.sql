-- +goose Up
-- Institutional (837I, UB-04) data of an encounter and of the claims built
-- from it (rcm.Institutional) as JSON; '' on professional ones. A facility
-- that bills on its own has a taxonomy and a kind (rcm.FacilityKinds).
ALTER TABLE encounter ADD COLUMN institutional TEXT NOT NULL DEFAULT '';
ALTER TABLE claim ADD COLUMN institutional TEXT NOT NULL DEFAULT '';
ALTER TABLE facility ADD COLUMN taxonomy TEXT NOT NULL DEFAULT '';
ALTER TABLE facility ADD COLUMN kind TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE facility DROP COLUMN kind;
ALTER TABLE facility DROP COLUMN taxonomy;
ALTER TABLE claim DROP COLUMN institutional;
ALTER TABLE encounter DROP COLUMN institutional;
